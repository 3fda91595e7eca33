package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JobPatternTest {
    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
        "deploy/**, deploy/api, true",
        "deploy/**, deploy/api/main, true",
        "deploy/**, deploy, true",
        "deploy/**, deployer/api, false",
        "deploy/**, other/deploy/api, false",
        "*/main, api/main, true",
        "*/main, org/api/main, false",
        "*/main, api/feature, false",
        "**/main, org/api/main, true",
        "**/main, main, true",
        "**/main, org/api/main2, false",
        "a/**/b, a/b, true",
        "a/**/b, a/x/y/b, true",
        "a/**/b, a/x/y/c, false",
        "**, anything/at/all, true",
        "app-?, app-1, true",
        "app-?, app-12, false",
        "release-*, release-1.2, true",
        "release-*, release-1/x, false",
        "a.b, a.b, true",
        "a.b, axb, false",
        "org/repo/PR-*, org/repo/PR-12, true",
        "org/repo/main, org/repo/feature%2Fx, false",
    })
    void matchesJobFullNames(String glob, String job, boolean expected) {
        assertThat(JobPattern.compile(glob).matches(job)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/deploy/**|\"/deploy/**\" starts or ends with '/'; write job full names without a leading or trailing slash, e.g. deploy/**",
        "a//b|\"a//b\" has an empty segment ('//')",
        "a/**x|\"a/**x\": '**' must be a whole segment, as in a/**/b",
    })
    void explainsBadPatterns(String glob, String message) {
        assertThatThrownBy(() -> JobPattern.compile(glob)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }
}
