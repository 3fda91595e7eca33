package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RobotPolicyTest {
    private static RobotPolicy policy(String yaml) throws PolicyException {
        return new PolicyParser().parse(yaml, "robots.yaml");
    }

    private static final String ROLES = """
            kind: role
            version: v7
            metadata: {name: deployer}
            spec:
              allow:
                kubernetes_groups: [deployers, system:masters]
              options:
                max_session_ttl: 8h
            ---
            kind: role
            version: v7
            metadata: {name: no-masters}
            spec:
              deny:
                kubernetes_groups: [system:masters]
              options:
                max_session_ttl: 2h
            ---
            kind: role
            version: v6
            metadata: {name: impersonator}
            spec:
              allow:
                kubernetes_users: [ci-bot, release-bot]
                kubernetes_resources: [{kind: pod, namespace: '*', name: '*'}]
            ---
            kind: role
            version: v5
            metadata: {name: single-user}
            spec:
              allow:
                kubernetes_users: [ci-bot]
            ---
            kind: role
            version: v5
            metadata: {name: nothing}
            spec:
              allow:
                logins: [root]
            """;

    private static String user(String name, String... roles) {
        return "---\nkind: user\nversion: v2\nmetadata: {name: " + name + "}\nspec:\n  roles: ["
                + String.join(", ", roles) + "]\n";
    }

    private static String binding(String user, String... jobs) {
        return "---\nkind: job_binding\nversion: v1\nmetadata: {name: " + user + "-jobs}\nspec:\n  users: [" + user
                + "]\n  jobs: ['" + String.join("', '", jobs) + "']\n";
    }

    @Test
    void groupsAreTheUnionOfAllowedMinusDenied_denyWins() throws Exception {
        RobotPolicy p = policy(ROLES + user("deploy", "deployer") + user("safe", "deployer", "no-masters"));
        assertThat(p.authorize("deploy", null, null).groups()).containsExactly("deployers", "system:masters");
        Grant safe = p.authorize("safe", null, null);
        assertThat(safe.groups()).containsExactly("deployers");
        assertThat(safe.kubernetesUser()).isEqualTo("safe");
    }

    @Test
    void maxTtlIsTheSmallestOfTheRoles() throws Exception {
        RobotPolicy p = policy(ROLES + user("safe", "deployer", "no-masters"));
        Grant g = p.authorize("safe", null, null);
        assertThat(g.maxTtl()).isEqualTo(Duration.ofHours(2));
        assertThat(g.maxTtlSource()).isEqualTo("role \"no-masters\" spec.options.max_session_ttl");
    }

    @Test
    void theSingleAllowedKubernetesUserBecomesTheCommonName() throws Exception {
        RobotPolicy p = policy(ROLES + user("bot", "single-user"));
        Grant g = p.authorize("bot", null, null);
        assertThat(g.kubernetesUser()).isEqualTo("ci-bot");
        assertThat(g.groups()).isEmpty();
    }

    @Test
    void severalKubernetesUsersAreAmbiguousUnlessOneIsRequested() throws Exception {
        RobotPolicy p = policy(ROLES + user("bot", "impersonator"));
        assertThatThrownBy(() -> p.authorize("bot", null, null))
                .isInstanceOfSatisfying(PolicyRefusal.class, r -> assertThat(r.rule()).isEqualTo("kubernetes-user-ambiguous"))
                .hasMessage("robot user \"bot\" may act as several Kubernetes users (ci-bot, release-bot); choose one explicitly");
        assertThat(p.authorize("bot", "release-bot", null).kubernetesUser()).isEqualTo("release-bot");
        assertThatThrownBy(() -> p.authorize("bot", "admin", null))
                .hasMessage("Kubernetes user \"admin\" is not allowed for robot user \"bot\"; allowed: ci-bot, release-bot");
    }

    @Test
    void withoutKubernetesUsersOnlyTheRobotNameMayBeRequested() throws Exception {
        RobotPolicy p = policy(ROLES + user("deploy", "deployer"));
        assertThat(p.authorize("deploy", "deploy", null).kubernetesUser()).isEqualTo("deploy");
        assertThatThrownBy(() -> p.authorize("deploy", "cluster-admin", null))
                .hasMessage("Kubernetes user \"cluster-admin\" is not allowed for robot user \"deploy\"; allowed: deploy");
    }

    @Test
    void refusesARequestThatGrantsNoKubernetesAccess() throws Exception {
        RobotPolicy p = policy(ROLES + user("idle", "nothing") + user("denied", "no-masters"));
        assertThatThrownBy(() -> p.authorize("idle", null, null))
                .isInstanceOfSatisfying(PolicyRefusal.class, r -> assertThat(r.rule()).isEqualTo("no-kubernetes-access"))
                .hasMessage("robot user \"idle\" grants no Kubernetes access: its roles (nothing) leave no "
                        + "kubernetes_groups and no kubernetes_users after deny rules");
        assertThatThrownBy(() -> p.authorize("denied", null, null)).hasMessageContaining("grants no Kubernetes access");
    }

    @Test
    void aDenyWildcardRemovesEveryGroup() throws Exception {
        RobotPolicy p = policy(ROLES.replace("kubernetes_groups: [system:masters]", "kubernetes_groups: ['*']")
                + user("safe", "deployer", "no-masters"));
        assertThatThrownBy(() -> p.authorize("safe", null, null)).hasMessageContaining("grants no Kubernetes access");
    }

    @Test
    void refusesUnknownRobotUsers() throws Exception {
        RobotPolicy p = policy(ROLES + user("deploy", "deployer"));
        assertThatThrownBy(() -> p.authorize("root", null, null))
                .isInstanceOfSatisfying(PolicyRefusal.class, r -> assertThat(r.rule()).isEqualTo("unknown-robot-user"))
                .hasMessage("robot user \"root\" is not defined in the policy (defined: deploy)");
    }

    @Test
    void aUserWithoutJobBindingsCanBeUsedByNoJob() throws Exception {
        RobotPolicy p = policy(ROLES + user("deploy", "deployer"));
        assertThat(p.authorize("deploy", null, null).groups()).isNotEmpty(); // the CLI without --job
        assertThatThrownBy(() -> p.authorize("deploy", null, new Requester("deploy/api", 7)))
                .isInstanceOfSatisfying(PolicyRefusal.class, r -> {
                    assertThat(r.rule()).isEqualTo("job-not-allowed");
                    assertThat(r.detail()).isEqualTo("job \"deploy/api\" may not act as robot user \"deploy\": no "
                            + "job_binding names this user, so no job may use it; add a job_binding with users: "
                            + "[deploy] and a jobs pattern matching \"deploy/api\"");
                })
                .hasMessage("job \"deploy/api\" may not act as robot user \"deploy\": no job_binding for this user "
                        + "matches this job; no robot user is bound to this job");
    }

    @Test
    void jobPatternsDecideWhichJobsMayActAsAUser() throws Exception {
        RobotPolicy p = policy(ROLES + user("deploy", "deployer") + binding("deploy", "deploy/**", "web/site/main"));
        assertThat(p.authorize("deploy", null, new Requester("deploy/api/main", 3)).robotUser()).isEqualTo("deploy");
        assertThat(p.authorize("deploy", null, new Requester("web/site/main", 3)).robotUser()).isEqualTo("deploy");
        assertThatThrownBy(() -> p.authorize("deploy", null, new Requester("web/site/feature%2Fx", 3)))
                .isInstanceOfSatisfying(PolicyRefusal.class, r -> assertThat(r.detail()).isEqualTo("job "
                        + "\"web/site/feature%2Fx\" may not act as robot user \"deploy\": it matches none of the job "
                        + "patterns for this user (deploy/**, web/site/main); add a matching pattern to a job_binding "
                        + "for this user"));
        assertThatThrownBy(() -> p.authorize("deploy", null, new Requester("other/main", 3)))
                .isInstanceOfSatisfying(PolicyRefusal.class, r -> assertThat(r.rule()).isEqualTo("job-not-allowed"));
        assertThat(p.usersForJob("deploy/x")).containsExactly("deploy");
    }

    @Test
    void aBuildsRefusalNamesOnlyWhatConcernsItsOwnJob() throws Exception {
        RobotPolicy p = policy(ROLES + user("deploy", "deployer") + user("ci", "single-user")
                + binding("deploy", "deploy/**", "secret-folder/**") + binding("ci", "website/**"));
        assertThatThrownBy(() -> p.authorize("deploy", null, new Requester("website/app", 4)))
                .isInstanceOfSatisfying(PolicyRefusal.class, r -> {
                    assertThat(r.getMessage()).isEqualTo("job \"website/app\" may not act as robot user \"deploy\": "
                            + "no job_binding for this user matches this job; robot users bound to this job: ci");
                    assertThat(r.getMessage()).doesNotContain("secret-folder", "deploy/**");
                    assertThat(r.detail()).contains("deploy/**, secret-folder/**");
                });
        assertThatThrownBy(() -> p.authorize("root", null, new Requester("website/app", 4)))
                .isInstanceOfSatisfying(PolicyRefusal.class, r -> {
                    assertThat(r.getMessage()).isEqualTo("robot user \"root\" is not defined in the policy; "
                            + "robot users bound to this job: ci");
                    assertThat(r.detail()).isEqualTo("robot user \"root\" is not defined in the policy "
                            + "(defined: ci, deploy)");
                });
    }

    @Test
    void aDeniedKubernetesUserStopsTheFallbackCommonNameToo() throws Exception {
        String denySelf = """
                ---
                kind: role
                version: v7
                metadata: {name: not-as-myself}
                spec:
                  deny:
                    kubernetes_users: [deploy]
                """;
        RobotPolicy p = policy(ROLES + denySelf + user("deploy", "deployer", "not-as-myself"));
        assertThatThrownBy(() -> p.authorize("deploy", null, null))
                .isInstanceOfSatisfying(PolicyRefusal.class, r -> assertThat(r.rule())
                        .isEqualTo("kubernetes-user-denied"))
                .hasMessage("Kubernetes user \"deploy\" is denied to robot user \"deploy\" by "
                        + "spec.deny.kubernetes_users of its roles (deployer, not-as-myself); allow another Kubernetes "
                        + "user in a role, or remove the deny rule");
        assertThatThrownBy(() -> p.authorize("deploy", "deploy", null))
                .isInstanceOfSatisfying(PolicyRefusal.class, r -> assertThat(r.rule())
                        .isEqualTo("kubernetes-user-denied"));
    }

    @Test
    void aDenyWildcardOnKubernetesUsersStopsTheFallbackCommonName() throws Exception {
        String denyAll = "---\nkind: role\nversion: v7\nmetadata: {name: nobody}\nspec:\n  deny:\n"
                + "    kubernetes_users: ['*']\n";
        RobotPolicy p = policy(ROLES + denyAll + user("deploy", "deployer", "nobody"));
        assertThatThrownBy(() -> p.authorize("deploy", null, null))
                .isInstanceOfSatisfying(PolicyRefusal.class, r -> assertThat(r.rule())
                        .isEqualTo("kubernetes-user-denied"));
        // Denying other names leaves the fallback alone.
        RobotPolicy other = policy(ROLES + denyAll.replace("'*'", "someone-else") + user("deploy", "deployer", "nobody"));
        assertThat(other.authorize("deploy", null, null).kubernetesUser()).isEqualTo("deploy");
    }
}
