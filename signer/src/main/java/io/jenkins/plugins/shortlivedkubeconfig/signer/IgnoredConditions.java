package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

/**
 * The fields of Teleport's role conditions that have nothing to do with Kubernetes client certificates (SSH,
 * databases, apps, desktops, cloud identities, access requests, ...). They are ignored, with a warning, but checked
 * as Teleport checks them ({@code RoleV6.CheckAndSetDefaults}): a role that Teleport refuses is refused here too.
 */
final class IgnoredConditions {
    /** Lists of strings. */
    private static final Set<String> LISTS = Set.of("windows_desktop_logins", "db_names", "db_users",
            "host_groups", "host_sudoers", "desktop_groups", "aws_role_arns", "azure_identities",
            "gcp_service_accounts", "db_roles");
    /** Lists in which {@code allow} may not hold {@code '*'}. */
    static final Set<String> NO_ALLOW_WILDCARD = Set.of("logins", "aws_role_arns", "azure_identities",
            "gcp_service_accounts", "db_roles");
    private static final Set<String> LABELS = Set.of("node_labels", "app_labels", "db_labels", "db_service_labels",
            "windows_desktop_labels", "cluster_labels", "group_labels", "workload_identity_labels");
    private static final Set<String> EXPRESSIONS = Set.of("node_labels_expression", "app_labels_expression",
            "db_labels_expression", "db_service_labels_expression", "windows_desktop_labels_expression",
            "cluster_labels_expression", "group_labels_expression", "workload_identity_labels_expression");
    /** Fields only their presence matters for: warned about, not looked into. */
    private static final Set<String> OTHER = Set.of("rules", "impersonate", "spiffe", "db_permissions",
            "review_requests", "request", "join_sessions", "require_session_join", "account_assignments",
            "github_permissions", "where", "saml_idp_service_provider_labels");

    private final NodeReader reader;

    IgnoredConditions(NodeReader reader) {
        this.reader = reader;
    }

    static boolean handles(String key) {
        return LISTS.contains(key) || LABELS.contains(key) || EXPRESSIONS.contains(key) || OTHER.contains(key);
    }

    /** Warns that the field is ignored and reports what Teleport would refuse in it. */
    void check(String key, Node value, Node keyNode, String field, boolean allow) {
        reader.warning(keyNode, field, "is ignored: it controls Teleport access other than Kubernetes client "
                + "certificates");
        if (LISTS.contains(key)) {
            List<String> items = reader.stringList(value, field);
            if (allow && NO_ALLOW_WILDCARD.contains(key)) {
                noWildcard(items, value, field);
            }
        } else if (LABELS.contains(key)) {
            LabelSelectors.check(reader, value, field, allow);
        } else if (EXPRESSIONS.contains(key)) {
            if (!NodeReader.isNull(value)) {
                reader.string(value, field);
            }
        } else {
            switch (key) {
                case "rules" -> rules(value, field);
                case "impersonate" -> impersonate(value, field, allow);
                case "spiffe" -> spiffe(value, field);
                case "db_permissions" -> dbPermissions(value, field, allow);
                default -> { } // access requests and sessions: nothing Teleport checks on its own
            }
        }
    }

    /** Reports a {@code '*'} in an allow list where Teleport refuses one. */
    void noWildcard(List<String> items, Node value, String field) {
        if (items.contains("*")) {
            reader.error(value, field, "a wildcard is not allowed here (Teleport refuses it too)");
        }
    }

    private void rules(Node value, String field) {
        List<Node> rules = reader.list(value, field);
        for (int i = 0; i < rules.size(); i++) {
            String at = field + "[" + i + "]";
            Map<String, NodeTuple> rule = reader.mapping(rules.get(i), at);
            if (rule == null) {
                continue;
            }
            for (String required : List.of("resources", "verbs")) {
                List<String> items = rule.containsKey(required)
                        ? reader.stringList(rule.get(required).getValueNode(), at + "." + required) : List.of();
                if (items.isEmpty()) {
                    reader.error(rules.get(i), at + "." + required, "must list at least one entry (Teleport refuses "
                            + "a rule without " + required + " too)");
                }
            }
        }
    }

    private void impersonate(Node value, String field, boolean allow) {
        if (NodeReader.isNull(value)) {
            return;
        }
        Map<String, NodeTuple> conditions = reader.mapping(value, field);
        if (conditions == null) {
            return;
        }
        List<String> users = conditions.containsKey("users")
                ? reader.stringList(conditions.get("users").getValueNode(), field + ".users") : List.of();
        List<String> roles = conditions.containsKey("roles")
                ? reader.stringList(conditions.get("roles").getValueNode(), field + ".roles") : List.of();
        String where = conditions.containsKey("where")
                ? reader.string(conditions.get("where").getValueNode(), field + ".where") : null;
        if (!users.isEmpty() && roles.isEmpty()) {
            reader.error(value, field, "users without roles: set both users and roles for user impersonation "
                    + "(Teleport refuses it too)");
        }
        if (!allow && where != null && !where.isEmpty()) {
            reader.error(conditions.get("where").getKeyNode(), field + ".where", "is not supported in deny "
                    + "impersonate conditions (Teleport refuses it too)");
        }
    }

    private void spiffe(Node value, String field) {
        List<Node> conditions = reader.list(value, field);
        for (int i = 0; i < conditions.size(); i++) {
            String at = field + "[" + i + "]";
            Map<String, NodeTuple> condition = reader.mapping(conditions.get(i), at);
            if (condition == null) {
                continue;
            }
            String path = condition.containsKey("path")
                    ? reader.string(condition.get("path").getValueNode(), at + ".path") : "";
            if (path == null) {
                continue;
            }
            boolean regex = path.startsWith("^") && path.endsWith("$");
            if (path.isEmpty() || !(path.startsWith("/") || regex)) {
                reader.error(conditions.get(i), at + ".path", "must start with / or be a regular expression "
                        + "between ^ and $ (Teleport refuses it too)");
            }
        }
    }

    private void dbPermissions(Node value, String field, boolean allow) {
        List<Node> permissions = reader.list(value, field);
        for (int i = 0; i < permissions.size(); i++) {
            String at = field + "[" + i + "]";
            Map<String, NodeTuple> permission = reader.mapping(permissions.get(i), at);
            if (permission == null || !permission.containsKey("permissions")) {
                continue;
            }
            List<String> items = reader.stringList(permission.get("permissions").getValueNode(),
                    at + ".permissions");
            if (allow && items.contains("*")) {
                reader.error(permissions.get(i), at + ".permissions", "a wildcard is not allowed in allowed database "
                        + "permissions (Teleport refuses it too)");
            }
        }
    }
}
