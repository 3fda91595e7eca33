package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

/**
 * Reads our {@code kind: caller_binding} document (v1) into a {@link CallerBinding}: {@code spec.users} (robot
 * users), and {@code spec.callers} (Jenkins user ids) and/or {@code spec.groups} (Jenkins groups), written out: no
 * wildcards, so that nobody is bound by accident.
 */
final class CallerBindingReader {
    static final Set<String> VERSIONS = Set.of("v1");

    /** A binding as read, with where it names each robot user, for messages about them. */
    record Read(CallerBinding binding, List<NameReference> users) { }

    private final NodeReader reader;

    CallerBindingReader(NodeReader reader) {
        this.reader = reader;
    }

    /** The binding, or null when it has errors (reported). */
    @CheckForNull
    Read read(DocumentHeader header) {
        if (!header.checkVersion(reader, VERSIONS, "v1")) {
            return null;
        }
        String label = header.label();
        Node specNode = header.spec();
        if (specNode == null) {
            reader.error(header.document(), label + ": spec", "is required (with users, and callers or groups)");
            return null;
        }
        Map<String, NodeTuple> spec = reader.mapping(specNode, label + ": spec");
        if (spec == null) {
            return null;
        }
        List<String> bound = new ArrayList<>();
        List<NameReference> userReferences = new ArrayList<>();
        List<String> callers = new ArrayList<>();
        List<String> groups = new ArrayList<>();
        for (Map.Entry<String, NodeTuple> e : spec.entrySet()) {
            String field = label + ": spec." + e.getKey();
            List<String> into = switch (e.getKey()) {
                case "users" -> bound;
                case "callers" -> callers;
                case "groups" -> groups;
                default -> null;
            };
            if (into == null) {
                reader.error(e.getValue().getKeyNode(), field, "unknown field; a caller_binding's spec has users, "
                        + "callers and groups");
                continue;
            }
            List<Node> items = reader.items(e.getValue().getValueNode(), field);
            for (int i = 0; i < items.size(); i++) {
                String at = field + "[" + i + "]";
                String item = reader.string(items.get(i), at);
                if (item == null) {
                    continue;
                }
                String problem = item.contains("*") ? "contains '*': wildcards are not supported; name each "
                        + "Jenkins user or group" : e.getKey().equals("users") ? PolicyName.problem(item)
                        : KubernetesName.problem(item);
                if (problem != null) {
                    reader.error(items.get(i), at, MessageText.quote(item) + " " + problem);
                    continue;
                }
                into.add(item);
                if (into == bound) {
                    userReferences.add(new NameReference(item, items.get(i), at));
                }
            }
        }
        if (bound.isEmpty()) {
            reader.error(specNode, label + ": spec.users", "is required: list the robot users these callers may act as");
        }
        if (callers.isEmpty() && groups.isEmpty()) {
            reader.error(specNode, label + ": spec.callers", "is required (or spec.groups): list the Jenkins user ids "
                    + "or groups that may act as these robot users outside builds");
        }
        String name = header.name();
        if (name == null) {
            return null;
        }
        return new Read(new CallerBinding(name, bound, callers, groups, header.where(reader.log())), userReferences);
    }
}
