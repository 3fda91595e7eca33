package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.util.Map;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A role's label selectors ({@code kubernetes_labels}, {@code node_labels}, ...) checked as Teleport checks them: a
 * mapping from label names to a value or a list of values, and in {@code allow} no {@code '*'} key with any value
 * but {@code '*'}.
 */
final class LabelSelectors {
    private LabelSelectors() {}

    /** Whether the selector is well formed; what is not is reported. */
    static boolean check(NodeReader reader, Node node, String field, boolean allow) {
        if (NodeReader.isNull(node)) {
            return true;
        }
        Map<String, NodeTuple> labels = reader.mapping(node, field);
        if (labels == null) {
            return false;
        }
        boolean ok = true;
        for (Map.Entry<String, NodeTuple> e : labels.entrySet()) {
            Node value = e.getValue().getValueNode();
            String at = field + "." + e.getKey();
            if (value instanceof SequenceNode) {
                ok &= reader.stringList(value, at).size() == ((SequenceNode) value).getValue().size();
            } else if (!(value instanceof ScalarNode) || reader.string(value, at) == null) {
                if (!(value instanceof ScalarNode)) {
                    reader.error(value, at, "must be a value or a list of values, not " + NodeReader.describe(value)
                            + " (Teleport refuses it too)");
                }
                ok = false;
            }
            if (allow && e.getKey().equals("*") && !isWildcardValue(value)) {
                reader.error(e.getValue().getKeyNode(), field, "the selector '*': <value> is not supported; "
                        + "'*' matches every label only as '*': '*' (Teleport refuses it too)");
                ok = false;
            }
        }
        return ok;
    }

    /** {@code {'*': '*'}} (or {@code {'*': ['*']}}), or nothing: every cluster. */
    static boolean isWildcard(Node node) {
        if (NodeReader.isNull(node)) {
            return true;
        }
        if (!(node instanceof MappingNode m) || m.getValue().size() != 1) {
            return false;
        }
        NodeTuple t = m.getValue().get(0);
        return "*".equals(NodeReader.scalarText(t.getKeyNode())) && isWildcardValue(t.getValueNode());
    }

    /** {@code '*'} or {@code ['*']}. */
    static boolean isWildcardValue(Node v) {
        if (v instanceof SequenceNode seq) {
            return seq.getValue().size() == 1 && "*".equals(NodeReader.scalarText(seq.getValue().get(0)));
        }
        return "*".equals(NodeReader.scalarText(v));
    }
}
