package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

class YamlDocumentsTest {
    private final ProblemLog log = new ProblemLog("robots.yaml");
    private final YamlDocuments yaml = new YamlDocuments();

    private List<String> problems() {
        return log.all().stream().map(PolicyProblem::toString).toList();
    }

    @Test
    void composesEveryDocumentWithoutConstructingObjects() {
        List<Node> documents = yaml.compose("kind: role\n---\nkind: user\n---\n", log);
        assertThat(documents).hasSize(3);
        assertThat(documents.get(0)).isInstanceOf(MappingNode.class);
        assertThat(problems()).isEmpty();
        // A local tag is only a node here; a global (class) tag is refused outright.
        assertThat(yaml.compose("x: !custom [1]\n", log)).hasSize(1);
        assertThat(problems()).isEmpty();
        assertThat(yaml.compose("x: !!javax.script.ScriptEngineManager [1]\n", log)).isNull();
        assertThat(problems()).singleElement().asString().startsWith("robots.yaml:1: invalid YAML: Global tag is not allowed");
    }

    @Test
    void reportsSyntaxErrorsWithTheirLineOnOneLine() {
        assertThat(yaml.compose("a: 1\nb: [unclosed\n", log)).isNull();
        assertThat(problems()).singleElement().asString().startsWith("robots.yaml:3: invalid YAML:")
                .doesNotContain("\n");
    }

    @Test
    void refusesTextOverTheLimitBeforeReadingIt() {
        assertThat(yaml.compose("#".repeat(YamlDocuments.MAX_BYTES + 1), log)).isNull();
        assertThat(problems()).containsExactly("robots.yaml: the policy is 1048577 characters; the limit is 1048576");
    }

    @Test
    void refusesAliasBombsAndDeepNesting() {
        StringBuilder bomb = new StringBuilder("a: &a [x, x]\n");
        for (char c = 'b'; c <= 'z'; c++) {
            bomb.append(c).append(": &").append(c).append(" [*").append((char) (c - 1)).append(", *")
                    .append((char) (c - 1)).append("]\n");
        }
        assertThat(yaml.compose(bomb.toString(), log)).isNull();
        assertThat(yaml.compose("a: " + "[".repeat(40) + "]".repeat(40) + "\n", log)).isNull();
        assertThat(problems()).hasSize(2).allSatisfy(p -> assertThat(p).contains("invalid YAML"));
        assertThat(problems().get(0)).contains("max=" + YamlDocuments.MAX_ALIASES);
        assertThat(problems().get(1)).contains("Nesting Depth exceeded max " + YamlDocuments.MAX_NESTING);
    }

    @Test
    void leavesDuplicateKeysToTheReaderOfTheMapping() {
        // The composer keeps both; NodeReader.mapping reports the second with the line of the first.
        List<Node> documents = yaml.compose("a: 1\na: 2\n", log);
        new NodeReader(log).mapping(documents.get(0), "document");
        assertThat(problems()).containsExactly("robots.yaml:2: a: duplicate key; first at line 1");
    }
}
