package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Teleport's own validation rules for the fields we read or accept (see signer/TELEPORT-COMPATIBILITY.md, which
 * names these tests): what Teleport refuses is refused, saying that Teleport refuses it too; what it reads in a way
 * this signer cannot honour is refused with the reason.
 */
class TeleportCompatibilityTest {
    private final PolicyParser parser = new PolicyParser();

    /** A role {@code r} of {@code version} with {@code spec} (YAML, indented under spec:), held by user {@code u}. */
    static String role(String version, String spec) {
        return "kind: role\nversion: " + version + "\nmetadata:\n  name: r\nspec:\n" + spec.indent(2)
                + "---\nkind: user\nversion: v2\nmetadata:\n  name: u\nspec:\n  roles: [r]\n";
    }

    private List<String> errors(String yaml) {
        return parser.check(yaml, "robots.yaml").stream().filter(p -> p.severity() == PolicyProblem.Severity.ERROR)
                .map(PolicyProblem::toString).toList();
    }

    private RobotPolicy load(String yaml) throws PolicyException {
        return parser.parse(yaml, "robots.yaml");
    }

    // ---- names and documents ------------------------------------------------------------------------------------

    @Test
    void refusesTeleportSystemRoleNames() {
        assertThat(errors(role("v7", "allow: {kubernetes_groups: [g]}\n").replace("name: r", "name: Admin")
                .replace("roles: [r]", "roles: [Admin]"))).containsExactly(
                "robots.yaml:4: role \"Admin\": metadata.name: \"Admin\" is the name of a Teleport system role "
                        + "(Teleport refuses it too)",
                "robots.yaml:13: user \"u\": spec.roles[0]: role \"Admin\" is not defined in this policy");
        assertThat(errors(role("v7", "allow: {kubernetes_groups: [g]}\n").replace("name: r", "name: admin")
                .replace("roles: [r]", "roles: [admin]"))).as("only Teleport's exact spelling is reserved").isEmpty();
    }

    @Test
    void refusesRoleVersionsThreeAndFourWithTheirOlderDefaults() {
        assertThat(errors(role("v3", "allow: {kubernetes_groups: [g]}\n"))).first().asString()
                .isEqualTo("robots.yaml:2: role \"r\": version: role version \"v3\" is not supported (supported: v5, "
                        + "v6, v7); Teleport still reads it with older defaults (v3 roles allow every cluster "
                        + "label): make the role v5 or later");
    }

    @Test
    void refusesMetadataLabelKeysTeleportRefuses() {
        assertThat(errors(role("v7", "allow: {kubernetes_groups: [g]}\n")
                .replace("  name: r\n", "  name: r\n  labels: {'team name': blue, ok/key: [x]}\n"))).containsExactly(
                "robots.yaml:5: role \"r\": metadata.labels: invalid label key \"team name\": use letters, digits and "
                        + "/ . _ * - (Teleport refuses it too)",
                "robots.yaml:5: role \"r\": metadata.labels.ok/key: must be a string, not a list");
    }

    @Test
    void acceptsAUserAsTctlGetPrintsIt() throws Exception {
        RobotPolicy printed = load("""
                kind: role
                version: v7
                metadata: {name: r}
                spec: {allow: {kubernetes_groups: [g]}}
                ---
                kind: user
                version: v2
                metadata:
                  name: u
                  revision: 3f1c1e2a-0000-4000-8000-000000000000
                spec:
                  roles: [r]
                  traits: {}
                  status:
                    is_locked: false
                    lock_expires: "0001-01-01T00:00:00Z"
                    locked_time: "0001-01-01T00:00:00Z"
                    recovery_attempt_lock_expires: "0001-01-01T00:00:00Z"
                  expires: "0001-01-01T00:00:00Z"
                  created_by:
                    time: "2025-01-01T00:00:00Z"
                    user: {name: admin}
                status:
                  password_state: PASSWORD_STATE_UNSET
                  mfa_weakest_device: MFA_DEVICE_KIND_UNSET
                """);
        assertThat(printed.users()).containsOnlyKeys("u");
        assertThat(printed.profile("u").expires()).as("Teleport's zero time means no expiry").isNull();
        assertThat(printed.warnings()).isEmpty();
    }

