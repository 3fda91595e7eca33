package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When a long block's certificate is renewed, and what failures and refusals do, with a clock the test moves. */
class RenewalScheduleTest {
    static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");
    final SteppingClock clock = new SteppingClock(T0);

    RenewalSchedule oneHour() {
        return new RenewalSchedule(T0, T0.plus(Duration.ofHours(1)), clock);
    }

    @Test
    void renewsAtTwoThirdsOfTheLifetime() {
        RenewalSchedule schedule = oneHour();
        assertThat(schedule.nextAttempt()).isEqualTo(T0.plus(Duration.ofMinutes(40)));
        assertThat(schedule.delay()).isEqualTo(Duration.ofMinutes(40));
        clock.step(Duration.ofMinutes(39).plusSeconds(59));
        assertThat(schedule.due()).isFalse();
        clock.step(Duration.ofSeconds(1));
        assertThat(schedule.due()).isTrue();
        assertThat(schedule.delay()).isZero();
    }

    @Test
    void aRenewalStartsTheNextLifetimeFromWhenItWasIssued() {
        RenewalSchedule schedule = oneHour();
        for (int i = 1; i <= 5; i++) {
            clock.set(schedule.nextAttempt());
            schedule.renewed(clock.instant().plus(Duration.ofHours(1)));
            assertThat(schedule.nextAttempt()).isEqualTo(T0.plus(Duration.ofMinutes(40L * (i + 1))));
            assertThat(schedule.notAfter()).isEqualTo(T0.plus(Duration.ofMinutes(40L * i + 60)));
            assertThat(schedule.issuedAt()).isEqualTo(T0.plus(Duration.ofMinutes(40L * i)));
        }
        assertThat(schedule.state()).isEqualTo(RenewalSchedule.State.RENEWING);
    }

    @Test
    void theShortestTtlRenewsAfterFortySeconds() {
        RenewalSchedule schedule = new RenewalSchedule(T0, T0.plus(Ttl.MINIMUM), clock);
        assertThat(schedule.nextAttempt()).isEqualTo(T0.plusSeconds(40));
    }

    @Test
    void failuresKeepTheFileAndRetryWithABoundedDoublingBackoffUntilExpiry() {
        RenewalSchedule schedule = oneHour();
        clock.set(schedule.nextAttempt()); // 40 min: 20 min left
        Duration[] waits = {Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20),
            Duration.ofSeconds(40), Duration.ofSeconds(80), Duration.ofSeconds(160), Duration.ofMinutes(5),
            Duration.ofMinutes(5)};
        for (Duration wait : waits) {
            assertThat(schedule.failed("agent offline")).isEqualTo(RenewalSchedule.State.RENEWING);
            assertThat(schedule.nextAttempt()).isEqualTo(clock.instant().plus(wait));
            clock.set(schedule.nextAttempt());
        }
        // 40 min + 5+10+20+40+80+160 s + 10 min = 55m15s: the next retry would come after expiry at 60 min.
        assertThat(clock.instant()).isEqualTo(T0.plus(Duration.ofMinutes(55)).plusSeconds(15));
        assertThat(schedule.failed("agent offline")).isEqualTo(RenewalSchedule.State.EXPIRED);
        assertThat(schedule.nextAttempt()).isNull();
        assertThat(schedule.delay()).isNull();
        assertThat(schedule.reason()).isEqualTo("agent offline");
        assertThat(schedule.failures()).isEqualTo(9);
    }

    @Test
    void aSuccessAfterFailuresResetsTheBackoff() {
        RenewalSchedule schedule = oneHour();
        clock.set(schedule.nextAttempt());
        schedule.failed("CA unreadable");
        schedule.failed("CA unreadable");
        clock.set(schedule.nextAttempt());
        schedule.renewed(clock.instant().plus(Duration.ofHours(1)));
        assertThat(schedule.failures()).isZero();
        clock.set(schedule.nextAttempt());
        schedule.failed("again");
        assertThat(schedule.nextAttempt()).isEqualTo(clock.instant().plusSeconds(5));
    }

    @Test
    void aRefusalStopsRenewingForGood() {
        RenewalSchedule schedule = oneHour();
        clock.set(schedule.nextAttempt());
        schedule.refused("no robot user of the policy may be used by job \"apps/api\"");
        assertThat(schedule.state()).isEqualTo(RenewalSchedule.State.REFUSED);
        assertThat(schedule.reason()).contains("apps/api");
        assertThat(schedule.due()).isFalse();
        assertThat(schedule.nextAttempt()).isNull();
        assertThatThrownBy(() -> schedule.renewed(T0.plus(Duration.ofHours(3))))
                .isInstanceOf(IllegalStateException.class);
        schedule.end();
        assertThat(schedule.state()).isEqualTo(RenewalSchedule.State.REFUSED);
    }

    @Test
    void theEndOfTheBlockStopsRenewing() {
        RenewalSchedule schedule = oneHour();
        schedule.end();
        schedule.end();
        clock.step(Duration.ofHours(1));
        assertThat(schedule.state()).isEqualTo(RenewalSchedule.State.ENDED);
        assertThat(schedule.due()).isFalse();
        assertThatThrownBy(() -> schedule.failed("x")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> new RenewalSchedule(T0, T0, clock)).isInstanceOf(IllegalArgumentException.class);
        RenewalSchedule schedule = oneHour();
        assertThatThrownBy(() -> schedule.renewed(T0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void backoffIsBounded() {
        assertThat(RenewalSchedule.backoff(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(RenewalSchedule.backoff(7)).isEqualTo(Duration.ofMinutes(5));
        assertThat(RenewalSchedule.backoff(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(5));
    }
}
