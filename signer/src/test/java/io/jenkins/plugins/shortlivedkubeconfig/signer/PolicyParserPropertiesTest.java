package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Generated bad input for the policy parser: whatever the bytes, the parser returns a policy or throws a
 * {@link PolicyException} whose message starts with the file name and is one line; never another exception, never
 * a hang. {@link PolicyParser#check} agrees and never throws.
 */
class PolicyParserPropertiesTest {
    static final String SOURCE = "generated.yaml";
    private static final int MAX_MESSAGE = 2000;

    /** The property, for generated inputs and for the regression corpus. */
    static void loadsOrRefusesNamingTheFile(byte[] yaml) {
        PolicyParser parser = new PolicyParser();
        Outcome<RobotPolicy> outcome = Outcome.within(() -> parser.parse(yaml, SOURCE))
                .isValueOrDocumentedError(PolicyException.class, SOURCE);
        String text = utf8(yaml);
        if (outcome.returned()) {
            assertLoadedPolicyIsSane(outcome.value());
        } else {
            PolicyException e = (PolicyException) outcome.thrown();
            assertThat(e.getMessage()).hasSizeLessThan(MAX_MESSAGE);
            assertThat(e.problems()).isNotEmpty().allSatisfy(p -> {
                assertThat(p.source()).isEqualTo(SOURCE);
                assertThat(p.line()).isNotNegative();
                assertThat(p.toString()).hasSizeLessThan(MAX_MESSAGE)
                        .doesNotContainPattern("[\\p{Cntrl}\u2028\u2029\u0085]");
            });
            assertThat(e.problems()).anyMatch(p -> p.severity() == PolicyProblem.Severity.ERROR);
        }
        if (text != null && yaml.length <= PolicyParser.MAX_BYTES) {
            // check() is what form validation calls: it never throws, and it finds an error exactly when parse fails
            Outcome<List<PolicyProblem>> checked = Outcome.within(() -> parser.check(text, SOURCE));
            assertThat(checked.thrown()).as("check() threw").isNull();
            boolean hasErrors = checked.value().stream().anyMatch(p -> p.severity() == PolicyProblem.Severity.ERROR);
            assertThat(hasErrors).as("check() errors %s vs parse %s", checked.value(), outcome.thrown())
                    .isEqualTo(!outcome.returned());
        }
    }

    static void assertLoadedPolicyIsSane(RobotPolicy policy) {
        assertThat(policy.profiles()).hasSameSizeAs(policy.users().keySet());
        for (RobotProfile p : policy.profiles()) {
            assertThat(p.groups()).allSatisfy(g -> {
                assertThat(KubernetesName.problem(g)).as("group %s", g).isNull();
                assertThat(g).doesNotContain("{{", "}}").isNotEqualTo("*");
            });
            assertThat(p.kubernetesUsers()).allSatisfy(u -> {
                assertThat(KubernetesName.problem(u)).as("user %s", u).isNull();
                assertThat(u).doesNotContain("{{", "}}").isNotEqualTo("*");
            });
            assertThat(p.maxTtl()).isGreaterThanOrEqualTo(Ttl.MINIMUM);
        }
        assertThat(policy.toString()).startsWith("RobotPolicy[");
    }

    static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    @Property(tries = 10_000)
    void anyBytesAreLoadedOrRefusedNamingTheFile(@ForAll("policies") byte[] yaml) {
        loadsOrRefusesNamingTheFile(yaml);
    }

    @Provide
    Arbitrary<byte[]> policies() {
        return Arbitraries.frequencyOf(
                Tuple.of(30, GeneratedYaml.stream(GeneratedYaml.policyDocument()).map(PolicyParserPropertiesTest::bytes)),
                Tuple.of(12, GeneratedYaml.stream(GeneratedYaml.node(4)).map(PolicyParserPropertiesTest::bytes)),
                Tuple.of(25, TextMutation.mutated(PolicySeeds.ALL).map(PolicyParserPropertiesTest::bytes)),
                Tuple.of(15, TextMutation.subtreeReplaced(PolicySeeds.ALL).map(PolicyParserPropertiesTest::bytes)),
                Tuple.of(2, pathological()),
                Tuple.of(5, invalidUtf8()),
                Tuple.of(4, Arbitraries.strings().all().ofMaxLength(200).map(PolicyParserPropertiesTest::bytes)),
                Tuple.of(3, Arbitraries.bytes().array(byte[].class).ofMaxSize(200)));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Alias bombs, deep nesting, huge scalars and files, duplicate keys, odd characters. */
    static Arbitrary<byte[]> pathological() {
        Arbitrary<String> bomb = Combinators.combine(Arbitraries.integers().between(2, 12),
                Arbitraries.integers().between(2, 10), Arbitraries.of(PolicySeeds.ALL))
                .as((levels, width, seed) -> seed + "---\n" + GeneratedYaml.aliasBomb(levels, width));
        Arbitrary<String> bombInPlace = Combinators.combine(Arbitraries.integers().between(2, 10),
                Arbitraries.integers().between(2, 8)).as((levels, width) -> PolicyParserTest.SEED.replace(
                "kubernetes_groups: [\"system:masters\"]", "kubernetes_groups: *l" + (levels - 1))
                .replace("spec:\n  allow:", "x: |\n  " + GeneratedYaml.aliasBomb(levels, width).replace("\n", "\n  ")
                        + "\nspec:\n  allow:"));
        Arbitrary<String> deep = Combinators.combine(Arbitraries.integers().between(20, 400), Arbitraries.of(true, false),
                Arbitraries.of("spec", "metadata", "kind", "x"))
                .as((depth, flow, key) -> "kind: role\nversion: v5\n" + GeneratedYaml.deepNesting(depth, flow, key));
        Arbitrary<String> hugeName = Arbitraries.of(254, 1_000, 100_000).map(n ->
                PolicyParserTest.SEED.replace("name: robot", "name: " + "r".repeat(n))
                        .replace("roles: [\"robot\"]", "roles: [\"" + "r".repeat(n) + "\"]"));
        Arbitrary<String> hugeGroup = Arbitraries.of(254, 10_000, 200_000).map(n ->
                PolicyParserTest.SEED.replace("system:masters", "g".repeat(n)));
        Arbitrary<String> overLimit = Arbitraries.of(PolicyParser.MAX_BYTES - 10, PolicyParser.MAX_BYTES,
                PolicyParser.MAX_BYTES + 1, 3 * PolicyParser.MAX_BYTES).map(n -> {
                    StringBuilder b = new StringBuilder(PolicyParserTest.SEED).append("# ");
                    b.append("x".repeat(Math.max(0, n - b.length() - 1))).append('\n');
                    return b.toString();
                });
        Arbitrary<String> manyDocs = Arbitraries.integers().between(10, 200)
                .map(n -> (PolicyParserTest.SEED + "---\n").repeat(n));
        Arbitrary<String> manyItems = Arbitraries.integers().between(100, 5_000)
                .map(n -> PolicyParserTest.SEED.replace("[\"system:masters\"]", "[" + "x, ".repeat(n) + "x]"));
        Arbitrary<String> duplicates = Combinators.combine(Arbitraries.of(PolicySeeds.ALL),
                Arbitraries.integers().between(0, 200)).as((seed, line) -> {
                    List<String> lines = new ArrayList<>(seed.lines().toList());
                    int i = line % lines.size();
                    lines.add(i, lines.get(i));
                    return String.join("\n", lines) + "\n";
                });
        Arbitrary<String> oddCharacters = Combinators.combine(Arbitraries.of(PolicySeeds.ALL),
                Arbitraries.integers().between(0, 5_000),
                Arbitraries.of("\u0000", "\ufeff", "\u2028", "\u0085", "\t", "\r", "\r\n", "\u001b[31m", "\ud800",
                        "\udfff", "\ud83d\ude00", "\u202e", "\\", "'", "\"", "\u00a0"))
                .as((seed, at, c) -> seed.substring(0, at % seed.length()) + c + seed.substring(at % seed.length()));
        return Arbitraries.oneOf(bomb, bombInPlace, deep, hugeName, hugeGroup, overLimit, manyDocs, manyItems,
                duplicates, oddCharacters).map(PolicyParserPropertiesTest::bytes);
    }

    static Arbitrary<byte[]> invalidUtf8() {
        return Combinators.combine(Arbitraries.of(PolicySeeds.ALL), Arbitraries.integers(), Arbitraries.integers())
                .as(GeneratedYaml::withInvalidUtf8);
    }

    // ---- specific cases, each named for what it makes sure of ---------------------------------------------------

    @Example
    void anAliasBombIsRefusedQuickly() {
        loadsOrRefusesNamingTheFile(bytes(PolicyParserTest.SEED + "---\n" + GeneratedYaml.aliasBomb(30, 30)));
    }

    @Example
    void nestingDeeperThanTheLimitIsRefused() {
        for (boolean flow : new boolean[] {true, false}) {
            byte[] yaml = bytes("kind: role\n" + GeneratedYaml.deepNesting(10_000, flow, "spec"));
            loadsOrRefusesNamingTheFile(yaml);
        }
    }

    @Example
    void aFileOverTheSizeLimitIsRefusedWithTheLimit() {
        byte[] yaml = new byte[PolicyParser.MAX_BYTES + 1];
        java.util.Arrays.fill(yaml, (byte) 'x');
        loadsOrRefusesNamingTheFile(yaml);
    }

    @Example
    void everySeedLoads() throws Exception {
        for (String seed : PolicySeeds.ALL) {
            assertLoadedPolicyIsSane(new PolicyParser().parse(seed, SOURCE));
        }
    }
}
