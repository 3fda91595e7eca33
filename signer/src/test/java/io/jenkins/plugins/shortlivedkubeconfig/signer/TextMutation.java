package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Mutations of valid seed texts: line edits and token insertions (which mostly break the YAML), and replacement of
 * one subtree of a seed's YAML by a random tree (which keeps the YAML valid and reaches the semantic checks).
 * Both shrink to few, small edits.
 */
public final class TextMutation {
    private TextMutation() {}

    public enum Op { DELETE_LINE, DUPLICATE_LINE, SWAP_LINES, INSERT, REPLACE_WORD, TRUNCATE, INDENT, DEDENT }

    public record Edit(Op op, int position, String token) { }

    static final List<String> TOKENS = List.of(":", ": ", "- ", "-", "&a ", "*a", "&b ", "*b", "{", "}", "[", "]", "'",
            "\"", "\t", "  ", "---\n", "...\n", "%YAML 1.2\n", "%TAG ! tag:x,2000:\n", "!!binary ", "!!set ", "!x ",
            "? ", "<<: ", "|\n", ">-\n", "#", ",", "\n", "\r", "\\", "\u0000", "\ufeff", "@", "`", "%", "==");

    static Arbitrary<Edit> edit() {
        Arbitrary<String> token = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.of(TOKENS)),
                net.jqwik.api.Tuple.of(3, Arbitraries.of(GeneratedYaml.VALUES)),
                net.jqwik.api.Tuple.of(3, Arbitraries.of(GeneratedYaml.KEYS)),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().all().ofMaxLength(8)));
        return Combinators.combine(Arbitraries.of(Op.class), Arbitraries.integers().between(0, 100_000), token)
                .as(Edit::new);
    }

    /** A seed with one to four edits. */
    public static Arbitrary<String> mutated(List<String> seeds) {
        return Combinators.combine(Arbitraries.of(seeds), edit().list().ofMinSize(1).ofMaxSize(4))
                .as(TextMutation::apply);
    }

    public static String apply(String seed, List<Edit> edits) {
        String text = seed;
        for (Edit e : edits) {
            text = apply(text, e);
        }
        return text;
    }

    static String apply(String text, Edit e) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        int line = e.position() % lines.size();
        int at = text.isEmpty() ? 0 : e.position() % (text.length() + 1);
        switch (e.op()) {
            case DELETE_LINE -> lines.remove(line);
            case DUPLICATE_LINE -> lines.add(line, lines.get(line));
            case SWAP_LINES -> {
                int other = (line + 1 + e.position() / 7) % lines.size();
                String t = lines.get(line);
                lines.set(line, lines.get(other));
                lines.set(other, t);
            }
            case INSERT -> {
                return text.substring(0, at) + e.token() + text.substring(at);
            }
            case REPLACE_WORD -> {
                String l = lines.get(line);
                int colon = l.indexOf(": ");
                lines.set(line, colon >= 0 ? l.substring(0, colon + 2) + e.token() : l + e.token());
            }
            case TRUNCATE -> {
                return text.substring(0, at);
            }
            case INDENT -> lines.set(line, "  " + lines.get(line));
            case DEDENT -> lines.set(line, lines.get(line).replaceFirst("^ {1,2}", ""));
        }
        return String.join("\n", lines);
    }

    /** A seed with one subtree (chosen by its pre-order index) replaced by a random tree. */
    public static Arbitrary<String> subtreeReplaced(List<String> seeds) {
        List<List<GeneratedYaml.Node>> trees = seeds.stream().map(TextMutation::documents).toList();
        return Combinators.combine(Arbitraries.integers().between(0, trees.size() - 1),
                Arbitraries.integers().between(0, 10_000), GeneratedYaml.node(3))
                .as((seed, index, replacement) -> {
                    List<GeneratedYaml.Node> docs = trees.get(seed);
                    int[] counter = {index % count(docs)};
                    StringBuilder b = new StringBuilder();
                    for (GeneratedYaml.Node doc : docs) {
                        if (b.length() > 0) {
                            b.append("---\n");
                        }
                        b.append(GeneratedYaml.render(replace(doc, counter, replacement)));
                    }
                    return b.toString();
                });
    }

    private static int count(List<GeneratedYaml.Node> docs) {
        int n = 0;
        for (GeneratedYaml.Node d : docs) {
            n += count(d);
        }
        return n;
    }

    private static int count(GeneratedYaml.Node n) {
        if (n instanceof GeneratedYaml.Seq s) {
            return 1 + s.items().stream().mapToInt(TextMutation::count).sum();
        }
        if (n instanceof GeneratedYaml.Map m) {
            return 1 + m.entries().stream().mapToInt(e -> count(e.key()) + count(e.value())).sum();
        }
        return 1;
    }

    private static GeneratedYaml.Node replace(GeneratedYaml.Node n, int[] counter, GeneratedYaml.Node replacement) {
        if (counter[0]-- == 0) {
            return replacement;
        }
        if (n instanceof GeneratedYaml.Seq s) {
            List<GeneratedYaml.Node> items = new ArrayList<>();
            for (GeneratedYaml.Node i : s.items()) {
                items.add(replace(i, counter, replacement));
            }
            return new GeneratedYaml.Seq(items, s.flow(), s.anchor());
        }
        if (n instanceof GeneratedYaml.Map m) {
            List<GeneratedYaml.Entry> entries = new ArrayList<>();
            for (GeneratedYaml.Entry e : m.entries()) {
                GeneratedYaml.Node k = replace(e.key(), counter, replacement);
                entries.add(new GeneratedYaml.Entry(k, replace(e.value(), counter, replacement)));
            }
            return new GeneratedYaml.Map(entries, m.flow(), m.anchor());
        }
        return n;
    }

    /** A YAML text's documents as generator trees (scalars keep their text; styles are chosen by the emitter). */
    public static List<GeneratedYaml.Node> documents(String yaml) {
        List<GeneratedYaml.Node> out = new ArrayList<>();
        for (org.yaml.snakeyaml.nodes.Node d : new Yaml(new LoaderOptions()).composeAll(new StringReader(yaml))) {
            out.add(convert(d));
        }
        return out;
    }

    private static GeneratedYaml.Node convert(org.yaml.snakeyaml.nodes.Node n) {
        if (n instanceof ScalarNode s) {
            boolean quoted = s.getScalarStyle() != org.yaml.snakeyaml.DumperOptions.ScalarStyle.PLAIN;
            return new GeneratedYaml.Scalar(s.getValue(), quoted ? GeneratedYaml.Style.DOUBLE
                    : GeneratedYaml.Style.PLAIN, null);
        }
        if (n instanceof SequenceNode s) {
            return new GeneratedYaml.Seq(s.getValue().stream().map(TextMutation::convert).toList(),
                    s.getFlowStyle() == org.yaml.snakeyaml.DumperOptions.FlowStyle.FLOW, null);
        }
        MappingNode m = (MappingNode) n;
        List<GeneratedYaml.Entry> entries = new ArrayList<>();
        for (NodeTuple t : m.getValue()) {
            entries.add(new GeneratedYaml.Entry(convert(t.getKeyNode()), convert(t.getValueNode())));
        }
        return new GeneratedYaml.Map(entries, m.getFlowStyle() == org.yaml.snakeyaml.DumperOptions.FlowStyle.FLOW,
                null);
    }
}
