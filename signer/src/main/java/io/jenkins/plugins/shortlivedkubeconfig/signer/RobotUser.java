package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A non-interactive Teleport {@code kind: user} (v2): the roles it holds and its traits, which fill role templates.
 *
 * @param expires {@code metadata.expires}: no certificate is valid past it; null when unset
 */
public record RobotUser(String name, List<String> roles, Map<String, List<String>> traits,
                        @CheckForNull Instant expires, String source) {
    public RobotUser {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        roles = List.copyOf(roles);
        Map<String, List<String>> copy = new LinkedHashMap<>();
        traits.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        traits = Collections.unmodifiableMap(copy);
    }
}
