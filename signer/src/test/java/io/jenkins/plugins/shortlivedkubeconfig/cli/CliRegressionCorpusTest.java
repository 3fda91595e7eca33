package io.jenkins.plugins.shortlivedkubeconfig.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.yaml.snakeyaml.Yaml;

/**
 * The argument vectors {@link CliArgumentPropertiesTest} failed on, kept as regular tests: each file under
 * {@code corpus/cli/} holds one argument per line, as a JSON string (arguments may hold line breaks), with the same
 * {@code @fx/} and {@code @t/} placeholders; each runs through the same property.
 */
class CliRegressionCorpusTest {
    @BeforeAll
    static void fixtures() throws Exception {
        CliArgumentPropertiesTest.fixtures();
    }

    @AfterAll
    static void removeFixtures() throws Exception {
        CliArgumentPropertiesTest.removeFixtures();
    }

    @TestFactory
    Stream<DynamicTest> argumentVectors() throws Exception {
        Path dir = Path.of(CliRegressionCorpusTest.class.getResource("/io/jenkins/plugins/shortlivedkubeconfig/corpus/cli").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.sorted().toList();
        }
        assertThat(files).isNotEmpty();
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            List<String> args = Files.readAllLines(f, StandardCharsets.UTF_8).stream()
                    .map(line -> (String) new Yaml().load(line)).toList();
            if (args.contains("@fx/null-node")) {
                org.junit.jupiter.api.Assumptions.assumeTrue(CliArgumentPropertiesTest.deviceNode, "mknod is not permitted here");
            }
            CliArgumentPropertiesTest.runsToACleanEnd(args);
        }));
    }
}
