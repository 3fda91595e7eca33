package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * {@link JobPattern}'s linear-time matcher against the regular expression it replaced (kept below, unchanged, as
 * the reference): same verdict on every pattern and job name, same message for every pattern it refuses.
 *
 * <p>The one intended difference: the reference quoted each {@code char} on its own, so a literal character outside
 * the Basic Multilingual Plane (a surrogate pair, e.g. an emoji) in a pattern matched nothing, not even itself. The
 * generated patterns therefore hold no surrogate pairs (only a lone low surrogate), while the names hold pairs,
 * lone surrogates of both kinds and empty segments; {@link #aSupplementaryCharacterInAPatternMatchesItself()} pins
 * the new behaviour.
 */
class JobPatternPropertiesTest {

    @Property(tries = 10_000)
    void agreesWithTheRegularExpressionItReplaced(@ForAll("globsAndNames") Tuple.Tuple2<String, String> globAndName) {
        String glob = globAndName.get1();
        String name = globAndName.get2();
        Pattern reference;
        try {
            reference = ReferenceRegex.compile(glob);
        } catch (IllegalArgumentException expected) {
            assertThatThrownBy(() -> JobPattern.compile(glob)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(expected.getMessage());
            Statistics.label("pattern").collect("refused");
            return;
        }
        boolean matches = reference.matcher(name).matches();
        assertThat(JobPattern.compile(glob).matches(name)).as("%s matches %s", glob, name).isEqualTo(matches);
        Statistics.label("pattern").collect(matches ? "matches" : "does not match");
        Statistics.label("pattern").coverage(c -> c.check("matches").percentage(p -> p > 20));
    }

    /** The trust anchor holds: a pattern a policy accepts matches only jobs inside its first segment. */
    @Property(tries = 10_000)
    void anAnchoredPatternMatchesOnlyJobsInsideItsFirstSegment(
            @ForAll("globsAndNames") Tuple.Tuple2<String, String> globAndName) {
        JobPattern pattern;
        try {
            pattern = JobPattern.compile(globAndName.get1());
        } catch (IllegalArgumentException refused) {
            return;
        }
        String anchor = globAndName.get1().split("/", -1)[0];
        String name = globAndName.get2();
        assertThat(pattern.anchorProblem() == null).as("%s is anchored", pattern)
                .isEqualTo(anchor.indexOf('*') < 0 && anchor.indexOf('?') < 0);
        if (pattern.anchorProblem() == null && pattern.matches(name)) {
            assertThat(name.equals(anchor) || name.startsWith(anchor + "/")).as("%s matches %s", pattern, name).isTrue();
        }
    }

    /** What a policy says about a pattern is what JobPattern says: the anchor problem an error, the folder a warning. */
    @Property(tries = 1_000)
    void aPolicyReportsTheAnchorProblemAsAnErrorAndTheWildcardFolderAsAWarning(@ForAll("globs") String glob) {
        Assume.that(glob.chars().noneMatch(c -> Character.isSurrogate((char) c))); // YAML cannot carry a lone surrogate
        JobPattern pattern;
        try {
            pattern = JobPattern.compile(glob);
        } catch (IllegalArgumentException refused) {
            return;
        }
        String yaml = PolicyParserTest.SEED + "---\nkind: job_binding\nversion: v1\nmetadata: {name: b}\nspec:\n"
                + "  users: [jenkins]\n  jobs: [" + GeneratedYaml.doubleQuoted(glob) + "]\n";
        List<PolicyProblem> problems = new PolicyParser().check(yaml, "robots.yaml").stream()
                .filter(p -> p.field().equals("job_binding \"b\": spec.jobs[0]")).toList();
        if (pattern.anchorProblem() != null) {
            assertThat(problems).singleElement().satisfies(p -> {
                assertThat(p.severity()).isEqualTo(PolicyProblem.Severity.ERROR);
                assertThat(p.message()).isEqualTo(MessageText.printable(pattern.anchorProblem(), 2_000));
            });
        } else if (pattern.wildcardFolderWarning() != null) {
            assertThat(problems).singleElement().satisfies(p -> {
                assertThat(p.severity()).isEqualTo(PolicyProblem.Severity.WARNING);
                assertThat(p.message()).isEqualTo(MessageText.printable(pattern.wildcardFolderWarning(), 2_000));
            });
        } else {
            assertThat(problems).isEmpty();
        }
    }

    /** A pattern and a name: random, an instance of the pattern, or an instance with one code point changed. */
    @Provide
    Arbitrary<Tuple.Tuple2<String, String>> globsAndNames() {
        return globs().flatMap(glob -> Arbitraries.frequencyOf(
                        Tuple.of(2, names()),
                        Tuple.of(2, Arbitraries.randomValue(random -> instance(glob, random))),
                        Tuple.of(1, Arbitraries.randomValue(random -> changeOne(instance(glob, random), random))))
                .map(name -> Tuple.of(glob, name)));
    }

    private static final String[] FILLS = {"a", "b", "\uD83D\uDE00", "é", "\uDE00", "\uD83D", "."};

    /** A name the pattern is meant to match: '*' filled with 0-2 characters, '?' with one, '**' with 0-2 segments. */
    static String instance(String glob, Random random) {
        List<String> out = new ArrayList<>();
        for (String segment : glob.split("/", -1)) {
            if (segment.equals("**")) {
                for (int n = random.nextInt(3); n > 0; n--) {
                    out.add(FILLS[random.nextInt(FILLS.length)] + (random.nextBoolean() ? "a" : ""));
                }
                continue;
            }
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < segment.length(); i++) {
                char c = segment.charAt(i);
                if (c == '*') {
                    for (int n = random.nextInt(3); n > 0; n--) {
                        b.append(FILLS[random.nextInt(FILLS.length)]);
                    }
                } else if (c == '?') {
                    b.append(FILLS[random.nextInt(FILLS.length)]);
                } else {
                    b.append(c);
                }
            }
            out.add(b.toString());
        }
        return String.join("/", out);
    }

    /** The name with one code point replaced, removed, or a '/' added. */
    static String changeOne(String name, Random random) {
        int[] cps = name.codePoints().toArray();
        if (cps.length == 0) {
            return "a";
        }
        int at = random.nextInt(cps.length);
        String before = new String(cps, 0, at);
        String after = new String(cps, at + 1, cps.length - at - 1);
        return switch (random.nextInt(3)) {
            case 0 -> before + after;
            case 1 -> before + "/" + new String(cps, at, 1) + after;
            default -> before + FILLS[random.nextInt(FILLS.length)] + after;
        };
    }

    /** Patterns built from segments that often match the names below, and now and then anything at all. */
    @Provide
    Arbitrary<String> globs() {
        Arbitrary<String> segment = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.of("**")),
                Tuple.of(3, Arbitraries.of("*", "?", "a", "b", "a*", "*a", "a*b", "?a", "a?", "*a*", "a*a*b", "é?",
                        "\uDE00", "*\uDE00", ".", "[a]", "a+")),
                Tuple.of(3, Arbitraries.strings().withChars("ab*?.é\uDE00").ofMinLength(1).ofMaxLength(6)));
        return Arbitraries.frequencyOf(
                Tuple.of(9, segment.list().ofMinSize(1).ofMaxSize(6).map(s -> String.join("/", s))),
                Tuple.of(1, Arbitraries.strings().withChars("ab*?/.é\\(){}[]^$|+\n").ofMinLength(0).ofMaxLength(10)));
    }

    /** Names over a small alphabet, with empty segments, surrogate pairs and lone surrogates. */
    @Provide
    Arbitrary<String> names() {
        Arbitrary<String> segment = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.of("", "a", "b", "ab", "aab", "\uD83D\uDE00", "a\uD83D\uDE00", "\uDE00",
                        "\uD83D", "é", ".")),
                Tuple.of(3, Arbitraries.strings().withChars("ab.é\uD83D\uDE00").ofMinLength(0).ofMaxLength(7)));
        return segment.list().ofMinSize(1).ofMaxSize(7).map(s -> String.join("/", s));
    }

    @Example
    void aSupplementaryCharacterInAPatternMatchesItself() {
        JobPattern pattern = JobPattern.compile("team-\uD83D\uDE00/**");
        assertThat(pattern.matches("team-\uD83D\uDE00/api")).isTrue();
        assertThat(pattern.matches("team-\uD83D\uDE01/api")).isFalse();
        assertThat(ReferenceRegex.compile("team-\uD83D\uDE00/**").matcher("team-\uD83D\uDE00/api").matches())
                .as("the reference's bug that this fixes").isFalse();
    }

    @Example
    void aQuestionMarkIsOneCharacterEvenOutsideTheBasicPlane() {
        assertThat(JobPattern.compile("x/a?b").matches("x/a\uD83D\uDE00b")).isTrue();
        assertThat(JobPattern.compile("x/a??b").matches("x/a\uD83D\uDE00b")).isFalse();
    }

    /** JobPattern.compile as it was before the linear matcher, to compare with; do not "fix" it. */
    static final class ReferenceRegex {
        static Pattern compile(String glob) {
            if (glob.isEmpty()) {
                throw new IllegalArgumentException("a job pattern must not be empty");
            }
            if (glob.length() > 1024) {
                throw new IllegalArgumentException("a job pattern must be at most 1024 characters");
            }
            if (glob.startsWith("/") || glob.endsWith("/")) {
                throw new IllegalArgumentException(MessageText.quote(glob) + " starts or ends with '/'; write job full names "
                        + "without a leading or trailing slash, e.g. deploy/**");
            }
            for (int i = 0; i < glob.length(); i++) {
                if (Character.isISOControl(glob.charAt(i))) {
                    throw new IllegalArgumentException(MessageText.quote(glob) + " contains a control character");
                }
            }
            String[] segments = collapseGlobstars(glob.split("/", -1));
            StringBuilder re = new StringBuilder();
            for (int i = 0; i < segments.length; i++) {
                String segment = segments[i];
                boolean first = i == 0;
                boolean last = i == segments.length - 1;
                if (segment.isEmpty()) {
                    throw new IllegalArgumentException(MessageText.quote(glob) + " has an empty segment ('//')");
                }
                if (segment.equals("**")) {
                    if (first && last) {
                        re.append("[^/]+(?:/[^/]+)*");
                    } else if (first) {
                        re.append("(?:[^/]+/)*");
                    } else {
                        re.append("(?:/[^/]+)*");
                    }
                    continue;
                }
                if (segment.contains("**")) {
                    throw new IllegalArgumentException(MessageText.quote(glob) + ": '**' must be a whole segment, as in a/**/b");
                }
                boolean afterLeadingGlobstar = i == 1 && segments[0].equals("**");
                if (!first && !afterLeadingGlobstar) {
                    re.append('/');
                }
                for (int c = 0; c < segment.length(); c++) {
                    char ch = segment.charAt(c);
                    switch (ch) {
                        case '*' -> re.append("[^/]*");
                        case '?' -> re.append("[^/]");
                        default -> re.append(Pattern.quote(String.valueOf(ch)));
                    }
                }
            }
            return Pattern.compile(re.toString());
        }

        private static String[] collapseGlobstars(String[] segments) {
            List<String> out = new ArrayList<>(segments.length);
            for (String segment : segments) {
                if (!(segment.equals("**") && !out.isEmpty() && out.get(out.size() - 1).equals("**"))) {
                    out.add(segment);
                }
            }
            return out.toArray(new String[0]);
        }
    }
}
