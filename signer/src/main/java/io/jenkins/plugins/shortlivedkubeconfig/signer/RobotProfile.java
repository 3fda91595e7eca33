package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything the policy lets one robot user have, computed once when the policy loads: the groups and Kubernetes
 * users left after deny rules, the smallest role maximum TTL with its source, and the job patterns that may use it.
 *
 * @param deniedKubernetesUsers the expanded {@code deny.kubernetes_users} of its roles ({@code *} denies every name):
 *     they stop the fallback CN (the robot user's own name) too, not only the allowed names
 */
public record RobotProfile(String robotUser, List<String> groups, List<String> kubernetesUsers, Duration maxTtl,
                           String maxTtlSource, @CheckForNull Instant expires, List<JobPattern> jobs,
                           List<String> roles, List<String> deniedKubernetesUsers) {
    public RobotProfile {
        Objects.requireNonNull(robotUser, "robotUser");
        Objects.requireNonNull(maxTtl, "maxTtl");
        Objects.requireNonNull(maxTtlSource, "maxTtlSource");
        groups = List.copyOf(groups);
        kubernetesUsers = List.copyOf(kubernetesUsers);
        jobs = List.copyOf(jobs);
        roles = List.copyOf(roles);
        deniedKubernetesUsers = List.copyOf(deniedKubernetesUsers);
    }

    /** Whether a deny rule of its roles names this Kubernetes user, or every user. */
    public boolean deniesKubernetesUser(String name) {
        return deniedKubernetesUsers.contains("*") || deniedKubernetesUsers.contains(name);
    }

    /** Whether any Kubernetes access is left: a group, or a Kubernetes user named by a role. */
    public boolean grantsKubernetesAccess() {
        return !groups.isEmpty() || !kubernetesUsers.isEmpty();
    }

    /** Whether a job with this full name may act as this robot user. */
    public boolean allowsJob(String jobFullName) {
        return jobs.stream().anyMatch(p -> p.matches(jobFullName));
    }

    /** The certificate CN when none is requested: the single allowed Kubernetes user, else the robot's name; null when ambiguous. */
    @CheckForNull
    public String defaultKubernetesUser() {
        return switch (kubernetesUsers.size()) {
            case 0 -> robotUser;
            case 1 -> kubernetesUsers.get(0);
            default -> null;
        };
    }
}
