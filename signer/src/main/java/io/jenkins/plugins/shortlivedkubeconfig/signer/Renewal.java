package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * What renewing one block's kubeconfig takes, kept beside its directory in {@link LiveDirectories} so that a
 * restarted controller can take the renewals over: the request as the block stated it (checked against the policy
 * again at every renewal), the CSR of the key kept on the node, and when the certificate now in the file was issued
 * and expires (the schedule's inputs). Nothing in it is secret.
 *
 * @param request the block's request; its requester is the build that owns the directory
 * @param csr the request of the key on the node; every renewal certifies that key again
 * @param issuedAt when the certificate in the file was issued
 * @param notAfter when it expires
 */
public record Renewal(KubeconfigRequest request, ClientCsr csr, Instant issuedAt, Instant notAfter) {
    public Renewal {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(csr, "csr");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(notAfter, "notAfter");
        if (!notAfter.isAfter(issuedAt)) {
            throw new IllegalArgumentException("a certificate expires after it is issued");
        }
    }

    /** The same renewal after a new certificate replaced the file. */
    public Renewal renewed(Instant newIssuedAt, Instant newNotAfter) {
        return new Renewal(request, csr, newIssuedAt, newNotAfter);
    }

    /** The schedule that picks up where this renewal stands: the next attempt at two thirds of its lifetime. */
    public RenewalSchedule schedule(Clock clock) {
        return new RenewalSchedule(issuedAt, notAfter, clock);
    }

    /** Whether the certificate in the file has expired by {@code now} (then there is nothing left to renew). */
    public boolean expiredAt(Instant now) {
        return !now.isBefore(notAfter);
    }
}
