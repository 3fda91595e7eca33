package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generators of YAML text for the parsers' generated-input properties: random trees of mappings, lists and
 * scalars (block and flow style, anchors and aliases, explicit tags, non-string keys) rendered to text, with keys
 * and values drawn mostly from the words our parsers look for, so that the structure reaches deep into their checks;
 * and pathological inputs (alias bombs, deep nesting, huge scalars, duplicate keys, bytes that are not UTF-8).
 * Values shrink: a failure is reported as a small tree.
 */
public final class GeneratedYaml {
    private GeneratedYaml() {}

    /** A YAML node: rendered by {@link #render}. */
    public sealed interface Node permits Scalar, Seq, Map, Alias { }

    /** A scalar; {@code tag} is e.g. {@code !!str}, or null. */
    public record Scalar(String text, Style style, String tag) implements Node { }

    public record Seq(List<Node> items, boolean flow, String anchor) implements Node { }

    public record Entry(Node key, Node value) { }

    public record Map(List<Entry> entries, boolean flow, String anchor) implements Node { }

    public record Alias(String name) implements Node { }

    public enum Style { PLAIN, SINGLE, DOUBLE }

    static final List<String> ANCHORS = List.of("a", "b", "c");

    // ---- generators -------------------------------------------------------------------------------------------

    /** Keys our policy and kubeconfig readers look for, and some they do not know. */
    public static final List<String> KEYS = List.of("kind", "version", "metadata", "name", "spec", "allow", "deny",
            "options", "kubernetes_groups", "kubernetes_users", "kubernetes_labels", "kubernetes_resources",
            "kubernetes_labels_expression", "logins", "node_labels", "max_session_ttl", "forward_agent", "roles",
            "traits", "users", "jobs", "expires", "labels", "description", "sub_kind", "status", "created_by",
            "apiVersion", "clusters", "cluster", "contexts", "context", "current-context", "user", "server",
            "namespace", "client-certificate-data", "client-key-data", "certificate-authority-data", "preferences",
            "verbs", "api_group", "*", "<<", "unknown_field", "");

    /** Values that are meaningful somewhere, or of the wrong type when plain. */
    public static final List<String> VALUES = List.of("role", "user", "job_binding", "v1", "v2", "v3", "v4", "v5",
            "v6", "v7", "v8", "robot", "jenkins", "deployer", "system:masters", "dev", "{{internal.kubernetes_groups}}",
            "{{internal.kubernetes_users}}", "{{external.team}}", "team-{{external.team}}", "{{internal.nope}}",
            "{{email.local(external.email)}}", "{{", "}}", "*", "**", "deploy/**", "*/main", "a//b", "/x", "^a.*$",
            "1h", "30h", "25h", "1d", "never", "0s", "-1h", "1m", "59s", "2027-01-01T00:00:00Z", "2001-12-14", "yes",
            "no", "true", "false", "null", "~", "0", "-1", "0x1f", "1e3", ".inf", ".nan", "1_000", "0o17", "=", "!",
            "@", "`", "%", "|", ">", "-", "?", ":", "#", "&", "https://10.0.0.1:6443", "http://x", "a\tb", "a\nb",
            " lead", "trail ", "\u0000", "\u0085", "\u2028", "\ufeff", "é", "☃", "\ud83d\ude00", "x".repeat(254));

    static final List<String> TAGS = List.of("!!str", "!!int", "!!bool", "!!null", "!!float", "!!binary",
            "!!timestamp", "!!seq", "!!map", "!!set", "!!omap", "!!merge", "!custom", "!");

