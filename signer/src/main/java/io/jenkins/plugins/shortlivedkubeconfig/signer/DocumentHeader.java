package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The frame every policy document shares, read and checked: {@code kind}, {@code version}, {@code metadata}
 * (with its {@code name}) and the {@code spec} node, which the reader for the kind reads.
 *
 * @param version null when missing or not a string (reported)
 * @param name null when missing or not a valid {@link PolicyName} (reported)
 * @param metadata the metadata fields, or null when missing or not a mapping (reported)
 * @param spec null when absent
 * @param label how messages name the document, e.g. {@code role "robot"}
 */
record DocumentHeader(Node document, String kind, Node kindNode, @CheckForNull String version,
                      @CheckForNull Node versionNode, @CheckForNull String name,
                      @CheckForNull Map<String, NodeTuple> metadata, @CheckForNull Node spec, String label) {
    private static final Set<String> METADATA_IGNORED = Set.of("description", "labels", "namespace", "revision",
            "id");
    /** Teleport's label key syntax ({@code types.IsValidLabelKey}). */
    private static final Pattern LABEL_KEY = Pattern.compile("[a-zA-Z/.0-9_*-]+");

    /**
     * Reads a document's frame, reporting what is missing or unknown; null for an empty document and when there
     * is no kind to go on (reported).
     */
    @CheckForNull
    static DocumentHeader read(Node document, NodeReader reader) {
        if (document instanceof ScalarNode s && s.getTag().equals(Tag.NULL)) {
            return null; // an empty document, e.g. after a trailing ---
        }
        Map<String, NodeTuple> top = reader.mapping(document, "document");
        if (top == null) {
            return null;
        }
        String kind = reader.requiredString(top, "kind", document, "kind");
        String version = reader.requiredString(top, "version", document, "version");
        Map<String, NodeTuple> metadata = top.containsKey("metadata")
                ? reader.mapping(top.get("metadata").getValueNode(), "metadata") : null;
        if (!top.containsKey("metadata")) {
            reader.error(document, "metadata", "is required (with a name)");
        }
        String name = metadata == null ? null : reader.requiredString(metadata, "name",
                top.get("metadata").getValueNode(), "metadata.name");
        String nameProblem = name == null ? null : PolicyName.problem(name);
        if (nameProblem != null) {
            reader.error(metadata.get("name").getValueNode(), "metadata.name",
                    MessageText.quote(name) + " " + nameProblem);
            name = null;
        }
        if (kind == null) {
            return null;
        }
        String label = name == null ? MessageText.printable(kind, 80)
                : MessageText.printable(kind, 80) + " " + MessageText.quote(name);
        for (Map.Entry<String, NodeTuple> e : top.entrySet()) {
            switch (e.getKey()) {
                case "kind", "version", "metadata", "spec" -> { }
                case "sub_kind" -> reader.warning(e.getValue().getKeyNode(), label + ": sub_kind", "is ignored");
                case "status" -> {
                    if (!kind.equals("user")) { // a user's login state, as tctl get users prints it: nothing to grant
                        reader.error(e.getValue().getKeyNode(), label + ": status", "unknown field; a document has "
                                + "kind, version, metadata and spec");
                    }
                }
                default -> reader.error(e.getValue().getKeyNode(), label + ": " + e.getKey(),
                        "unknown field; a document has kind, version, metadata and spec");
            }
        }
        if (metadata != null) {
            for (Map.Entry<String, NodeTuple> e : metadata.entrySet()) {
                String key = e.getKey();
                if (key.equals("labels")) {
                    labels(e.getValue().getValueNode(), label + ": metadata.labels", reader);
                }
                if (key.equals("description")) {
                    reader.string(e.getValue().getValueNode(), label + ": metadata.description");
                }
                if (key.equals("name") || METADATA_IGNORED.contains(key)) {
                    continue;
                }
                if (key.equals("expires") && kind.equals("user")) {
                    continue;
                }
                if (key.equals("expires")) {
                    reader.error(e.getValue().getKeyNode(), label + ": metadata.expires",
                            "is supported on users only; remove it from this " + kind);
                } else {
                    reader.error(e.getValue().getKeyNode(), label + ": metadata." + key, "unknown field");
                }
            }
        }
        Node spec = top.containsKey("spec") ? top.get("spec").getValueNode() : null;
        Node versionNode = top.containsKey("version") ? top.get("version").getValueNode() : null;
        return new DocumentHeader(document, kind, top.get("kind").getValueNode(), version, versionNode, name,
                metadata, spec, label);
    }

    /** Metadata labels are ignored, but Teleport refuses a malformed one: so do we. */
    private static void labels(Node node, String path, NodeReader reader) {
        if (NodeReader.isNull(node)) {
            return;
        }
        Map<String, NodeTuple> labels = reader.mapping(node, path);
        if (labels == null) {
            return;
        }
        for (Map.Entry<String, NodeTuple> e : labels.entrySet()) {
            if (!LABEL_KEY.matcher(e.getKey()).matches()) {
                reader.error(e.getValue().getKeyNode(), path, "invalid label key " + MessageText.quote(e.getKey())
                        + ": use letters, digits and / . _ * - (Teleport refuses it too)");
            }
            reader.string(e.getValue().getValueNode(), path + "." + e.getKey());
        }
    }

    /** Reports a version the reader for this kind does not know; true when the version is usable. */
    boolean checkVersion(NodeReader reader, Set<String> supported, String supportedText) {
        if (version != null && !supported.contains(version)) {
            reader.error(versionNode, label + ": version", kind + " version " + MessageText.quote(version)
                    + " is not supported (supported: " + supportedText + ")");
            return false;
        }
        return true;
    }

    /** {@code source:line} of this document, for the values it becomes. */
    String where(ProblemLog log) {
        return log.source() + ":" + NodeReader.line(document);
    }
}
