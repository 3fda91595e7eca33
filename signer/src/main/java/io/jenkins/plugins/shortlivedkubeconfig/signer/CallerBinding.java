package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.util.List;
import java.util.Objects;

/**
 * Our extension for requests outside builds ({@code kind: caller_binding}, version v1): which Jenkins users
 * ({@code spec.callers}, by user id) or members of which Jenkins groups ({@code spec.groups}) may act as which robot
 * users ({@code spec.users}) through the Jenkins CLI or the REST endpoint. A robot user that no caller binding names
 * can be used by no caller, administrators included: being an administrator lets one edit the policy, not skip it.
 * Names are compared exactly, as the security realm reports them.
 */
public record CallerBinding(String name, List<String> users, List<String> callers, List<String> groups,
                            String source) {
    public CallerBinding {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        users = List.copyOf(users);
        callers = List.copyOf(callers);
        groups = List.copyOf(groups);
    }

    /** Whether this binding names the requester, a caller outside a build, by its user id or one of its groups. */
    public boolean names(Requester requester) {
        if (requester.isBuild()) {
            return false; // builds are bound by job_binding only
        }
        return callers.contains(requester.name()) || requester.groups().stream().anyMatch(groups::contains);
    }

    /** Whether this binding lets the requester act as {@code user}. */
    public boolean allows(String user, Requester requester) {
        return users.contains(user) && names(requester);
    }
}
