package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a Teleport {@code kind: role} document (v5, v6, v7) into a {@link Role}: the Kubernetes groups and users of
 * {@code spec.allow} and {@code spec.deny}, and {@code spec.options.max_session_ttl}. Every other Teleport field is
 * reported: a warning when ignoring it can only narrow what a certificate grants, an error when ignoring it would
 * grant more than Teleport would.
 */
final class RoleReader {
    static final Set<String> VERSIONS = Set.of("v5", "v6", "v7");
    /** Fields of Teleport's role conditions that have nothing to do with Kubernetes certificates. */
    private static final Set<String> CONDITIONS_OTHER = Set.of("node_labels", "node_labels_expression", "rules",
            "app_labels", "app_labels_expression", "db_labels", "db_labels_expression", "db_names", "db_users",
            "db_roles", "db_service_labels", "db_service_labels_expression", "aws_role_arns", "azure_identities",
            "gcp_service_accounts", "windows_desktop_logins", "windows_desktop_labels",
            "windows_desktop_labels_expression", "cluster_labels", "cluster_labels_expression", "host_groups",
            "host_sudoers", "desktop_groups", "impersonate", "review_requests", "request", "join_sessions",
            "require_session_join", "group_labels", "group_labels_expression", "spiffe", "account_assignments",
            "github_permissions", "where", "saml_idp_service_provider_labels", "workload_identity_labels",
            "workload_identity_labels_expression");
    private static final Set<String> RESOURCE_FIELDS = Set.of("kind", "namespace", "name", "verbs", "api_group");

    private final NodeReader reader;

    RoleReader(NodeReader reader) {
        this.reader = reader;
    }

    /** The role, or null when it has errors (reported). */
    @CheckForNull
    Role read(DocumentHeader header) {
        if (!header.checkVersion(reader, VERSIONS, "v5, v6, v7")) {
            return null;
        }
        String label = header.label();
        RoleConditions allow = RoleConditions.NONE;
        RoleConditions deny = RoleConditions.NONE;
        Duration maxTtl = null;
        Node specNode = header.spec();
        if (specNode != null) {
            Map<String, NodeTuple> spec = reader.mapping(specNode, label + ": spec");
            if (spec == null) {
                return null;
            }
            for (Map.Entry<String, NodeTuple> e : spec.entrySet()) {
                Node value = e.getValue().getValueNode();
                switch (e.getKey()) {
                    case "allow" -> allow = conditions(value, label + ": spec.allow", true);
                    case "deny" -> deny = conditions(value, label + ": spec.deny", false);
                    case "options" -> maxTtl = options(value, label + ": spec.options");
                    default -> reader.error(e.getValue().getKeyNode(), label + ": spec." + e.getKey(),
                            "unknown field; a role's spec has allow, deny and options");
                }
            }
        }
        if (header.name() == null || header.version() == null || allow == null || deny == null) {
            return null;
        }
        return new Role(header.name(), header.version(), allow, deny, maxTtl, header.where(reader.log()));
    }

    @CheckForNull
    private RoleConditions conditions(Node node, String path, boolean allow) {
        if (NodeReader.isNull(node)) {
            return RoleConditions.NONE;
        }
        Map<String, NodeTuple> fields = reader.mapping(node, path);
        if (fields == null) {
            return null;
        }
        List<String> groups = List.of();
        List<String> kubeUsers = List.of();
        for (Map.Entry<String, NodeTuple> e : fields.entrySet()) {
            String key = e.getKey();
            String field = path + "." + key;
            Node value = e.getValue().getValueNode();
            Node keyNode = e.getValue().getKeyNode();
            switch (key) {
                case "kubernetes_groups" -> groups = names(value, field, allow);
                case "kubernetes_users" -> kubeUsers = names(value, field, allow);
                case "logins" -> reader.strings(value, field); // accepted, unused: SSH logins mean nothing here
                case "kubernetes_labels" -> {
                    if (!isWildcardLabels(value)) {
                        if (allow) {
                            reader.error(keyNode, field, "only {'*': '*'} is supported: this signer has no cluster "
                                    + "labels, so a label restriction cannot be enforced; remove it or use '*': '*'");
                        } else {
                            reader.warning(keyNode, field, "is not evaluated: the deny rules of this role apply to "
                                    + "every cluster");
                        }
                    }
                }
                case "kubernetes_labels_expression" -> {
                    if (allow) {
                        reader.error(keyNode, field, "is not supported: this signer has no cluster labels, so the "
                                + "expression cannot be enforced; remove it");
                    } else {
                        reader.warning(keyNode, field, "is not evaluated: the deny rules of this role apply to every "
                                + "cluster");
                    }
                }
                case "kubernetes_resources" -> {
                    if (allow ? !isWildcardResources(value)
                            : !NodeReader.isNull(value) && !NodeReader.isEmptySequence(value)) {
                        reader.error(keyNode, field, "cannot be enforced: certificates go straight to the Kubernetes "
                                + "API server, with no Teleport proxy to filter resources; grant groups and "
                                + "restrict them with Kubernetes RBAC instead"
                                + (allow ? ", or use [{kind: '*', namespace: '*', name: '*'}]" : ""));
                    }
                }
                default -> {
                    if (CONDITIONS_OTHER.contains(key)) {
                        reader.warning(keyNode, field, "is ignored: it controls Teleport access other than "
                                + "Kubernetes client certificates");
                    } else {
                        reader.error(keyNode, field, "unknown field");
                    }
                }
            }
        }
        return new RoleConditions(groups, kubeUsers);
    }

