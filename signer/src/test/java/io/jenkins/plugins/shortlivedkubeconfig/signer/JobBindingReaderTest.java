package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JobBindingReaderTest {
    private final Documents documents = new Documents();

    private JobBindingReader.Read read(String spec) {
        return new JobBindingReader(documents.reader).read(documents.header(
                "kind: job_binding\nversion: v1\nmetadata:\n  name: b\nspec:\n" + spec.indent(2)));
    }

    @Test
    void readsUsersAndJobPatterns() {
        JobBindingReader.Read read = read("users: [jenkins]\njobs: ['deploy/**', 'web/site/main']\n");
        assertThat(read.binding().users()).containsExactly("jenkins");
        assertThat(read.binding().jobs()).extracting(JobPattern::glob).containsExactly("deploy/**", "web/site/main");
        assertThat(read.binding().allows("jenkins", "deploy/api/main")).isTrue();
        assertThat(read.users()).extracting(NameReference::name).containsExactly("jenkins");
        assertThat(documents.problems()).isEmpty();
    }

    @Test
    void requiresUsersAndJobs() {
        read("users: []\n");
        assertThat(documents.problems()).containsExactly(
                "robots.yaml:6: job_binding \"b\": spec.users: is required: list the robot users these jobs may act as",
                "robots.yaml:6: job_binding \"b\": spec.jobs: is required: list job full name patterns, e.g. deploy/**");
    }

    @Test
    void anEmptyJobListIsReportedWhateverElseIsWrong() {
        read("users: ['bad user']\njobs: []\n");
        assertThat(documents.problems()).hasSize(3).last().isEqualTo(
                "robots.yaml:6: job_binding \"b\": spec.jobs: is required: list job full name patterns, e.g. deploy/**");
    }

    @Test
    void reportsBadPatternsWithTheirLine() {
        read("users: [jenkins]\njobs: ['a//b']\n");
        assertThat(documents.problems()).containsExactly(
                "robots.yaml:7: job_binding \"b\": spec.jobs[0]: \"a//b\" has an empty segment ('//')");
    }
}
