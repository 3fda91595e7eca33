package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RobotProfilesTest {
    private final Documents documents = new Documents();
    private final PolicyContents contents = new PolicyContents(documents.reader);

    private Map<String, RobotProfile> profiles(String... yaml) {
        for (String document : yaml) {
            contents.add(documents.node(document));
        }
        return new RobotProfiles(contents, documents.log).build();
    }

    @Test
    void unitesAllowsExpandsTemplatesAndLetsDenyWin() {
        RobotProfile p = profiles(
                "kind: role\nversion: v7\nmetadata: {name: a}\nspec:\n  allow:\n"
                        + "    kubernetes_groups: [x, 'team-{{external.team}}', admin]\n  options: {max_session_ttl: 8h}\n",
                "kind: role\nversion: v7\nmetadata: {name: b}\nspec:\n  allow: {kubernetes_groups: [y]}\n"
                        + "  deny: {kubernetes_groups: [admin]}\n  options: {max_session_ttl: 2h}\n",
                "kind: user\nversion: v2\nmetadata: {name: u}\nspec:\n  roles: [a, b]\n  traits: {team: [blue, '']}\n",
                "kind: job_binding\nversion: v1\nmetadata: {name: j}\nspec: {users: [u], jobs: ['deploy/**']}\n")
                .get("u");
        assertThat(p.groups()).containsExactly("team-blue", "x", "y");
        assertThat(p.maxTtl()).isEqualTo(Duration.ofHours(2));
        assertThat(p.maxTtlSource()).isEqualTo("role \"b\" spec.options.max_session_ttl");
        assertThat(p.allowsJob("deploy/api")).isTrue();
        assertThat(documents.problems()).isEmpty();
    }

    @Test
    void aWildcardDenyDeniesEveryNameAndTheDefaultMaximumApplies() {
        RobotProfile p = profiles(
                "kind: role\nversion: v7\nmetadata: {name: a}\nspec:\n  allow: {kubernetes_groups: [x]}\n"
                        + "  deny: {kubernetes_groups: ['*']}\n",
                "kind: user\nversion: v2\nmetadata: {name: u}\nspec: {roles: [a]}\n").get("u");
        assertThat(p.groups()).isEmpty();
        assertThat(p.maxTtl()).isEqualTo(Ttl.DEFAULT_MAXIMUM);
        assertThat(p.grantsKubernetesAccess()).isFalse();
    }

    @Test
    void warnsWhenATemplateExpandsToNothingAndRefusesTraitsThatAreNoNames() {
        profiles("kind: role\nversion: v7\nmetadata: {name: a}\nspec:\n  allow:\n"
                        + "    kubernetes_groups: ['{{external.team}}', '{{internal.kubernetes_users}}']\n",
                "kind: user\nversion: v2\nmetadata: {name: u}\nspec:\n  roles: [a]\n"
                        + "  traits: {kubernetes_users: [' padded']}\n");
        assertThat(documents.problems()).containsExactly(
                "robots.yaml:1: warning: role \"a\": spec.allow.kubernetes_groups: \"{{external.team}}\" expands to nothing for user \"u\" (it has no trait team)",
                "robots.yaml:1: user \"u\": spec.traits.kubernetes_users: \" padded\" (used by role \"a\": spec.allow.kubernetes_groups): has leading or trailing white space");
    }
}
