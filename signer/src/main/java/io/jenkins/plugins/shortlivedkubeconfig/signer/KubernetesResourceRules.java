package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

/**
 * A role's {@code kubernetes_resources}, checked first as Teleport validates them for the role's version, then for
 * what this signer can enforce. Certificates go straight to the API server, with no Teleport proxy to filter
 * resources, so an {@code allow} list must allow everything (its wildcard form for the version) and a {@code deny}
 * list must be empty.
 *
 * <p>What Teleport does with each version ({@code api/types/role.go}): v7 takes the list as written, and an entry
 * without verbs allows no verb; v5 and v6 restrict pods only (kind {@code pod}, verbs {@code '*'}), every other kind
 * being allowed, so {@code [{kind: pod, namespace: '*', name: '*'}]} allows everything there; an empty list allows
 * every pod in v5 (its default) and v7 (its default is the full wildcard), but no pod at all in v6.
 */
final class KubernetesResourceRules {
    private static final Set<String> FIELDS = Set.of("kind", "namespace", "name", "verbs", "api_group");

    private final NodeReader reader;

    KubernetesResourceRules(NodeReader reader) {
        this.reader = reader;
    }

    /** Checks an allow or deny list of a role of {@code version}; problems are reported at {@code keyNode}. */
    void check(Node value, Node keyNode, String field, boolean allow, String version) {
        boolean v7 = version.equals("v7");
        List<Node> entries = reader.list(value, field);
        boolean teleportAccepts = true;
        for (int i = 0; i < entries.size(); i++) {
            teleportAccepts &= teleportAccepts(entries.get(i), field + "[" + i + "]", v7, version);
        }
        if (!teleportAccepts) {
            return;
        }
        boolean enforceable = allow ? entries.isEmpty() || (entries.size() == 1 && isWildcard(entries.get(0), v7))
                : entries.isEmpty();
        if (!enforceable) {
            reader.error(keyNode, field, "cannot be enforced: certificates go straight to the Kubernetes "
                    + "API server, with no Teleport proxy to filter resources; grant groups and "
                    + "restrict them with Kubernetes RBAC instead"
                    + (allow ? ", or use " + wildcard(v7) : ""));
        }
    }

    /** How a role of this version allows every resource, as messages suggest it. */
    static String wildcard(boolean v7) {
        return v7 ? "[{kind: '*', namespace: '*', name: '*', verbs: ['*']}]"
                : "[{kind: pod, namespace: '*', name: '*'}]";
    }

    /** Teleport's own rules for one entry; false (reported) when Teleport refuses the role. */
    private boolean teleportAccepts(Node entry, String at, boolean v7, String version) {
        Map<String, NodeTuple> fields = reader.mapping(entry, at);
        if (fields == null) {
            return false;
        }
        boolean ok = true;
        for (Map.Entry<String, NodeTuple> e : fields.entrySet()) {
            if (!FIELDS.contains(e.getKey())) {
                reader.error(e.getValue().getKeyNode(), at + "." + e.getKey(), "unknown field; an entry has kind, "
                        + "namespace, name and verbs");
                ok = false;
            }
        }
        String kind = text(fields, "kind", at);
        String namespace = text(fields, "namespace", at);
        String name = text(fields, "name", at);
        List<String> verbs = fields.containsKey("verbs")
                ? reader.stringList(fields.get("verbs").getValueNode(), at + ".verbs") : List.of();
        if (!v7 && !"pod".equals(kind)) {
            reader.error(entry, at + ".kind", "kind " + MessageText.quote(String.valueOf(kind)) + " is not supported "
                    + "in role version " + version + ", where only pods are restricted; make the role v7 "
                    + "(Teleport refuses it too)");
            ok = false;
        }
        if (!v7 && !(verbs.isEmpty() || verbs.equals(List.of("*")))) {
            reader.error(entry, at + ".verbs", "role version " + version + " supports only the verb '*'; make the "
                    + "role v7 (Teleport refuses it too)");
            ok = false;
        } else if (verbs.contains("*") && verbs.size() > 1) {
            reader.error(entry, at + ".verbs", "'*' cannot be used with other verbs (Teleport refuses it too)");
            ok = false;
        }
        if (name == null || name.isEmpty()) {
            reader.error(entry, at + ".name", "is required (Teleport refuses an entry without it too)");
            ok = false;
        }
        if ("pod".equals(kind) && (namespace == null || namespace.isEmpty())) {
            reader.error(entry, at + ".namespace", "is required for pods (Teleport refuses an entry without it too)");
            ok = false;
        }
        return ok;
    }

    @CheckForNull
    private String text(Map<String, NodeTuple> fields, String key, String at) {
        NodeTuple t = fields.get(key);
        return t == null ? null : reader.string(t.getValueNode(), at + "." + key);
    }

    /** The entry that allows every resource in a role of this version. */
    private static boolean isWildcard(Node entry, boolean v7) {
        Map<String, Node> fields = NodeReader.scalarFields(entry);
        boolean verbs = fields.containsKey("verbs") ? LabelSelectors.isWildcardValue(fields.get("verbs")) : !v7;
        boolean apiGroup = !fields.containsKey("api_group") || LabelSelectors.isWildcardValue(fields.get("api_group"));
        return (v7 ? "*" : "pod").equals(NodeReader.scalarText(fields.get("kind")))
                && "*".equals(NodeReader.scalarText(fields.get("namespace")))
                && "*".equals(NodeReader.scalarText(fields.get("name"))) && verbs && apiGroup;
    }
}
