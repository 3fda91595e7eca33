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
        "org/*/main, org/api/main, true",
        "org/*/main, org/x/api/main, false",
        "org/*/main, org/api/feature, false",
        "org/*/main, api/main, false",
        "org/**/main, org/x/api/main, true",
        "org/**/main, org/main, true",
        "org/**/main, org/api/main2, false",
        "a/**/b, a/b, true",
        "a/**/b, a/x/y/b, true",
        "a/**/b, a/x/y/c, false",
        "a/**/**/b, a/x/b, true",
        "x/**/*/**/y, x/a//y, true",
        "x/**, x//y, false",
        "x/*, x/, true",
        "x/?, x/, false",
        "x/app-?, x/app-1, true",
        "x/app-?, x/app-12, false",
        "x/release-*, x/release-1.2, true",
        "x/release-*, x/release-1/x, false",
        "x/a*a*a*b, x/aaaab, true",
        "x/a*a*a*b, x/aaab, true",
        "x/a*a*a*b, x/aab, false",
        "x/*ab*ba*, x/aba, false",
        "x/*ab*ba*, x/ab-ba, true",
        "a.b, a.b, true",
        "a.b, axb, false",
        "org/repo/PR-*, org/repo/PR-12, true",
        "org/repo/main, org/repo/feature%2Fx, false",
        // compiled (and matched as globs), though a policy refuses them: see anchorProblem
        "**, anything/at/all, true",
        "**/main, main, true",
        "*/main, api/main, true",
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

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "*|*",
        "?x|?x",
        "**|**",
        "**/main|**",
        "*/main|*",
        "app-?/main|app-?",
    })
    void aPatternMustStartAtALiteralName(String glob, String first) {
        assertThat(JobPattern.compile(glob).anchorProblem()).isEqualTo("\"" + glob + "\": the first segment \"" + first
                + "\" must be a literal folder or job name, without '*', '?' or '**': anyone who can create or rename an "
                + "item chooses its name, so a pattern must start at a folder an administrator names, e.g. deploy/** or "
                + "deploy/api/main");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "deploy/*/main|anyone who can create, rename or move items in folder \"deploy\" can create a folder matching \"*\"",
        "deploy/api/team-?/main|anyone who can create, rename or move items in folder \"deploy/api\" can create a folder matching \"team-?\"",
        "deploy/**/main|anyone who can create, rename or move items in folder \"deploy\" can create folders at any depth below it, which \"**\" matches,",
        "deploy/a*/b*/main|in folder \"deploy\" can create a folder matching \"a*\" and so",
    })
    void aWildcardFolderIsAWarningNamingWhoCouldChooseTheName(String glob, String part) {
        JobPattern pattern = JobPattern.compile(glob);
        assertThat(pattern.anchorProblem()).isNull();
        assertThat(pattern.wildcardFolderWarning()).startsWith("\"" + glob + "\": ").contains(part)
                .endsWith(" and so choose job names this pattern matches; bind folders whose item creation is "
                        + "restricted, or name the folder instead of matching it");
    }

    @ParameterizedTest
    @CsvSource({"deploy/**", "deploy/api/main", "deploy/api/PR-*", "deploy", "deploy/api/**", "deploy/api/?"})
    void aPatternAnchoredAtANamedFolderWithAWildcardOnlyInTheLastSegmentIsFine(String glob) {
        JobPattern pattern = JobPattern.compile(glob);
        assertThat(pattern.anchorProblem()).isNull();
        assertThat(pattern.wildcardFolderWarning()).isNull();
    }
}
