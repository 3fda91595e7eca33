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
 * @param requester the job and build that asked, or null for a CLI call without {@code --job}
 * @param kubernetesUser the certificate's CN (null when refused before it was decided)
 * @param serialHex the serial, lower-case hex (null when refused)
 * @param notAfter the certificate's expiry (null when refused)
 * @param rule the refusing rule (null when issued)
 * @param reason the refusal message (null when issued)
 */
public record AuditEvent(Instant time, Outcome outcome, @CheckForNull Requester requester, String robotUser,
                         @CheckForNull String kubernetesUser, List<String> groups, String cluster, Duration ttl,
                         @CheckForNull String serialHex, @CheckForNull Instant notAfter, @CheckForNull String rule,
                         @CheckForNull String reason) {

    /** Whether a certificate was issued. */
    public enum Outcome { ISSUED, REFUSED }

    public AuditEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(robotUser, "robotUser");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(ttl, "ttl");
        groups = List.copyOf(groups);
    }

    /** One line of JSON, keys in a fixed order, absent values left out. */
    public String toJson() {
        StringBuilder b = new StringBuilder(256).append('{');
        field(b, "time", time.toString());
        field(b, "outcome", outcome.name().toLowerCase(Locale.ROOT));
        if (requester != null) {
            field(b, "job", requester.jobFullName());
            b.append(",\"build\":").append(requester.buildNumber());
        }
        field(b, "robot_user", robotUser);
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
        field(b, "cluster", cluster);
        field(b, "ttl", Ttl.format(ttl));
        if (serialHex != null) {
            field(b, "serial", serialHex);
        }
        if (notAfter != null) {
            field(b, "not_after", notAfter.toString());
        }
        if (rule != null) {
            field(b, "rule", rule);
        }
        if (reason != null) {
            field(b, "reason", reason);
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
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
