package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;

/**
 * What a kubeconfig credential that is minted per use names: a cluster, a robot user and a lifetime, each null for
 * the configured default. It holds no secret. Each use becomes a {@link KubeconfigRequest} by whoever uses it (a
 * build's job), which {@link SigningService} checks against the job bindings and audits like any other request, so
 * the credential grants nothing that the build could not get from the wrapper.
 *
 * @param cluster the configured cluster's name; null for the only one
 * @param robotUser the policy's robot user; null for the only one the job may use
 * @param ttl the lifetime as a Go duration; null for the configured default
 */
public record KubeconfigTemplate(@CheckForNull String cluster, @CheckForNull String robotUser,
                                 @CheckForNull String ttl) {
    public KubeconfigTemplate {
        cluster = blankToNull(cluster);
        robotUser = blankToNull(robotUser);
        ttl = blankToNull(ttl);
    }

    /** The request for one use, on behalf of {@code requester}. */
    public KubeconfigRequest requestBy(Requester requester) {
        return new KubeconfigRequest(cluster, robotUser, ttl, null, null, requester);
    }

    @CheckForNull
    private static String blankToNull(@CheckForNull String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
