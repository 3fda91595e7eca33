package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Reads a robot policy: multi-document YAML of Teleport {@code kind: role} (v5, v6, v7) and {@code kind: user} (v2)
 * documents, unchanged from what {@code tctl create} takes, plus our {@code kind: job_binding} (v1) documents.
 *
 * <p>Every field Teleport knows is either honoured, or reported: a warning when ignoring it can only narrow what a
 * certificate grants, an error when ignoring it would grant more than Teleport would. Unknown fields, kinds and
 * versions are errors. Every problem names the file, the line and the field. The YAML is read with SnakeYAML's
 * composer only (no object construction), with limits on size, nesting and aliases, and duplicate keys rejected.
 */
public final class PolicyParser {
    /** The largest policy file we read. */
    public static final int MAX_BYTES = 1024 * 1024;
    static final int MAX_NESTING = 32;
    static final int MAX_ALIASES = 16;
    static final int MAX_NAME_LENGTH = 253;

    private static final Set<String> ROLE_VERSIONS = Set.of("v5", "v6", "v7");
    private static final Set<String> METADATA_IGNORED = Set.of("description", "labels", "namespace", "revision", "id");
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
    private static final Set<String> USER_SPEC_IGNORED = Set.of("status", "created_by", "expires",
            "oidc_identities", "saml_identities", "github_identities", "local_auth", "trusted_device_ids");

    private final LoaderOptions options;

