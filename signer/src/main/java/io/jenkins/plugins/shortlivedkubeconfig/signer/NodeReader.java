package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads typed values out of composed YAML nodes (no objects are ever constructed from the file) and reports what
 * is of the wrong type to a {@link ProblemLog}, with the node's line and the field path.
 */
final class NodeReader {
    private final ProblemLog log;

    NodeReader(ProblemLog log) {
        this.log = log;
    }

    ProblemLog log() {
        return log;
    }

    void error(@CheckForNull Node at, String field, String message) {
        log.error(line(at), field, message);
    }

    void warning(@CheckForNull Node at, String field, String message) {
        log.warning(line(at), field, message);
    }

    boolean hasErrors() {
        return log.hasErrors();
    }

    /** A mapping's fields by key, in file order; null (reported) when the node is no mapping. */
    @CheckForNull
    Map<String, NodeTuple> mapping(Node node, String path) {
        if (!(node instanceof MappingNode m)) {
            error(node, path, "must be a mapping (key: value), not " + describe(node));
            return null;
        }
        Map<String, NodeTuple> fields = new LinkedHashMap<>();
        for (NodeTuple tuple : m.getValue()) {
            Node key = tuple.getKeyNode();
            if (!(key instanceof ScalarNode s) || !s.getTag().equals(Tag.STR)) {
                error(key, path, "keys must be plain strings");
                continue;
            }
            if (fields.containsKey(s.getValue())) {
                error(key, pathJoin(path, s.getValue()), "duplicate key; first at line "
                        + line(fields.get(s.getValue()).getKeyNode()));
                continue;
            }
            fields.put(s.getValue(), tuple);
        }
        return fields;
    }

    /** A string field that must be present and not blank; null (reported) otherwise. */
    @CheckForNull
    String requiredString(Map<String, NodeTuple> fields, String key, Node parent, String path) {
        NodeTuple tuple = fields.get(key);
        if (tuple == null) {
            error(parent, path, "is required");
            return null;
        }
        String value = string(tuple.getValueNode(), path);
        if (value != null && value.isBlank()) {
            error(tuple.getValueNode(), path, "must not be empty");
            return null;
        }
        return value;
    }

    /** A string scalar; null (reported) for anything else, including numbers and booleans. */
    @CheckForNull
    String string(Node node, String path) {
        if (node instanceof ScalarNode s && s.getTag().equals(Tag.STR)) {
            return s.getValue();
        }
        error(node, path, "must be a string, not " + describe(node)
                + (node instanceof ScalarNode ? " (quote it)" : ""));
        return null;
    }

    /** A list of strings; items of another type are reported and left out. */
    List<String> strings(Node node, String path) {
        List<String> out = new ArrayList<>();
        List<Node> items = items(node, path);
        for (int i = 0; i < items.size(); i++) {
            String s = string(items.get(i), path + "[" + i + "]");
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /** A sequence's items; a single value stands for a one-item list (our own documents' lists). */
    List<Node> items(Node node, String path) {
        if (isNull(node)) {
            return List.of();
        }
        if (node instanceof SequenceNode seq) {
            return seq.getValue();
        }
        if (node instanceof ScalarNode) {
            return List.of(node);
        }
        error(node, path, "must be a list of strings, not " + describe(node));
        return List.of();
    }

    /**
     * A list field as Teleport reads it (a JSON array after YAML): a sequence, or nothing; a single value is refused,
     * as Teleport refuses it.
     */
    List<Node> list(Node node, String path) {
        if (isNull(node)) {
            return List.of();
        }
        if (node instanceof SequenceNode seq) {
            return seq.getValue();
        }
        error(node, path, "must be a list, not " + describe(node) + (node instanceof ScalarNode
                ? "; write it in brackets, e.g. [" + MessageText.printable(((ScalarNode) node).getValue(), 40) + "]"
                : "") + " (Teleport refuses a single value here too)");
        return List.of();
    }

    /** A list of strings as Teleport reads it: {@link #list}, each item a string. */
    List<String> stringList(Node node, String path) {
        List<String> out = new ArrayList<>();
        List<Node> items = list(node, path);
        for (int i = 0; i < items.size(); i++) {
            String s = string(items.get(i), path + "[" + i + "]");
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /** What a node is, in a user's words: "a mapping", "a number", ... */
    static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        Tag tag = node.getTag();
        if (tag.equals(Tag.INT) || tag.equals(Tag.FLOAT)) {
            return "a number";
        }
        if (tag.equals(Tag.BOOL)) {
            return "a boolean";
        }
        if (tag.equals(Tag.NULL)) {
            return "empty";
        }
        if (tag.equals(Tag.TIMESTAMP)) {
            return "a timestamp";
        }
        return tag.equals(Tag.STR) ? "a string" : "a value of type " + tag.getValue();
    }

    static boolean isNull(@CheckForNull Node node) {
        return node == null || (node instanceof ScalarNode s && s.getTag().equals(Tag.NULL));
    }

    static boolean isEmptySequence(Node node) {
        return node instanceof SequenceNode seq && seq.getValue().isEmpty();
    }

    /** A scalar's text whatever its type; null for a null scalar and for collections. */
    @CheckForNull
    static String scalarText(Node node) {
        return node instanceof ScalarNode s && !s.getTag().equals(Tag.NULL) ? s.getValue() : null;
    }

    /** A mapping's values by key, for nodes already checked (no problems reported); empty for anything else. */
    static Map<String, Node> scalarFields(Node node) {
        Map<String, Node> out = new LinkedHashMap<>();
        if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                String key = scalarText(t.getKeyNode());
                if (key != null) {
                    out.putIfAbsent(key, t.getValueNode());
                }
            }
        }
        return out;
    }

    /** A node's 1-based line; 0 when unknown. */
    static int line(@CheckForNull Node node) {
        return node == null || node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    private static String pathJoin(String path, String key) {
        return path.equals("document") ? key : path + "." + key;
    }
}
