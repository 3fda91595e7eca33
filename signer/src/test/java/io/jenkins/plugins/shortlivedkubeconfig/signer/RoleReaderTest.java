package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RoleReaderTest {
    private final Documents documents = new Documents();

    private Role read(String spec) {
        return read("v7", spec);
    }

    private Role read(String version, String spec) {
        return new RoleReader(documents.reader).read(documents.header(
                "kind: role\nversion: " + version + "\nmetadata:\n  name: r\nspec:\n" + spec.indent(2)));
    }

    @Test
    void readsGroupsUsersAndTheMaximumTtl() {
        Role role = read("""
                allow:
                  kubernetes_groups: [deployers, '{{internal.kubernetes_groups}}']
                  kubernetes_users: [ci]
                deny:
                  kubernetes_groups: [system:masters]
                options:
                  max_session_ttl: 8h
                """);
        assertThat(role.allow().kubernetesGroups()).containsExactly("deployers", "{{internal.kubernetes_groups}}");
        assertThat(role.allow().kubernetesUsers()).containsExactly("ci");
        assertThat(role.deny().kubernetesGroups()).containsExactly("system:masters");
        assertThat(role.maxSessionTtl()).isEqualTo(Duration.ofHours(8));
        assertThat(role.source()).isEqualTo("robots.yaml:1");
        assertThat(documents.problems()).isEmpty();
    }

    @Test
    void aRoleWithoutSpecGrantsNothing() {
        Role role = new RoleReader(documents.reader).read(documents.header("kind: role\nversion: v5\nmetadata: {name: r}\n"));
        assertThat(role.allow()).isEqualTo(RoleConditions.NONE);
        assertThat(role.maxSessionTtl()).isNull();
    }

    @Test
    void refusesVersionsItDoesNotRead() {
        assertThat(read("v4", "allow: {}\n")).isNull();
        assertThat(documents.problems()).containsExactly("robots.yaml:2: role \"r\": version: role version \"v4\" is "
                + "not supported (supported: v5, v6, v7); Teleport still reads it with older defaults (v3 roles allow "
                + "every cluster label): make the role v5 or later");
    }

    @Test
    void refusesWhatItCannotEnforceAndWarnsAboutWhatItIgnores() {
        // The role is read on (so that every problem is found); its errors keep the policy from loading.
        assertThat(read("""
                allow:
                  kubernetes_groups: ['*']
                  kubernetes_labels: {env: prod}
                  node_labels: {'*': '*'}
                options:
                  forward_agent: true
                """).allow().kubernetesGroups()).isEmpty();
        assertThat(documents.problems()).containsExactly(
                "robots.yaml:7: role \"r\": spec.allow.kubernetes_groups[0]: a wildcard cannot be put in a certificate; name the groups or users",
                "robots.yaml:8: role \"r\": spec.allow.kubernetes_labels: only {'*': '*'} is supported: this signer has no cluster labels, so a label restriction cannot be enforced; remove it or use '*': '*'",
                "robots.yaml:9: warning: role \"r\": spec.allow.node_labels: is ignored: it controls Teleport access other than Kubernetes client certificates",
                "robots.yaml:11: warning: role \"r\": spec.options.forward_agent: is ignored: it has no effect on Kubernetes client certificates issued by this signer");
    }

    @Test
    void neverSetsNoMaximumAndSaysSo() {
        assertThat(read("options:\n  max_session_ttl: never\n").maxSessionTtl()).isNull();
        assertThat(documents.problems()).singleElement().asString().contains("\"never\" sets no maximum");
    }
}