    // ---- lists and wildcards ------------------------------------------------------------------------------------

    @Test
    void refusesASingleValueWhereTeleportWantsAList() {
        assertThat(errors(role("v7", "allow: {kubernetes_groups: g}\n").replace("roles: [r]", "roles: r\n"
                + "  traits: {team: blue}"))).containsExactly(
                "robots.yaml:6: role \"r\": spec.allow.kubernetes_groups: must be a list, not a string; write it in "
                        + "brackets, e.g. [g] (Teleport refuses a single value here too)",
                "robots.yaml:13: user \"u\": spec.roles: must be a list, not a string; write it in brackets, e.g. [r] "
                        + "(Teleport refuses a single value here too)",
                "robots.yaml:14: user \"u\": spec.traits.team: must be a list, not a string; write it in brackets, "
                        + "e.g. [blue] (Teleport refuses a single value here too)");
    }

    @Test
    void refusesWildcardsTeleportRefusesInAllowLists() {
        assertThat(errors(role("v7", """
                allow:
                  kubernetes_groups: [g]
                  logins: ['*']
                  aws_role_arns: ['*']
                  azure_identities: ['*']
                  gcp_service_accounts: ['*']
                  db_roles: ['*']
                deny:
                  logins: ['*']
                """))).containsExactly(
                "robots.yaml:8: role \"r\": spec.allow.logins: a wildcard is not allowed here (Teleport refuses it too)",
                "robots.yaml:9: role \"r\": spec.allow.aws_role_arns: a wildcard is not allowed here (Teleport refuses it too)",
                "robots.yaml:10: role \"r\": spec.allow.azure_identities: a wildcard is not allowed here (Teleport refuses it too)",
                "robots.yaml:11: role \"r\": spec.allow.gcp_service_accounts: a wildcard is not allowed here (Teleport refuses it too)",
                "robots.yaml:12: role \"r\": spec.allow.db_roles: a wildcard is not allowed here (Teleport refuses it too)");
    }

    @Test
    void refusesTheSelectorStarColonValue() {
        assertThat(errors(role("v7", "allow:\n  kubernetes_groups: [g]\n  node_labels: {'*': prod}\n"
                + "  kubernetes_labels: {'*': [a, b]}\ndeny:\n  node_labels: {'*': prod}\n"))).containsExactly(
                "robots.yaml:8: role \"r\": spec.allow.node_labels: the selector '*': <value> is not supported; '*' "
                        + "matches every label only as '*': '*' (Teleport refuses it too)",
                "robots.yaml:9: role \"r\": spec.allow.kubernetes_labels: the selector '*': <value> is not supported; "
                        + "'*' matches every label only as '*': '*' (Teleport refuses it too)");
    }

    @Test
    void acceptsLabelValuesAsAValueOrAList() throws Exception {
        RobotPolicy policy = load(role("v7", "allow:\n  kubernetes_groups: [g]\n  kubernetes_labels: {'*': ['*']}\n"
                + "  node_labels: {env: [dev, test], team: blue}\n"));
        assertThat(policy.profile("u").groups()).containsExactly("g");
        assertThat(errors(role("v7", "allow:\n  kubernetes_groups: [g]\n  node_labels: {env: {a: b}}\n")))
                .containsExactly("robots.yaml:8: role \"r\": spec.allow.node_labels.env: must be a value or a list of "
                        + "values, not a mapping (Teleport refuses it too)");
    }

    @Test
    void refusesALabelExpressionInAllowAndIgnoresOneInDeny() {
        assertThat(errors(role("v7", "allow:\n  kubernetes_groups: [g]\n  kubernetes_labels_expression: 'true'\n"
                + "deny:\n  kubernetes_labels_expression: 'false'\n"))).containsExactly(
                "robots.yaml:8: role \"r\": spec.allow.kubernetes_labels_expression: is not supported: this signer has "
                        + "no cluster labels, so the expression cannot be enforced; remove it");
    }

