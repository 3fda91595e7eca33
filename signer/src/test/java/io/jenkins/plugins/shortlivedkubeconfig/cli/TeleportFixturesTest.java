package io.jenkins.plugins.shortlivedkubeconfig.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyParser;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyProblem;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Roles and users copied from Teleport's documentation and examples (src/test/resources/teleport/, each naming its
 * source and commit), run through the core's {@link PolicyParser#check} and the CLI's {@code policy check}: both give
 * the verdict written next to each file.
 */
class TeleportFixturesTest {
    static final Path FIXTURES = Path.of("src/test/resources/teleport");

    /** File, then the errors (by line, as {@code policy check} prints them, without the file name); none: it loads. */
    static Stream<Arguments> verdicts() {
        return Stream.of(
                Arguments.of("docs-member-role.yaml", List.of()),
                Arguments.of("docs-kube-access-role.yaml", List.of(
                        "12: role \"kube-access\": spec.allow.kubernetes_labels: only {'*': '*'} is supported: this "
                                + "signer has no cluster labels, so a label restriction cannot be enforced; remove it "
                                + "or use '*': '*'",
                        "15: role \"kube-access\": spec.allow.kubernetes_resources: cannot be enforced: certificates go "
                                + "straight to the Kubernetes API server, with no Teleport proxy to filter resources; "
                                + "grant groups and restrict them with Kubernetes RBAC instead, or use [{kind: pod, "
                                + "namespace: '*', name: '*'}]")),
                Arguments.of("docs-user-joe.yaml", List.of(
                        "13: user \"joe\": spec.roles[0]: role \"admin\" is not defined in this policy")),
                Arguments.of("docs-member-role-and-user-joe.yaml", List.of(
                        "27: user \"joe\": spec.roles[0]: role \"admin\" is not defined in this policy")),
                Arguments.of("examples-user-role-v3.yaml", List.of(
                        "68: role \"user\": version: role version \"v3\" is not supported (supported: v5, v6, v7); "
                                + "Teleport still reads it with older defaults (v3 roles allow every cluster label): "
                                + "make the role v5 or later")),
                Arguments.of("examples-k8s-groups.yaml", List.of(
                        "21: invalid YAML: expected <block end>, but found ']'")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("verdicts")
    void theCoreGivesTheVerdict(String file, List<String> errors) throws IOException {
        Path path = FIXTURES.resolve(file);
        List<PolicyProblem> problems = new PolicyParser().check(Files.readString(path), file);
        assertThat(problems).filteredOn(p -> p.severity() == PolicyProblem.Severity.ERROR)
                .extracting(PolicyProblem::toString)
                .containsExactlyElementsOf(errors.stream().map(e -> file + ":" + e).toList());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("verdicts")
    void policyCheckGivesTheVerdict(String file, List<String> errors) {
        Path path = FIXTURES.resolve(file);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SignerCli.run(Clock.systemUTC(), new PrintWriter(out), new PrintWriter(err), "policy", "check",
                path.toString());
        if (errors.isEmpty()) {
            assertThat(code).isZero();
            assertThat(out.toString()).startsWith(path + ": ");
        } else {
            assertThat(code).isEqualTo(SignerCli.BAD_INPUT);
            assertThat(err.toString().lines().toList()).containsSubsequence(
                    errors.stream().map(e -> path + ":" + e).toList())
                    .contains(path + ": " + errors.size() + " error" + (errors.size() == 1 ? "" : "s")
                            + "; nothing can be issued from this policy");
        }
    }

    @Test
    void everyFixtureNamesItsSourceAndCommitAndHasAVerdictHere() throws IOException {
        List<String> tested = verdicts().map(a -> (String) a.get()[0]).toList();
        try (Stream<Path> files = Files.list(FIXTURES)) {
            for (Path f : files.toList()) {
                assertThat(tested).as("a verdict for " + f).contains(f.getFileName().toString());
                String text = Files.readString(f);
                assertThat(text).startsWith("#").contains("gravitational/teleport").containsPattern("commit [0-9a-f]{40}");
            }
        }
    }

    /** signer/TELEPORT-COMPATIBILITY.md names a test for every rule: each must exist. */
    @Test
    void everyTestTheCompatibilityTableNamesExists() throws Exception {
        String table = Files.readString(Path.of("TELEPORT-COMPATIBILITY.md"));
        Matcher m = Pattern.compile("`([A-Z][A-Za-z]*Test)\\.([a-zA-Z_]+)`").matcher(table);
        int found = 0;
        while (m.find()) {
            Class<?> test;
            try {
                test = Class.forName("io.jenkins.plugins.shortlivedkubeconfig.signer." + m.group(1));
            } catch (ClassNotFoundException e) {
                test = Class.forName("io.jenkins.plugins.shortlivedkubeconfig.cli." + m.group(1));
            }
            String method = m.group(2);
            assertThat(Arrays.stream(test.getDeclaredMethods()).map(java.lang.reflect.Method::getName))
                    .as(m.group()).contains(method);
            found++;
        }
        assertThat(found).isGreaterThan(60);
    }
}
