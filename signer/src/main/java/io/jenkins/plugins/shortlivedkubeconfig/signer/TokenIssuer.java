package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * The {@link Issuer} of service-account-token clusters: checks a request against the policy, the bounds and the
 * token rules ({@link ServiceAccountTokenPolicy}), has the cluster's {@link TokenMinter} mint a token, renders the
 * kubeconfig with it and records the outcome. The audit record names the service account, the granted expiry and
 * the token's SHA-256 prefix, never the token. Immutable and thread-safe.
 */
public final class TokenIssuer {
    private final RobotPolicy policy;
    private final Clock clock;
    private final AuditSink audit;

    public TokenIssuer(RobotPolicy policy, Clock clock, AuditSink audit) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    /**
     * Mints a token with {@code minter} (which also names the cluster) and returns a kubeconfig holding it.
     *
     * @throws PolicyRefusal when the policy, a bound, a token rule or the API server refuses; recorded
     */
    public IssuedKubeconfig issue(IssueRequest request, TokenMinter minter) throws PolicyRefusal {
        String cluster = request.cluster().name();
        Approval approval;
        MintedToken token;
        try {
            approval = decide(request, clock.instant());
            token = minter.mint(approval.account(), request.ttl());
        } catch (PolicyRefusal e) {
            audit.record(new AuditEvent(clock.instant(), AuditEvent.Outcome.REFUSED, request.requester(),
                    request.robotUser(), request.kubernetesUser(), List.of(), cluster, request.ttl(), null, null,
                    e.rule(), e.detail()));
            throw e;
        }
        IssuedKubeconfig issued = IssuedKubeconfig.ofToken(Kubeconfig.renderToken(request.cluster(), token.token()),
                token, request.robotUser(), cluster, approval.issued());
        audit.record(new AuditEvent(clock.instant(), AuditEvent.Outcome.ISSUED, request.requester(),
                request.robotUser(), token.account().userName(), List.of(), cluster, request.ttl(),
                issued.serialHex(), token.expires(), null, null));
        return issued;
    }

    /** What {@link #issue} would grant, without minting or recording anything: for forms and dry runs. */
    public Grant check(IssueRequest request) throws PolicyRefusal {
        Approval approval = decide(request, clock.instant());
        return new Grant(approval.grant().robotUser(), approval.account().userName(), List.of(),
                approval.grant().maxTtl(), approval.grant().maxTtlSource());
    }

    private record Approval(Grant grant, ServiceAccount account, Instant issued) { }

    private Approval decide(IssueRequest request, Instant now) throws PolicyRefusal {
        String cluster = request.cluster().name();
        Duration ttl = request.ttl();
        ServiceAccountTokenPolicy.checkTtl(ttl, cluster);
        Grant grant = policy.authorize(request.robotUser(), request.kubernetesUser(), request.requester());
        RobotProfile profile = policy.profile(request.robotUser());
        ServiceAccount account = ServiceAccountTokenPolicy.serviceAccount(grant, cluster,
                profile == null ? List.of() : profile.roles());
        // The same bounds as for certificates: a refusal, never a silently shorter token.
        if (ttl.compareTo(grant.maxTtl()) > 0) {
            throw new PolicyRefusal("ttl-above-maximum", "ttl: " + Ttl.format(ttl) + " is above the maximum of "
                    + Ttl.format(grant.maxTtl()) + " (" + grant.maxTtlSource() + "); ask for "
                    + Ttl.format(grant.maxTtl()) + " or less");
        }
        Instant notAfter = now.plus(ttl).truncatedTo(ChronoUnit.SECONDS);
        Instant expires = profile == null ? null : profile.expires();
        if (expires != null && notAfter.isAfter(expires)) {
            throw new PolicyRefusal("ttl-beyond-user-expiry", "ttl: " + Ttl.format(ttl) + " would end at " + notAfter
                    + ", after robot user \"" + request.robotUser() + "\" expires at " + expires
                    + " (metadata.expires)" + (expires.isAfter(now) ? "" : "; the user has expired"));
        }
        return new Approval(grant, account, now.truncatedTo(ChronoUnit.SECONDS));
    }

    @Override
    public String toString() {
        return "TokenIssuer[" + policy + "]";
    }
}