    public PolicyParser() {
        options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_NESTING);
        options.setCodePointLimit(MAX_BYTES);
        options.setAllowRecursiveKeys(false);
        options.setProcessComments(false);
    }

    /**
     * Parses and checks a policy.
     *
     * @param source the file name shown in messages, e.g. {@code robots.yaml}
     * @throws PolicyException carrying every error found, each with file, line and field
     */
    public RobotPolicy parse(String yaml, String source) throws PolicyException {
        Run run = new Run(source);
        RobotPolicy policy = run.parse(yaml);
        if (run.hasErrors() || policy == null) {
            throw new PolicyException(run.problems);
        }
        return policy;
    }

    /** Parses bytes that must be UTF-8; invalid UTF-8 is an error naming the file. */
    public RobotPolicy parse(byte[] yaml, String source) throws PolicyException {
        return parse(decode(yaml, source), source);
    }

    /** Every error and warning for a policy text, ordered by line; empty when it is clean. For form validation. */
    public List<PolicyProblem> check(String yaml, String source) {
        Run run = new Run(source);
        run.parse(yaml);
        // By line, as an editor shows them (cross-checks run after the documents are read); stable within a line.
        return run.problems.stream().sorted(java.util.Comparator.comparingInt(PolicyProblem::line)).toList();
    }

    static String decode(byte[] bytes, String source) throws PolicyException {
        if (bytes.length > MAX_BYTES) {
            throw new PolicyException(List.of(new PolicyProblem(PolicyProblem.Severity.ERROR, source, 0, "",
                    "the policy is " + bytes.length + " bytes; the limit is " + MAX_BYTES)));
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new PolicyException(List.of(new PolicyProblem(PolicyProblem.Severity.ERROR, source, 0, "",
                    "the policy is not valid UTF-8 text")));
        }
    }

    /** One parse: collects problems as it goes, so that a user sees every error at once. */
    private final class Run {
        final String source;
        final List<PolicyProblem> problems = new ArrayList<>();
        final Map<String, Role> roles = new LinkedHashMap<>();
        final Map<String, Integer> roleLines = new LinkedHashMap<>();
        final Map<String, RobotUser> users = new LinkedHashMap<>();
        final Map<String, Integer> userLines = new LinkedHashMap<>();
        final Map<String, List<Node>> userRoleNodes = new LinkedHashMap<>();
        final Map<String, Node> bindingUserNodes = new LinkedHashMap<>();
        final List<JobBinding> bindings = new ArrayList<>();
        final Map<String, Integer> bindingLines = new LinkedHashMap<>();

        Run(String source) {
            this.source = source;
        }

        boolean hasErrors() {
            return problems.stream().anyMatch(p -> p.severity() == PolicyProblem.Severity.ERROR);
        }

        void error(@CheckForNull Node at, String field, String message) {
            problem(PolicyProblem.Severity.ERROR, line(at), field, message);
        }

        void warning(@CheckForNull Node at, String field, String message) {
            problem(PolicyProblem.Severity.WARNING, line(at), field, message);
        }

        /** Field paths hold keys from the file: each problem is one printable line whatever the file holds. */
        void problem(PolicyProblem.Severity severity, int line, String field, String message) {
            problems.add(new PolicyProblem(severity, source, line, MessageText.printable(field, 200), MessageText.printable(message, 2_000)));
        }

        @CheckForNull
        RobotPolicy parse(String yaml) {
            if (yaml.length() > MAX_BYTES) {
                error(null, "", "the policy is " + yaml.length() + " characters; the limit is " + MAX_BYTES);
                return null;
            }
            Yaml parser = new Yaml(new SafeConstructor(options), new Representer(new DumperOptions()),
                    new DumperOptions(), options);
            List<Node> documents = new ArrayList<>();
            try {
                for (Node document : parser.composeAll(new StringReader(yaml))) {
                    documents.add(document);
                }
            } catch (MarkedYAMLException e) {
                Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
                String what = e.getProblem() != null ? e.getProblem() : e.getMessage();
                problem(PolicyProblem.Severity.ERROR, mark == null ? 0 : mark.getLine() + 1, "",
                        "invalid YAML: " + oneLine(what));
                return null;
            } catch (YAMLException e) {
                error(null, "", "invalid YAML: " + oneLine(String.valueOf(e.getMessage())));
                return null;
            }
            for (Node document : documents) {
                document(document);
            }
            if (roles.isEmpty() && users.isEmpty() && bindings.isEmpty() && !hasErrors()) {
                error(null, "", "the policy defines no roles, users or job bindings");
            }
            crossCheck();
            if (hasErrors()) {
                return null;
            }
            Map<String, RobotProfile> profiles = new LinkedHashMap<>();
            for (RobotUser user : users.values()) {
                profiles.put(user.name(), profile(user));
            }
            if (hasErrors()) {
                return null;
            }
            return new RobotPolicy(roles, users, bindings, profiles,
                    problems.stream().filter(p -> p.severity() == PolicyProblem.Severity.WARNING).toList());
        }

        private void document(Node document) {
            if (document instanceof ScalarNode s && s.getTag().equals(Tag.NULL)) {
                return; // an empty document, e.g. after a trailing ---
            }
            Map<String, NodeTuple> top = mapping(document, "document");
            if (top == null) {
                return;
            }
            String kind = requiredString(top, "kind", document, "kind");
            String version = requiredString(top, "version", document, "version");
            Map<String, NodeTuple> metadata = top.containsKey("metadata")
                    ? mapping(top.get("metadata").getValueNode(), "metadata") : null;
            if (!top.containsKey("metadata")) {
                error(document, "metadata", "is required (with a name)");
            }
            String name = metadata == null ? null : requiredString(metadata, "name",
                    top.get("metadata").getValueNode(), "metadata.name");
            if (name != null && nameProblem(name) != null) {
                error(metadata.get("name").getValueNode(), "metadata.name", MessageText.quote(name) + " " + nameProblem(name));
                name = null;
            }
            if (kind == null) {
                return;
            }
            String label = name == null ? MessageText.printable(kind, 80) : MessageText.printable(kind, 80) + " " + MessageText.quote(name);
            for (Map.Entry<String, NodeTuple> e : top.entrySet()) {
                switch (e.getKey()) {
                    case "kind", "version", "metadata", "spec" -> { }
                    case "sub_kind" -> warning(e.getValue().getKeyNode(), label + ": sub_kind", "is ignored");
                    default -> error(e.getValue().getKeyNode(), label + ": " + e.getKey(),
                            "unknown field; a document has kind, version, metadata and spec");
                }
            }
            if (metadata != null) {
                for (Map.Entry<String, NodeTuple> e : metadata.entrySet()) {
                    String key = e.getKey();
                    if (key.equals("name") || METADATA_IGNORED.contains(key)) {
                        continue;
                    }
                    if (key.equals("expires") && kind.equals("user")) {
                        continue;
                    }
                    if (key.equals("expires")) {
                        error(e.getValue().getKeyNode(), label + ": metadata.expires",
                                "is supported on users only; remove it from this " + kind);
                    } else {
                        error(e.getValue().getKeyNode(), label + ": metadata." + key, "unknown field");
                    }
                }
            }
            Node spec = top.containsKey("spec") ? top.get("spec").getValueNode() : null;
            switch (kind) {
                case "role" -> {
                    if (version != null && !ROLE_VERSIONS.contains(version)) {
                        error(top.get("version").getValueNode(), label + ": version", "role version " + MessageText.quote(version)
                                + " is not supported (supported: v5, v6, v7)");
                        return;
                    }
                    role(name, version, spec, document, label);
                }
                case "user" -> {
                    if (version != null && !version.equals("v2")) {
                        error(top.get("version").getValueNode(), label + ": version", "user version " + MessageText.quote(version)
                                + " is not supported (supported: v2)");
                        return;
                    }
                    user(name, metadata, spec, document, label);
                }
                case "job_binding" -> {
                    if (version != null && !version.equals("v1")) {
                        error(top.get("version").getValueNode(), label + ": version", "job_binding version "
                                + MessageText.quote(version) + " is not supported (supported: v1)");
                        return;
                    }
                    binding(name, spec, document, label);
                }
                default -> error(top.get("kind").getValueNode(), "kind", MessageText.quote(kind) + " is not supported; "
                        + "expected role, user or job_binding");
            }
        }

        private void role(@CheckForNull String name, @CheckForNull String version, @CheckForNull Node specNode,
                          Node document, String label) {
            RoleConditions allow = RoleConditions.NONE;
            RoleConditions deny = RoleConditions.NONE;
            Duration maxTtl = null;
            if (specNode != null) {
                Map<String, NodeTuple> spec = mapping(specNode, label + ": spec");
                if (spec == null) {
                    return;
                }
                for (Map.Entry<String, NodeTuple> e : spec.entrySet()) {
                    Node value = e.getValue().getValueNode();
                    switch (e.getKey()) {
                        case "allow" -> allow = conditions(value, label + ": spec.allow", true);
                        case "deny" -> deny = conditions(value, label + ": spec.deny", false);
                        case "options" -> maxTtl = options(value, label + ": spec.options");
                        default -> error(e.getValue().getKeyNode(), label + ": spec." + e.getKey(),
                                "unknown field; a role's spec has allow, deny and options");
                    }
                }
            }
            if (name == null || version == null || allow == null || deny == null) {
                return;
            }
            if (roles.containsKey(name)) {
                error(document, label, "duplicate role name; first defined at line " + roleLines.get(name));
                return;
            }
            roles.put(name, new Role(name, version, allow, deny, maxTtl, source + ":" + line(document)));
            roleLines.put(name, line(document));
        }

        @CheckForNull
        private RoleConditions conditions(Node node, String path, boolean allow) {
            if (isNull(node)) {
                return RoleConditions.NONE;
            }
            Map<String, NodeTuple> fields = mapping(node, path);
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
                    case "logins" -> strings(value, field); // accepted, unused: SSH logins mean nothing here
                    case "kubernetes_labels" -> {
                        if (!isWildcardLabels(value)) {
                            if (allow) {
                                error(keyNode, field, "only {'*': '*'} is supported: this signer has no cluster "
                                        + "labels, so a label restriction cannot be enforced; remove it or use '*': '*'");
                            } else {
                                warning(keyNode, field, "is not evaluated: the deny rules of this role apply to "
                                        + "every cluster");
                            }
                        }
                    }
                    case "kubernetes_labels_expression" -> {
                        if (allow) {
                            error(keyNode, field, "is not supported: this signer has no cluster labels, so the "
                                    + "expression cannot be enforced; remove it");
                        } else {
                            warning(keyNode, field, "is not evaluated: the deny rules of this role apply to every "
                                    + "cluster");
                        }
                    }
                    case "kubernetes_resources" -> {
                        if (allow ? !isWildcardResources(value) : !isNull(value) && !isEmptySequence(value)) {
                            error(keyNode, field, "cannot be enforced: certificates go straight to the Kubernetes "
                                    + "API server, with no Teleport proxy to filter resources; grant groups and "
                                    + "restrict them with Kubernetes RBAC instead"
                                    + (allow ? ", or use [{kind: '*', namespace: '*', name: '*'}]" : ""));
                        }
                    }
                    default -> {
                        if (CONDITIONS_OTHER.contains(key)) {
                            warning(keyNode, field, "is ignored: it controls Teleport access other than "
                                    + "Kubernetes client certificates");
                        } else {
                            error(keyNode, field, "unknown field");
                        }
                    }
                }
            }
            return new RoleConditions(groups, kubeUsers);
        }

        @CheckForNull
        private Duration options(Node node, String path) {
            if (isNull(node)) {
                return null;
            }
            Map<String, NodeTuple> fields = mapping(node, path);
            if (fields == null) {
                return null;
            }
            Duration max = null;
            for (Map.Entry<String, NodeTuple> e : fields.entrySet()) {
                String field = path + "." + e.getKey();
                Node value = e.getValue().getValueNode();
                if (e.getKey().equals("max_session_ttl")) {
                    String text = string(value, field);
                    if (text == null) {
                        continue;
                    }
                    if (text.equals("never")) {
                        warning(value, field, "\"never\" sets no maximum for this role; the default maximum of "
                                + Ttl.format(Ttl.DEFAULT_MAXIMUM) + " applies unless another role sets one "
                                + "(certificates here are never open-ended)");
                        continue;
                    }
                    try {
                        max = Ttl.parseRoleMaximum(text, field);
                    } catch (InvalidInputException ex) {
                        error(value, field, ex.getMessage().substring(field.length() + 2));
                        continue;
                    }
                    if (max.compareTo(Ttl.MINIMUM) < 0) {
                        error(value, field, MessageText.quote(text) + " is shorter than the minimum certificate lifetime "
                                + Ttl.format(Ttl.MINIMUM));
                        max = null;
                    }
                } else {
                    warning(e.getValue().getKeyNode(), field, "is ignored: it has no effect on Kubernetes client "
                            + "certificates issued by this signer");
                }
            }
            return max;
        }

        private void user(@CheckForNull String name, @CheckForNull Map<String, NodeTuple> metadata,
                          @CheckForNull Node specNode, Node document, String label) {
            List<String> roleNames = new ArrayList<>();
            List<Node> roleNodes = new ArrayList<>();
            Map<String, List<String>> traits = new LinkedHashMap<>();
            Instant expires = null;
            if (metadata != null && metadata.containsKey("expires")) {
                Node value = metadata.get("expires").getValueNode();
                String text = scalarText(value);
                if (text == null) {
                    error(value, label + ": metadata.expires", "must be a timestamp such as 2027-01-01T00:00:00Z");
                } else {
                    try {
                        expires = Instant.parse(text);
                    } catch (DateTimeParseException e) {
                        try {
                            expires = java.time.OffsetDateTime.parse(text).toInstant();
                        } catch (DateTimeParseException e2) {
                            error(value, label + ": metadata.expires", MessageText.quote(text) + " is not an RFC 3339 "
                                    + "timestamp such as 2027-01-01T00:00:00Z");
                        }
                    }
                }
            }
            if (specNode == null) {
                error(document, label + ": spec", "is required (with roles)");
                return;
            }
            Map<String, NodeTuple> spec = mapping(specNode, label + ": spec");
            if (spec == null) {
                return;
            }
            for (Map.Entry<String, NodeTuple> e : spec.entrySet()) {
                String field = label + ": spec." + e.getKey();
                Node value = e.getValue().getValueNode();
                switch (e.getKey()) {
                    case "roles" -> {
                        List<Node> items = items(value, field);
                        for (int i = 0; i < items.size(); i++) {
                            String role = string(items.get(i), field + "[" + i + "]");
                            if (role != null) {
                                roleNames.add(role);
                                roleNodes.add(items.get(i));
                            }
                        }
                    }
                    case "traits" -> traits = traits(value, field);
                    default -> {
                        if (USER_SPEC_IGNORED.contains(e.getKey())) {
                            continue; // Teleport bookkeeping (login status, SSO identities): nothing to grant
                        }
                        error(e.getValue().getKeyNode(), field, "unknown field; a user's spec has roles and traits");
                    }
                }
            }
            if (!spec.containsKey("roles")) {
                error(specNode, label + ": spec.roles", "is required: list the roles this user holds");
            }
            if (name == null) {
                return;
            }
            if (users.containsKey(name)) {
                error(document, label, "duplicate user name; first defined at line " + userLines.get(name));
                return;
            }
            users.put(name, new RobotUser(name, roleNames, traits, expires, source + ":" + line(document)));
            userLines.put(name, line(document));
            userRoleNodes.put(name, roleNodes);
        }

        private Map<String, List<String>> traits(Node node, String path) {
            Map<String, List<String>> traits = new LinkedHashMap<>();
            if (isNull(node)) {
                return traits;
            }
            Map<String, NodeTuple> fields = mapping(node, path);
            if (fields == null) {
                return traits;
            }
            for (Map.Entry<String, NodeTuple> e : fields.entrySet()) {
                String field = path + "." + e.getKey();
                List<String> values = new ArrayList<>();
                List<Node> items = items(e.getValue().getValueNode(), field);
                for (int i = 0; i < items.size(); i++) {
                    String v = string(items.get(i), field + "[" + i + "]");
                    if (v == null) {
                        continue;
                    }
                    if (TraitTemplate.looksLikeTemplate(v)) {
                        error(items.get(i), field + "[" + i + "]", "a trait value must not contain '{{' or '}}'");
                        continue;
                    }
                    values.add(v);
                }
                traits.put(e.getKey(), values);
            }
            return traits;
        }

        private void binding(@CheckForNull String name, @CheckForNull Node specNode, Node document, String label) {
            if (specNode == null) {
                error(document, label + ": spec", "is required (with users and jobs)");
                return;
            }
            Map<String, NodeTuple> spec = mapping(specNode, label + ": spec");
            if (spec == null) {
                return;
            }
            List<String> bound = new ArrayList<>();
            List<JobPattern> jobs = new ArrayList<>();
            for (Map.Entry<String, NodeTuple> e : spec.entrySet()) {
                String field = label + ": spec." + e.getKey();
                Node value = e.getValue().getValueNode();
                switch (e.getKey()) {
                    case "users" -> {
                        List<Node> items = items(value, field);
                        for (int i = 0; i < items.size(); i++) {
                            String user = string(items.get(i), field + "[" + i + "]");
                            if (user != null) {
                                bound.add(user);
                                bindingUserNodes.put(name + "\u0000" + user, items.get(i));
                            }
                        }
                    }
                    case "jobs" -> {
                        List<Node> items = items(value, field);
                        for (int i = 0; i < items.size(); i++) {
                            String glob = string(items.get(i), field + "[" + i + "]");
                            if (glob == null) {
                                continue;
                            }
                            try {
                                jobs.add(JobPattern.compile(glob));
                            } catch (IllegalArgumentException ex) {
                                error(items.get(i), field + "[" + i + "]", ex.getMessage());
                            }
                        }
                    }
                    default -> error(e.getValue().getKeyNode(), field,
                            "unknown field; a job_binding's spec has users and jobs");
                }
            }
            if (!spec.containsKey("users") || bound.isEmpty()) {
                error(specNode, label + ": spec.users", "is required: list the robot users these jobs may act as");
            }
            if (!spec.containsKey("jobs") || (jobs.isEmpty() && !hasErrors())) {
                error(specNode, label + ": spec.jobs", "is required: list job full name patterns, e.g. deploy/**");
            }
            if (name == null) {
                return;
            }
            if (bindingLines.containsKey(name)) {
                error(document, label, "duplicate job_binding name; first defined at line " + bindingLines.get(name));
                return;
            }
            bindings.add(new JobBinding(name, bound, jobs, source + ":" + line(document)));
            bindingLines.put(name, line(document));
        }

        private void crossCheck() {
            for (RobotUser user : users.values()) {
                List<Node> nodes = userRoleNodes.get(user.name());
                for (int i = 0; i < user.roles().size(); i++) {
                    String role = user.roles().get(i);
                    if (!roles.containsKey(role)) {
                        error(nodes.get(i), "user " + MessageText.quote(user.name()) + ": spec.roles[" + i + "]", "role "
                                + MessageText.quote(role) + " is not defined in this policy");
                    }
                }
                if (user.roles().isEmpty()) {
                    warning(null, "user " + MessageText.quote(user.name()) + ": spec.roles", "is empty: this user grants nothing");
                }
            }
            for (JobBinding binding : bindings) {
                for (int i = 0; i < binding.users().size(); i++) {
                    String user = binding.users().get(i);
                    if (!users.containsKey(user)) {
                        error(bindingUserNodes.get(binding.name() + "\u0000" + user), "job_binding "
                                + MessageText.quote(binding.name()) + ": spec.users[" + i + "]", "user " + MessageText.quote(user)
                                + " is not defined in this policy");
                    }
                }
            }
        }

        private RobotProfile profile(RobotUser user) {
            Set<String> groups = new TreeSet<>();
            Set<String> kubeUsers = new TreeSet<>();
            Set<String> deniedGroups = new LinkedHashSet<>();
            Set<String> deniedUsers = new LinkedHashSet<>();
            Duration max = null;
            String maxSource = null;
            for (String roleName : user.roles()) {
                Role role = roles.get(roleName);
                if (role == null) {
                    continue; // reported by crossCheck(); profiles are only built when there are no errors
                }
                String at = "role \"" + roleName + "\"";
                groups.addAll(expand(role.allow().kubernetesGroups(), user, role, at + ": spec.allow.kubernetes_groups"));
                kubeUsers.addAll(expand(role.allow().kubernetesUsers(), user, role, at + ": spec.allow.kubernetes_users"));
                deniedGroups.addAll(expand(role.deny().kubernetesGroups(), user, role, at + ": spec.deny.kubernetes_groups"));
                deniedUsers.addAll(expand(role.deny().kubernetesUsers(), user, role, at + ": spec.deny.kubernetes_users"));
                Duration roleMax = role.maxSessionTtl();
                if (roleMax != null && (max == null || roleMax.compareTo(max) < 0)) {
                    max = roleMax;
                    maxSource = at + " spec.options.max_session_ttl";
                }
            }
            // Deny wins; "*" in a deny list denies every name.
            if (deniedGroups.contains("*")) {
                groups.clear();
            } else {
                groups.removeAll(deniedGroups);
            }
            if (deniedUsers.contains("*")) {
                kubeUsers.clear();
            } else {
                kubeUsers.removeAll(deniedUsers);
            }
            if (max == null) {
                max = Ttl.DEFAULT_MAXIMUM;
                maxSource = "the default maximum; no role of user \"" + user.name()
                        + "\" sets spec.options.max_session_ttl";
            }
            List<JobPattern> jobs = new ArrayList<>();
            for (JobBinding binding : bindings) {
                if (binding.users().contains(user.name())) {
                    jobs.addAll(binding.jobs());
                }
            }
            return new RobotProfile(user.name(), new ArrayList<>(groups), new ArrayList<>(kubeUsers), max, maxSource,
                    user.expires(), jobs, user.roles());
        }

        private List<String> expand(List<String> names, RobotUser user, Role role, String field) {
            List<String> out = new ArrayList<>();
            for (String name : names) {
                if (!TraitTemplate.looksLikeTemplate(name)) {
                    out.add(name);
                    continue;
                }
                TraitTemplate template = TraitTemplate.parse(name); // checked when the role was read
                List<String> values = template.expand(user.traits());
                if (values.isEmpty()) {
                    problem(PolicyProblem.Severity.WARNING, roleLines.getOrDefault(role.name(), 0), field,
                            MessageText.quote(name) + " expands to nothing for user " + MessageText.quote(user.name()) + " (it has no trait "
                            + template.trait() + ")");
                }
                for (String value : values) {
                    String problem = nameProblem(value);
                    if (problem != null) {
                        problem(PolicyProblem.Severity.ERROR, userLines.getOrDefault(user.name(), 0),
                                "user " + MessageText.quote(user.name()) + ": spec.traits." + template.trait(),
                                MessageText.quote(value) + " (used by " + field + "): " + problem);
                    } else {
                        out.add(value);
                    }
                }
            }
            return out;
        }

        /** A list of Kubernetes group or user names, templates checked. */
        private List<String> names(Node node, String field, boolean allow) {
            List<String> out = new ArrayList<>();
            List<Node> items = items(node, field);
            for (int i = 0; i < items.size(); i++) {
                String item = string(items.get(i), field + "[" + i + "]");
                if (item == null) {
                    continue;
                }
                String at = field + "[" + i + "]";
                if (TraitTemplate.looksLikeTemplate(item)) {
                    try {
                        TraitTemplate.parse(item);
                        out.add(item);
                    } catch (IllegalArgumentException e) {
                        error(items.get(i), at, e.getMessage());
                    }
                    continue;
                }
                if (item.equals("*")) {
                    if (allow) {
                        error(items.get(i), at, "a wildcard cannot be put in a certificate; name the groups or users");
                    } else {
                        out.add(item);
                    }
                    continue;
                }
                if (item.contains("*") || (item.startsWith("^") && item.endsWith("$"))) {
                    error(items.get(i), at, MessageText.quote(item) + ": wildcards and regular expressions are not supported "
                            + "here; write the names out");
                    continue;
                }
                String problem = nameProblem(item);
                if (problem != null) {
                    error(items.get(i), at, MessageText.quote(item) + ": " + problem);
                } else {
                    out.add(item);
                }
            }
            return out;
        }

        // ---- YAML helpers -------------------------------------------------------------------------------

        @CheckForNull
        private Map<String, NodeTuple> mapping(Node node, String path) {
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

        @CheckForNull
        private String requiredString(Map<String, NodeTuple> fields, String key, Node parent, String path) {
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

        @CheckForNull
        private String string(Node node, String path) {
            if (node instanceof ScalarNode s && s.getTag().equals(Tag.STR)) {
                return s.getValue();
            }
            error(node, path, "must be a string, not " + describe(node)
                    + (node instanceof ScalarNode ? " (quote it)" : ""));
            return null;
        }

        private List<String> strings(Node node, String path) {
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

        /** A sequence's items; a single string stands for a one-item list, as Teleport's YAML allows. */
        private List<Node> items(Node node, String path) {
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

        private String describe(Node node) {
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
    }

    @CheckForNull
    static String nameProblem(String name) {
        if (name.isEmpty()) {
            return "must not be empty";
        }
        if (name.length() > MAX_NAME_LENGTH) {
            return "is longer than " + MAX_NAME_LENGTH + " characters";
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                return "contains a control character";
            }
        }
        if (!name.strip().equals(name)) {
            return "has leading or trailing white space";
        }
        return null;
    }

    private static boolean isNull(@CheckForNull Node node) {
        return node == null || (node instanceof ScalarNode s && s.getTag().equals(Tag.NULL));
    }

    private static boolean isEmptySequence(Node node) {
        return node instanceof SequenceNode seq && seq.getValue().isEmpty();
    }

    @CheckForNull
    private static String scalarText(Node node) {
        return node instanceof ScalarNode s && !s.getTag().equals(Tag.NULL) ? s.getValue() : null;
    }

    private static boolean isWildcardLabels(Node node) {
        if (isNull(node)) {
            return true;
        }
        if (!(node instanceof MappingNode m) || m.getValue().size() != 1) {
            return false;
        }
        NodeTuple t = m.getValue().get(0);
        if (!"*".equals(scalarText(t.getKeyNode()))) {
            return false;
        }
        Node v = t.getValueNode();
        if (v instanceof SequenceNode seq) {
            return seq.getValue().size() == 1 && "*".equals(scalarText(seq.getValue().get(0)));
        }
        return "*".equals(scalarText(v));
    }

    private static boolean isWildcardResources(Node node) {
        if (isNull(node)) {
            return true;
        }
        if (!(node instanceof SequenceNode seq) || seq.getValue().size() != 1
                || !(seq.getValue().get(0) instanceof MappingNode m)) {
            return false;
        }
        for (NodeTuple t : m.getValue()) {
            String key = scalarText(t.getKeyNode());
            Node v = t.getValueNode();
            boolean wildcard = "*".equals(scalarText(v)) || (v instanceof SequenceNode s && s.getValue().size() == 1
                    && "*".equals(scalarText(s.getValue().get(0))));
            if (key == null || !Set.of("kind", "namespace", "name", "verbs", "api_group").contains(key) || !wildcard) {
                return false;
            }
        }
        return true;
    }

    private static int line(@CheckForNull Node node) {
        return node == null || node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    private static String pathJoin(String path, String key) {
        return path.equals("document") ? key : path + "." + key;
    }

    private static String oneLine(String text) {
        String s = text.replaceAll("\\s+", " ").strip();
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
