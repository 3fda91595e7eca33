package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the policy grants one request: the Kubernetes identity to put in the certificate and the longest lifetime
 * allowed, with the rule that sets it (e.g. {@code role "robot" spec.options.max_session_ttl}).
 */
public record Grant(String robotUser, String kubernetesUser, List<String> groups, Duration maxTtl,
                    String maxTtlSource) {
    public Grant {
        Objects.requireNonNull(robotUser, "robotUser");
        Objects.requireNonNull(kubernetesUser, "kubernetesUser");
        Objects.requireNonNull(maxTtl, "maxTtl");
        Objects.requireNonNull(maxTtlSource, "maxTtlSource");
        groups = List.copyOf(groups);
    }
}
