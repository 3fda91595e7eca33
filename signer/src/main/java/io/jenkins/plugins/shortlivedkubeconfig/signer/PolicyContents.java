package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The roles, users and job bindings of one policy file as they are read, document by document: each document goes
 * to the reader for its kind, names must be unique per kind, and {@link #crossCheck} then checks what refers to
 * what (users to roles, bindings to users).
 */
final class PolicyContents {
    private final NodeReader reader;
    private final RoleReader roleReader;
    private final UserReader userReader;
    private final JobBindingReader bindingReader;
    private final CallerBindingReader callerBindingReader;
    final Map<String, Role> roles = new LinkedHashMap<>();
    final Map<String, Integer> roleLines = new LinkedHashMap<>();
    final Map<String, RobotUser> users = new LinkedHashMap<>();
    final Map<String, Integer> userLines = new LinkedHashMap<>();
    private final Map<String, List<NameReference>> userRoles = new LinkedHashMap<>();
    final List<JobBinding> bindings = new ArrayList<>();
    private final Map<String, Integer> bindingLines = new LinkedHashMap<>();
    private final List<List<NameReference>> bindingUsers = new ArrayList<>();
    final List<CallerBinding> callerBindings = new ArrayList<>();
    private final Map<String, Integer> callerBindingLines = new LinkedHashMap<>();

    PolicyContents(NodeReader reader) {
        this.reader = reader;
        this.roleReader = new RoleReader(reader);
        this.userReader = new UserReader(reader);
        this.bindingReader = new JobBindingReader(reader);
        this.callerBindingReader = new CallerBindingReader(reader);
    }

    boolean isEmpty() {
        return roles.isEmpty() && users.isEmpty() && bindings.isEmpty() && callerBindings.isEmpty();
    }

    /** Reads one document into these contents, reporting what is wrong with it. */
    void add(Node document) {
        DocumentHeader header = DocumentHeader.read(document, reader);
        if (header == null) {
            return;
        }
        int line = NodeReader.line(document);
        switch (header.kind()) {
            case "role" -> {
                Role role = roleReader.read(header);
                if (role != null && unique(role.name(), roleLines, "role", header)) {
                    roles.put(role.name(), role);
                    roleLines.put(role.name(), line);
                }
            }
            case "user" -> {
                UserReader.Read read = userReader.read(header);
                if (read != null && unique(read.user().name(), userLines, "user", header)) {
                    users.put(read.user().name(), read.user());
                    userLines.put(read.user().name(), line);
                    userRoles.put(read.user().name(), read.roles());
                }
            }
            case "job_binding" -> {
                JobBindingReader.Read read = bindingReader.read(header);
                if (read != null && unique(read.binding().name(), bindingLines, "job_binding", header)) {
                    bindings.add(read.binding());
                    bindingLines.put(read.binding().name(), line);
                    bindingUsers.add(read.users());
                }
            }
            case "caller_binding" -> {
                CallerBindingReader.Read read = callerBindingReader.read(header);
                if (read != null && unique(read.binding().name(), callerBindingLines, "caller_binding", header)) {
                    callerBindings.add(read.binding());
                    callerBindingLines.put(read.binding().name(), line);
                    bindingUsers.add(read.users());
                }
            }
            default -> reader.error(header.kindNode(), "kind", MessageText.quote(header.kind())
                    + " is not supported; expected role, user, job_binding or caller_binding");
        }
    }

    private boolean unique(String name, Map<String, Integer> lines, String kind, DocumentHeader header) {
        if (lines.containsKey(name)) {
            reader.error(header.document(), header.label(), "duplicate " + kind + " name; first defined at line "
                    + lines.get(name));
            return false;
        }
        return true;
    }

    /** Reports roles that users name and users that bindings name but the policy does not define. */
    void crossCheck() {
        for (RobotUser user : users.values()) {
            for (NameReference role : userRoles.get(user.name())) {
                if (!roles.containsKey(role.name())) {
                    reader.error(role.node(), role.field(), "role " + MessageText.quote(role.name())
                            + " is not defined in this policy");
                }
            }
            if (user.roles().isEmpty()) {
                reader.warning(null, "user " + MessageText.quote(user.name()) + ": spec.roles",
                        "is empty: this user grants nothing");
            }
        }
        for (List<NameReference> references : bindingUsers) {
            for (NameReference user : references) {
                if (!users.containsKey(user.name())) {
                    reader.error(user.node(), user.field(), "user " + MessageText.quote(user.name())
                            + " is not defined in this policy");
                }
            }
        }
    }
}
