package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.time.Duration;
import java.util.Objects;

/**
 * A Teleport {@code kind: role} (v5, v6 or v7) as far as it concerns Kubernetes client certificates.
 *
 * @param maxSessionTtl {@code spec.options.max_session_ttl}, or null when the role sets none (or sets {@code never})
 * @param source where the role is defined, e.g. {@code robots.yaml:3}, for messages
 */
public record Role(String name, String version, RoleConditions allow, RoleConditions deny,
                   @CheckForNull Duration maxSessionTtl, String source) {
    public Role {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(allow, "allow");
        Objects.requireNonNull(deny, "deny");
        Objects.requireNonNull(source, "source");
    }
}
