package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.util.List;
import org.yaml.snakeyaml.nodes.Node;

/** One policy document read by the parser's parts on their own, and the problems they reported. */
final class Documents {
    final ProblemLog log = new ProblemLog("robots.yaml");
    final NodeReader reader = new NodeReader(log);

    /** The first document of {@code yaml}, composed. */
    Node node(String yaml) {
        List<Node> documents = new YamlDocuments().compose(yaml, log);
        if (documents == null || documents.isEmpty()) {
            throw new AssertionError("not a YAML document: " + log.all());
        }
        return documents.get(0);
    }

    /** The frame of the first document of {@code yaml}. */
    DocumentHeader header(String yaml) {
        DocumentHeader header = DocumentHeader.read(node(yaml), reader);
        if (header == null) {
            throw new AssertionError("no document header: " + log.all());
        }
        return header;
    }

    /** Every problem reported, as users see them. */
    List<String> problems() {
        return log.all().stream().map(PolicyProblem::toString).toList();
    }
}
