package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

/**
 * Reads a Teleport {@code kind: role} document (v5, v6, v7) into a {@link Role}: the Kubernetes groups and users of
 * {@code spec.allow} and {@code spec.deny}, and {@code spec.options.max_session_ttl}. Every other Teleport field is
 * reported: a warning when ignoring it can only narrow what a certificate grants, an error when ignoring it would
 * grant more than Teleport would. What Teleport itself refuses is refused, saying so.
 */
final class RoleReader {
    static final Set<String> VERSIONS = Set.of("v5", "v6", "v7");
    /** Teleport's system roles ({@code api/types/system_role.go}): no user role may take these names. */
    static final Set<String> SYSTEM_ROLES = Set.of("Auth", "Node", "Proxy", "Admin", "ProvisionToken",
            "Trusted_cluster", "Signup", "Nop", "RemoteProxy", "Kube", "App", "Db", "WindowsDesktop", "Bot",
            "Instance", "Discovery", "Okta", "MDM", "AccessGraphPlugin");

    private final NodeReader reader;
    private final IgnoredConditions ignored;
    private final KubernetesResourceRules resources;
    private final RoleOptionsReader options;

    RoleReader(NodeReader reader) {
        this.reader = reader;
        this.ignored = new IgnoredConditions(reader);
        this.resources = new KubernetesResourceRules(reader);
        this.options = new RoleOptionsReader(reader);
    }

    /** The role, or null when it has errors (reported). */
    @CheckForNull
    Role read(DocumentHeader header) {
        String name = header.name();
        String givenVersion = header.version();
        if (givenVersion != null && (givenVersion.equals("v3") || givenVersion.equals("v4"))) {
            reader.error(header.versionNode(), header.label() + ": version", "role version "
                    + MessageText.quote(givenVersion) + " is not supported (supported: v5, v6, v7); Teleport "
                    + "still reads it with older defaults (v3 roles allow every cluster label): make the role v5 or "
                    + "later");
            return null;
        }
        if (!header.checkVersion(reader, VERSIONS, "v5, v6, v7")) {
            return null;
        }
        String label = header.label();
        Map<String, NodeTuple> metadata = header.metadata();
        if (name != null && metadata != null && SYSTEM_ROLES.contains(name)) {
            reader.error(metadata.get("name").getValueNode(), label + ": metadata.name",
                    MessageText.quote(name) + " is the name of a Teleport system role (Teleport refuses it "
                    + "too)");
            return null;
        }
        String version = givenVersion == null ? "v7" : givenVersion;
        RoleConditions allow = RoleConditions.NONE;
        RoleConditions deny = RoleConditions.NONE;
        boolean allowsResources = false;
        Node allowKey = header.document();
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
                    case "allow" -> {
                        allow = conditions(value, label + ": spec.allow", true, version);
                        allowsResources = hasField(value, "kubernetes_resources");
                        allowKey = e.getValue().getKeyNode();
                    }
                    case "deny" -> deny = conditions(value, label + ": spec.deny", false, version);
                    case "options" -> maxTtl = options.read(value, label + ": spec.options");
                    default -> reader.error(e.getValue().getKeyNode(), label + ": spec." + e.getKey(),
                            "unknown field; a role's spec has allow, deny and options");
                }
            }
        }
        if (version.equals("v6") && allow != null && !allowsResources
                && !(allow.kubernetesGroups().isEmpty() && allow.kubernetesUsers().isEmpty())) {
            reader.error(allowKey, label + ": spec.allow.kubernetes_resources", "is missing: in a v6 "
                    + "role that leaves pods out (Teleport allows no pod to it), and certificates here cannot leave "
                    + "pods out; add kubernetes_resources: " + KubernetesResourceRules.wildcard(false)
                    + " to allow them, or make the role v7");
        }
        if (name == null || givenVersion == null || allow == null || deny == null) {
            return null;
        }
        return new Role(name, givenVersion, allow, deny, maxTtl, header.where(reader.log()));
    }

    private static boolean hasField(Node conditions, String key) {
        Node value = NodeReader.scalarFields(conditions).get(key);
        return value != null && !NodeReader.isNull(value);
    }

    @CheckForNull
    private RoleConditions conditions(Node node, String path, boolean allow, String version) {
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
                case "logins" -> { // accepted, unused: SSH logins mean nothing here
                    List<String> logins = reader.stringList(value, field);
                    if (allow) {
                        ignored.noWildcard(logins, value, field);
                    }
                }
                case "kubernetes_labels" -> {
                    if (LabelSelectors.check(reader, value, field, allow) && !LabelSelectors.isWildcard(value)) {
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
                case "kubernetes_resources" -> resources.check(value, keyNode, field, allow, version);
                default -> {
                    if (IgnoredConditions.handles(key)) {
                        ignored.check(key, value, keyNode, field, allow);
                    } else {
                        reader.error(keyNode, field, "unknown field");
                    }
                }
            }
        }
        return new RoleConditions(groups, kubeUsers);
    }

    /** A list of Kubernetes group or user names, templates checked. */
    private List<String> names(Node node, String field, boolean allow) {
        List<String> out = new ArrayList<>();
        List<Node> items = reader.list(node, field);
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
}
