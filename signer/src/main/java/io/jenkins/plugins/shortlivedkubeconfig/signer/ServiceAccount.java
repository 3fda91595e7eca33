package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A Kubernetes service account, as a token names it: {@code system:serviceaccount:<namespace>:<name>}.
 *
 * @param namespace a DNS label
 * @param name a DNS subdomain
 */
public record ServiceAccount(String namespace, String name) {
    /** The prefix of every service account's user name. */
    public static final String USER_PREFIX = "system:serviceaccount:";

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");

    public ServiceAccount {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        if (!DNS_LABEL.matcher(namespace).matches() || namespace.length() > 63) {
            throw new IllegalArgumentException("not a namespace name");
        }
        if (!DNS_SUBDOMAIN.matcher(name).matches() || name.length() > 253) {
            throw new IllegalArgumentException("not a service account name");
        }
    }

    /**
     * The service account a Kubernetes user name stands for, or null when it is not one (a plain user, or a
     * namespace or name that Kubernetes would not accept).
     */
    @CheckForNull
    public static ServiceAccount fromUserName(String kubernetesUser) {
        if (!kubernetesUser.startsWith(USER_PREFIX)) {
            return null;
        }
        String[] parts = kubernetesUser.substring(USER_PREFIX.length()).split(":", -1);
        if (parts.length != 2 || !DNS_LABEL.matcher(parts[0]).matches() || parts[0].length() > 63
                || !DNS_SUBDOMAIN.matcher(parts[1]).matches() || parts[1].length() > 253) {
            return null;
        }
        return new ServiceAccount(parts[0], parts[1]);
    }

    /** {@code system:serviceaccount:<namespace>:<name>}, the user name RBAC and the API server use. */
    public String userName() {
        return USER_PREFIX + namespace + ":" + name;
    }

    /** {@code <namespace>/<name>}, as messages name it. */
    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
