package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The shrunk failures the generated-input properties found (and a few neighbours), kept as regular tests: each
 * file under {@code src/test/resources/.../corpus/<parser>/} runs through the same property as the generated
 * inputs. Add a file for every new failure. (CLI vectors are in {@code cli.CliRegressionCorpusTest}.)
 */
class RegressionCorpusTest {
    static Path corpus(String parser) throws URISyntaxException {
        return Path.of(RegressionCorpusTest.class.getResource("/io/jenkins/plugins/shortlivedkubeconfig/corpus/" + parser)
                .toURI());
    }

    static Stream<DynamicTest> each(String parser, Consumer<Path> check) throws IOException, URISyntaxException {
        List<Path> files;
        try (Stream<Path> s = Files.list(corpus(parser))) {
            files = s.sorted().toList();
        }
        assertThat(files).as("corpus/%s", parser).isNotEmpty();
        return files.stream().map(f -> DynamicTest.dynamicTest(parser + "/" + f.getFileName(), () -> check.accept(f)));
    }

    static byte[] bytes(Path f) {
        try {
            return Files.readAllBytes(f);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @TestFactory
    Stream<DynamicTest> policies() throws Exception {
        return each("policy", f -> PolicyParserPropertiesTest.loadsOrRefusesNamingTheFile(bytes(f)));
    }

    @TestFactory
    Stream<DynamicTest> ttls() throws Exception {
        return each("ttl", f -> new String(bytes(f), StandardCharsets.UTF_8).lines()
                .forEach(TtlPropertiesTest::parsesOrRefusesNamingTheSource));
    }

    @TestFactory
    Stream<DynamicTest> pems() throws Exception {
        return each("pem", f -> PemPropertiesTest.readsOrRefusesNamingTheSource(new String(bytes(f), StandardCharsets.UTF_8)));
    }

    private static final Pattern BASE64_RUN = Pattern.compile("[A-Za-z0-9+/=]{20,}");

    @TestFactory
    Stream<DynamicTest> kubeconfigs() throws Exception {
        return each("kubeconfig", f -> {
            byte[] kubeconfig = bytes(f);
            KubeconfigSummaryPropertiesTest.summarisesOrRefusesNamingTheFile(kubeconfig);
            // and no message repeats a long base64 run of the file (it may be part of the key)
            try {
                KubeconfigSummary.read(kubeconfig, "kubeconfig");
            } catch (InvalidInputException e) {
                Matcher m = BASE64_RUN.matcher(new String(kubeconfig, StandardCharsets.UTF_8));
                while (m.find()) {
                    assertThat(e.getMessage()).doesNotContain(m.group().substring(0, 20));
                }
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> jobPatterns() throws Exception {
        return each("jobs", f -> new String(bytes(f), StandardCharsets.UTF_8).lines().forEach(line -> {
            String[] globAndJob = line.split("\t");
            assertThat(JobPattern.compile(globAndJob[0]).matches(globAndJob[1])).as(line)
                    .isEqualTo(PolicySafetyPropertiesTest.globMatches(globAndJob[0], globAndJob[1])).isTrue();
        }));
    }
}
