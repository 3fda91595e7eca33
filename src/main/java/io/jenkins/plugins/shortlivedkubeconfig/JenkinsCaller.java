package io.jenkins.plugins.shortlivedkubeconfig;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KubeconfigRequest;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Requester;
import java.util.List;
import jenkins.model.Jenkins;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * The Jenkins user asking outside a build, as the CLI command and the REST endpoint both hand it to the core: its
 * user id and its groups (authorities) as the security realm authenticated them. The two entry points differ only
 * in how they read their fields, never in what the core decides.
 */
final class JenkinsCaller {
    private JenkinsCaller() {}

    /** The current Jenkins user as a caller through {@code entryPoint}. */
    static Requester current(Requester.EntryPoint entryPoint) {
        Authentication auth = Jenkins.getAuthentication2();
        List<String> groups = auth.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                .filter(g -> g != null && !g.isBlank()).toList();
        return Requester.caller(auth.getName(), groups, entryPoint);
    }

    /**
     * The request both entry points pass to {@code SigningService.issue}: blank fields are left to the defaults
     * (the only cluster, the only robot user bound to the caller, the configured TTL).
     */
    static KubeconfigRequest request(Requester.EntryPoint entryPoint, @CheckForNull String robotUser,
                                     @CheckForNull String cluster, @CheckForNull String ttl,
                                     @CheckForNull String kubernetesUser, @CheckForNull String namespace) {
        return new KubeconfigRequest(cluster, robotUser, ttl, kubernetesUser, null, current(entryPoint), namespace);
    }
}
