package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Generated names for roles, robot users and job bindings: every name Teleport stores (but a leading '-') loads, as
 * a document's name and where other documents refer to it; everything else is refused naming the file, the line and
 * the character; and whatever is accepted is safe as a certificate subject, a form option, an argument and a log line.
 */
class PolicyNamePropertiesTest {
    /** Teleport's resource name characters ({@code lib/backend} sanitizer). */
    static final String TELEPORT_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789@_:.+-";

    private final PolicyParser parser = new PolicyParser();

    /** A policy in which {@code name} is a role, a robot user holding it and a binding naming that user. */
    static String policyNamed(String name) {
        String q = GeneratedYaml.doubleQuoted(name);
        return "kind: role\nversion: v7\nmetadata:\n  name: " + q + "\nspec:\n  allow:\n    kubernetes_groups: [g]\n"
                + "---\nkind: user\nversion: v2\nmetadata:\n  name: " + q + "\nspec:\n  roles: [" + q + "]\n"
                + "---\nkind: job_binding\nversion: v1\nmetadata:\n  name: " + q + "\nspec:\n  users: [" + q + "]\n"
                + "  jobs: ['deploy/**']\n";
    }

    @Provide
    Arbitrary<String> teleportNames() {
        return Arbitraries.strings().withChars(TELEPORT_CHARACTERS).ofMinLength(1).ofMaxLength(PolicyName.MAX_LENGTH)
                .filter(n -> !n.startsWith("-") && !n.equals(".") && !n.equals(".."));
    }

    @Property(tries = 1000)
    void everyNameTeleportStoresLoadsAsRoleUserAndBindingName(@ForAll("teleportNames") String name)
            throws PolicyException {
        assertThat(PolicyName.problem(name)).isNull();
        RobotPolicy policy = parser.parse(policyNamed(name), "names.yaml");
        assertThat(policy.roles()).containsOnlyKeys(name);
        assertThat(policy.users()).containsOnlyKeys(name);
        assertThat(policy.bindings()).extracting(JobBinding::name).containsExactly(name);
        assertThat(policy.usersForJob("deploy/job")).containsExactly(name);
    }

    @Property(tries = 1000)
    void anAcceptedNameIsSafeEverywhere(@ForAll("anyNames") String name) {
        if (PolicyName.problem(name) != null) {
            return;
        }
        assertThat(name).hasSizeBetween(1, PolicyName.MAX_LENGTH).doesNotStartWith("-")
                .doesNotContain("/", "\\", " ", "\"", "'", "`", "$", "*", "{", "}")
                .doesNotContainPattern("[\\p{Cntrl}\\p{Z}\\p{Cf}\\p{Cs}]");
        assertThat(name.chars().allMatch(c -> c < 128)).isTrue();
        assertThat(KubernetesName.problem(name)).as("usable as a certificate CN").isNull();
        assertThat(MessageText.quote(name)).as("shown as written, cut after 100 characters")
                .startsWith("\"" + name.substring(0, Math.min(name.length(), MessageText.QUOTED_LENGTH)));
    }

    @Provide
    Arbitrary<String> anyNames() {
        return Arbitraries.oneOf(teleportNames(), Arbitraries.strings().all().ofMaxLength(40),
                Arbitraries.strings().withChars(TELEPORT_CHARACTERS + "/\\ \t\n\u0000\u001b\u00e9\u2028\"'")
                        .ofMaxLength(20));
    }

    @Provide
    Arbitrary<String> namesWithAForeignCharacter() {
        Arbitrary<Character> foreign = Arbitraries.chars().all()
                .filter(c -> TELEPORT_CHARACTERS.indexOf(c) < 0);
        return Combinators.combine(teleportNames(), foreign, Arbitraries.integers().greaterOrEqual(0))
                .as((name, c, at) -> {
                    int i = at % (Math.min(name.length(), PolicyName.MAX_LENGTH - 1) + 1);
                    return name.substring(0, i) + c + name.substring(i, Math.min(name.length(),
                            PolicyName.MAX_LENGTH - 1));
                });
    }

    @Property(tries = 1000)
    void aNameWithAnyOtherCharacterIsRefusedNamingTheLineAndTheCharacter(
            @ForAll("namesWithAForeignCharacter") String name) {
        assertThat(PolicyName.problem(name)).startsWith("contains ").endsWith("(Teleport refuses it too)");
        List<PolicyProblem> problems = parser.check(policyNamed(name), "names.yaml");
        assertThat(problems).filteredOn(p -> p.field().equals("metadata.name")).hasSize(3)
                .extracting(PolicyProblem::line).containsExactly(4, 12, 19);
        assertThat(problems).allSatisfy(p -> {
            assertThat(p.severity()).isEqualTo(PolicyProblem.Severity.ERROR);
            assertThat(p.toString()).startsWith("names.yaml:").doesNotContainPattern("[\\p{Cntrl}\u2028\u2029]");
        });
        // The references to the bad name are refused for the name, not reported as undefined.
        assertThat(problems).extracting(PolicyProblem::message).noneMatch(m -> m.contains("is not defined"));
    }

    @Example
    void namesTeleportRefusesOrACommandLineWouldMisreadAreRefused() {
        assertThat(PolicyName.problem("jenkins@example.com")).isNull();
        assertThat(PolicyName.problem("a/b")).isEqualTo("contains a path separator '/'; a name may only hold "
                + PolicyName.ALLOWED + " (Teleport refuses it too)");
        assertThat(PolicyName.problem("deploy bot")).startsWith("contains a space;");
        assertThat(PolicyName.problem("bot\n")).startsWith("contains a control character (U+000A);");
        assertThat(PolicyName.problem("..")).isEqualTo("is not a name (Teleport refuses it too)");
        assertThat(PolicyName.problem("--user")).contains("starts with '-'");
        assertThat(PolicyName.problem("r".repeat(254))).isEqualTo("is longer than 253 characters");
        assertThatThrownBy(() -> parser.parse(policyNamed("-x"), "names.yaml")).isInstanceOf(PolicyException.class)
                .hasMessageStartingWith("names.yaml:4: metadata.name: \"-x\" starts with '-'");
    }
}
