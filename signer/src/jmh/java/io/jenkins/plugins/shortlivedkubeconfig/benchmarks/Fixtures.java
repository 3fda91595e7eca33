package io.jenkins.plugins.shortlivedkubeconfig.benchmarks;

import io.jenkins.plugins.shortlivedkubeconfig.signer.AuditSink;
import io.jenkins.plugins.shortlivedkubeconfig.signer.CertificateAuthority;
import io.jenkins.plugins.shortlivedkubeconfig.signer.ClusterEndpoint;
import io.jenkins.plugins.shortlivedkubeconfig.signer.InvalidInputException;
import io.jenkins.plugins.shortlivedkubeconfig.signer.IssueRequest;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Issuer;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KeyAlgorithm;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyException;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyParser;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Requester;
import io.jenkins.plugins.shortlivedkubeconfig.signer.RobotPolicy;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicySeeds;
import java.time.Clock;
import java.time.Duration;

/**
 * What the benchmarks share: a CA made in memory (nothing is written to disk), the seed policy of
 * {@code examples/robots.yaml}, a generated large policy, and a realistic cluster endpoint.
 */
final class Fixtures {
    /** The seed policy from the README: role "robot" grants system:masters, user "jenkins" holds it, any job may use it. */
    static final String SEED_POLICY = PolicySeeds.TELEPORT_SEED;


    static final int LARGE_ROLES = 200;
    static final int LARGE_USERS = 1_000;
    static final int LARGE_BINDINGS = 100;

    private Fixtures() {}

    static CertificateAuthority ca(KeyAlgorithm algorithm) throws InvalidInputException {
        return CertificateAuthority.generate("bench CA", Duration.ofDays(3650), algorithm, Clock.systemUTC());
    }

    /** An endpoint with everything set, so that rendering does all its work (the CA's PEM stands in for a server CA). */
    static ClusterEndpoint cluster(CertificateAuthority serverCa) throws InvalidInputException {
        return ClusterEndpoint.of("prod", "https://10.0.0.1:6443", serverCa.certificatePem(), "kubernetes.default",
                "ci");
    }

    static RobotPolicy seedPolicy() throws PolicyException {
        return new PolicyParser().parse(SEED_POLICY, "robots.yaml");
    }

    static Issuer issuer(CertificateAuthority ca, RobotPolicy policy) {
        return new Issuer(ca, policy, Clock.systemUTC(), AuditSink.NONE);
    }

    /** What a Jenkins build asks for: the seed robot user, one hour, a requesting job that the binding allows. */
    static IssueRequest seedRequest(ClusterEndpoint cluster, KeyAlgorithm keyAlgorithm) {
        return IssueRequest.of("jenkins", Duration.ofHours(1), cluster)
                .withRequester(new Requester("deploy/api/main", 42)).withKeyAlgorithm(keyAlgorithm);
    }

    static String robotName(int i) {
        return String.format("robot-%04d", i);
    }

    /** A job full name that a binding of the large policy allows for {@code robotName(user)}. */
    static String allowedJob(int user) {
        return "team-" + (user % LARGE_BINDINGS) + "/service-" + user + "/main";
    }

    /**
     * A policy of {@value #LARGE_ROLES} roles, {@value #LARGE_USERS} users and {@value #LARGE_BINDINGS} job bindings:
     * every role allows three groups (one a trait template) and a Kubernetes user every tenth role, denies one group
     * and sets a max_session_ttl; every user holds three roles and has traits; every binding names ten users and three
     * job patterns (a '**', a '*' and a '?' glob).
     */
    static String largePolicy() {
        StringBuilder y = new StringBuilder(512 * 1024);
        for (int r = 0; r < LARGE_ROLES; r++) {
            y.append("kind: role\nversion: v7\nmetadata:\n  name: role-").append(r).append('\n');
            y.append("spec:\n  allow:\n    kubernetes_groups: [team-").append(r).append(", shared-").append(r % 10)
                    .append(", '{{internal.kubernetes_groups}}']\n");
            if (r % 10 == 0) {
                y.append("    kubernetes_users: [ci-").append(r).append("]\n");
            }
            y.append("    logins: [ci]\n");
            y.append("  deny:\n    kubernetes_groups: ['system:masters', shared-").append((r + 5) % 10).append("]\n");
            y.append("  options:\n    max_session_ttl: ").append(8 + r % 23).append("h\n---\n");
        }
        for (int u = 0; u < LARGE_USERS; u++) {
            y.append("kind: user\nversion: v2\nmetadata:\n  name: ").append(robotName(u)).append('\n');
            y.append("spec:\n  roles: [role-").append(u % LARGE_ROLES).append(", role-")
                    .append((u * 7 + 3) % LARGE_ROLES).append(", role-").append((u * 13 + 5) % LARGE_ROLES)
                    .append("]\n  traits:\n    kubernetes_groups: [user-").append(u).append(", dept-").append(u % 17)
                    .append("]\n---\n");
        }
        for (int b = 0; b < LARGE_BINDINGS; b++) {
            y.append("kind: job_binding\nversion: v1\nmetadata:\n  name: binding-").append(b).append('\n');
            y.append("spec:\n  users: [");
            for (int u = b, n = 0; u < LARGE_USERS; u += LARGE_BINDINGS, n++) {
                y.append(n == 0 ? "" : ", ").append(robotName(u));
            }
            y.append("]\n  jobs: ['team-").append(b).append("/**', 'releases/release-").append(b)
                    .append("-*', 'org/app-").append(b).append("/PR-?']\n---\n");
        }
        return y.toString();
    }
}
