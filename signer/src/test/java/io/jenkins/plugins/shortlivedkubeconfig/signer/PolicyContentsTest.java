package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PolicyContentsTest {
    private final Documents documents = new Documents();
    private final PolicyContents contents = new PolicyContents(documents.reader);

    private void add(String yaml) {
        contents.add(documents.node(yaml));
    }

    @Test
    void sendsEachDocumentToTheReaderForItsKind() {
        add("kind: role\nversion: v7\nmetadata: {name: r}\nspec: {allow: {kubernetes_groups: [g]}}\n");
        add("kind: user\nversion: v2\nmetadata: {name: u}\nspec: {roles: [r]}\n");
        add("kind: job_binding\nversion: v1\nmetadata: {name: b}\nspec: {users: [u], jobs: ['deploy/**']}\n");
        contents.crossCheck();
        assertThat(contents.roles).containsOnlyKeys("r");
        assertThat(contents.users).containsOnlyKeys("u");
        assertThat(contents.bindings).hasSize(1);
        assertThat(contents.isEmpty()).isFalse();
        assertThat(documents.problems()).isEmpty();
    }

    @Test
    void refusesUnknownKindsAndDuplicateNames() {
        add("kind: trusted_cluster\nversion: v2\nmetadata: {name: x}\n");
        add("kind: role\nversion: v7\nmetadata: {name: r}\n");
        add("kind: role\nversion: v6\nmetadata: {name: r}\n");
        assertThat(documents.problems()).containsExactly(
                "robots.yaml:1: kind: \"trusted_cluster\" is not supported; expected role, user, job_binding or caller_binding",
                "robots.yaml:1: role \"r\": duplicate role name; first defined at line 1");
    }

    @Test
    void crossCheckFindsUndefinedRolesAndUsers() {
        add("kind: user\nversion: v2\nmetadata: {name: u}\nspec:\n  roles: [ghost]\n");
        add("kind: job_binding\nversion: v1\nmetadata: {name: b}\nspec:\n  users: [u, nobody]\n  jobs: ['deploy/**']\n");
        contents.crossCheck();
        assertThat(documents.problems()).containsExactly(
                "robots.yaml:5: user \"u\": spec.roles[0]: role \"ghost\" is not defined in this policy",
                "robots.yaml:5: job_binding \"b\": spec.users[1]: user \"nobody\" is not defined in this policy");
    }
}
