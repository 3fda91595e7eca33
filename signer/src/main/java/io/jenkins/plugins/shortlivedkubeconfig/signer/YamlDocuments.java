package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Multi-document YAML text composed into node trees, within limits: at most {@link #MAX_BYTES}, nesting depth
 * {@link #MAX_NESTING}, {@link #MAX_ALIASES} aliases to collections, no recursive keys. Only SnakeYAML's
 * composer runs: nothing in the file can make it construct an object. Duplicate keys are left to
 * {@link NodeReader#mapping}, which reports them with the line of the first.
 */
final class YamlDocuments {
    /** The largest file we read. */
    static final int MAX_BYTES = 1024 * 1024;
    static final int MAX_NESTING = 32;
    static final int MAX_ALIASES = 16;
    private static final int MAX_SYNTAX_MESSAGE = 300;

    private final LoaderOptions options;

    YamlDocuments() {
        options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_NESTING);
        options.setCodePointLimit(MAX_BYTES);
        options.setAllowRecursiveKeys(false);
        options.setProcessComments(false);
    }

    /**
     * One YAML (or JSON) document loaded into plain maps, lists and scalars with SnakeYAML's safe constructor,
     * duplicate keys refused and nesting, aliases and size bounded: for the kubeconfigs and API responses the core
     * reads. SnakeYAML's exceptions quote the input, which may hold secrets: callers must not pass their messages on.
     *
     * @throws RuntimeException (SnakeYAML's) when the text is not YAML or exceeds a bound
     */
    @CheckForNull
    static Object loadSafe(String text, int maxAliases, int codePointLimit) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(maxAliases);
        options.setNestingDepthLimit(MAX_NESTING);
        options.setCodePointLimit(codePointLimit);
        return new org.yaml.snakeyaml.Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(options))
                .load(new StringReader(text));
    }

    /** Every document of the text, or null when the text is too large or not YAML (reported to {@code log}). */
    @CheckForNull
    List<Node> compose(String yaml, ProblemLog log) {
        if (yaml.length() > MAX_BYTES) {
            log.error(0, "", "the policy is " + yaml.length() + " characters; the limit is " + MAX_BYTES);
            return null;
        }
        // The composer alone, as Yaml.composeAll drives it, without the constructor, representer and dumper
        // options a Yaml object would set up (and load classes for) but composing never uses.
        Composer composer = new Composer(new ParserImpl(new StreamReader(new StringReader(yaml)), options),
                new Resolver(), options);
        List<Node> documents = new ArrayList<>();
        try {
            while (composer.checkNode()) {
                documents.add(composer.getNode());
            }
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String what = e.getProblem() != null ? e.getProblem() : e.getMessage();
            log.error(mark == null ? 0 : mark.getLine() + 1, "", "invalid YAML: " + oneLine(what));
            return null;
        } catch (YAMLException e) {
            log.error(0, "", "invalid YAML: " + oneLine(String.valueOf(e.getMessage())));
            return null;
        }
        return documents;
    }

    private static String oneLine(String text) {
        String s = text.replaceAll("\\s+", " ").strip();
        return s.length() > MAX_SYNTAX_MESSAGE ? s.substring(0, MAX_SYNTAX_MESSAGE) + "..." : s;
    }
}