    // ---- kubernetes_resources ---------------------------------------------------------------------------------

    @Test
    void acceptsTheAllowEverythingResourcesOfEachVersion() throws Exception {
        for (String[] versionAndWildcard : new String[][] {
                {"v7", "[{kind: '*', namespace: '*', name: '*', verbs: ['*']}]"},
                {"v7", "[{kind: '*', namespace: '*', name: '*', verbs: ['*'], api_group: '*'}]"},
                {"v6", "[{kind: pod, namespace: '*', name: '*'}]"},
                {"v5", "[{kind: pod, namespace: '*', name: '*', verbs: ['*']}]"}}) {
            RobotPolicy policy = load(role(versionAndWildcard[0], "allow:\n  kubernetes_groups: [g]\n"
                    + "  kubernetes_resources: " + versionAndWildcard[1] + "\n"));
            assertThat(policy.profile("u").groups()).as(versionAndWildcard[1]).containsExactly("g");
        }
        // No list at all: v5 allows every pod by default, v7 every resource.
        assertThat(load(role("v5", "allow: {kubernetes_groups: [g]}\n")).profile("u").groups()).containsExactly("g");
        assertThat(load(role("v7", "allow: {kubernetes_groups: [g]}\n")).profile("u").groups()).containsExactly("g");
    }

    @Test
    void refusesResourceEntriesTeleportRefusesForTheVersion() {
        assertThat(errors(role("v6", "allow:\n  kubernetes_groups: [g]\n"
                + "  kubernetes_resources: [{kind: '*', namespace: '*', name: '*'}, {kind: pod, namespace: '*', "
                + "name: '*', verbs: [get]}]\n"))).containsExactly(
                "robots.yaml:8: role \"r\": spec.allow.kubernetes_resources[0].kind: kind \"*\" is not supported in "
                        + "role version v6, where only pods are restricted; make the role v7 (Teleport refuses it too)",
                "robots.yaml:8: role \"r\": spec.allow.kubernetes_resources[1].verbs: role version v6 supports only "
                        + "the verb '*'; make the role v7 (Teleport refuses it too)");
        assertThat(errors(role("v7", "allow:\n  kubernetes_groups: [g]\n"
                + "  kubernetes_resources: [{kind: '*', namespace: '*', verbs: ['*', get]}, {kind: pod, name: x}]\n")))
                .containsExactly(
                "robots.yaml:8: role \"r\": spec.allow.kubernetes_resources[0].verbs: '*' cannot be used with other "
                        + "verbs (Teleport refuses it too)",
                "robots.yaml:8: role \"r\": spec.allow.kubernetes_resources[0].name: is required (Teleport refuses an "
                        + "entry without it too)",
                "robots.yaml:8: role \"r\": spec.allow.kubernetes_resources[1].namespace: is required for pods "
                        + "(Teleport refuses an entry without it too)");
    }

    @Test
    void aV7EntryWithoutVerbsAllowsNothingInTeleportSoItIsNotTheWildcard() {
        assertThat(errors(role("v7", "allow:\n  kubernetes_groups: [g]\n"
                + "  kubernetes_resources: [{kind: '*', namespace: '*', name: '*'}]\n"))).containsExactly(
                "robots.yaml:8: role \"r\": spec.allow.kubernetes_resources: cannot be enforced: certificates go "
                        + "straight to the Kubernetes API server, with no Teleport proxy to filter resources; grant "
                        + "groups and restrict them with Kubernetes RBAC instead, or use [{kind: '*', namespace: '*', "
                        + "name: '*', verbs: ['*']}]");
    }