    static Arbitrary<String> words(List<String> pool) {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(12, Arbitraries.of(pool)),
                net.jqwik.api.Tuple.of(2, Arbitraries.strings().ofMaxLength(12)),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().all().ofMaxLength(6)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().map(String::valueOf)));
    }

    static Arbitrary<Node> scalar(List<String> pool) {
        Arbitrary<Style> style = Arbitraries.frequency(
                net.jqwik.api.Tuple.of(8, Style.PLAIN), net.jqwik.api.Tuple.of(1, Style.SINGLE),
                net.jqwik.api.Tuple.of(2, Style.DOUBLE));
        Arbitrary<String> tag = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(20, Arbitraries.just(null)), net.jqwik.api.Tuple.of(1, Arbitraries.of(TAGS)));
        return Combinators.combine(words(pool), style, tag).as(Scalar::new);
    }

    private static final int MAX_DEPTH = 6;
    /** Built once, bottom up: jqwik arbitraries are immutable, and rebuilding them per try is slow. */
    private static final List<Arbitrary<Node>> NODES = new ArrayList<>();

    static {
        NODES.add(Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(10, scalar(VALUES)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(ANCHORS).map(Alias::new))));
        for (int depth = 1; depth <= MAX_DEPTH; depth++) {
            Arbitrary<Node> child = NODES.get(depth - 1);
            Arbitrary<Node> key = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(30, scalar(KEYS)),
                    net.jqwik.api.Tuple.of(1, NODES.get(Math.min(1, depth - 1))));
            Arbitrary<String> anchor = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(12, Arbitraries.just(null)),
                    net.jqwik.api.Tuple.of(1, Arbitraries.of(ANCHORS)));
            Arbitrary<Node> seq = Combinators.combine(child.list().ofMaxSize(3), Arbitraries.of(false, false, true),
                    anchor).as(Seq::new);
            Arbitrary<Node> map = Combinators.combine(
                    Combinators.combine(key, child).as(Entry::new).list().ofMaxSize(4),
                    Arbitraries.of(false, false, false, true), anchor).as(Map::new);
            NODES.add(Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, scalar(VALUES)),
                    net.jqwik.api.Tuple.of(3, seq), net.jqwik.api.Tuple.of(6, map),
                    net.jqwik.api.Tuple.of(1, Arbitraries.of(ANCHORS).map(Alias::new))));
        }
    }

    /** A random tree, at most {@code depth} collections deep. */
    public static Arbitrary<Node> node(int depth) {
        return NODES.get(Math.max(0, Math.min(depth, MAX_DEPTH)));
    }

    /** A document shaped like one of ours (kind, version, metadata, spec) with random content. */
    public static Arbitrary<Node> policyDocument() {
        Arbitrary<Node> kind = scalar(List.of("role", "user", "job_binding", "Role", "cluster"));
        Arbitrary<Node> version = scalar(List.of("v1", "v2", "v5", "v6", "v7", "v8"));
        Arbitrary<Node> metadata = Combinators.combine(scalar(List.of("robot", "jenkins", "deploy", "a b", "")),
                node(1).list().ofMaxSize(1)).as((name, extra) -> {
                    List<Entry> entries = new ArrayList<>();
                    entries.add(new Entry(plain("name"), name));
                    extra.forEach(n -> entries.add(new Entry(plain("expires"), n)));
                    return new Map(entries, false, null);
                });
        Arbitrary<Node> spec = node(3);
        return Combinators.combine(kind, version, metadata, spec, Arbitraries.integers().between(0, 15))
                .as((k, v, m, s, drop) -> {
                    List<Entry> entries = new ArrayList<>();
                    if ((drop & 1) == 0 || drop > 8) {
                        entries.add(new Entry(plain("kind"), k));
                    }
                    if ((drop & 2) == 0 || drop > 8) {
                        entries.add(new Entry(plain("version"), v));
                    }
                    if ((drop & 4) == 0 || drop > 8) {
                        entries.add(new Entry(plain("metadata"), m));
                    }
                    if ((drop & 8) == 0 || drop > 8) {
                        entries.add(new Entry(plain("spec"), s));
                    }
                    return new Map(entries, false, null);
                });
    }

    /** A stream of one to four documents. */
    public static Arbitrary<String> stream(Arbitrary<Node> document) {
        return document.list().ofMinSize(1).ofMaxSize(4).map(docs -> {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < docs.size(); i++) {
                if (i > 0) {
                    b.append("---\n");
                }
                b.append(render(docs.get(i)));
            }
            return b.toString();
        });
    }

    static Scalar plain(String text) {
        return new Scalar(text, Style.PLAIN, null);
    }

    // ---- pathological inputs ----------------------------------------------------------------------------------

    /** Billion laughs: {@code levels} anchors, each a list of {@code width} aliases to the previous one. */
    public static String aliasBomb(int levels, int width) {
        StringBuilder b = new StringBuilder("l0: &l0 [\"lol\"]\n");
        for (int i = 1; i < levels; i++) {
            b.append('l').append(i).append(": &l").append(i).append(" [");
            for (int j = 0; j < width; j++) {
                b.append(j > 0 ? ", " : "").append("*l").append(i - 1);
            }
            b.append("]\n");
        }
        return b.toString();
    }

    /** Nested flow lists or block mappings, {@code depth} deep, optionally under a key our parsers read. */
    public static String deepNesting(int depth, boolean flow, String underKey) {
        if (flow) {
            return underKey + ": " + "[".repeat(depth) + "x" + "]".repeat(depth) + "\n";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            b.append("  ".repeat(i)).append(i == 0 ? underKey : "k").append(":\n");
        }
        b.append("  ".repeat(depth)).append("x\n");
        return b.toString();
    }

    /** Text with some bytes replaced by sequences that are not UTF-8. */
    public static byte[] withInvalidUtf8(String text, int position, int which) {
        byte[][] bad = {{(byte) 0xff}, {(byte) 0xc3}, {(byte) 0xc0, (byte) 0xaf}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
            {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0x80}, {(byte) 0xfe, (byte) 0xff}};
        byte[] base = text.getBytes(StandardCharsets.UTF_8);
        byte[] insert = bad[Math.floorMod(which, bad.length)];
        int at = base.length == 0 ? 0 : Math.floorMod(position, base.length + 1);
        byte[] out = new byte[base.length + insert.length];
        System.arraycopy(base, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(base, at, out, at + insert.length, base.length - at);
        return out;
    }

    // ---- rendering ---------------------------------------------------------------------------------------------

    /** YAML text for a document (block style at the top unless the node says flow). */
    public static String render(Node node) {
        StringBuilder b = new StringBuilder();
        if (node instanceof Map m && !m.flow() && !m.entries().isEmpty()) {
            if (m.anchor() != null) {
                b.append("--- &").append(m.anchor()).append('\n');
            }
            block(m, 0, b);
        } else if (node instanceof Seq s && !s.flow() && !s.items().isEmpty()) {
            if (s.anchor() != null) {
                b.append("--- &").append(s.anchor()).append('\n');
            }
            block(s, 0, b);
        } else {
            b.append(inline(node, false)).append('\n');
        }
        return b.toString();
    }

    private static boolean isBlock(Node n) {
        return n instanceof Map m && !m.flow() && !m.entries().isEmpty()
                || n instanceof Seq s && !s.flow() && !s.items().isEmpty();
    }

    private static void block(Node node, int indent, StringBuilder b) {
        String pad = " ".repeat(indent);
        if (node instanceof Map m) {
            for (Entry e : m.entries()) {
                b.append(pad);
                if (e.key() instanceof Scalar || e.key() instanceof Alias) {
                    b.append(inline(e.key(), false));
                    if (e.key() instanceof Alias) {
                        b.append(' ');
                    }
                } else {
                    b.append("? ").append(inline(e.key(), true)).append('\n').append(pad);
                }
                b.append(':');
                value(e.value(), indent, b);
            }
        } else if (node instanceof Seq s) {
            for (Node item : s.items()) {
                b.append(pad).append('-');
                value(item, indent, b);
            }
        }
    }

    private static void value(Node value, int indent, StringBuilder b) {
        if (isBlock(value)) {
            String anchor = value instanceof Map m ? m.anchor() : ((Seq) value).anchor();
            if (anchor != null) {
                b.append(" &").append(anchor);
            }
            b.append('\n');
            block(value, indent + 2, b);
        } else {
            b.append(' ').append(inline(value, false)).append('\n');
        }
    }

    /** A node on one line: flow collections, quoted scalars where plain would not survive. */
    private static String inline(Node node, boolean inFlow) {
        if (node instanceof Alias a) {
            return "*" + a.name();
        }
        if (node instanceof Scalar s) {
            return (s.tag() == null ? "" : s.tag() + " ") + scalarText(s, inFlow);
        }
        if (node instanceof Seq s) {
            StringBuilder b = new StringBuilder(s.anchor() == null ? "" : "&" + s.anchor() + " ").append('[');
            for (int i = 0; i < s.items().size(); i++) {
                b.append(i > 0 ? ", " : "").append(inline(s.items().get(i), true));
            }
            return b.append(']').toString();
        }
        Map m = (Map) node;
        StringBuilder b = new StringBuilder(m.anchor() == null ? "" : "&" + m.anchor() + " ").append('{');
        for (int i = 0; i < m.entries().size(); i++) {
            Entry e = m.entries().get(i);
            String key = inline(e.key(), true);
            b.append(i > 0 ? ", " : "").append(e.key() instanceof Alias ? key + " " : key).append(": ")
                    .append(inline(e.value(), true));
        }
        return b.append('}').toString();
    }

    private static String scalarText(Scalar s, boolean inFlow) {
        String t = s.text();
        Style style = s.style();
        if (style == Style.PLAIN && !plainSafe(t, inFlow)) {
            style = Style.DOUBLE;
        }
        if (style == Style.SINGLE && t.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c > 0x7e)) {
            style = Style.DOUBLE;
        }
        return switch (style) {
            case PLAIN -> t;
            case SINGLE -> "'" + t.replace("'", "''") + "'";
            case DOUBLE -> doubleQuoted(t);
        };
    }

    private static boolean plainSafe(String t, boolean inFlow) {
        if (t.isEmpty() || !t.strip().equals(t) || "-?:,[]{}#&*!|>'\"%@`".indexOf(t.charAt(0)) >= 0) {
            return false;
        }
        if (t.contains(": ") || t.contains(" #") || t.endsWith(":")) {
            return false;
        }
        if (inFlow && t.chars().anyMatch(c -> ",[]{}".indexOf(c) >= 0)) {
            return false;
        }
        return t.chars().noneMatch(c -> c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0xfeff
                || Character.isSurrogate((char) c) || c == 0x2028 || c == 0x2029);
    }

    static String doubleQuoted(String t) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0xfeff || c == 0x2028 || c == 0x2029) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
