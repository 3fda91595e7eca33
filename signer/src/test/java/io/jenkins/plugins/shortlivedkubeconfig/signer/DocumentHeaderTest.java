package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class DocumentHeaderTest {
    private final Documents documents = new Documents();

    @Test
    void readsKindVersionNameAndSpec() {
        DocumentHeader header = documents.header("kind: role\nversion: v7\nmetadata:\n  name: robot\n"
                + "  description: d\n  labels: {a: b}\nspec: {}\n");
        assertThat(header.kind()).isEqualTo("role");
        assertThat(header.version()).isEqualTo("v7");
        assertThat(header.name()).isEqualTo("robot");
        assertThat(header.label()).isEqualTo("role \"robot\"");
        assertThat(header.spec()).isNotNull();
        assertThat(header.where(documents.log)).isEqualTo("robots.yaml:1");
        assertThat(documents.problems()).isEmpty();
    }

    @Test
    void anEmptyDocumentIsSkipped() {
        assertThat(DocumentHeader.read(documents.node("---\n"), documents.reader)).isNull();
        assertThat(documents.problems()).isEmpty();
    }

    @Test
    void reportsWhatIsMissingAndGoesOnWithoutAKind() {
        assertThat(DocumentHeader.read(documents.node("spec: {}\n"), documents.reader)).isNull();
        assertThat(documents.problems()).containsExactly("robots.yaml:1: kind: is required",
                "robots.yaml:1: version: is required", "robots.yaml:1: metadata: is required (with a name)");
    }

    @Test
    void reportsUnknownTopLevelAndMetadataFieldsButWarnsAboutSubKind() {
        documents.header("kind: user\nversion: v2\nsub_kind: x\nextra: 1\nmetadata:\n  name: u\n  owner: me\n"
                + "  expires: 2030-01-01T00:00:00Z\n");
        assertThat(documents.problems()).containsExactly(
                "robots.yaml:3: warning: user \"u\": sub_kind: is ignored",
                "robots.yaml:4: user \"u\": extra: unknown field; a document has kind, version, metadata and spec",
                "robots.yaml:7: user \"u\": metadata.owner: unknown field");
    }

    @Test
    void checksTheVersionTheReaderForTheKindSupports() {
        DocumentHeader header = documents.header("kind: role\nversion: v9\nmetadata: {name: r}\n");
        assertThat(header.checkVersion(documents.reader, Set.of("v7"), "v7")).isFalse();
        assertThat(documents.problems()).containsExactly(
                "robots.yaml:2: role \"r\": version: role version \"v9\" is not supported (supported: v7)");
    }
}
