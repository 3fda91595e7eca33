package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A role's {@code spec.options}: {@code max_session_ttl} is honoured; every other option is ignored (it has no
 * effect on a client certificate) with a warning, but the values Teleport validates are validated as Teleport does.
 */
final class RoleOptionsReader {
    private static final Set<String> LOCK_MODES = Set.of("", "best_effort", "strict");
    private static final Set<String> RECORDING_EVENTS = Set.of("command", "disk", "network");
    private static final Set<String> HOST_USER_MODES = Set.of("", "off", "drop", "keep", "insecure-drop");
    private static final Set<String> DB_USER_MODES = Set.of("", "off", "keep", "best_effort_drop");

    private final NodeReader reader;

    RoleOptionsReader(NodeReader reader) {
        this.reader = reader;
    }

    /** The role's maximum certificate lifetime, or null when it sets none (or sets {@code never}). */
    @CheckForNull
    Duration read(Node node, String path) {
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
                max = maxSessionTtl(value, field);
                continue;
            }
            reader.warning(e.getValue().getKeyNode(), field, "is ignored: it has no effect on Kubernetes client "
                    + "certificates issued by this signer");
            switch (e.getKey()) {
                case "lock" -> oneOf(value, field, LOCK_MODES, "best_effort or strict");
                case "enhanced_recording" -> {
                    List<String> events = reader.stringList(value, field);
                    if (!RECORDING_EVENTS.containsAll(events)) {
                        reader.error(value, field, "may only list command, disk and network (Teleport refuses "
                                + "other values too)");
                    }
                }
                case "create_host_user_mode" -> hostUserMode(value, field);
                case "create_db_user_mode" -> oneOf(value, field, DB_USER_MODES, "off, keep or best_effort_drop");
                default -> { } // no check of Teleport's own that a certificate could fail
            }
        }
        return max;
    }

    @CheckForNull
    private Duration maxSessionTtl(Node value, String field) {
        String text = reader.string(value, field);
        if (text == null) {
            return null;
        }
        if (text.equals("never")) {
            reader.warning(value, field, "\"never\" sets no maximum for this role; the default maximum of "
                    + Ttl.format(Ttl.DEFAULT_MAXIMUM) + " applies unless another role sets one "
                    + "(certificates here are never open-ended)");
            return null;
        }
        if (!text.strip().equals(text)) {
            reader.error(value, field, MessageText.quote(text) + " has white space around the duration (Teleport "
                    + "refuses it too)");
            return null;
        }
        if (text.startsWith("-")) {
            reader.error(value, field, MessageText.quote(text) + " is negative; Teleport reads a negative "
                    + "max_session_ttl as its default of " + Ttl.format(Ttl.DEFAULT_MAXIMUM) + ": write that, or "
                    + "never, instead");
            return null;
        }
        Duration max;
        try {
            max = Ttl.parseRoleMaximum(text, field);
        } catch (InvalidInputException ex) {
            reader.error(value, field, ex.getMessage().substring(field.length() + 2));
            return null;
        }
        if (max.isZero()) {
            reader.error(value, field, MessageText.quote(text) + " is zero; Teleport reads a zero max_session_ttl "
                    + "as its default of " + Ttl.format(Ttl.DEFAULT_MAXIMUM) + ": write that, or never, instead");
            return null;
        }
        if (max.compareTo(Ttl.MINIMUM) < 0) {
            reader.error(value, field, MessageText.quote(text) + " is shorter than the minimum certificate lifetime "
                    + Ttl.format(Ttl.MINIMUM));
            return null;
        }
        return max;
    }

    private void oneOf(Node value, String field, Set<String> allowed, String shown) {
        if (NodeReader.isNull(value)) {
            return;
        }
        String text = reader.string(value, field);
        if (text != null && !allowed.contains(text)) {
            reader.error(value, field, MessageText.quote(text) + " is not one of " + shown + " (Teleport refuses it "
                    + "too)");
        }
    }

    /** Teleport takes a mode name, a mode number, or false (off). */
    private void hostUserMode(Node value, String field) {
        String text = NodeReader.scalarText(value);
        Tag tag = value.getTag();
        if (tag.equals(Tag.BOOL) && "false".equalsIgnoreCase(text)) {
            return;
        }
        if (tag.equals(Tag.INT) && text != null && text.matches("[0-4]")) {
            return;
        }
        if (tag.equals(Tag.BOOL) || tag.equals(Tag.INT)) {
            reader.error(value, field, MessageText.quote(String.valueOf(text)) + " is not a host user mode: use "
                    + "off, keep or insecure-drop (Teleport refuses it too)");
            return;
        }
        oneOf(value, field, HOST_USER_MODES, "off, drop, keep or insecure-drop");
    }
}
