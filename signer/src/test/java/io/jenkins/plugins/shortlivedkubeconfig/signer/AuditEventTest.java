package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditEventTest {
    private static AuditEvent refused(String robotUser, String reason) {
        return new AuditEvent(Instant.parse("2026-12-01T09:00:00Z"), AuditEvent.Outcome.REFUSED,
                new Requester("apps/api", 3), robotUser, null, List.of(), "prod", Duration.ofHours(1), null, null,
                "job-not-allowed", reason);
    }

    @Test
    void escapesEveryControlCharacterIncludingDelAndC1() {
        String json = refused("a\u0000b\u001bc\u007fd\u0085e\u009bf\u2028g", "r").toJson();
        assertThat(json).contains("\"robot_user\":\"a\\u0000b\\u001bc\\u007fd\\u0085e\\u009bf\\u2028g\"");
        assertThat(json.chars().filter(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f))).isEmpty();
    }

    @Test
    void cutsRequestedValuesAtAFixedLengthAndSaysHowMuchWasCut() {
        String json = refused("x".repeat(10_000), "y".repeat(10_000)).toJson();
        assertThat(json).contains("\"robot_user\":\"" + "x".repeat(AuditEvent.MAX_VALUE_LENGTH) + "\u2026(+"
                + (10_000 - AuditEvent.MAX_VALUE_LENGTH) + ")\"");
        assertThat(json).contains("\"reason\":\"" + "y".repeat(AuditEvent.MAX_REASON_LENGTH) + "\u2026(+"
                + (10_000 - AuditEvent.MAX_REASON_LENGTH) + ")\"");
        assertThat(json.length()).isLessThan(AuditEvent.MAX_VALUE_LENGTH * 4 + AuditEvent.MAX_REASON_LENGTH + 400);
    }

    @Test
    void neverCutsASurrogatePairInHalf() {
        String value = "x".repeat(AuditEvent.MAX_VALUE_LENGTH - 1) + "\uD83D\uDE00tail";
        assertThat(refused(value, "r").toJson()).contains("x\u2026(+");
    }

    @Test
    void leavesOutWhatWasNotDecidedYet() {
        AuditEvent early = new AuditEvent(Instant.parse("2026-12-01T09:00:00Z"), AuditEvent.Outcome.REFUSED,
                new Requester("apps/api", 3), null, null, List.of(), null, null, null, null, "not-configured", "no");
        assertThat(early.toJson()).isEqualTo("{\"time\":\"2026-12-01T09:00:00Z\",\"outcome\":\"refused\","
                + "\"job\":\"apps/api\",\"build\":3,\"groups\":[],\"rule\":\"not-configured\",\"reason\":\"no\"}");
    }

    @Test
    void recordsACallerAndItsEntryPointInsteadOfAJobAndBuild() {
        AuditEvent event = new AuditEvent(Instant.parse("2026-12-01T09:00:00Z"), AuditEvent.Outcome.REFUSED,
                Requester.caller("alice\u001b", List.of("ops"), Requester.EntryPoint.REST), "deployer", null,
                List.of(), null, null, null, null, "caller-not-allowed", "no");
        assertThat(event.toJson()).isEqualTo("{\"time\":\"2026-12-01T09:00:00Z\",\"outcome\":\"refused\","
                + "\"caller\":\"alice\\u001b\",\"entry_point\":\"rest\",\"robot_user\":\"deployer\",\"groups\":[],"
                + "\"rule\":\"caller-not-allowed\",\"reason\":\"no\"}");
    }
}
