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
 * The loaded robot policy: Teleport roles and users plus our job and caller bindings, immutable and safe to share
 * between threads. {@link #authorize} decides one request; it never signs anything. Build it with {@link PolicyParser}.
 */
public final class RobotPolicy {
    private final Map<String, Role> roles;
    private final Map<String, RobotUser> users;
    private final List<JobBinding> bindings;
    private final List<CallerBinding> callerBindings;
    private final Map<String, RobotProfile> profiles;
    private final List<PolicyProblem> warnings;

    RobotPolicy(Map<String, Role> roles, Map<String, RobotUser> users, List<JobBinding> bindings,
                Map<String, RobotProfile> profiles, List<PolicyProblem> warnings) {
        this(roles, users, bindings, List.of(), profiles, warnings);
    }

    RobotPolicy(Map<String, Role> roles, Map<String, RobotUser> users, List<JobBinding> bindings,
                List<CallerBinding> callerBindings, Map<String, RobotProfile> profiles, List<PolicyProblem> warnings) {
        this.callerBindings = List.copyOf(callerBindings);
        this.roles = Map.copyOf(roles);
        this.users = Map.copyOf(users);
        this.bindings = List.copyOf(bindings);
        this.profiles = Collections.unmodifiableMap(new LinkedHashMap<>(profiles));
        this.warnings = List.copyOf(warnings);
    }

    /**
     * Decides what {@code robotUser} may get for this request.
     *
     * <p>A build may act as a robot user when a job binding matches its job; a caller outside a build (a Jenkins user
     * through the CLI or the REST endpoint) when a caller binding names its user id or one of its groups. Nobody
     * else, administrators included.
     *
     * <p>A refusal's message speaks only of the requester's own job or user (anyone who can read a build may read
     * it); its {@link PolicyRefusal#detail() detail}, for the audit record, also names what other jobs or callers
     * are bound to.
     *
     * @param kubernetesUser the Kubernetes user asked for explicitly, or null for the default
     * @param requester the Jenkins build or user asking, or null when the caller holds the CA itself (the standalone
     *     CLI without --job)
     * @throws PolicyRefusal naming the rule that refused
     */
    public Grant authorize(String robotUser, @CheckForNull String kubernetesUser, @CheckForNull Requester requester)
            throws PolicyRefusal {
        Objects.requireNonNull(robotUser, "robotUser");
        RobotProfile profile = profiles.get(robotUser);
        if (profile == null) {
            String message = "robot user " + MessageText.quote(robotUser) + " is not defined in the policy";
            // A CA holder (no requester) may see every name; a build sees only what its own job may use.
            throw new PolicyRefusal("unknown-robot-user",
                    requester == null ? message + known(profiles.keySet()) : message + boundTo(requester),
                    message + known(profiles.keySet()));
        }
        if (requester != null && requester.isBuild() && !profile.allowsJob(requester.name())) {
            String job = requester.name();
            String message = "job " + MessageText.quote(job) + " may not act as robot user "
                    + MessageText.quote(robotUser) + ": no job_binding for this user matches this job";
            throw new PolicyRefusal("job-not-allowed", message + boundTo(requester),
                    jobRefusalDetail(profile, job));
        }
        if (requester != null && !requester.isBuild() && !allowsCaller(robotUser, requester)) {
            String message = "Jenkins user " + MessageText.quote(requester.name()) + " may not act as robot user "
                    + MessageText.quote(robotUser) + ": no caller_binding for this user names this Jenkins user "
                    + "or one of its groups";
            throw new PolicyRefusal("caller-not-allowed", message + boundTo(requester),
                    callerRefusalDetail(robotUser, requester));
        }
        if (!profile.grantsKubernetesAccess()) {
            throw new PolicyRefusal("no-kubernetes-access", "robot user " + MessageText.quote(robotUser)
                    + " grants no Kubernetes access: its roles (" + String.join(", ", profile.roles())
                    + ") leave no kubernetes_groups and no kubernetes_users after deny rules");
        }
        String cn;
        if (kubernetesUser != null) {
            boolean allowed = profile.kubernetesUsers().isEmpty()
                    ? kubernetesUser.equals(robotUser)
                    : profile.kubernetesUsers().contains(kubernetesUser);
            if (!allowed) {
                List<String> choices = profile.kubernetesUsers().isEmpty() ? List.of(robotUser)
                        : profile.kubernetesUsers();
                throw new PolicyRefusal("kubernetes-user-not-allowed", "Kubernetes user "
                        + MessageText.quote(kubernetesUser) + " is not allowed for robot user "
                        + MessageText.quote(robotUser) + "; allowed: " + String.join(", ", choices));
            }
            cn = kubernetesUser;
        } else {
            cn = profile.defaultKubernetesUser();
            if (cn == null) {
                throw new PolicyRefusal("kubernetes-user-ambiguous", "robot user " + MessageText.quote(robotUser)
                        + " may act as several Kubernetes users (" + String.join(", ", profile.kubernetesUsers())
                        + "); choose one explicitly");
            }
        }
        // Deny wins for the CN as for groups: the fallback CN (the robot user's own name) is no exception.
        if (profile.deniesKubernetesUser(cn)) {
            throw new PolicyRefusal("kubernetes-user-denied", "Kubernetes user " + MessageText.quote(cn)
                    + " is denied to robot user " + MessageText.quote(robotUser)
                    + " by spec.deny.kubernetes_users of its roles (" + String.join(", ", profile.roles())
                    + "); allow another Kubernetes user in a role, or remove the deny rule");
        }
        return new Grant(robotUser, cn, profile.groups(), profile.maxTtl(), profile.maxTtlSource());
    }

    /**
     * For a requester's own refusal message: the robot users its job (or its Jenkins user) may use, and nothing about
     * other jobs or users.
     */
    private String boundTo(@CheckForNull Requester requester) {
        if (requester == null) {
            return "";
        }
        String whom = requester.isBuild() ? "this job" : "this Jenkins user";
        List<String> bound = usersFor(requester);
        return bound.isEmpty() ? "; no robot user is bound to " + whom
                : "; robot users bound to " + whom + ": " + String.join(", ", bound);
    }

    private boolean allowsCaller(String robotUser, Requester requester) {
        return callerBindings.stream().anyMatch(b -> b.allows(robotUser, requester));
    }

    private String callerRefusalDetail(String robotUser, Requester caller) {
        String head = "Jenkins user " + MessageText.quote(caller.name()) + " (groups: "
                + (caller.groups().isEmpty() ? "none" : caller.groups().stream().map(MessageText::quote)
                .collect(Collectors.joining(", "))) + ") may not act as robot user " + MessageText.quote(robotUser);
        List<CallerBinding> bound = callerBindingsFor(robotUser);
        if (bound.isEmpty()) {
            return head + ": no caller_binding names this user, so no caller may use it; add a caller_binding with "
                    + "users: [" + robotUser + "] and callers: [" + caller.name() + "] (or one of its groups)";
        }
        return head + ": it is none of the callers (" + bound.stream().flatMap(b -> b.callers().stream()).distinct()
                .collect(Collectors.joining(", ")) + ") and in none of the groups (" + bound.stream()
                .flatMap(b -> b.groups().stream()).distinct().collect(Collectors.joining(", "))
                + ") bound to this user; add it to a caller_binding for this user";
    }

    private static String jobRefusalDetail(RobotProfile profile, String job) {
        if (profile.jobs().isEmpty()) {
            return "job " + MessageText.quote(job) + " may not act as robot user \"" + profile.robotUser()
                    + "\": no job_binding names this user, so no job may use it; add a job_binding with users: ["
                    + profile.robotUser() + "] and a jobs pattern matching " + MessageText.quote(job);
        }
        return "job " + MessageText.quote(job) + " may not act as robot user \"" + profile.robotUser()
                + "\": it matches none of the job patterns for this user (" + profile.jobs().stream()
                .map(JobPattern::glob).collect(Collectors.joining(", "))
                + "); add a matching pattern to a job_binding for this user";
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

    /** The robot users that this requester (a build's job, or a caller) may act as, sorted by name. */
    public List<String> usersFor(Requester requester) {
        if (requester.isBuild()) {
            return usersForJob(requester.name());
        }
        return profiles.keySet().stream().filter(user -> allowsCaller(user, requester)).sorted()
                .collect(Collectors.toList());
    }

    /** The caller bindings that name this robot user, in file order. */
    public List<CallerBinding> callerBindingsFor(String robotUser) {
        return callerBindings.stream().filter(b -> b.users().contains(robotUser)).toList();
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

    /** The caller bindings, in file order. */
    public List<CallerBinding> callerBindings() {
        return callerBindings;
    }

    /** What the parser accepted but ignores or cannot enforce, each with file, line and field. */
    public List<PolicyProblem> warnings() {
        return warnings;
    }

    @Override
    public String toString() {
        return "RobotPolicy[" + roles.size() + " roles, " + users.size() + " users, " + bindings.size()
                + " job bindings, " + callerBindings.size() + " caller bindings]";
    }
}
