package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When to renew the certificate of a block that outlives it, and what to do when a renewal fails: renew at two
 * thirds of the certificate's lifetime (as kubelet and cert-manager do, leaving a third for retries); on a failure
 * keep the current file and retry with a doubling backoff (5 s up to 5 min) until the certificate expires; on a
 * policy refusal stop for good. One schedule per kubeconfig file; not thread-safe (its one renewer task uses it).
 */
public final class RenewalSchedule {
    /** The first retry after a failed renewal; each further one waits twice as long, up to {@link #MAX_RETRY}. */
    public static final Duration FIRST_RETRY = Duration.ofSeconds(5);
    public static final Duration MAX_RETRY = Duration.ofMinutes(5);

    /** Where a schedule stands. Every state but {@link #RENEWING} is final. */
    public enum State {
        /** A renewal is due at {@link #nextAttempt()}. */
        RENEWING,
        /** The policy refused a renewal (e.g. the job binding was removed): no more renewals. */
        REFUSED,
        /** Renewals kept failing until the certificate expired. */
        EXPIRED,
        /** The block ended (or the renewer was stopped): no more renewals. */
        ENDED
    }

    private final Clock clock;
    private Instant issuedAt;
    private Instant notAfter;
    private Instant next;
    private int failures;
    private State state = State.RENEWING;
    @CheckForNull
    private String reason;

    /**
     * @param issuedAt when the current certificate was issued (its notBefore is back-dated, so it is not used)
     * @param notAfter when the current certificate expires
     */
    public RenewalSchedule(Instant issuedAt, Instant notAfter, Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.issuedAt = Objects.requireNonNull(issuedAt, "issuedAt");
        this.notAfter = Objects.requireNonNull(notAfter, "notAfter");
        if (!notAfter.isAfter(issuedAt)) {
            throw new IllegalArgumentException("a certificate expires after it is issued");
        }
        this.next = renewalTime(issuedAt, notAfter);
    }

    /** Two thirds of the way from issuance to expiry. */
    public static Instant renewalTime(Instant issuedAt, Instant notAfter) {
        Duration lifetime = Duration.between(issuedAt, notAfter);
        return issuedAt.plus(lifetime.multipliedBy(2).dividedBy(3));
    }

    public State state() {
        return state;
    }

    /** When to try next; null once the schedule has stopped. */
    @CheckForNull
    public Instant nextAttempt() {
        return state == State.RENEWING ? next : null;
    }

    /** How long from now until the next attempt (zero when due); null once stopped. For a scheduler's delay. */
    @CheckForNull
    public Duration delay() {
        if (state != State.RENEWING) {
            return null;
        }
        Duration d = Duration.between(clock.instant(), next);
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** Whether a renewal should be attempted now. */
    public boolean due() {
        return state == State.RENEWING && !clock.instant().isBefore(next);
    }

    /** When the current certificate, the one in the file, was issued. */
    public Instant issuedAt() {
        return issuedAt;
    }

    /** When the current certificate, the one in the file, expires. */
    public Instant notAfter() {
        return notAfter;
    }

    /** How many renewals failed in a row since the last success. */
    public int failures() {
        return failures;
    }

    /** Why the schedule stopped (the refusal's or the last failure's message); null while renewing or ended. */
    @CheckForNull
    public String reason() {
        return reason;
    }

    /** A new certificate replaced the file: the next renewal is at two thirds of its lifetime. */
    public void renewed(Instant newNotAfter) {
        requireRenewing();
        Instant now = clock.instant();
        if (!newNotAfter.isAfter(now)) {
            throw new IllegalArgumentException("the new certificate has already expired");
        }
        issuedAt = now;
        notAfter = newNotAfter;
        failures = 0;
        next = renewalTime(issuedAt, notAfter);
    }

    /**
     * A renewal failed for a reason that may pass (the agent is offline, the CA cannot be read): the file is kept and
     * the renewal retried after a backoff, unless the certificate expires first.
     *
     * @return {@link State#RENEWING} with a new {@link #nextAttempt()}, or {@link State#EXPIRED}
     */
    public State failed(String why) {
        requireRenewing();
        failures++;
        Instant now = clock.instant();
        Instant retry = now.plus(backoff(failures));
        if (!retry.isBefore(notAfter)) {
            state = State.EXPIRED;
            reason = why;
        } else {
            next = retry;
        }
        return state;
    }

    /** The policy refused a renewal: it would refuse the next one too, so renewing stops. */
    public void refused(String why) {
        requireRenewing();
        state = State.REFUSED;
        reason = why;
    }

    /** The block ended. Idempotent; a schedule that already stopped keeps its state. */
    public void end() {
        if (state == State.RENEWING) {
            state = State.ENDED;
        }
    }

    /** The wait after the {@code n}th failure in a row: 5 s, 10 s, 20 s ... at most 5 min. */
    static Duration backoff(int n) {
        int doublings = Math.min(Math.max(n - 1, 0), 16);
        Duration d = FIRST_RETRY.multipliedBy(1L << doublings);
        return d.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : d;
    }

    private void requireRenewing() {
        if (state != State.RENEWING) {
            throw new IllegalStateException("the schedule has stopped (" + state + ")");
        }
    }

    @Override
    public String toString() {
        return "RenewalSchedule[" + state + (state == State.RENEWING ? ", next " + next : "") + ", certificate until "
                + notAfter + ", " + failures + " failures]";
    }
}
