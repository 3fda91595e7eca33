package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.util.List;

/**
 * The Kubernetes part of a Teleport role's {@code spec.allow} or {@code spec.deny}: group and user names as written,
 * possibly with trait templates such as {@code {{internal.kubernetes_groups}}} that are expanded per robot user.
 */
public record RoleConditions(List<String> kubernetesGroups, List<String> kubernetesUsers) {
    public static final RoleConditions NONE = new RoleConditions(List.of(), List.of());

    public RoleConditions {
        kubernetesGroups = List.copyOf(kubernetesGroups);
        kubernetesUsers = List.copyOf(kubernetesUsers);
    }
}
