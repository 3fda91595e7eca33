package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class UserReaderTest {
    private final Documents documents = new Documents();

    private UserReader.Read read(String metadata, String spec) {
        return new UserReader(documents.reader).read(documents.header("kind: user\nversion: v2\nmetadata:\n"
                + "  name: jenkins\n" + metadata.indent(2) + "spec:\n" + spec.indent(2)));
    }

    @Test
    void readsRolesTraitsAndExpiry() {
        UserReader.Read read = read("expires: 2030-01-01T01:00:00+01:00\n", """
                roles: [robot, viewer]
                traits:
                  kubernetes_groups: [team-blue]
                status: {is_locked: false}
                """);
        assertThat(read.user().roles()).containsExactly("robot", "viewer");
        assertThat(read.user().traits()).containsEntry("kubernetes_groups", java.util.List.of("team-blue"));
        assertThat(read.user().expires()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
        assertThat(read.roles()).extracting(NameReference::field)
                .containsExactly("user \"jenkins\": spec.roles[0]", "user \"jenkins\": spec.roles[1]");
        assertThat(documents.problems()).isEmpty();
    }

    @Test
    void requiresRolesAndRefusesUnknownFields() {
        assertThat(read("", "rolez: [robot]\n").user().roles()).isEmpty();
        assertThat(documents.problems()).containsExactly(
                "robots.yaml:6: user \"jenkins\": spec.rolez: unknown field; a user's spec has roles and traits",
                "robots.yaml:6: user \"jenkins\": spec.roles: is required: list the roles this user holds");
    }

    @Test
    void refusesAnExpiryThatIsNoTimestamp() {
        read("expires: next year\n", "roles: [robot]\n");
        assertThat(documents.problems()).containsExactly("robots.yaml:5: user \"jenkins\": metadata.expires: "
                + "\"next year\" is not an RFC 3339 timestamp such as 2027-01-01T00:00:00Z");
    }

    @Test
    void refusesTraitValuesThatLookLikeTemplates() {
        read("", "roles: [robot]\ntraits:\n  team: ['{{internal.logins}}']\n");
        assertThat(documents.problems()).containsExactly(
                "robots.yaml:8: user \"jenkins\": spec.traits.team[0]: a trait value must not contain '{{' or '}}'");
    }
}
