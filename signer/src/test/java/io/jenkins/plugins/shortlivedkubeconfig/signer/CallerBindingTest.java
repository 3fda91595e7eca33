package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.shortlivedkubeconfig.signer.Requester.EntryPoint;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code kind: caller_binding}: who may sign outside a build, read with file:line:field errors and decided. */
class CallerBindingTest {
    static final String POLICY = PolicyParserTest.SEED + """
            ---
            kind: user
            version: v2
            metadata: {name: deployer}
            spec: {roles: [robot]}
            ---
            kind: job_binding
            version: v1
            metadata: {name: apps}
            spec: {users: [jenkins], jobs: ['apps/**']}
            ---
            kind: caller_binding
            version: v1
            metadata: {name: operators}
            spec:
              users: [deployer]
              callers: [alice]
              groups: [ops]
            """;

    static RobotPolicy policy() throws PolicyException {
        return new PolicyParser().parse(POLICY, "robots.yaml");
    }

    static Requester caller(String id, String... groups) {
        return Requester.caller(id, List.of(groups), EntryPoint.REST);
    }

    private static List<String> errors(String yaml) {
        try {
            new PolicyParser().parse(yaml, "robots.yaml");
        } catch (PolicyException e) {
            return e.problems().stream().filter(p -> p.severity() == PolicyProblem.Severity.ERROR)
                    .map(PolicyProblem::toString).toList();
        }
        throw new AssertionError("expected the policy to be refused");
    }

    private static String binding(String spec) {
        return PolicyParserTest.SEED + "---\nkind: caller_binding\nversion: v1\nmetadata:\n  name: b\nspec:\n" + spec;
    }

    @Test
    void readsCallerBindings() throws Exception {
        RobotPolicy p = policy();
        assertThat(p.callerBindings()).singleElement().satisfies(b -> {
            assertThat(b.name()).isEqualTo("operators");
            assertThat(b.users()).containsExactly("deployer");
            assertThat(b.callers()).containsExactly("alice");
            assertThat(b.groups()).containsExactly("ops");
            assertThat(b.source()).isEqualTo("robots.yaml:26");
        });
        assertThat(p.callerBindingsFor("deployer")).hasSize(1);
        assertThat(p.callerBindingsFor("jenkins")).isEmpty();
        assertThat(p.toString()).endsWith("1 job bindings, 1 caller bindings]");
    }

    @Test
    void allowsANamedCaller() throws Exception {
        Grant grant = policy().authorize("deployer", null, caller("alice"));
        assertThat(grant.robotUser()).isEqualTo("deployer");
        assertThat(grant.groups()).containsExactly("system:masters");
    }

    @Test
    void allowsAMemberOfABoundGroup() throws Exception {
        assertThat(policy().authorize("deployer", null, caller("carol", "authenticated", "ops")).robotUser())
                .isEqualTo("deployer");
        assertThat(policy().usersFor(caller("carol", "ops"))).containsExactly("deployer");
    }

    @Test
    void refusesACallerNoBindingNamesEvenAnAdministrator() throws Exception {
        assertThatThrownBy(() -> policy().authorize("deployer", null, caller("admin", "admins", "authenticated")))
                .isInstanceOfSatisfying(PolicyRefusal.class, e -> {
                    assertThat(e.rule()).isEqualTo("caller-not-allowed");
                    assertThat(e.getMessage()).isEqualTo("Jenkins user \"admin\" may not act as robot user "
                            + "\"deployer\": no caller_binding for this user names this Jenkins user or one of its "
                            + "groups; no robot user is bound to this Jenkins user");
                    // Only the audit record names who else is bound.
                    assertThat(e.getMessage()).doesNotContain("alice", "ops");
                    assertThat(e.detail()).contains("(groups: \"admins\", \"authenticated\")",
                            "none of the callers (alice)", "none of the groups (ops)");
                });
    }

    @Test
    void refusesARobotUserNoCallerBindingNames() throws Exception {
        assertThatThrownBy(() -> policy().authorize("jenkins", null, caller("alice")))
                .isInstanceOfSatisfying(PolicyRefusal.class, e -> {
                    assertThat(e.rule()).isEqualTo("caller-not-allowed");
                    assertThat(e.getMessage()).endsWith("; robot users bound to this Jenkins user: deployer");
                    assertThat(e.detail()).contains("no caller_binding names this user, so no caller may use it");
                });
    }

