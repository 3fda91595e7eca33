package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One audit record: a certificate issued, or a request refused, with who asked and what was granted. Never holds
 * key material.
 *
 * @param requester the job and build, or the Jenkins user and its entry point, that asked; null for a standalone
 *     CLI call without {@code --job}
 * @param robotUser the robot user asked for (null when refused before one was chosen)
 * @param kubernetesUser the certificate's CN (null when refused before it was decided)
 * @param cluster the cluster asked for (null when refused before one was chosen)
 * @param ttl the lifetime asked for (null when refused before it was known)
 * @param serialHex the serial, lower-case hex, or for a service-account token {@code sha256:} and a prefix of
 *     the token's SHA-256 (null when refused)
 * @param notAfter the certificate's expiry (null when refused)
 * @param rule the refusing rule (null when issued)
 * @param reason the refusal message (null when issued)
 */
public record AuditEvent(Instant time, Outcome outcome, @CheckForNull Requester requester,
                         @CheckForNull String robotUser, @CheckForNull String kubernetesUser, List<String> groups,
                         @CheckForNull String cluster, @CheckForNull Duration ttl,
                         @CheckForNull String serialHex, @CheckForNull Instant notAfter, @CheckForNull String rule,
                         @CheckForNull String reason) {

    /** Whether a certificate was issued. */
    public enum Outcome { ISSUED, REFUSED }

    /**
     * The longest text kept from a value: requested values come from whoever configures a job, and a record must
     * stay one readable line of bounded size.
     */
    static final int MAX_VALUE_LENGTH = 256;
    /** Refusal reasons may quote a few requested values, so they get more room. */
    static final int MAX_REASON_LENGTH = 2048;

    public AuditEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(outcome, "outcome");
        groups = List.copyOf(groups);
    }

    /**
     * One line of JSON, keys in a fixed order, absent values left out: {@code job} and {@code build} for a build,
     * {@code caller} and {@code entry_point} ({@code cli}, {@code rest}) for a Jenkins user outside a build. A
     * caller's groups are not recorded ({@code groups} are the certificate's Kubernetes groups).
     */
    public String toJson() {
        StringBuilder b = new StringBuilder(256).append('{');
        field(b, "time", time.toString());
        field(b, "outcome", outcome.name().toLowerCase(Locale.ROOT));
        if (requester != null && requester.isBuild()) {
            field(b, "job", requester.name());
            b.append(",\"build\":").append(requester.buildNumber());
        } else if (requester != null) {
            field(b, "caller", requester.name());
            field(b, "entry_point", requester.entryPoint().id());
        }
        if (robotUser != null) {
            field(b, "robot_user", robotUser);
        }
        if (kubernetesUser != null) {
            field(b, "kubernetes_user", kubernetesUser);
        }
        b.append(",\"groups\":[");
        for (int i = 0; i < groups.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(json(groups.get(i)));
        }
        b.append(']');
        if (cluster != null) {
            field(b, "cluster", cluster);
        }
        if (ttl != null) {
            field(b, "ttl", Ttl.format(ttl));
        }
        if (serialHex != null && serialHex.startsWith(IssuedKubeconfig.TOKEN_ID_PREFIX)) {
            // a service-account token: named by its SHA-256, never by the token itself
            field(b, "token_sha256", serialHex.substring(IssuedKubeconfig.TOKEN_ID_PREFIX.length()));
        } else if (serialHex != null) {
            field(b, "serial", serialHex);
        }
        if (notAfter != null) {
            field(b, "not_after", notAfter.toString());
        }
        if (rule != null) {
            field(b, "rule", rule);
        }
        if (reason != null) {
            b.append(",\"reason\":").append(json(reason, MAX_REASON_LENGTH));
        }
        return b.append('}').toString();
    }

    private static void field(StringBuilder b, String key, String value) {
        if (b.length() > 1) {
            b.append(',');
        }
        b.append('"').append(key).append("\":").append(json(value));
    }

    static String json(String s) {
        return json(s, MAX_VALUE_LENGTH);
    }

    /**
     * A JSON string of at most {@code max} characters of {@code s} (a longer one ends with {@code …(+N)}), with
     * every C0 and C1 control character, DEL and the Unicode line separators escaped, so that a record is always one
     * line that no terminal interprets.
     */
    static String json(String s, int max) {
        int keep = Math.min(s.length(), max);
        if (keep < s.length() && Character.isHighSurrogate(s.charAt(keep - 1))) {
            keep--; // never cut a surrogate pair in half
        }
        StringBuilder b = new StringBuilder(keep + 16).append('"');
        for (int i = 0; i < keep; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        if (keep < s.length()) {
            b.append("\u2026(+").append(s.length() - keep).append(')');
        }
        return b.append('"').toString();
    }
}
