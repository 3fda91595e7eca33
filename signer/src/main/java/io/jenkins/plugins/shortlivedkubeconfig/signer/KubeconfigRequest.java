package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A request for a kubeconfig as an entry point states it (a build's wrapper, a form's dry run): every choice is
 * optional and still text, exactly as whoever configured the job typed it. {@link SigningService} resolves it
 * against the configured clusters, the default lifetime and the policy, or refuses it with a rule and an audit
 * record. None of it is trusted.
 *
 * @param cluster the configured cluster's name; null for the only one
 * @param robotUser the policy's robot user; null for the only one the requester may use
 * @param ttl the lifetime as a Go duration; null for the configured default
 * @param kubernetesUser one of the Kubernetes users the robot user's roles allow; null for its default
 * @param variable the environment variable that will hold the kubeconfig's path (builds only); null for none
 * @param requester who asks
 * @param namespace the kubeconfig context's default namespace; null for the cluster's configured one
 */
public record KubeconfigRequest(@CheckForNull String cluster, @CheckForNull String robotUser, @CheckForNull String ttl,
                                @CheckForNull String kubernetesUser, @CheckForNull String variable,
                                Requester requester, @CheckForNull String namespace) {
    public KubeconfigRequest {
        namespace = blankToNull(namespace);
        Objects.requireNonNull(requester, "requester");
        cluster = blankToNull(cluster);
        robotUser = blankToNull(robotUser);
        ttl = blankToNull(ttl);
        kubernetesUser = blankToNull(kubernetesUser);
        variable = blankToNull(variable);
    }

    /** A request for the cluster's configured namespace. */
    public KubeconfigRequest(@CheckForNull String cluster, @CheckForNull String robotUser, @CheckForNull String ttl,
                             @CheckForNull String kubernetesUser, @CheckForNull String variable, Requester requester) {
        this(cluster, robotUser, ttl, kubernetesUser, variable, requester, null);
    }

    /** A POSIX-style environment variable name, as every shell and {@code EnvVars} accept it. */
    private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    /**
     * Checks an environment variable name for the kubeconfig's path.
     *
     * @throws InvalidInputException naming the field, when it is not one
     */
    public static void checkVariable(@CheckForNull String variable) throws InvalidInputException {
        if (variable != null && !VARIABLE_NAME.matcher(variable).matches()) {
            throw new InvalidInputException("variable: " + MessageText.quote(variable) + " is not an environment "
                    + "variable name (letters, digits and '_', not starting with a digit, at most 128 characters)");
        }
    }

    /** A request that leaves every choice to the defaults. */
    public static KubeconfigRequest by(Requester requester) {
        return new KubeconfigRequest(null, null, null, null, null, requester);
    }

    public KubeconfigRequest withCluster(@CheckForNull String cluster) {
        return new KubeconfigRequest(cluster, robotUser, ttl, kubernetesUser, variable, requester, namespace);
    }

    public KubeconfigRequest withRobotUser(@CheckForNull String robotUser) {
        return new KubeconfigRequest(cluster, robotUser, ttl, kubernetesUser, variable, requester, namespace);
    }

    public KubeconfigRequest withTtl(@CheckForNull String ttl) {
        return new KubeconfigRequest(cluster, robotUser, ttl, kubernetesUser, variable, requester, namespace);
    }

    public KubeconfigRequest withKubernetesUser(@CheckForNull String kubernetesUser) {
        return new KubeconfigRequest(cluster, robotUser, ttl, kubernetesUser, variable, requester, namespace);
    }

    public KubeconfigRequest withVariable(@CheckForNull String variable) {
        return new KubeconfigRequest(cluster, robotUser, ttl, kubernetesUser, variable, requester, namespace);
    }

    public KubeconfigRequest withNamespace(@CheckForNull String namespace) {
        return new KubeconfigRequest(cluster, robotUser, ttl, kubernetesUser, variable, requester, namespace);
    }

    @CheckForNull
    private static String blankToNull(@CheckForNull String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
