package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

/**
 * Reads a Teleport {@code kind: user} document (v2) into a {@link RobotUser}: its roles, its traits (which fill role
 * templates) and its expiry ({@code metadata.expires}, else {@code spec.expires}, as Teleport's {@code Expiry()}).
 * Teleport's bookkeeping fields (login status, SSO identities) grant nothing and are accepted unused; login secrets
 * ({@code local_auth}) are refused: they do not belong in a signing policy.
 */
final class UserReader {
    static final Set<String> VERSIONS = Set.of("v2");
    private static final Set<String> SPEC_IGNORED = Set.of("status", "created_by", "saml_identities",
            "github_identities", "trusted_device_ids");
    /** How Teleport writes "no expiry" ({@code tctl get users} prints Go's zero time). */
    private static final Instant ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

    /** A user as read, with where it names each role, for messages about them. */
    record Read(RobotUser user, List<NameReference> roles) { }

    private final NodeReader reader;

    UserReader(NodeReader reader) {
        this.reader = reader;
    }

    /** The user, or null when it has errors (reported). */
    @CheckForNull
    Read read(DocumentHeader header) {
        if (!header.checkVersion(reader, VERSIONS, "v2")) {
            return null;
        }
        String label = header.label();
        List<String> roleNames = new ArrayList<>();
        List<NameReference> roleReferences = new ArrayList<>();
        Map<String, List<String>> traits = new LinkedHashMap<>();
        Map<String, NodeTuple> metadata = header.metadata();
        Instant expires = metadata != null && metadata.containsKey("expires")
                ? expires(metadata.get("expires").getValueNode(), label + ": metadata.expires") : null;
        Instant specExpires = null;
        Node specNode = header.spec();
        if (specNode == null) {
            reader.error(header.document(), label + ": spec", "is required (with roles)");
            return null;
        }
        Map<String, NodeTuple> spec = reader.mapping(specNode, label + ": spec");
        if (spec == null) {
            return null;
        }
        for (Map.Entry<String, NodeTuple> e : spec.entrySet()) {
            String field = label + ": spec." + e.getKey();
            Node value = e.getValue().getValueNode();
            switch (e.getKey()) {
                case "roles" -> {
                    List<Node> items = reader.list(value, field);
                    for (int i = 0; i < items.size(); i++) {
                        String at = field + "[" + i + "]";
                        String role = reader.string(items.get(i), at);
                        String problem = role == null ? null : PolicyName.problem(role);
                        if (problem != null) {
                            reader.error(items.get(i), at, "role " + MessageText.quote(role) + " " + problem);
                        } else if (role != null) {
                            roleNames.add(role);
                            roleReferences.add(new NameReference(role, items.get(i), at));
                        }
                    }
                }
                case "traits" -> traits = traits(value, field);
                case "expires" -> specExpires = expires(value, field);
                case "oidc_identities" -> identities(value, field);
                case "local_auth" -> reader.error(e.getValue().getKeyNode(), field, "holds Teleport login secrets "
                        + "(password hash, MFA devices); remove it: a robot user needs none here, and secrets do not "
                        + "belong in a signing policy");
                default -> {
                    if (SPEC_IGNORED.contains(e.getKey())) {
                        continue; // Teleport bookkeeping (login status, SSO identities): nothing to grant
                    }
                    reader.error(e.getValue().getKeyNode(), field, "unknown field; a user's spec has roles and traits");
                }
            }
        }
        if (!spec.containsKey("roles")) {
            reader.error(specNode, label + ": spec.roles", "is required: list the roles this user holds");
        }
        String name = header.name();
        if (name == null) {
            return null;
        }
        return new Read(new RobotUser(name, roleNames, traits, expires != null ? expires : specExpires,
                header.where(reader.log())), roleReferences);
    }

    /** An expiry; null for none, including Teleport's zero time. */
    @CheckForNull
    private Instant expires(Node value, String field) {
        Instant expires = timestamp(value, field);
        return ZERO_TIME.equals(expires) ? null : expires;
    }

    @CheckForNull
    private Instant timestamp(Node value, String field) {
        String text = NodeReader.scalarText(value);
        if (text == null) {
            reader.error(value, field, "must be a timestamp such as 2027-01-01T00:00:00Z");
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e2) {
                reader.error(value, field, MessageText.quote(text) + " is not an RFC 3339 timestamp such as "
                        + "2027-01-01T00:00:00Z");
                return null;
            }
        }
    }

    /** OIDC identities are unused, but Teleport refuses one without its connector or user name: so do we. */
    private void identities(Node node, String path) {
        List<Node> identities = reader.list(node, path);
        for (int i = 0; i < identities.size(); i++) {
            String at = path + "[" + i + "]";
            Map<String, NodeTuple> identity = reader.mapping(identities.get(i), at);
            if (identity == null) {
                continue;
            }
            for (String required : List.of("connector_id", "username")) {
                String value = identity.containsKey(required)
                        ? reader.string(identity.get(required).getValueNode(), at + "." + required) : "";
                if (value != null && value.isEmpty()) {
                    reader.error(identities.get(i), at + "." + required, "is required (Teleport refuses an identity "
                            + "without it too)");
                }
            }
        }
    }

    private Map<String, List<String>> traits(Node node, String path) {
        Map<String, List<String>> traits = new LinkedHashMap<>();
        if (NodeReader.isNull(node)) {
            return traits;
        }
        Map<String, NodeTuple> fields = reader.mapping(node, path);
        if (fields == null) {
            return traits;
        }
        for (Map.Entry<String, NodeTuple> e : fields.entrySet()) {
            String field = path + "." + e.getKey();
            List<String> values = new ArrayList<>();
            List<Node> items = reader.list(e.getValue().getValueNode(), field);
            for (int i = 0; i < items.size(); i++) {
                String v = reader.string(items.get(i), field + "[" + i + "]");
                if (v == null) {
                    continue;
                }
                if (TraitTemplate.looksLikeTemplate(v)) {
                    reader.error(items.get(i), field + "[" + i + "]", "a trait value must not contain '{{' or '}}'");
                    continue;
                }
                values.add(v);
            }
            traits.put(e.getKey(), values);
        }
        return traits;
    }
}