    @Test
    void refusesAnUnknownRobotUserWithoutListingTheOthers() throws Exception {
        assertThatThrownBy(() -> policy().authorize("ghost", null, caller("bob")))
                .isInstanceOfSatisfying(PolicyRefusal.class, e -> {
                    assertThat(e.rule()).isEqualTo("unknown-robot-user");
                    assertThat(e.getMessage()).isEqualTo("robot user \"ghost\" is not defined in the policy; no "
                            + "robot user is bound to this Jenkins user");
                    assertThat(e.detail()).contains("(defined: deployer, jenkins)");
                });
    }

    @Test
    void jobAndCallerBindingsDoNotStandInForEachOther() throws Exception {
        RobotPolicy p = policy();
        // A caller named like a bound job, or a job named like a bound caller, gets nothing.
        assertThatThrownBy(() -> p.authorize("jenkins", null, caller("apps/api")))
                .hasFieldOrPropertyWithValue("rule", "caller-not-allowed");
        assertThatThrownBy(() -> p.authorize("deployer", null, new Requester("alice", 1)))
                .hasFieldOrPropertyWithValue("rule", "job-not-allowed");
        assertThat(p.usersFor(new Requester("alice", 1))).isEmpty();
        assertThat(p.usersFor(caller("apps/api"))).isEmpty();
    }

    @Test
    void comparesUserIdsAndGroupsExactly() throws Exception {
        assertThat(policy().usersFor(caller("Alice", "OPS"))).isEmpty();
        assertThat(policy().usersFor(caller("alice "))).isEmpty();
    }

    @Test
    void refusesBadCallerBindingsNamingFileLineAndField() {
        assertThat(errors(binding("  users: [ghost]\n  callers: [alice, '*', 'dev*']\n  groups: ['']\n"
                + "  jobs: [x]\n"))).containsExactlyInAnyOrder(
                "robots.yaml:22: caller_binding \"b\": spec.callers[1]: \"*\" contains '*': wildcards are not "
                        + "supported; name each Jenkins user or group",
                "robots.yaml:22: caller_binding \"b\": spec.callers[2]: \"dev*\" contains '*': wildcards are not "
                        + "supported; name each Jenkins user or group",
                "robots.yaml:23: caller_binding \"b\": spec.groups[0]: \"\" must not be empty",
                "robots.yaml:24: caller_binding \"b\": spec.jobs: unknown field; a caller_binding's spec has users, "
                        + "callers and groups",
                "robots.yaml:21: caller_binding \"b\": spec.users[0]: user \"ghost\" is not defined in this policy");
    }

    @Test
    void requiresUsersAndCallersOrGroups() {
        assertThat(errors(binding("  users: []\n  groups: []\n"))).containsExactly(
                "robots.yaml:21: caller_binding \"b\": spec.users: is required: list the robot users these callers "
                        + "may act as",
                "robots.yaml:21: caller_binding \"b\": spec.callers: is required (or spec.groups): list the Jenkins "
                        + "user ids or groups that may act as these robot users outside builds");
        assertThat(errors(PolicyParserTest.SEED + "---\nkind: caller_binding\nversion: v1\nmetadata: {name: b}\n"))
                .containsExactly("robots.yaml:16: caller_binding \"b\": spec: is required (with users, and callers or "
                        + "groups)");
    }

    @Test
    void refusesOtherVersionsDuplicateNamesAndWrongTypes() {
        assertThat(errors(PolicyParserTest.SEED + "---\nkind: caller_binding\nversion: v2\nmetadata: {name: b}\n"
                + "spec: {}\n")).containsExactly("robots.yaml:17: caller_binding \"b\": version: caller_binding "
                + "version \"v2\" is not supported (supported: v1)");
        String one = "---\nkind: caller_binding\nversion: v1\nmetadata: {name: b}\nspec: {users: [jenkins], "
                + "callers: [alice]}\n";
        assertThat(errors(PolicyParserTest.SEED + one + one)).containsExactly(
                "robots.yaml:21: caller_binding \"b\": duplicate caller_binding name; first defined at line 16");
        assertThat(errors(binding("  users: [jenkins]\n  callers: [42]\n"))).contains(
                "robots.yaml:22: caller_binding \"b\": spec.callers[0]: must be a string, not a number (quote it)");
    }

    @Test
    void aSingleStringStandsForAOneItemList() throws Exception {
        RobotPolicy p = new PolicyParser().parse(binding("  users: jenkins\n  groups: deployers\n"), "robots.yaml");
        assertThat(p.usersFor(caller("x", "deployers"))).containsExactly("jenkins");
    }
}
