package io.jenkins.plugins.shortlivedkubeconfig.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * {@link SignerCli} builds only the subcommand that runs ({@link SignerCli#commandsFor}), to start faster. Whatever
 * the arguments, a user sees exactly what the CLI with every subcommand built shows: the same exit code, stdout,
 * stderr and files. The argument vectors are {@link CliArgumentPropertiesTest}'s, each run twice in the same
 * fresh directory; random values (serials, keys, fingerprints) are masked before comparing.
 */
class InvokedCommandOnlyPropertiesTest {
    /** A fixed clock, so that both runs print the same times; after the fixtures' CA was made. */
    private static final Clock CLOCK = Clock.fixed(Instant.now().plus(Duration.ofMinutes(2)), ZoneOffset.UTC);

    @BeforeContainer
    static void fixtures() throws Exception {
        CliArgumentPropertiesTest.fixtures();
    }

    @AfterContainer
    static void removeFixtures() throws IOException {
        CliArgumentPropertiesTest.removeFixtures();
    }

    record Seen(int code, String out, String err, Map<String, String> files) { }

    @Property(tries = 500)
    void aUserSeesWhatTheFullCommandTreeShows(@ForAll("vectors") List<String> args) throws Exception {
        assertSameAsFullTree(args);
    }

    @Provide
    Arbitrary<List<String>> vectors() {
        return new CliArgumentPropertiesTest().vectors();
    }

    @Example
    void helpVersionAndUsageErrors() throws Exception {
        for (List<String> args : List.of(List.<String>of(), List.of("--help"), List.of("-h"), List.of("--version"),
                List.of("-V"), List.of("help"), List.of("help", "sign"), List.of("--verbose"), List.of("frobnicate"),
                List.of("sign"), List.of("sign", "--help"), List.of("sign", "-V"), List.of("sign", "--usr", "x"),
                List.of("--verbose", "sign", "--user"), List.of("--verbose", "--verbose", "policy"),
                List.of("ca"), List.of("ca", "--help"), List.of("ca", "init", "--help"), List.of("ca", "frob"),
                List.of("policy", "check"), List.of("policy", "check", "--help"), List.of("inspect"),
                List.of("inspect", "-h"), List.of("inspect", "a", "b"), List.of("sign", "ca"), List.of("SIGN"),
                List.of("--", "sign"), List.of("--verbose=true", "sign"), List.of("--verbose", "--version"),
                List.of("--version", "sign"), List.of("-V", "--help"), List.of("--version", "--version"))) {
            assertSameAsFullTree(args);
        }
        assertThat(SignerCli.commandsFor("--verbose", "sign", "--help")).containsExactly(SignCommand.class);
        assertThat(SignerCli.commandsFor("help", "sign")).isEqualTo(SignerCli.ALL_COMMANDS);
        assertThat(SignerCli.commandsFor("--verbose", "--version")).isEmpty();
        assertThat(SignerCli.commandsFor("--version", "sign")).isEqualTo(SignerCli.ALL_COMMANDS);
    }

    @Example
    void successfulRuns() throws Exception {
        assertSameAsFullTree(CliArgumentPropertiesTest.validSign());
        assertSameAsFullTree(CliArgumentPropertiesTest.validCaInit());
        List<String> toStdout = new ArrayList<>(CliArgumentPropertiesTest.validSign());
        toStdout.set(toStdout.indexOf("@t/existing"), "-");
        assertSameAsFullTree(toStdout);
        assertSameAsFullTree(List.of("policy", "check", "@fx/robots.yaml"));
        assertSameAsFullTree(List.of("--verbose", "inspect", "@fx/kubeconfig"));
    }

    static void assertSameAsFullTree(List<String> args) throws Exception {
        Seen full = run(SignerCli.ALL_COMMANDS, args);
        Seen lazy = run(SignerCli.commandsFor(args.toArray(String[]::new)), args);
        assertThat(lazy).as("%s", args).isEqualTo(full);
    }

    private static Seen run(List<Class<?>> commands, List<String> generated) throws Exception {
        Path fx = CliArgumentPropertiesTest.fx;
        // The same directory for both runs, one after the other: paths are part of what the user sees.
        Path t = Files.createDirectories(CliArgumentPropertiesTest.root.resolve("twin"));
        try {
            Files.writeString(t.resolve("existing"), "previous");
            Files.createDirectories(t.resolve("adir"));
            Files.copy(fx.resolve("other.crt"), t.resolve("old.crt"));
            Files.copy(fx.resolve("other.key"), t.resolve("old.key"));
            String[] args = CliArgumentPropertiesTest.insideTry(generated.stream()
                    .map(a -> a.replace("@fx/", fx + "/").replace("@t/", t + "/")).toArray(String[]::new), t);
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = SignerCli.run(CLOCK, new PrintWriter(out), new PrintWriter(err), commands, args);
            Map<String, String> files = new TreeMap<>();
            try (Stream<Path> all = Files.walk(t)) {
                for (Path p : all.toList()) {
                    files.put(t.relativize(p).toString(), Files.isDirectory(p) ? "directory"
                            : PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
                }
            }
            return new Seen(code, masked(out.toString()), masked(err.toString()), files);
        } finally {
            try (Stream<Path> all = Files.walk(t)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static String masked(String text) {
        return text.replaceAll("serial(:? +)[0-9a-f]+", "serial$1SERIAL")
                .replaceAll("\\(InvokedCommandOnlyPropertiesTest\\.java:\\d+\\)", "(this test)") // --verbose
                .replaceAll("([0-9A-F]{2}:){31}[0-9A-F]{2}", "FINGERPRINT")
                .replaceAll("(client-certificate-data|client-key-data): \\S+", "$1: DATA");
    }
}
