package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.shortlivedkubeconfig.signer.Requester.EntryPoint;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The core call the Jenkins CLI command and the REST endpoint share: a caller's request, resolved and audited. */
class CallerSigningTest {
    static final Instant NOW = Instant.parse("2026-12-01T09:00:00Z");

    final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    final List<AuditEvent> audit = Collections.synchronizedList(new ArrayList<>());
    final CertificateAuthority ca;
    final SigningService service;

    CallerSigningTest() throws Exception {
        ca = IssuerTest.ca(clock, Duration.ofDays(365));
        ClusterTarget prod = new ClusterTarget(ClusterEndpoint.of("prod", "https://127.0.0.1:6443", null, null,
                "default"), () -> ca, ca.fingerprintSha256(), "credential \"ca\"");
        service = new SigningService(CallerBindingTest.policy(), List.of(prod), Duration.ofHours(1), clock,
                audit::add);
    }

    static KubeconfigRequest by(String user, String... groups) {
        return KubeconfigRequest.by(Requester.caller(user, List.of(groups), EntryPoint.CLI));
    }

    private PolicyRefusal refused(KubeconfigRequest request, String rule) {
        PolicyRefusal refusal = (PolicyRefusal) org.assertj.core.api.Assertions.catchThrowable(
                () -> service.issue(request));
        assertThat(refusal).isNotNull();
        assertThat(refusal.rule()).isEqualTo(rule);
        assertThat(audit).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(AuditEvent.Outcome.REFUSED);
            assertThat(e.rule()).isEqualTo(rule);
            assertThat(e.requester()).isEqualTo(request.requester());
        });
        return refusal;
    }

    @Test
    void issuesToABoundCallerWithTheOnlyRobotUserItMayUse() throws Exception {
        IssuedKubeconfig issued = service.issue(by("alice"));
        assertThat(issued.robotUser()).isEqualTo("deployer");
        assertThat(issued.cluster()).isEqualTo("prod");
        assertThat(Duration.between(NOW, issued.notAfter())).isEqualTo(Duration.ofHours(1));
        assertThat(audit).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(AuditEvent.Outcome.ISSUED);
            assertThat(e.toJson()).contains("\"caller\":\"alice\",\"entry_point\":\"cli\",\"robot_user\":\"deployer\"")
                    .doesNotContain("\"job\"", "\"build\"", "PRIVATE");
        });
    }

    @Test
    void issuesToAMemberOfABoundGroupWithTheRequestedNamespace() throws Exception {
        IssuedKubeconfig issued = service.issue(by("carol", "ops").withRobotUser("deployer").withTtl("30m")
                .withNamespace("team-a"));
        assertThat(new String(issued.kubeconfig(), StandardCharsets.UTF_8)).contains("namespace: \"team-a\"");
        assertThat(Duration.between(NOW, issued.notAfter())).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void refusesACallerNoBindingNames() {
        PolicyRefusal e = refused(by("mallory", "admins"), "no-caller-binding");
        assertThat(e.getMessage()).startsWith("no robot user of the policy may be used by Jenkins user \"mallory\"");
    }

    @Test
    void refusesAnUnboundRobotUserForACaller() {
        refused(by("alice").withRobotUser("jenkins"), "caller-not-allowed");
    }

    @Test
    void refusesAnUnknownRobotUserForACaller() {
        refused(by("alice").withRobotUser("ghost"), "unknown-robot-user");
    }

    @Test
    void refusesAnInvalidNamespaceAsInvalidInput() {
        assertThatThrownBy(() -> service.issue(by("alice").withNamespace("Team_A")))
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("namespace: \"Team_A\" is not");
        assertThat(audit).singleElement().satisfies(e -> assertThat(e.rule()).isEqualTo("invalid-request"));
    }

    @Test
    void asksToChooseWhenACallerMayUseSeveralRobotUsers() throws Exception {
        RobotPolicy two = new PolicyParser().parse(CallerBindingTest.POLICY + """
                ---
                kind: caller_binding
                version: v1
                metadata: {name: more}
                spec: {users: [jenkins], groups: [ops]}
                """, "robots.yaml");
        SigningService s = new SigningService(two, List.of(new ClusterTarget(ClusterEndpoint.of("prod",
                "https://127.0.0.1:6443", null, null, null), () -> ca, ca.fingerprintSha256(), "ca")),
                Duration.ofHours(1), clock, audit::add);
        assertThatThrownBy(() -> s.issue(by("carol", "ops"))).hasMessage("user: Jenkins user \"carol\" may act as "
                + "several robot users (deployer, jenkins); choose one");
        assertThat(s.issue(by("carol", "ops").withRobotUser("jenkins")).robotUser()).isEqualTo("jenkins");
        assertThat(s.issue(by("alice")).robotUser()).isEqualTo("deployer");
    }
}