    @Test
    void refusesAV6RoleThatLeavesPodsOut() {
        assertThat(errors(role("v6", "allow: {kubernetes_groups: [g]}\n"))).containsExactly(
                "robots.yaml:6: role \"r\": spec.allow.kubernetes_resources: is missing: in a v6 role that leaves pods "
                        + "out (Teleport allows no pod to it), and certificates here cannot leave pods out; add "
                        + "kubernetes_resources: [{kind: pod, namespace: '*', name: '*'}] to allow them, or make the "
                        + "role v7");
        assertThat(errors(role("v6", "allow: {logins: [ci]}\n"))).as("a v6 role granting no Kubernetes access")
                .isEmpty();
    }

    // ---- templates --------------------------------------------------------------------------------------------

    @Test
    void refusesTemplatesTeleportCannotParse() {
        assertThat(errors(role("v7", "allow: {kubernetes_groups: ['{{internal.kubernetes_groups']}\n")))
                .singleElement().asString().contains("is not a supported trait template");
    }

    @Test
    void trimsWhiteSpaceAroundATemplateAsTeleportDoes() throws Exception {
        RobotPolicy policy = load(role("v7", "allow: {kubernetes_groups: ['  team-{{external.team}}-x  ']}\n")
                .replace("roles: [r]", "roles: [r]\n  traits: {team: [blue]}"));
        assertThat(policy.profile("u").groups()).containsExactly("team-blue-x");
    }

    // ---- durations and options --------------------------------------------------------------------------------

    @Test
    void readsTeleportsDayMonthAndYearUnits() throws Exception {
        for (String[] textAndHours : new String[][] {{"2d", "48"}, {"1mo", "720"}, {"1y", "8760"}, {"1y2d", "8808"}}) {
            RobotPolicy policy = load(role("v7", "allow: {kubernetes_groups: [g]}\noptions: {max_session_ttl: "
                    + textAndHours[0] + "}\n"));
            assertThat(policy.profile("u").maxTtl()).isEqualTo(Duration.ofHours(Long.parseLong(textAndHours[1])));
        }
    }

    @Test
    void refusesZeroAndNegativeMaximumsTeleportWouldReadAsItsDefault() {
        assertThat(errors(role("v7", "options: {max_session_ttl: 0s}\n"))).containsExactly(
                "robots.yaml:6: role \"r\": spec.options.max_session_ttl: \"0s\" is zero; Teleport reads a zero "
                        + "max_session_ttl as its default of 30h: write that, or never, instead");
        assertThat(errors(role("v7", "options: {max_session_ttl: -1h}\n"))).containsExactly(
                "robots.yaml:6: role \"r\": spec.options.max_session_ttl: \"-1h\" is negative; Teleport reads a "
                        + "negative max_session_ttl as its default of 30h: write that, or never, instead");
    }

    @Test
    void refusesWhiteSpaceAroundAMaximum() {
        assertThat(errors(role("v7", "options: {max_session_ttl: ' 8h'}\n"))).containsExactly(
                "robots.yaml:6: role \"r\": spec.options.max_session_ttl: \" 8h\" has white space around the duration "
                        + "(Teleport refuses it too)");
    }

    @Test
    void refusesOptionValuesTeleportRefuses() {
        assertThat(errors(role("v7", """
                options:
                  lock: always
                  enhanced_recording: [command, keys]
                  create_host_user_mode: true
                  create_db_user_mode: sometimes
                """))).containsExactly(
                "robots.yaml:7: role \"r\": spec.options.lock: \"always\" is not one of best_effort or strict "
                        + "(Teleport refuses it too)",
                "robots.yaml:8: role \"r\": spec.options.enhanced_recording: may only list command, disk and network "
                        + "(Teleport refuses other values too)",
                "robots.yaml:9: role \"r\": spec.options.create_host_user_mode: \"true\" is not a host user mode: use "
                        + "off, keep or insecure-drop (Teleport refuses it too)",
                "robots.yaml:10: role \"r\": spec.options.create_db_user_mode: \"sometimes\" is not one of off, keep or "
                        + "best_effort_drop (Teleport refuses it too)");
        assertThat(errors(role("v7", "options: {lock: strict, create_host_user_mode: false, enhanced_recording: "
                + "[command, network], create_db_user_mode: keep}\n"))).isEmpty();
    }