    @CheckForNull
    private Duration options(Node node, String path) {
        if (NodeReader.isNull(node)) {
            return null;
        }
        Map<String, NodeTuple> fields = reader.mapping(node, path);
        if (fields == null) {
            return null;
        }
        Duration max = null;
        for (Map.Entry<String, NodeTuple> e : fields.entrySet()) {
            String field = path + "." + e.getKey();
            Node value = e.getValue().getValueNode();
            if (e.getKey().equals("max_session_ttl")) {
                String text = reader.string(value, field);
                if (text == null) {
                    continue;
                }
                if (text.equals("never")) {
                    reader.warning(value, field, "\"never\" sets no maximum for this role; the default maximum of "
                            + Ttl.format(Ttl.DEFAULT_MAXIMUM) + " applies unless another role sets one "
                            + "(certificates here are never open-ended)");
                    continue;
                }
                try {
                    max = Ttl.parseRoleMaximum(text, field);
                } catch (InvalidInputException ex) {
                    reader.error(value, field, ex.getMessage().substring(field.length() + 2));
                    continue;
                }
                if (max.compareTo(Ttl.MINIMUM) < 0) {
                    reader.error(value, field, MessageText.quote(text) + " is shorter than the minimum certificate "
                            + "lifetime " + Ttl.format(Ttl.MINIMUM));
                    max = null;
                }
            } else {
                reader.warning(e.getValue().getKeyNode(), field, "is ignored: it has no effect on Kubernetes client "
                        + "certificates issued by this signer");
            }
        }
        return max;
    }

    /** A list of Kubernetes group or user names, templates checked. */
    private List<String> names(Node node, String field, boolean allow) {
        List<String> out = new ArrayList<>();
        List<Node> items = reader.items(node, field);
        for (int i = 0; i < items.size(); i++) {
            String item = reader.string(items.get(i), field + "[" + i + "]");
            if (item == null) {
                continue;
            }
            String at = field + "[" + i + "]";
            if (TraitTemplate.looksLikeTemplate(item)) {
                try {
                    TraitTemplate.parse(item);
                    out.add(item);
                } catch (IllegalArgumentException e) {
                    reader.error(items.get(i), at, e.getMessage());
                }
                continue;
            }
            if (item.equals("*")) {
                if (allow) {
                    reader.error(items.get(i), at, "a wildcard cannot be put in a certificate; name the groups or "
                            + "users");
                } else {
                    out.add(item);
                }
                continue;
            }
            if (item.contains("*") || (item.startsWith("^") && item.endsWith("$"))) {
                reader.error(items.get(i), at, MessageText.quote(item) + ": wildcards and regular expressions are "
                        + "not supported here; write the names out");
                continue;
            }
            String problem = KubernetesName.problem(item);
            if (problem != null) {
                reader.error(items.get(i), at, MessageText.quote(item) + ": " + problem);
            } else {
                out.add(item);
            }
        }
        return out;
    }

    private static boolean isWildcardLabels(Node node) {
        if (NodeReader.isNull(node)) {
            return true;
        }
        if (!(node instanceof MappingNode m) || m.getValue().size() != 1) {
            return false;
        }
        NodeTuple t = m.getValue().get(0);
        if (!"*".equals(NodeReader.scalarText(t.getKeyNode()))) {
            return false;
        }
        return isWildcardValue(t.getValueNode());
    }

    private static boolean isWildcardResources(Node node) {
        if (NodeReader.isNull(node)) {
            return true;
        }
        if (!(node instanceof SequenceNode seq) || seq.getValue().size() != 1
                || !(seq.getValue().get(0) instanceof MappingNode m)) {
            return false;
        }
        for (NodeTuple t : m.getValue()) {
            String key = NodeReader.scalarText(t.getKeyNode());
            if (key == null || !RESOURCE_FIELDS.contains(key) || !isWildcardValue(t.getValueNode())) {
                return false;
            }
        }
        return true;
    }

    /** {@code '*'} or {@code ['*']}. */
    private static boolean isWildcardValue(Node v) {
        if (v instanceof SequenceNode seq) {
            return seq.getValue().size() == 1 && "*".equals(NodeReader.scalarText(seq.getValue().get(0)));
        }
        return "*".equals(NodeReader.scalarText(v));
    }
}
