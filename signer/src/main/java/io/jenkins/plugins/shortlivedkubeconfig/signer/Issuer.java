package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * The one entry point: checks a request against the policy and the bounds, signs a fresh client certificate with
 * the CA, renders the kubeconfig and records the outcome. Immutable and thread-safe; build one per loaded CA and
 * policy and share it.
 */
public final class Issuer {
    private final CertificateAuthority ca;
    private final RobotPolicy policy;
    private final Clock clock;
    private final AuditSink audit;

    public Issuer(CertificateAuthority ca, RobotPolicy policy, Clock clock, AuditSink audit) {
        this.ca = Objects.requireNonNull(ca, "ca");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    /**
     * Issues a kubeconfig with a fresh key of the requested type.
     *
     * @throws PolicyRefusal when the policy or a bound refuses; recorded in the audit trail
     * @throws InvalidInputException when the request itself is malformed (e.g. a TTL under a minute); recorded too
     */
    public IssuedKubeconfig issue(IssueRequest request) throws PolicyRefusal, InvalidInputException {
        Approval approval = approve(request);
        KeyPair key = request.keyAlgorithm().generate(Randomness.current());
        X509Certificate cert = sign(approval, key.getPublic());
        byte[] kubeconfig = Kubeconfig.render(request.cluster(), Pem.encode(cert), Pem.encode(key.getPrivate()));
        return issued(request, approval, cert, kubeconfig);
    }

    /**
     * Signs a certificate for a key the caller holds (the key never comes here). The same checks and audit as
     * {@link #issue}; the caller renders the kubeconfig with {@link Kubeconfig#render}.
     */
    public X509Certificate issueCertificate(IssueRequest request, PublicKey publicKey)
            throws PolicyRefusal, InvalidInputException {
        return certify(request, publicKey).certificate();
    }

    /**
     * Signs a certificate for the key of a checked {@link ClientCsr} (the agent-side and {@code sign --csr} flow):
     * the same checks and audit as {@link #issue}. Only the CSR's public key is used; the subject, extensions and
     * anything else it asks for are ignored, and the policy alone decides CN, O, key usages and lifetime.
     */
    public IssuedCertificate issue(IssueRequest request, ClientCsr csr) throws PolicyRefusal, InvalidInputException {
        return certify(request, csr.publicKey());
    }

    /** Checks, signs a certificate for a key held elsewhere, and audits it. */
    private IssuedCertificate certify(IssueRequest request, PublicKey publicKey)
            throws PolicyRefusal, InvalidInputException {
        Approval approval = approve(request);
        X509Certificate cert = sign(approval, publicKey);
        Grant grant = approval.grant();
        return new IssuedCertificate(cert, recordIssued(request, approval, cert), grant.robotUser(),
                grant.kubernetesUser(), grant.groups(), request.cluster(), approval.notBefore(), approval.notAfter());
    }

    /**
     * Checks a request without signing or recording anything: what {@link #issue} would grant. For form
     * validation and {@code --dry-run}.
     */
    public Grant check(IssueRequest request) throws PolicyRefusal, InvalidInputException {
        return decide(request, clock.instant()).grant();
    }

    /** The policy this issuer enforces. */
    public RobotPolicy policy() {
        return policy;
    }

    /** The CA this issuer signs with. */
    public CertificateAuthority ca() {
        return ca;
    }

    private record Approval(Grant grant, Instant notBefore, Instant notAfter) { }

    private Approval approve(IssueRequest request) throws PolicyRefusal, InvalidInputException {
        try {
            return decide(request, clock.instant());
        } catch (PolicyRefusal e) {
            refused(request, e.rule(), e.detail());
            throw e;
        } catch (InvalidInputException e) {
            refused(request, "invalid-request", e.getMessage());
            throw e;
        }
    }

    private Approval decide(IssueRequest request, Instant now) throws PolicyRefusal, InvalidInputException {
        Duration ttl = request.ttl();
        if (ttl.compareTo(Ttl.MINIMUM) < 0) {
            throw new InvalidInputException("ttl: " + Ttl.format(ttl) + " is below the minimum of "
                    + Ttl.format(Ttl.MINIMUM));
        }
        Grant grant = policy.authorize(request.robotUser(), request.kubernetesUser(), request.requester());
        if (ttl.compareTo(grant.maxTtl()) > 0) {
            throw new PolicyRefusal("ttl-above-maximum", "ttl: " + Ttl.format(ttl) + " is above the maximum of "
                    + Ttl.format(grant.maxTtl()) + " (" + grant.maxTtlSource() + "); ask for "
                    + Ttl.format(grant.maxTtl()) + " or less");
        }
        Instant notBefore = CertificateProfile.notBefore(now);
        Instant notAfter = now.plus(ttl).truncatedTo(ChronoUnit.SECONDS);
        if (notAfter.isAfter(ca.notAfter())) {
            throw new PolicyRefusal("ttl-beyond-ca-expiry", "ttl: " + Ttl.format(ttl) + " would end at " + notAfter
                    + ", after the CA expires at " + ca.notAfter() + "; ask for at most "
                    + Ttl.format(Duration.between(now, ca.notAfter()).truncatedTo(ChronoUnit.MINUTES))
                    + " or rotate the CA");
        }
        RobotProfile profile = policy.profile(request.robotUser());
        Instant expires = profile == null ? null : profile.expires();
        if (expires != null && notAfter.isAfter(expires)) {
            throw new PolicyRefusal("ttl-beyond-user-expiry", "ttl: " + Ttl.format(ttl) + " would end at " + notAfter
                    + ", after robot user \"" + request.robotUser() + "\" expires at " + expires
                    + " (metadata.expires)" + (expires.isAfter(now) ? "" : "; the user has expired"));
        }
        return new Approval(grant, notBefore, notAfter);
    }

    private X509Certificate sign(Approval approval, PublicKey key) {
        return ca.signClient(key, approval.grant().kubernetesUser(), approval.grant().groups(),
                approval.notBefore(), approval.notAfter());
    }

    private IssuedKubeconfig issued(IssueRequest request, Approval approval, X509Certificate cert,
                                    byte[] kubeconfig) {
        String serial = recordIssued(request, approval, cert);
        Grant grant = approval.grant();
        return new IssuedKubeconfig(kubeconfig, cert, serial, grant.robotUser(), grant.kubernetesUser(),
                grant.groups(), request.cluster().name(), approval.notBefore(), approval.notAfter());
    }

    /** The audit record of an issuance; returns the certificate's serial as records and messages write it. */
    private String recordIssued(IssueRequest request, Approval approval, X509Certificate cert) {
        String serial = cert.getSerialNumber().toString(16);
        Grant grant = approval.grant();
        audit.record(new AuditEvent(clock.instant(), AuditEvent.Outcome.ISSUED, request.requester(),
                request.robotUser(), grant.kubernetesUser(), grant.groups(), request.cluster().name(), request.ttl(),
                serial, approval.notAfter(), null, null));
        return serial;
    }

    private void refused(IssueRequest request, String rule, @CheckForNull String reason) {
        audit.record(new AuditEvent(clock.instant(), AuditEvent.Outcome.REFUSED, request.requester(),
                request.robotUser(), request.kubernetesUser(), List.of(), request.cluster().name(), request.ttl(),
                null, null, rule, reason));
    }

    @Override
    public String toString() {
        return "Issuer[" + ca + ", " + policy + "]";
    }
}
