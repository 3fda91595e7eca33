package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The embedded signing service as every entry point meets it: takes a {@link KubeconfigRequest} as the requester
 * stated it, resolves the defaults (cluster, robot user, lifetime) against the configuration and the policy, loads
 * and checks the cluster's CA, and hands the resolved {@link IssueRequest} to an {@link Issuer}. Every refusal,
 * wherever it is decided, is audited exactly once: here for what is decided here, by the {@link Issuer} for the
 * policy's own rules.
 *
 * <p>Immutable and thread-safe; the plugin builds one per configuration change.
 */
public final class SigningService {
    @CheckForNull
    private final RobotPolicy policy;
    @CheckForNull
    private final String notConfigured;
    private final List<ClusterTarget> clusters;
    private final Duration defaultTtl;
    private final Clock clock;
    private final AuditSink audit;

    /**
     * @param defaultTtl the lifetime for requests that name none
     */
    public SigningService(RobotPolicy policy, List<ClusterTarget> clusters, Duration defaultTtl, Clock clock,
                          AuditSink audit) {
        this(Objects.requireNonNull(policy, "policy"), null, clusters, defaultTtl, clock, audit);
    }

    private SigningService(@CheckForNull RobotPolicy policy, @CheckForNull String notConfigured,
                           List<ClusterTarget> clusters, Duration defaultTtl, Clock clock, AuditSink audit) {
        this.policy = policy;
        this.notConfigured = notConfigured;
        this.clusters = List.copyOf(clusters);
        this.defaultTtl = Objects.requireNonNull(defaultTtl, "defaultTtl");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    /**
     * A service that refuses (and audits) every request with rule {@code not-configured}, e.g. while no policy is
     * set or the policy does not load.
     *
     * @param reason what an administrator has to configure, shown to requesters
     */
    public static SigningService notConfigured(String reason, Clock clock, AuditSink audit) {
        return new SigningService(null, Objects.requireNonNull(reason, "reason"), List.of(), Ttl.MINIMUM, clock, audit);
    }

    /**
     * Issues a kubeconfig for the request.
     *
     * @throws PolicyRefusal naming the rule that refused; audited
     * @throws InvalidInputException when the request is malformed (a TTL or variable that does not parse); audited
     */
    public IssuedKubeconfig issue(KubeconfigRequest request) throws PolicyRefusal, InvalidInputException {
        Resolved resolved = resolveAudited(request);
        TokenMinter minter = resolved.target().minter();
        if (minter != null) {
            return new TokenIssuer(resolved.policy(), clock, audit).issue(resolved.request(), minter);
        }
        return new Issuer(resolved.signingCa(), resolved.policy(), clock, audit).issue(resolved.request());
    }

    /**
     * Issues a certificate for the key of a client's CSR: the same resolution, checks and audit as {@link #issue};
     * the caller renders the kubeconfig where the key is ({@link IssuedCertificate#kubeconfig}). Renewals call this
     * again with the same request and CSR, so that a policy change since the last issuance is enforced.
     */
    public IssuedCertificate issue(KubeconfigRequest request, ClientCsr csr)
            throws PolicyRefusal, InvalidInputException {
        Resolved resolved = resolveAudited(request);
        if (resolved.target().minter() != null) {
            throw refuse(request, "invalid-request", "cluster " + MessageText.quote(resolved.target().name())
                    + " issues service-account tokens, not client certificates: there is no key to sign a request for");
        }
        return new Issuer(resolved.signingCa(), resolved.policy(), clock, audit).issue(resolved.request(), csr);
    }

    /**
     * Whether the cluster this request names (or the default one) issues client certificates, so that an entry point
     * can make the key where the kubeconfig is used and have its request signed; false for service-account-token
     * clusters, and for requests that {@link #issue} will refuse anyway.
     */
    public boolean issuesCertificates(KubeconfigRequest request) {
        if (policy == null) {
            return false;
        }
        try {
            return cluster(request.cluster()).minter() == null;
        } catch (PolicyRefusal e) {
            return false;
        }
    }

    /** What {@link #issue} would grant, without signing or auditing anything: for forms and dry runs. */
    public Grant check(KubeconfigRequest request) throws PolicyRefusal, InvalidInputException {
        Resolved resolved = resolve(request);
        if (resolved.target().minter() != null) {
            return new TokenIssuer(resolved.policy(), clock, AuditSink.NONE).check(resolved.request());
        }
        return new Issuer(resolved.signingCa(), resolved.policy(), clock, AuditSink.NONE).check(resolved.request());
    }

    /**
     * {@link #check} for an entry point that goes on to issue: a refusal is audited here (once), so that a request
     * refused before its key is even made (agent-side keys) leaves its record like any other.
     */
    public Grant checkBeforeIssue(KubeconfigRequest request) throws PolicyRefusal, InvalidInputException {
        return audited(request, () -> check(request));
    }

    /**
     * Records a refusal that the entry point decided by a rule of its own (e.g. a Jenkins permission), so that it is
     * audited like every other, and returns it to throw.
     */
    public PolicyRefusal refuse(KubeconfigRequest request, String rule, String message) {
        PolicyRefusal refusal = new PolicyRefusal(rule, message);
        refused(request, rule, message);
        return refusal;
    }

    /**
     * Checks a cluster name as a request would give it (null for the default), for forms.
     *
     * @throws PolicyRefusal with rule {@code no-clusters}, {@code choose-cluster} or {@code unknown-cluster}
     */
    public void checkCluster(@CheckForNull String name) throws PolicyRefusal {
        cluster(name == null || name.isBlank() ? null : name.strip());
    }

    /** The policy in force; null while the service is not configured. */
    @CheckForNull
    public RobotPolicy policy() {
        return policy;
    }

    /** The configured clusters' names, in configuration order. */
    public List<String> clusterNames() {
        return clusters.stream().map(ClusterTarget::name).toList();
    }

    /** The lifetime of requests that name none. */
    public Duration defaultTtl() {
        return defaultTtl;
    }

    /** A request with every default filled in, with the CA and policy to decide and sign it (no CA for tokens). */
    private record Resolved(IssueRequest request, @CheckForNull CertificateAuthority ca, RobotPolicy policy,
                            ClusterTarget target) {
        CertificateAuthority signingCa() {
            return Objects.requireNonNull(ca, "a client-certificate cluster has a CA");
        }
    }

    private Resolved resolveAudited(KubeconfigRequest request) throws PolicyRefusal, InvalidInputException {
        return audited(request, () -> resolve(request));
    }

    /** A decision about the request whose refusal is recorded here, once. */
    private interface Decision<T> {
        T decide() throws PolicyRefusal, InvalidInputException;
    }

    private <T> T audited(KubeconfigRequest request, Decision<T> decision)
            throws PolicyRefusal, InvalidInputException {
        try {
            return decision.decide();
        } catch (PolicyRefusal e) {
            refused(request, e.rule(), e.detail());
            throw e;
        } catch (InvalidInputException e) {
            refused(request, "invalid-request", e.getMessage());
            throw e;
        }
    }

    private Resolved resolve(KubeconfigRequest request) throws PolicyRefusal, InvalidInputException {
        KubeconfigRequest.checkVariable(request.variable());
        RobotPolicy current = policy;
        if (current == null) {
            throw new PolicyRefusal("not-configured", String.valueOf(notConfigured));
        }
        ClusterTarget target = cluster(request.cluster());
        String ttlText = request.ttl();
        Duration ttl = ttlText == null ? defaultTtl : Ttl.parse(ttlText, "ttl");
        String requested = request.robotUser();
        String robotUser = requested != null ? requested : defaultRobotUser(current, request.requester());
        CertificateAuthority ca = target.minter() != null ? null : ca(target);
        IssueRequest resolved = IssueRequest.of(robotUser, ttl, endpoint(target, request.namespace()))
                .withRequester(request.requester())
                .withKubernetesUser(request.kubernetesUser());
        return new Resolved(resolved, ca, current, target);
    }

    /** The cluster's endpoint, with the requested default namespace instead of the configured one. */
    private static ClusterEndpoint endpoint(ClusterTarget target, @CheckForNull String namespace)
            throws InvalidInputException {
        ClusterEndpoint configured = target.endpoint();
        if (namespace == null || namespace.equals(configured.namespace())) {
            return configured;
        }
        return ClusterEndpoint.of(configured.name(), configured.server(), configured.serverCaPem(),
                configured.tlsServerName(), namespace);
    }

    private ClusterTarget cluster(@CheckForNull String name) throws PolicyRefusal {
        if (clusters.isEmpty()) {
            throw new PolicyRefusal("no-clusters", "no Kubernetes cluster is configured; an administrator adds one "
                    + "in the plugin's global configuration");
        }
        if (name == null) {
            if (clusters.size() == 1) {
                return clusters.get(0);
            }
            throw new PolicyRefusal("choose-cluster", "cluster: several clusters are configured (" + names()
                    + "); choose one");
        }
        for (ClusterTarget target : clusters) {
            if (target.name().equals(name)) {
                return target;
            }
        }
        throw new PolicyRefusal("unknown-cluster", "cluster: " + MessageText.quote(name) + " is not configured ("
                + "configured: " + names() + ")");
    }

    private String names() {
        return clusters.stream().map(ClusterTarget::name).collect(Collectors.joining(", "));
    }

    /** The robot user when the request names none: the only one the policy lets this requester use. */
    private static String defaultRobotUser(RobotPolicy policy, Requester requester) throws PolicyRefusal {
        List<String> users = policy.usersFor(requester);
        String who = requester.isBuild() ? "job " + MessageText.quote(requester.name())
                : "Jenkins user " + MessageText.quote(requester.name());
        if (users.isEmpty()) {
            if (requester.isBuild()) {
                throw new PolicyRefusal("no-job-binding", "no robot user of the policy may be used by " + who
                        + ": no job_binding matches it; an administrator binds a robot user to this job (or its "
                        + "folder) in the policy");
            }
            throw new PolicyRefusal("no-caller-binding", "no robot user of the policy may be used by " + who
                    + ": no caller_binding names it or one of its groups; an administrator binds a robot user to "
                    + "this Jenkins user (or one of its groups) in the policy");
        }
        if (users.size() > 1) {
            throw new PolicyRefusal("choose-user", "user: " + who + " may act as several robot users ("
                    + String.join(", ", users) + "); choose one");
        }
        return users.get(0);
    }

    private static CertificateAuthority ca(ClusterTarget target) throws PolicyRefusal {
        CertificateAuthority ca;
        try {
            ca = target.ca().load();
        } catch (CaUnavailableException e) {
            throw new PolicyRefusal("ca-unavailable", "cluster " + MessageText.quote(target.name())
                    + ": no usable signing CA: " + e.getMessage());
        }
        if (target.caFingerprint() == null) {
            throw new PolicyRefusal("ca-not-pinned", "cluster " + MessageText.quote(target.name())
                    + ": the signing CA (" + target.caName() + ") has no pinned fingerprint; an administrator "
                    + "confirms the CA by saving the plugin's global configuration (or sets its fingerprint in "
                    + "Configuration as Code)");
        }
        if (!target.pins(ca)) {
            throw new PolicyRefusal("ca-fingerprint-mismatch", "cluster " + MessageText.quote(target.name())
                    + ": the signing CA (" + target.caName() + ") was replaced: its certificate's SHA-256 "
                    + "fingerprint is " + ca.fingerprintSha256() + ", but an administrator chose the CA with "
                    + "fingerprint " + target.caFingerprintDisplay() + "; nothing is signed until an administrator "
                    + "reviews the credential and chooses the CA again");
        }
        return ca;
    }

    private void refused(KubeconfigRequest request, String rule, String reason) {
        Duration ttl = null;
        String ttlText = request.ttl();
        if (ttlText == null) {
            ttl = policy == null ? null : defaultTtl;
        } else {
            try {
                ttl = Ttl.parse(ttlText, "ttl");
            } catch (InvalidInputException e) {
                ttl = null; // the reason says so; the raw text is not kept
            }
        }
        audit.record(new AuditEvent(clock.instant(), AuditEvent.Outcome.REFUSED, request.requester(),
                request.robotUser(), request.kubernetesUser(), List.of(), request.cluster(), ttl, null, null, rule,
                reason));
    }

    @Override
    public String toString() {
        return "SigningService[" + (policy == null ? "not configured" : policy + ", clusters " + names()) + "]";
    }
}
