package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The loaded robot policy: Teleport roles and users plus our job bindings, immutable and safe to share between
 * threads. {@link #authorize} decides one request; it never signs anything. Build it with {@link PolicyParser}.
 */
public final class RobotPolicy {
    private final Map<String, Role> roles;
    private final Map<String, RobotUser> users;
    private final List<JobBinding> bindings;
    private final Map<String, RobotProfile> profiles;
    private final List<PolicyProblem> warnings;

    RobotPolicy(Map<String, Role> roles, Map<String, RobotUser> users, List<JobBinding> bindings,
                Map<String, RobotProfile> profiles, List<PolicyProblem> warnings) {
        this.roles = Map.copyOf(roles);
        this.users = Map.copyOf(users);
        this.bindings = List.copyOf(bindings);
        this.profiles = Collections.unmodifiableMap(new LinkedHashMap<>(profiles));
        this.warnings = List.copyOf(warnings);
    }

    /**
     * Decides what {@code robotUser} may get for this request.
     *
     * @param kubernetesUser the Kubernetes user asked for explicitly, or null for the default
     * @param requester the Jenkins job asking, or null when the caller holds the CA itself (the CLI without --job)
     * @throws PolicyRefusal naming the rule that refused
     */
    public Grant authorize(String robotUser, @CheckForNull String kubernetesUser, @CheckForNull Requester requester)
            throws PolicyRefusal {
        Objects.requireNonNull(robotUser, "robotUser");
        RobotProfile profile = profiles.get(robotUser);
        if (profile == null) {
            throw new PolicyRefusal("unknown-robot-user", "robot user " + MessageText.quote(robotUser)
                    + " is not defined in the policy" + known(profiles.keySet()));
        }
        if (requester != null && !profile.allowsJob(requester.jobFullName())) {
            throw new PolicyRefusal("job-not-allowed", jobRefusal(profile, requester.jobFullName()));
        }
        if (!profile.grantsKubernetesAccess()) {
            throw new PolicyRefusal("no-kubernetes-access", "robot user " + MessageText.quote(robotUser) + " grants no Kubernetes "
                    + "access: its roles (" + String.join(", ", profile.roles()) + ") leave no kubernetes_groups "
                    + "and no kubernetes_users after deny rules");
        }
        String cn;
        if (kubernetesUser != null) {
            boolean allowed = profile.kubernetesUsers().isEmpty()
                    ? kubernetesUser.equals(robotUser)
                    : profile.kubernetesUsers().contains(kubernetesUser);
            if (!allowed) {
                List<String> choices = profile.kubernetesUsers().isEmpty() ? List.of(robotUser)
                        : profile.kubernetesUsers();
                throw new PolicyRefusal("kubernetes-user-not-allowed", "Kubernetes user " + MessageText.quote(kubernetesUser)
                        + " is not allowed for robot user " + MessageText.quote(robotUser) + "; allowed: "
                        + String.join(", ", choices));
            }
            cn = kubernetesUser;
        } else {
            cn = profile.defaultKubernetesUser();
            if (cn == null) {
                throw new PolicyRefusal("kubernetes-user-ambiguous", "robot user " + MessageText.quote(robotUser) + " may act as "
                        + "several Kubernetes users (" + String.join(", ", profile.kubernetesUsers())
                        + "); choose one explicitly");
            }
        }
        return new Grant(robotUser, cn, profile.groups(), profile.maxTtl(), profile.maxTtlSource());
    }

    private String jobRefusal(RobotProfile profile, String job) {
        if (profile.jobs().isEmpty()) {
            return "job " + MessageText.quote(job) + " may not act as robot user \"" + profile.robotUser() + "\": no job_binding "
                    + "names this user, so no job may use it; add a job_binding with users: ["
                    + profile.robotUser() + "] and a jobs pattern matching " + MessageText.quote(job);
        }
        return "job " + MessageText.quote(job) + " may not act as robot user \"" + profile.robotUser() + "\": it matches none of "
                + "the job patterns for this user (" + profile.jobs().stream().map(JobPattern::glob)
                .collect(Collectors.joining(", ")) + "); add a matching pattern to a job_binding for this user";
    }

    private static String known(Collection<String> names) {
        if (names.isEmpty()) {
            return " (the policy defines no users)";
        }
        return " (defined: " + names.stream().sorted().collect(Collectors.joining(", ")) + ")";
    }

    /** The robot users that a job with this full name may act as, sorted by name. */
    public List<String> usersForJob(String jobFullName) {
        return profiles.values().stream().filter(p -> p.allowsJob(jobFullName)).map(RobotProfile::robotUser)
                .sorted().collect(Collectors.toList());
    }

    /** Every robot user's effective access, in file order. */
    public Collection<RobotProfile> profiles() {
        return profiles.values();
    }

    /** One robot user's effective access, or null when it is not defined. */
    @CheckForNull
    public RobotProfile profile(String robotUser) {
        return profiles.get(robotUser);
    }

    /** The roles, by name. */
    public Map<String, Role> roles() {
        return roles;
    }

    /** The robot users, by name. */
    public Map<String, RobotUser> users() {
        return users;
    }

    /** The job bindings, in file order. */
    public List<JobBinding> bindings() {
        return bindings;
    }

    /** What the parser accepted but ignores or cannot enforce, each with file, line and field. */
    public List<PolicyProblem> warnings() {
        return warnings;
    }

    @Override
    public String toString() {
        return "RobotPolicy[" + roles.size() + " roles, " + users.size() + " users, " + bindings.size()
                + " job bindings]";
    }
}
