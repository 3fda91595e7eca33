package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One audit record as read back from the audit file, for display: the fields {@link AuditEvent#toJson()} writes,
 * as text (values were already cut and escaped when written). Only these fields are read; anything else a line
 * holds is ignored, so nothing but what an {@link AuditEvent} records is ever shown.
 *
 * @param time when it happened, ISO-8601 UTC
 * @param outcome {@code issued} or {@code refused}
 * @param job the build's job full name (null for a caller)
 * @param build the build number (null for a caller)
 * @param caller the Jenkins user id outside a build (null for a build)
 * @param entryPoint {@code cli} or {@code rest} for a caller (null for a build)
 */
public record AuditEntry(String time, String outcome, @CheckForNull String job, @CheckForNull Integer build,
                         @CheckForNull String caller, @CheckForNull String entryPoint,
                         @CheckForNull String robotUser, @CheckForNull String kubernetesUser, List<String> groups,
                         @CheckForNull String cluster, @CheckForNull String ttl, @CheckForNull String serial,
                         @CheckForNull String notAfter, @CheckForNull String rule, @CheckForNull String reason) {
    public AuditEntry {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(outcome, "outcome");
        groups = List.copyOf(groups);
    }

    /** Whether a certificate was issued. */
    public boolean issued() {
        return outcome.equals("issued");
    }

    /** {@code deploy/api #42}, {@code alice (rest)}, or empty when nobody was named (the standalone CLI). */
    public String requester() {
        if (job != null) {
            return build != null && build > 0 ? job + " #" + build : job;
        }
        if (caller != null) {
            return entryPoint == null ? caller : caller + " (" + entryPoint + ")";
        }
        return "";
    }

    /**
     * Reads one line as {@link AuditEvent#toJson()} writes it.
     *
     * @return null when the line is not such a record (a half-written last line, a damaged or foreign line)
     */
    @CheckForNull
    static AuditEntry parse(String line) {
        Fields f = new Fields();
        try {
            new Reader(line, f).object();
        } catch (IllegalArgumentException e) {
            return null;
        }
        String time = f.time;
        String outcome = f.outcome;
        if (time == null || outcome == null || !(outcome.equals("issued") || outcome.equals("refused"))) {
            return null;
        }
        return new AuditEntry(time, outcome, f.job, f.build, f.caller, f.entryPoint, f.robotUser,
                f.kubernetesUser, f.groups, f.cluster, f.ttl, f.serial, f.notAfter, f.rule, f.reason);
    }

    /** The known fields of one line, as the reader meets them. */
    private static final class Fields {
        @CheckForNull String time;
        @CheckForNull String outcome;
        @CheckForNull String job;
        @CheckForNull Integer build;
        @CheckForNull String caller;
        @CheckForNull String entryPoint;
        @CheckForNull String robotUser;
        @CheckForNull String kubernetesUser;
        List<String> groups = List.of();
        @CheckForNull String cluster;
        @CheckForNull String ttl;
        @CheckForNull String serial;
        @CheckForNull String notAfter;
        @CheckForNull String rule;
        @CheckForNull String reason;

        void put(String key, Object value) {
            switch (key) {
                case "time" -> time = text(value);
                case "outcome" -> outcome = text(value);
                case "job" -> job = text(value);
                case "build" -> build = number(value);
                case "caller" -> caller = text(value);
                case "entry_point" -> entryPoint = text(value);
                case "robot_user" -> robotUser = text(value);
                case "kubernetes_user" -> kubernetesUser = text(value);
                case "groups" -> groups = texts(value);
                case "cluster" -> cluster = text(value);
                case "ttl" -> ttl = text(value);
                case "serial" -> serial = text(value);
                case "not_after" -> notAfter = text(value);
                case "rule" -> rule = text(value);
                case "reason" -> reason = text(value);
                default -> { } // not ours to show
            }
        }

        private static String text(Object value) {
            if (value instanceof String s) {
                return s;
            }
            throw new IllegalArgumentException("not a string");
        }

        private static Integer number(Object value) {
            if (value instanceof Long n && n >= 0 && n <= Integer.MAX_VALUE) {
                return n.intValue();
            }
            throw new IllegalArgumentException("not a build number");
        }

        private static List<String> texts(Object value) {
            if (value instanceof List<?> list) {
                List<String> out = new ArrayList<>(list.size());
                for (Object o : list) {
                    out.add(text(o));
                }
                return out;
            }
            throw new IllegalArgumentException("not a list");
        }
    }

    /**
     * The JSON subset {@link AuditEvent#toJson()} writes: one flat object of strings, non-negative integers and
     * lists of strings. Anything else is refused ({@link IllegalArgumentException}), never guessed at.
     */
    private static final class Reader {
        private final String s;
        private final Fields into;
        private int i;

        Reader(String s, Fields into) {
            this.s = s;
            this.into = into;
        }

        void object() {
            expect('{');
            if (peek() == '}') {
                i++;
            } else {
                do {
                    String key = string();
                    expect(':');
                    into.put(key, value());
                } while (next() == ',');
                i--;
                expect('}');
            }
            if (i != s.length()) {
                throw new IllegalArgumentException("trailing text");
            }
        }

        private Object value() {
            char c = peek();
            if (c == '"') {
                return string();
            }
            if (c == '[') {
                i++;
                List<String> items = new ArrayList<>();
                if (peek() == ']') {
                    i++;
                    return items;
                }
                do {
                    items.add(string());
                } while (next() == ',');
                i--;
                expect(']');
                return items;
            }
            int start = i;
            while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9' && i - start < 12) {
                i++;
            }
            if (i == start) {
                throw new IllegalArgumentException("unexpected value");
            }
            return Long.parseLong(s, start, i, 10);
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return b.toString();
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = next();
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> {
                        if (i + 4 > s.length()) {
                            throw new IllegalArgumentException("short escape");
                        }
                        b.append((char) Integer.parseInt(s, i, i + 4, 16));
                        i += 4;
                    }
                    default -> throw new IllegalArgumentException("bad escape");
                }
            }
        }

        private void expect(char c) {
            if (next() != c) {
                throw new IllegalArgumentException("expected " + c);
            }
        }

        private char peek() {
            if (i >= s.length()) {
                throw new IllegalArgumentException("unexpected end");
            }
            return s.charAt(i);
        }

        private char next() {
            char c = peek();
            i++;
            return c;
        }
    }
}