    // ---- conditions this signer ignores -------------------------------------------------------------------------

    @Test
    void refusesRulesWithoutResourcesOrVerbs() {
        assertThat(errors(role("v7", "allow:\n  rules: [{resources: [role]}, {verbs: [list], resources: []}]\n")))
                .containsExactly(
                "robots.yaml:7: role \"r\": spec.allow.rules[0].verbs: must list at least one entry (Teleport refuses "
                        + "a rule without verbs too)",
                "robots.yaml:7: role \"r\": spec.allow.rules[1].resources: must list at least one entry (Teleport "
                        + "refuses a rule without resources too)");
    }

    @Test
    void refusesImpersonateConditionsTeleportRefuses() {
        assertThat(errors(role("v7", "allow:\n  impersonate: {users: [bob]}\ndeny:\n  impersonate: {roles: [r], "
                + "where: 'true'}\n"))).containsExactly(
                "robots.yaml:7: role \"r\": spec.allow.impersonate: users without roles: set both users and roles for "
                        + "user impersonation (Teleport refuses it too)",
                "robots.yaml:9: role \"r\": spec.deny.impersonate.where: is not supported in deny impersonate "
                        + "conditions (Teleport refuses it too)");
    }

    @Test
    void refusesSpiffePathsAndDatabasePermissionsTeleportRefuses() {
        assertThat(errors(role("v7", "allow:\n  spiffe: [{path: svc/x}, {path: '^/svc/.*$'}]\n"
                + "  db_permissions: [{permissions: ['*'], match: {'*': '*'}}]\n"))).containsExactly(
                "robots.yaml:7: role \"r\": spec.allow.spiffe[0].path: must start with / or be a regular expression "
                        + "between ^ and $ (Teleport refuses it too)",
                "robots.yaml:8: role \"r\": spec.allow.db_permissions[0].permissions: a wildcard is not allowed in "
                        + "allowed database permissions (Teleport refuses it too)");
    }

    // ---- users --------------------------------------------------------------------------------------------------

    @Test
    void honoursSpecExpiresWhenMetadataSetsNone() throws Exception {
        String yaml = role("v7", "allow: {kubernetes_groups: [g]}\n")
                .replace("roles: [r]", "roles: [r]\n  expires: 2030-01-01T00:00:00Z");
        assertThat(load(yaml).profile("u").expires()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
        assertThat(load(yaml.replace("  name: u\n", "  name: u\n  expires: 2029-01-01T00:00:00Z\n"))
                .profile("u").expires()).as("metadata.expires first, as Teleport's Expiry()")
                .isEqualTo(Instant.parse("2029-01-01T00:00:00Z"));
    }

    @Test
    void refusesOidcIdentitiesTeleportRefusesAndLoginSecrets() {
        assertThat(errors(role("v7", "allow: {kubernetes_groups: [g]}\n").replace("roles: [r]", "roles: [r]\n"
                + "  oidc_identities: [{connector_id: okta}]\n  local_auth: {password_hash: eA==}"))).containsExactly(
                "robots.yaml:14: user \"u\": spec.oidc_identities[0].username: is required (Teleport refuses an "
                        + "identity without it too)",
                "robots.yaml:15: user \"u\": spec.local_auth: holds Teleport login secrets (password hash, MFA "
                        + "devices); remove it: a robot user needs none here, and secrets do not belong in a signing "
                        + "policy");
    }

    @Test
    void warnsAboutAUserWithoutRoles() throws Exception {
        RobotPolicy policy = load(role("v7", "allow: {kubernetes_groups: [g]}\n").replace("roles: [r]", "roles: []"));
        assertThat(policy.warnings()).extracting(PolicyProblem::toString)
                .containsExactly("robots.yaml: warning: user \"u\": spec.roles: is empty: this user grants nothing");
    }
}
