package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyParserTest {
    private final PolicyParser parser = new PolicyParser();

    static final String SEED = """
            kind: role
            version: v5
            metadata:
              name: robot
            spec:
              allow:
                kubernetes_groups: ["system:masters"]
            ---
            kind: user
            version: v2
            metadata:
              name: jenkins
            spec:
              roles: ["robot"]
            """;

    private List<String> errors(String yaml) {
        try {
            parser.parse(yaml, "robots.yaml");
        } catch (PolicyException e) {
            return e.problems().stream().filter(p -> p.severity() == PolicyProblem.Severity.ERROR)
                    .map(PolicyProblem::toString).toList();
        }
        throw new AssertionError("expected the policy to be refused");
    }

    private List<String> warnings(String yaml) throws PolicyException {
        return parser.parse(yaml, "robots.yaml").warnings().stream().map(PolicyProblem::toString).toList();
    }

    @Test
    void loadsTheTeleportSeedUnchanged() throws Exception {
        RobotPolicy policy = parser.parse(SEED, "robots.yaml");
        assertThat(policy.roles()).containsOnlyKeys("robot");
        assertThat(policy.users()).containsOnlyKeys("jenkins");
        assertThat(policy.warnings()).isEmpty();
        RobotProfile jenkins = policy.profile("jenkins");
        assertThat(jenkins.groups()).containsExactly("system:masters");
        assertThat(jenkins.defaultKubernetesUser()).isEqualTo("jenkins");
        assertThat(jenkins.maxTtl()).isEqualTo(Duration.ofHours(30));
        assertThat(jenkins.jobs()).isEmpty();
    }

    @Test
    void loadsTheShippedExample() throws Exception {
        RobotPolicy policy = parser.parse(Files.readAllBytes(Path.of("examples/robots.yaml")), "robots.yaml");
        assertThat(policy.usersForJob("deploy/api/main")).containsExactly("jenkins");
        assertThat(policy.usersForJob("any/job")).isEmpty();
        assertThat(policy.warnings()).isEmpty();
    }

    @Test
    void acceptsRoleVersionsV5ToV7AndLoginsUnused() throws Exception {
        for (String v : List.of("v5", "v6", "v7")) {
            // A v6 role restricts pods and allows none unless it lists them (Teleport's rule): this one lists them all.
            String resources = v.equals("v6") ? "kubernetes_resources: [{kind: pod, namespace: '*', name: '*'}]\n    " : "";
            RobotPolicy p = parser.parse(SEED.replace("version: v5", "version: " + v)
                    .replace("kubernetes_groups:", "logins: [root]\n    " + resources + "kubernetes_groups:"), "robots.yaml");
            assertThat(p.roles().get("robot").version()).isEqualTo(v);
            assertThat(p.warnings()).isEmpty();
        }
    }

    @Test
    void refusesNewerAndOlderRoleVersions() {
        assertThat(errors(SEED.replace("version: v5", "version: v8"))).containsExactly(
                "robots.yaml:2: role \"robot\": version: role version \"v8\" is not supported (supported: v5, v6, v7)",
                "robots.yaml:14: user \"jenkins\": spec.roles[0]: role \"robot\" is not defined in this policy");
        assertThat(errors(SEED.replace("version: v2", "version: v3")))
                .containsExactly("robots.yaml:10: user \"jenkins\": version: user version \"v3\" is not supported (supported: v2)");
    }

    @Test
    void refusesUnknownKinds() {
        assertThat(errors(SEED + "---\nkind: trusted_cluster\nversion: v2\nmetadata:\n  name: x\n")).containsExactly(
                "robots.yaml:16: kind: \"trusted_cluster\" is not supported; expected role, user, job_binding or caller_binding");
    }

    @Test
    void refusesMissingNamesAndWrongTypes() {
        assertThat(errors("kind: role\nversion: v5\nmetadata: {}\nspec: {}\n"))
                .containsExactly("robots.yaml:3: metadata.name: is required");
        assertThat(errors("kind: role\nversion: v5\nmetadata:\n  name: r\nspec:\n  allow:\n    kubernetes_groups: [1, true]\n"))
                .containsExactly(
                        "robots.yaml:7: role \"r\": spec.allow.kubernetes_groups[0]: must be a string, not a number (quote it)",
                        "robots.yaml:7: role \"r\": spec.allow.kubernetes_groups[1]: must be a string, not a boolean (quote it)");
        assertThat(errors("kind: role\nversion: v5\nmetadata:\n  name: r\nspec:\n  allow: [a]\n"))
                .containsExactly("robots.yaml:6: role \"r\": spec.allow: must be a mapping (key: value), not a list");
        assertThat(errors("- just\n- a list\n"))
                .containsExactly("robots.yaml:1: document: must be a mapping (key: value), not a list");
    }

    @Test
    void refusesDuplicateNamesAndKeys() {
        assertThat(errors(SEED + "---\n" + SEED.substring(0, SEED.indexOf("---"))))
                .containsExactly("robots.yaml:16: role \"robot\": duplicate role name; first defined at line 1");
        assertThat(errors("kind: role\nversion: v5\nkind: user\nmetadata:\n  name: r\n"))
                .containsExactly("robots.yaml:3: kind: duplicate key; first at line 1");
    }

    @Test
    void refusesAUserNamingAnUnknownRole() {
        assertThat(errors(SEED.replace("roles: [\"robot\"]", "roles: [\"robot\", \"admin\"]")))
                .containsExactly("robots.yaml:14: user \"jenkins\": spec.roles[1]: role \"admin\" is not defined in this policy");
    }

    @Test
    void refusesUnknownFieldsButWarnsAboutTeleportFieldsItIgnores() throws Exception {
        assertThat(errors(SEED.replace("kubernetes_groups:", "kubernetes_groupz: [x]\n    kubernetes_groups:")))
                .containsExactly("robots.yaml:7: role \"robot\": spec.allow.kubernetes_groupz: unknown field");
        assertThat(warnings(SEED.replace("kubernetes_groups:", "node_labels: {'*': '*'}\n    kubernetes_groups:")
                .replace("spec:\n  allow:", "spec:\n  options:\n    forward_agent: true\n  allow:")))
                .containsExactly(
                        "robots.yaml:7: warning: role \"robot\": spec.options.forward_agent: is ignored: it has no effect on Kubernetes client certificates issued by this signer",
                        "robots.yaml:9: warning: role \"robot\": spec.allow.node_labels: is ignored: it controls Teleport access other than Kubernetes client certificates");
    }

    @Test
    void acceptsWildcardKubernetesLabelsAndResources() throws Exception {
        String yaml = SEED.replace("version: v5", "version: v7").replace("kubernetes_groups:", """
                kubernetes_labels: {'*': '*'}
                    kubernetes_resources: [{kind: '*', namespace: '*', name: '*', verbs: ['*']}]
                    kubernetes_groups:""");
        assertThat(parser.parse(yaml, "robots.yaml").profile("jenkins").groups()).containsExactly("system:masters");
    }

    @Test
    void refusesKubernetesLabelsAndResourcesItCannotEnforce() {
        assertThat(errors(SEED.replace("kubernetes_groups:", "kubernetes_labels: {env: prod}\n    kubernetes_groups:")))
                .containsExactly("robots.yaml:7: role \"robot\": spec.allow.kubernetes_labels: only {'*': '*'} is "
                        + "supported: this signer has no cluster labels, so a label restriction cannot be enforced; "
                        + "remove it or use '*': '*'");
        assertThat(errors(SEED.replace("kubernetes_groups:",
                "kubernetes_resources: [{kind: pod, namespace: ci, name: '*'}]\n    kubernetes_groups:")))
                .singleElement().asString()
                .startsWith("robots.yaml:7: role \"robot\": spec.allow.kubernetes_resources: cannot be enforced");
        assertThat(errors(SEED.replace("  allow:", "  deny:\n    kubernetes_resources: [{kind: pod, namespace: '*', name: '*'}]\n  allow:")))
                .singleElement().asString()
                .startsWith("robots.yaml:7: role \"robot\": spec.deny.kubernetes_resources: cannot be enforced");
    }

    @Test
    void warnsThatDenyLabelsAreNotEvaluated() throws Exception {
        assertThat(warnings(SEED.replace("  allow:", "  deny:\n    kubernetes_labels: {env: prod}\n  allow:")))
                .containsExactly("robots.yaml:7: warning: role \"robot\": spec.deny.kubernetes_labels: is not "
                        + "evaluated: the deny rules of this role apply to every cluster");
    }

    @Test
    void refusesWildcardGrantsAndRegularExpressions() {
        assertThat(errors(SEED.replace("[\"system:masters\"]", "['*', 'team-*', '^ops$']"))).containsExactly(
                "robots.yaml:7: role \"robot\": spec.allow.kubernetes_groups[0]: a wildcard cannot be put in a certificate; name the groups or users",
                "robots.yaml:7: role \"robot\": spec.allow.kubernetes_groups[1]: \"team-*\": wildcards and regular expressions are not supported here; write the names out",
                "robots.yaml:7: role \"robot\": spec.allow.kubernetes_groups[2]: \"^ops$\": wildcards and regular expressions are not supported here; write the names out");
    }

    @Test
    void readsMaxSessionTtlIncludingTeleportUnits() throws Exception {
        String withTtl = SEED.replace("spec:\n  allow:", "spec:\n  options:\n    max_session_ttl: 2d\n  allow:");
        RobotProfile p = parser.parse(withTtl, "robots.yaml").profile("jenkins");
        assertThat(p.maxTtl()).isEqualTo(Duration.ofHours(48));
        assertThat(p.maxTtlSource()).isEqualTo("role \"robot\" spec.options.max_session_ttl");

        RobotPolicy never = parser.parse(withTtl.replace("2d", "never"), "robots.yaml");
        assertThat(never.profile("jenkins").maxTtl()).isEqualTo(Duration.ofHours(30));
        assertThat(never.warnings()).singleElement().asString().contains("\"never\" sets no maximum for this role");

        assertThat(errors(withTtl.replace("2d", "2 days"))).singleElement().asString()
                .startsWith("robots.yaml:7: role \"robot\": spec.options.max_session_ttl: \"2 days\"");
        assertThat(errors(withTtl.replace("2d", "30"))).containsExactly(
                "robots.yaml:7: role \"robot\": spec.options.max_session_ttl: must be a string, not a number (quote it)");
        assertThat(errors(withTtl.replace("2d", "30s"))).containsExactly(
                "robots.yaml:7: role \"robot\": spec.options.max_session_ttl: \"30s\" is shorter than the minimum certificate lifetime 1m");
    }

    @Test
    void expandsTraitTemplatesFromTheUsersTraits() throws Exception {
        String yaml = SEED.replace("[\"system:masters\"]", "['{{internal.kubernetes_groups}}', 'team-{{external.team}}']")
                .replace("roles: [\"robot\"]", "roles: [\"robot\"]\n  traits:\n    kubernetes_groups: [deployers, viewers]\n    team: [blue]");
        RobotPolicy policy = parser.parse(yaml, "robots.yaml");
        assertThat(policy.profile("jenkins").groups()).containsExactly("deployers", "team-blue", "viewers");
        assertThat(policy.warnings()).isEmpty();
    }

    @Test
    void aTemplateWithoutItsTraitExpandsToNothingNeverToALiteral() throws Exception {
        String yaml = SEED.replace("[\"system:masters\"]", "['{{internal.kubernetes_groups}}', viewers]");
        RobotPolicy policy = parser.parse(yaml, "robots.yaml");
        assertThat(policy.profile("jenkins").groups()).containsExactly("viewers");
        assertThat(policy.warnings()).extracting(PolicyProblem::toString).containsExactly(
                "robots.yaml:1: warning: role \"robot\": spec.allow.kubernetes_groups: \"{{internal.kubernetes_groups}}\" "
                        + "expands to nothing for user \"jenkins\" (it has no trait kubernetes_groups)");
    }

    @Test
    void refusesTemplateFunctionsAndUnknownInternalTraits() {
        assertThat(errors(SEED.replace("[\"system:masters\"]", "['{{email.local(external.email)}}', '{{internal.team}}']")))
                .hasSize(2)
                .anySatisfy(e -> assertThat(e).contains("is not a supported trait template"))
                .anySatisfy(e -> assertThat(e).contains("internal.team is not a Teleport internal trait; use external.team"));
    }

    @Test
    void refusesTraitValuesThatLookLikeTemplates() {
        assertThat(errors(SEED.replace("roles: [\"robot\"]", "roles: [\"robot\"]\n  traits:\n    team: ['{{internal.logins}}']")))
                .containsExactly("robots.yaml:16: user \"jenkins\": spec.traits.team[0]: a trait value must not contain '{{' or '}}'");
    }

    @Test
    void readsJobBindings() throws Exception {
        RobotPolicy policy = parser.parse(SEED + """
                ---
                kind: job_binding
                version: v1
                metadata:
                  name: deploy
                spec:
                  users: [jenkins]
                  jobs: ['deploy/**', 'web/site/main']
                """, "robots.yaml");
        assertThat(policy.bindings()).singleElement().satisfies(b -> {
            assertThat(b.users()).containsExactly("jenkins");
            assertThat(b.jobs()).extracting(JobPattern::glob).containsExactly("deploy/**", "web/site/main");
        });
        assertThat(policy.usersForJob("deploy/api")).containsExactly("jenkins");
        assertThat(policy.usersForJob("web/site/main")).containsExactly("jenkins");
        assertThat(policy.usersForJob("build/api")).isEmpty();
        assertThat(policy.warnings()).isEmpty();
    }

    private static String bindingFor(String glob) {
        return SEED + "---\nkind: job_binding\nversion: v1\nmetadata:\n  name: b\nspec:\n  users: [jenkins]\n"
                + "  jobs: ['" + glob + "']\n";
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "*|*",
        "?x|?x",
        "**|**",
        "**/main|**",
        "*/main|*",
        "team-*/api/main|team-*",
    })
    void refusesJobPatternsThatDoNotStartAtANamedFolder(String glob, String first) {
        assertThat(errors(bindingFor(glob))).containsExactly("robots.yaml:22: job_binding \"b\": spec.jobs[0]: \"" + glob
                + "\": the first segment \"" + first + "\" must be a literal folder or job name, without '*', '?' or '**': "
                + "anyone who can create or rename an item chooses its name, so a pattern must start at a folder an "
                + "administrator names, e.g. deploy/** or deploy/api/main");
    }

    @Test
    void warnsWhoCanChooseANameThatAWildcardFolderMatches() throws Exception {
        assertThat(warnings(bindingFor("deploy/*/main"))).containsExactly("robots.yaml:22: warning: job_binding \"b\": "
                + "spec.jobs[0]: \"deploy/*/main\": anyone who can create, rename or move items in folder \"deploy\" can "
                + "create a folder matching \"*\" and so choose job names this pattern matches; bind folders whose item "
                + "creation is restricted, or name the folder instead of matching it");
        assertThat(warnings(bindingFor("deploy/team-*/api/main"))).singleElement().asString()
                .contains("in folder \"deploy\" can create a folder matching \"team-*\"");
        assertThat(warnings(bindingFor("org/app/**/main"))).singleElement().asString()
                .contains("in folder \"org/app\" can create folders at any depth below it, which \"**\" matches,");
        // the form and `policy check` see the same problems
        assertThat(parser.check(bindingFor("deploy/*/main"), "robots.yaml")).extracting(PolicyProblem::severity)
                .containsExactly(PolicyProblem.Severity.WARNING);
    }

    @ParameterizedTest
    @ValueSource(strings = {"deploy/**", "deploy/api/main", "deploy/api/PR-*", "deploy", "deploy/api/**"})
    void acceptsPatternsAnchoredAtANamedFolderWithoutAWord(String glob) {
        assertThat(parser.check(bindingFor(glob), "robots.yaml")).isEmpty();
    }

    @Test
    void refusesBadJobBindings() {
        assertThat(errors(SEED + "---\nkind: job_binding\nversion: v1\nmetadata:\n  name: b\nspec:\n  users: [ghost]\n  jobs: ['a//b']\n"))
                .containsExactly(
                        "robots.yaml:22: job_binding \"b\": spec.jobs[0]: \"a//b\" has an empty segment ('//')",
                        "robots.yaml:21: job_binding \"b\": spec.users[0]: user \"ghost\" is not defined in this policy");
        assertThat(errors(SEED + "---\nkind: job_binding\nversion: v2\nmetadata:\n  name: b\nspec: {}\n"))
                .containsExactly("robots.yaml:17: job_binding \"b\": version: job_binding version \"v2\" is not supported (supported: v1)");
    }

    @Test
    void reportsYamlSyntaxErrorsWithTheirLine() {
        assertThat(errors("kind: role\nversion: v5\nmetadata:\n  name: [unclosed\n")).singleElement().asString()
                .startsWith("robots.yaml:5: invalid YAML:");
    }

    @Test
    void refusesAliasBombsDeepNestingAndHugeFiles() {
        StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'z'; c++) {
            bomb.append(c).append(": &").append(c).append(" [*").append((char) (c - 1)).append(", *")
                    .append((char) (c - 1)).append(", *").append((char) (c - 1)).append("]\n");
        }
        assertThat(errors(bomb.toString())).singleElement().asString().contains("invalid YAML")
                .contains("Number of aliases for non-scalar nodes exceeds the specified max=16");
        assertThat(errors("a: " + "[".repeat(100) + "]".repeat(100) + "\n")).singleElement().asString()
                .contains("invalid YAML").contains("Nesting Depth exceeded max 32");
        assertThatThrownBy(() -> parser.parse(new byte[PolicyParser.MAX_BYTES + 1], "big.yaml"))
                .isInstanceOf(PolicyException.class)
                .hasMessage("big.yaml: the policy is 1048577 bytes; the limit is 1048576");
    }

    @Test
    void refusesInvalidUtf8() {
        assertThatThrownBy(() -> parser.parse(new byte[] {'k', (byte) 0xff, (byte) 0xfe}, "robots.yaml"))
                .hasMessage("robots.yaml: the policy is not valid UTF-8 text");
    }

    @Test
    void refusesAnEmptyPolicy() {
        assertThat(errors("# nothing here\n")).containsExactly("robots.yaml: the policy defines no roles, users or job bindings");
    }

    @Test
    void checkReturnsErrorsAndWarningsWithoutThrowing() {
        List<PolicyProblem> problems = parser.check(SEED.replace("v5", "v9"), "form");
        assertThat(problems).extracting(PolicyProblem::severity).containsOnly(PolicyProblem.Severity.ERROR);
        assertThat(problems).extracting(PolicyProblem::line).contains(2);
        assertThat(parser.check(SEED, "form")).isEmpty();
        // Cross-check errors (found after every document is read) still come in line order.
        assertThat(parser.check(SEED + "---\nkind: job_binding\nversion: v1\nmetadata:\n  name: b\nspec:\n"
                + "  users: [ghost]\n  jobs: ['a//b']\n", "form")).extracting(PolicyProblem::line).containsExactly(21, 22);
    }

    @Test
    void honoursUserExpiry() throws Exception {
        RobotPolicy policy = parser.parse(SEED.replace("  name: jenkins", "  name: jenkins\n  expires: 2027-01-01T00:00:00Z"), "robots.yaml");
        assertThat(policy.profile("jenkins").expires()).hasToString("2027-01-01T00:00:00Z");
        assertThat(errors(SEED.replace("  name: robot", "  name: robot\n  expires: 2027-01-01T00:00:00Z")))
                .containsExactly("robots.yaml:5: role \"robot\": metadata.expires: is supported on users only; remove it from this role");
    }
}
