package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.time.Duration;
import java.util.List;

/**
 * What the robot policy means on a cluster in {@link IssuanceMode#SERVICE_ACCOUNT_TOKEN service-account-token}
 * mode. The token's identity is the service account's: its Kubernetes user must be written as Kubernetes names it
 * ({@code system:serviceaccount:<namespace>:<name>} in {@code kubernetes_users}), and groups cannot be chosen (a
 * service account's groups are fixed), so a robot user whose roles grant {@code kubernetes_groups} is refused rather
 * than silently given less. The TokenRequest API issues nothing shorter than ten minutes.
 */
public final class ServiceAccountTokenPolicy {
    /** The TokenRequest API's shortest lifetime ({@code expirationSeconds} of at least 600). */
    public static final Duration MINIMUM_TTL = Duration.ofMinutes(10);

    private ServiceAccountTokenPolicy() {}

    /**
     * The service account a grant stands for on a token-mode cluster.
     *
     * @throws PolicyRefusal {@code groups-on-token-cluster} when the grant has groups, {@code not-a-service-account}
     *     when its Kubernetes user is not a service account
     */
    public static ServiceAccount serviceAccount(Grant grant, String cluster, List<String> roles) throws PolicyRefusal {
        String prefix = "robot user " + MessageText.quote(grant.robotUser()) + " cannot get a service-account token "
                + "on cluster " + MessageText.quote(cluster) + ": ";
        if (!grant.groups().isEmpty()) {
            throw new PolicyRefusal("groups-on-token-cluster", prefix + groupsReason(roles, grant.groups()));
        }
        ServiceAccount account = ServiceAccount.fromUserName(grant.kubernetesUser());
        if (account == null) {
            throw new PolicyRefusal("not-a-service-account", prefix + notAServiceAccount(grant.kubernetesUser()));
        }
        return account;
    }

    /**
     * Checks a lifetime against the TokenRequest API's minimum.
     *
     * @throws PolicyRefusal {@code ttl-below-token-minimum}
     */
    public static void checkTtl(Duration ttl, String cluster) throws PolicyRefusal {
        if (ttl.compareTo(MINIMUM_TTL) < 0) {
            throw new PolicyRefusal("ttl-below-token-minimum", "ttl: " + Ttl.format(ttl) + " is below "
                    + Ttl.format(MINIMUM_TTL) + ", the shortest token the Kubernetes TokenRequest API issues "
                    + "(cluster " + MessageText.quote(cluster) + " uses service-account tokens); ask for "
                    + Ttl.format(MINIMUM_TTL) + " or more");
        }
    }

    /**
     * Whether a robot user can be served on a token-mode cluster, for {@code policy check} and forms: null when it
     * can (with its default Kubernetes user, or with one it chooses), else the reason it cannot.
     */
    @CheckForNull
    public static String whyNot(RobotProfile profile) {
        if (!profile.grantsKubernetesAccess()) {
            return "it grants no Kubernetes access";
        }
        if (!profile.groups().isEmpty()) {
            return groupsReason(profile.roles(), profile.groups());
        }
        List<String> candidates = profile.kubernetesUsers().isEmpty() ? List.of(profile.robotUser())
                : profile.kubernetesUsers();
        boolean any = candidates.stream()
                .anyMatch(u -> ServiceAccount.fromUserName(u) != null && !profile.deniesKubernetesUser(u));
        return any ? null : notAServiceAccount(String.join(", ", candidates));
    }

    private static String groupsReason(List<String> roles, List<String> groups) {
        return "its roles (" + String.join(", ", roles) + ") grant kubernetes_groups (" + String.join(", ", groups)
                + "), which a token cannot carry (a service account's groups are fixed); remove kubernetes_groups "
                + "from its roles and bind RBAC to the service account instead";
    }

    private static String notAServiceAccount(String users) {
        return "its Kubernetes user (" + users + ") is not a service account; a token-mode cluster needs "
                + "kubernetes_users: [\"system:serviceaccount:<namespace>:<name>\"] in a role";
    }
}
