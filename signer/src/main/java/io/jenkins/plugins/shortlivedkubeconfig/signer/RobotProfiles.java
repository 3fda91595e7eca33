package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What each robot user of a policy gets, computed once when the policy loads: the union of its roles' allowed
 * groups and Kubernetes users with trait templates expanded from its traits, minus every denied name (deny wins,
 * {@code '*'} denies all), the smallest {@code max_session_ttl} of its roles, and the job patterns bound to it.
 */
final class RobotProfiles {
    private final PolicyContents contents;
    private final ProblemLog log;

    RobotProfiles(PolicyContents contents, ProblemLog log) {
        this.contents = contents;
        this.log = log;
    }

    /** Every user's profile, in file order; problems with expanded names are reported. */
    Map<String, RobotProfile> build() {
        Map<String, RobotProfile> profiles = new LinkedHashMap<>();
        for (RobotUser user : contents.users.values()) {
            profiles.put(user.name(), profile(user));
        }
        return profiles;
    }

    private RobotProfile profile(RobotUser user) {
        Set<String> groups = new TreeSet<>();
        Set<String> kubeUsers = new TreeSet<>();
        Set<String> deniedGroups = new LinkedHashSet<>();
        Set<String> deniedUsers = new LinkedHashSet<>();
        Duration max = null;
        String maxSource = null;
        for (String roleName : user.roles()) {
            Role role = contents.roles.get(roleName);
            if (role == null) {
                continue; // reported by the cross-check; profiles are only built when there are no errors
            }
            String at = "role \"" + roleName + "\"";
            groups.addAll(expand(role.allow().kubernetesGroups(), user, role, at + ": spec.allow.kubernetes_groups"));
            kubeUsers.addAll(expand(role.allow().kubernetesUsers(), user, role, at + ": spec.allow.kubernetes_users"));
            deniedGroups.addAll(expand(role.deny().kubernetesGroups(), user, role, at + ": spec.deny.kubernetes_groups"));
            deniedUsers.addAll(expand(role.deny().kubernetesUsers(), user, role, at + ": spec.deny.kubernetes_users"));
            Duration roleMax = role.maxSessionTtl();
            if (roleMax != null && (max == null || roleMax.compareTo(max) < 0)) {
                max = roleMax;
                maxSource = at + " spec.options.max_session_ttl";
            }
        }
        // Deny wins; "*" in a deny list denies every name.
        if (deniedGroups.contains("*")) {
            groups.clear();
        } else {
            groups.removeAll(deniedGroups);
        }
        if (deniedUsers.contains("*")) {
            kubeUsers.clear();
        } else {
            kubeUsers.removeAll(deniedUsers);
        }
        if (max == null) {
            max = Ttl.DEFAULT_MAXIMUM;
            maxSource = "the default maximum; no role of user \"" + user.name()
                    + "\" sets spec.options.max_session_ttl";
        }
        List<JobPattern> jobs = new ArrayList<>();
        for (JobBinding binding : contents.bindings) {
            if (binding.users().contains(user.name())) {
                jobs.addAll(binding.jobs());
            }
        }
        return new RobotProfile(user.name(), new ArrayList<>(groups), new ArrayList<>(kubeUsers), max, maxSource,
                user.expires(), jobs, user.roles(), new ArrayList<>(deniedUsers));
    }

    private List<String> expand(List<String> names, RobotUser user, Role role, String field) {
        List<String> out = new ArrayList<>();
        for (String name : names) {
            if (!TraitTemplate.looksLikeTemplate(name)) {
                out.add(name);
                continue;
            }
            TraitTemplate template = TraitTemplate.parse(name); // checked when the role was read
            List<String> values = template.expand(user.traits());
            if (values.isEmpty()) {
                log.warning(contents.roleLines.getOrDefault(role.name(), 0), field, MessageText.quote(name)
                        + " expands to nothing for user " + MessageText.quote(user.name()) + " (it has no trait "
                        + template.trait() + ")");
            }
            for (String value : values) {
                String problem = KubernetesName.problem(value);
                if (problem != null) {
                    log.error(contents.userLines.getOrDefault(user.name(), 0),
                            "user " + MessageText.quote(user.name()) + ": spec.traits." + template.trait(),
                            MessageText.quote(value) + " (used by " + field + "): " + problem);
                } else {
                    out.add(value);
                }
            }
        }
        return out;
    }
}
