package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a robot policy: multi-document YAML of Teleport {@code kind: role} (v5, v6, v7) and {@code kind: user} (v2)
 * documents, unchanged from what {@code tctl create} takes, plus our {@code kind: job_binding} (v1) and
 * {@code kind: caller_binding} (v1) documents.
 *
 * <p>Every field Teleport knows is either honoured, or reported: a warning when ignoring it can only narrow what a
 * certificate grants, an error when ignoring it would grant more than Teleport would. Unknown fields, kinds and
 * versions are errors. Every problem names the file, the line and the field. The YAML is read with SnakeYAML's
 * composer only (no object construction), with limits on size, nesting and aliases, and duplicate keys rejected.
 *
 * <p>The work is split by what is read: {@link YamlDocuments} (limits and composing), {@link DocumentHeader} (kind,
 * version, metadata), {@link RoleReader}, {@link UserReader}, {@link JobBindingReader} and
 * {@link CallerBindingReader} (one kind each),
 * {@link PolicyContents} (names and references across documents) and {@link RobotProfiles} (what each robot user
 * gets).
 */
public final class PolicyParser {
    /** The largest policy file we read. */
    public static final int MAX_BYTES = YamlDocuments.MAX_BYTES;

    private final YamlDocuments yaml = new YamlDocuments();

    /**
     * Parses and checks a policy.
     *
     * @param source the file name shown in messages, e.g. {@code robots.yaml}
     * @throws PolicyException carrying every error found, each with file, line and field
     */
    public RobotPolicy parse(String yaml, String source) throws PolicyException {
        ProblemLog log = new ProblemLog(source);
        RobotPolicy policy = read(yaml, log);
        if (log.hasErrors() || policy == null) {
            throw new PolicyException(log.all());
        }
        return policy;
    }

    /** Parses bytes that must be UTF-8; invalid UTF-8 is an error naming the file. */
    public RobotPolicy parse(byte[] yaml, String source) throws PolicyException {
        return parse(decode(yaml, source), source);
    }

    /** Every error and warning for a policy text, ordered by line; empty when it is clean. For form validation. */
    public List<PolicyProblem> check(String yaml, String source) {
        ProblemLog log = new ProblemLog(source);
        read(yaml, log);
        // By line, as an editor shows them (cross-checks run after the documents are read); stable within a line.
        return log.byLine();
    }

    static String decode(byte[] bytes, String source) throws PolicyException {
        if (bytes.length > MAX_BYTES) {
            throw new PolicyException(List.of(new PolicyProblem(PolicyProblem.Severity.ERROR, source, 0, "",
                    "the policy is " + bytes.length + " bytes; the limit is " + MAX_BYTES)));
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new PolicyException(List.of(new PolicyProblem(PolicyProblem.Severity.ERROR, source, 0, "",
                    "the policy is not valid UTF-8 text")));
        }
    }

    /** One parse: every problem goes to {@code log}, so that a user sees them all at once. */
    @CheckForNull
    private RobotPolicy read(String text, ProblemLog log) {
        List<Node> documents = yaml.compose(text, log);
        if (documents == null) {
            return null;
        }
        PolicyContents contents = new PolicyContents(new NodeReader(log));
        for (Node document : documents) {
            contents.add(document);
        }
        if (contents.isEmpty() && !log.hasErrors()) {
            log.error(0, "", "the policy defines no roles, users or job bindings");
        }
        contents.crossCheck();
        if (log.hasErrors()) {
            return null;
        }
        Map<String, RobotProfile> profiles = new RobotProfiles(contents, log).build();
        if (log.hasErrors()) {
            return null;
        }
        return new RobotPolicy(contents.roles, contents.users, contents.bindings, contents.callerBindings, profiles,
                log.warnings());
    }
}
