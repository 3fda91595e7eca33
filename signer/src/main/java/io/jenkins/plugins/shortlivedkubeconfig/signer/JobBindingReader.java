package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

/**
 * Reads our {@code kind: job_binding} document (v1) into a {@link JobBinding}: the robot users it names and the job
 * full name patterns that may act as them.
 */
final class JobBindingReader {
    static final Set<String> VERSIONS = Set.of("v1");

    /** A binding as read, with where it names each user, for messages about them. */
    record Read(JobBinding binding, List<NameReference> users) { }

    private final NodeReader reader;

    JobBindingReader(NodeReader reader) {
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
            reader.error(header.document(), label + ": spec", "is required (with users and jobs)");
            return null;
        }
        Map<String, NodeTuple> spec = reader.mapping(specNode, label + ": spec");
        if (spec == null) {
            return null;
        }
        List<String> bound = new ArrayList<>();
        List<NameReference> userReferences = new ArrayList<>();
        List<JobPattern> jobs = new ArrayList<>();
        int jobItems = 0; // listed, whether or not they are valid: invalid ones are reported on their own line
        for (Map.Entry<String, NodeTuple> e : spec.entrySet()) {
            String field = label + ": spec." + e.getKey();
            Node value = e.getValue().getValueNode();
            switch (e.getKey()) {
                case "users" -> {
                    List<Node> items = reader.items(value, field);
                    for (int i = 0; i < items.size(); i++) {
                        String at = field + "[" + i + "]";
                        String user = reader.string(items.get(i), at);
                        String problem = user == null ? null : PolicyName.problem(user);
                        if (problem != null) {
                            reader.error(items.get(i), at, "user " + MessageText.quote(user) + " " + problem);
                        } else if (user != null) {
                            bound.add(user);
                            userReferences.add(new NameReference(user, items.get(i), at));
                        }
                    }
                }
                case "jobs" -> {
                    List<Node> items = reader.items(value, field);
                    jobItems += items.size();
                    for (int i = 0; i < items.size(); i++) {
                        String glob = reader.string(items.get(i), field + "[" + i + "]");
                        if (glob == null) {
                            continue;
                        }
                        try {
                            JobPattern pattern = JobPattern.compile(glob);
                            String anchor = pattern.anchorProblem();
                            if (anchor != null) {
                                reader.error(items.get(i), field + "[" + i + "]", anchor);
                                continue;
                            }
                            String folder = pattern.wildcardFolderWarning();
                            if (folder != null) {
                                reader.warning(items.get(i), field + "[" + i + "]", folder);
                            }
                            jobs.add(pattern);
                        } catch (IllegalArgumentException ex) {
                            reader.error(items.get(i), field + "[" + i + "]", ex.getMessage());
                        }
                    }
                }
                default -> reader.error(e.getValue().getKeyNode(), field,
                        "unknown field; a job_binding's spec has users and jobs");
            }
        }
        if (!spec.containsKey("users") || bound.isEmpty()) {
            reader.error(specNode, label + ": spec.users", "is required: list the robot users these jobs may act as");
        }
        if (jobItems == 0) {
            reader.error(specNode, label + ": spec.jobs", "is required: list job full name patterns, e.g. deploy/**");
        }
        String name = header.name();
        if (name == null) {
            return null;
        }
        return new Read(new JobBinding(name, bound, jobs, header.where(reader.log())), userReferences);
    }
}
