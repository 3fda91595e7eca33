package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.time.Duration;
import java.util.Objects;

/**
 * One request for a kubeconfig: which robot user, optionally which of its Kubernetes users, for how long, who asks
 * (a Jenkins job, or nobody for a CA holder's own CLI call), for which cluster and with which client key type.
 * Start from {@link #of} and adjust with the {@code with*} methods.
 */
public record IssueRequest(String robotUser, @CheckForNull String kubernetesUser, Duration ttl,
                           @CheckForNull Requester requester, ClusterEndpoint cluster, KeyAlgorithm keyAlgorithm) {
    public IssueRequest {
        Objects.requireNonNull(robotUser, "robotUser");
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(keyAlgorithm, "keyAlgorithm");
        if (kubernetesUser != null && kubernetesUser.isBlank()) {
            kubernetesUser = null;
        }
    }

    /** A request with no explicit Kubernetes user, no requester and an EC P-256 key. */
    public static IssueRequest of(String robotUser, Duration ttl, ClusterEndpoint cluster) {
        return new IssueRequest(robotUser, null, ttl, null, cluster, KeyAlgorithm.EC_P256);
    }

    public IssueRequest withRequester(@CheckForNull Requester requester) {
        return new IssueRequest(robotUser, kubernetesUser, ttl, requester, cluster, keyAlgorithm);
    }

    public IssueRequest withKubernetesUser(@CheckForNull String kubernetesUser) {
        return new IssueRequest(robotUser, kubernetesUser, ttl, requester, cluster, keyAlgorithm);
    }

    public IssueRequest withKeyAlgorithm(KeyAlgorithm keyAlgorithm) {
        return new IssueRequest(robotUser, kubernetesUser, ttl, requester, cluster, keyAlgorithm);
    }

    public IssueRequest withTtl(Duration ttl) {
        return new IssueRequest(robotUser, kubernetesUser, ttl, requester, cluster, keyAlgorithm);
    }
}
