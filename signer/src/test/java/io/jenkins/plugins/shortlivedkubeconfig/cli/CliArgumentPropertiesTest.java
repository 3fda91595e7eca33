package io.jenkins.plugins.shortlivedkubeconfig.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.shortlivedkubeconfig.signer.CertificateAuthority;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KubeconfigSummary;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Outcome;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Generated argument vectors for the CLI ({@link SignerCli#run}): mostly-valid commands with a few changes, and
 * random mixes of every flag with good and bad values and files (missing, a directory, not UTF-8, over the size
 * limit, {@code /dev/zero}, a mismatched key, a device node as output). Whatever the vector: the exit code is 0, 1
 * or 2; a failure is one line on stderr that names the flag, file or command at fault, with no stack trace unless
 * {@code --verbose}; no output file is left half-written or replaced on failure; a device node is never replaced;
 * key material reaches stdout only for {@code --out -}.
 */
class CliArgumentPropertiesTest {
    static Path root;
    static Path fx;
    static Map<String, String> fixtureSnapshot;
    static final AtomicInteger TRY = new AtomicInteger();
    static boolean deviceNode;

    static final String POLICY = """
            kind: role
            version: v7
            metadata: {name: robot}
            spec:
              allow: {kubernetes_groups: ['system:masters'], kubernetes_users: [ci, ops]}
              options: {max_session_ttl: 25h}
            ---
            kind: role
            version: v7
            metadata: {name: nothing}
            spec: {allow: {kubernetes_groups: [a]}, deny: {kubernetes_groups: ['*']}}
            ---
            kind: user
            version: v2
            metadata: {name: jenkins}
            spec: {roles: [robot]}
            ---
            kind: user
            version: v2
            metadata: {name: nobody}
            spec: {roles: [nothing]}
            ---
            kind: job_binding
            version: v1
            metadata: {name: deploy}
            spec: {users: [jenkins, nobody], jobs: ['deploy/**']}
            """;

    @BeforeContainer
    static void fixtures() throws Exception {
        Path shm = Path.of("/dev/shm");
        // A tmpfs makes the many fsyncs of successful signs free; any directory works.
        root = Files.isDirectory(shm) && Files.isWritable(shm)
                ? Files.createTempDirectory(shm, "cli-properties-") : Files.createTempDirectory("cli-properties-");
        fx = Files.createDirectories(root.resolve("fx"));
        Files.writeString(fx.resolve("robots.yaml"), POLICY);
        Files.writeString(fx.resolve("bad.yaml"), "kind: role\nversion: v9\nmetadata: {name: r}\n");
        Files.writeString(fx.resolve("empty.yaml"), "");
        Files.write(fx.resolve("latin1.yaml"), "kind: r\u00f4le\n".getBytes(StandardCharsets.ISO_8859_1));
        try (RandomAccessFile huge = new RandomAccessFile(fx.resolve("huge.yaml").toFile(), "rw")) {
            huge.setLength(InputFiles.MAX_BYTES + 1);
        }
        Files.createDirectories(fx.resolve("dir"));
        Files.writeString(fx.resolve("args.txt"), "--user jenkins\n");
        for (String[] copy : new String[][] {{"damaged-subject-key-identifier.pem", "damaged-ski.crt"},
            {"damaged-subject-key-identifier.key.pem", "damaged-ski.key"}}) {
            try (java.io.InputStream in = CliArgumentPropertiesTest.class.getResourceAsStream(
                    "/io/jenkins/plugins/shortlivedkubeconfig/corpus/pem/" + copy[0])) {
                Files.write(fx.resolve(copy[1]), in.readAllBytes());
            }
        }
        assertThat(cli("ca", "init", "--cert", fx.resolve("ca.crt").toString(), "--key", fx.resolve("ca.key").toString()).code)
                .isZero();
        assertThat(cli("ca", "init", "--cert", fx.resolve("other.crt").toString(), "--key", fx.resolve("other.key").toString()).code)
                .isZero();
        Result signed = cli("sign", "--user=jenkins", "--out", fx.resolve("kubeconfig").toString(), "--policy",
                fx.resolve("robots.yaml").toString(), "--ca-cert", fx.resolve("ca.crt").toString(), "--ca-key",
                fx.resolve("ca.key").toString(), "--server", "https://127.0.0.1:6443", "--kube-user", "ci");
        assertThat(signed.code).as(signed.err).isZero();
        // A character device as --out: replacing it would be wrong (and as root, replacing /dev/null is a disaster).
        try {
            Process p = new ProcessBuilder("mknod", fx.resolve("null-node").toString(), "c", "1", "3")
                    .redirectErrorStream(true).start();
            deviceNode = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            deviceNode = false;
        }
        fixtureSnapshot = snapshot(fx);
    }

    @AfterContainer
    static void removeFixtures() throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    record Result(int code, String out, String err) { }

    static Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SignerCli.run(Clock.systemUTC(), new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    /** File names, sizes and modification times: fixtures must not change. */
    static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.toList()) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (a.isDirectory()) {
                    out.put(dir.relativize(p).toString(), "directory");
                    continue;
                }
                out.put(dir.relativize(p).toString(), (a.isOther() ? "device " : "") + a.size() + " "
                        + a.lastModifiedTime().toMillis());
            }
        }
        return out;
    }

    // ---- the property -------------------------------------------------------------------------------------------

    /** Placeholders in generated vectors, replaced per try by paths in that try's directory. */
    static final List<String> FILES = List.of("@fx/robots.yaml", "@fx/bad.yaml", "@fx/empty.yaml", "@fx/latin1.yaml",
            "@fx/huge.yaml", "@fx/dir", "@fx/missing", "@fx/ca.crt", "@fx/ca.key", "@fx/other.key", "@fx/other.crt",
            "@fx/kubeconfig", "/dev/zero", "@fx/args.txt", "@fx/damaged-ski.crt", "@fx/damaged-ski.key");
    static final List<String> OUTS = List.of("@t/existing", "@t/new", "@t/missing/kubeconfig", "@t/adir", "-",
            "@fx/null-node", "");
    static final List<String> CA_TARGETS = List.of("@t/new.crt", "@t/new.key", "@t/old.crt", "@t/old.key",
            "@t/missing/ca.crt", "@t/adir", "@t/existing");

    /** What the JVM's working directory holds before any try: no try may add to it. */
    static final java.util.Set<String> WORKING_DIRECTORY = workingDirectory();

    static java.util.Set<String> workingDirectory() {
        try (Stream<Path> entries = Files.list(Path.of("").toAbsolutePath())) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> !n.equals(".jqwik-database"))
                    .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Flags whose value the CLI may write to: a relative value would land in the build's working directory. */
    static final List<String> WRITTEN_PATH_FLAGS = List.of("--out", "-o", "--audit-log", "--cert", "--key");

    /** Relative values of written-path flags are moved into the try's directory, so no try writes outside it. */
    static String[] insideTry(String[] args, Path t) {
        for (int i = 0; i < args.length; i++) {
            for (String flag : WRITTEN_PATH_FLAGS) {
                if (args[i].equals(flag) && i + 1 < args.length && relative(args[i + 1])) {
                    args[i + 1] = t.resolve("rel-" + args[i + 1].replace('/', '_')).toString();
                } else if (args[i].startsWith(flag + "=") && relative(args[i].substring(flag.length() + 1))) {
                    args[i] = flag + "=" + t.resolve("rel-" + args[i].substring(flag.length() + 1).replace('/', '_'));
                }
            }
        }
        return args;
    }

    private static boolean relative(String value) {
        return !value.isEmpty() && !value.equals("-") && !value.startsWith("/") && value.indexOf('\0') < 0;
    }

    static void runsToACleanEnd(List<String> generated) throws Exception {
        int n = TRY.incrementAndGet();
        Path t = Files.createDirectories(root.resolve("t" + n));
        Files.writeString(t.resolve("existing"), "previous");
        Files.createDirectories(t.resolve("adir"));
        Files.copy(fx.resolve("other.crt"), t.resolve("old.crt"));
        Files.copy(fx.resolve("other.key"), t.resolve("old.key"));
        Map<String, String> before = snapshot(t);
        String[] args = insideTry(generated.stream().map(a -> a.replace("@fx/", fx + "/").replace("@t/", t + "/"))
                .toArray(String[]::new), t);
        String shown = Arrays.toString(args);

        Outcome<Result> outcome = Outcome.within(Duration.ofSeconds(60), () -> cli(args));
        if (outcome.thrown() != null) {
            throw new AssertionError("SignerCli.run threw for " + shown, outcome.thrown());
        }
        Result r = outcome.value();
        boolean verbose = Arrays.asList(args).contains("--verbose");
        assertThat(r.code).as("exit code for %s: %s", shown, r.err).isIn(0, 1, 2);
        assertThat(r.err).as("stderr for %s", shown).doesNotContain("internal error", "PRIVATE KEY", "client-key-data");
        if (!verbose) {
            assertThat(r.err).as("stderr for %s", shown).doesNotContain("\tat ");
        }
        boolean signToStdout = r.code == 0 && args.length > 0 && args[0].equals("sign") && outIs(args, "-");
        if (!signToStdout) {
            assertThat(r.out).as("stdout for %s", shown).doesNotContain("PRIVATE KEY", "client-key-data");
        }
        boolean subcommand = Arrays.stream(args).anyMatch(List.of("sign", "ca", "policy", "inspect", "help")::contains);
        if (r.code != 0 && subcommand) {
            errorNamesTheInput(args, r.err, verbose);
        } else if (r.code != 0) {
            assertThat(r.err).as("stderr for %s", shown).startsWith("kubeconfig-signer: ");
        }
        // nothing half-written, nothing replaced on failure, no temporary file left, fixtures untouched
        try (Stream<Path> all = Stream.concat(Files.walk(t), Files.walk(fx))) {
            assertThat(all.map(p -> p.getFileName().toString())).as("files after %s", shown)
                    .noneMatch(name -> name.endsWith(".tmp"));
        }
        assertThat(snapshot(fx)).as("fixtures after %s", shown).isEqualTo(fixtureSnapshot);
        assertThat(workingDirectory()).as("the working directory after %s", shown).isEqualTo(WORKING_DIRECTORY);
        boolean sign = args.length > 0 && args[0].equals("sign");
        boolean caInit = args.length > 1 && args[0].equals("ca") && args[1].equals("init");
        Map<String, String> after = snapshot(t);
        for (String name : List.of("existing", "new", "new.crt", "new.key", "old.crt", "old.key")) {
            boolean changed = !String.valueOf(before.get(name)).equals(String.valueOf(after.get(name)));
            if (!changed) {
                continue;
            }
            assertThat(r.code).as("%s changed although %s failed: %s", name, shown, r.err).isZero();
            Path file = t.resolve(name);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .as("mode of %s", name).isIn("rw-------", "rw-r--r--");
            if (sign) {
                assertThat(outIs(args, file.toString())).as("%s written by %s", name, shown).isTrue();
                KubeconfigSummary.read(Files.readAllBytes(file), name);
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            } else {
                assertThat(caInit).as("%s written by %s", name, shown).isTrue();
            }
        }
        if (caInit && r.code == 0 && r.out.startsWith("Created CA")) {
            assertThat(value(args, "--cert")).as("--cert of %s", shown).isNotNull();
            assertThat(value(args, "--key")).as("--key of %s", shown).isNotNull();
            Path cert = Path.of(value(args, "--cert"));
            Path key = Path.of(value(args, "--key"));
            CertificateAuthority.load(Files.readString(cert), "cert", Files.readString(key), "key", Clock.systemUTC());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        }
        try (Stream<Path> all = Files.walk(t)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The last value given to a flag (picocli keeps the last one), or null. */
    static String value(String[] args, String flag) {
        String v = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(flag) && i + 1 < args.length) {
                v = args[i + 1];
            } else if (args[i].startsWith(flag + "=")) {
                v = args[i].substring(flag.length() + 1);
            }
        }
        return v;
    }

    static boolean outIs(String[] args, String target) {
        String out = value(args, "--out");
        String o = value(args, "-o");
        int lastOut = Math.max(lastIndex(args, "--out"), -1);
        int lastO = lastIndex(args, "-o");
        String effective = lastO > lastOut ? o : out;
        return target.equals(effective);
    }

    private static int lastIndex(String[] args, String flag) {
        int last = -1;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(flag) || args[i].startsWith(flag + "=")) {
                last = i;
            }
        }
        return last;
    }

    /**
     * A failure says what is wrong in one line starting with "kubeconfig-signer: " (picocli's usage errors add a
     * "Run ... --help" line; policy check prints one line per problem, each starting with the file), and that line
     * names something the user typed: a flag, a file, a command or a value.
     */
    static void errorNamesTheInput(String[] args, String err, boolean verbose) {
        List<String> lines = err.lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as("stderr for %s", Arrays.toString(args)).isNotEmpty();
        boolean policyCheck = args.length > 2 && args[0].equals("policy") && args[1].equals("check");
        if (policyCheck && !lines.get(0).startsWith("kubeconfig-signer: ")) {
            // one line per problem, each starting with the policy file as typed (the positional argument)
            assertThat(lines).allSatisfy(l -> assertThat(Arrays.stream(args).skip(2).filter(a -> !a.startsWith("-"))
                    .anyMatch(l::startsWith)).as(l).isTrue());
            return;
        }
        String first = lines.get(0);
        assertThat(first).as("stderr for %s", Arrays.toString(args)).startsWith("kubeconfig-signer: ");
        if (!verbose) {
            assertThat(lines.size()).as("stderr for %s: %s", Arrays.toString(args), err).isLessThanOrEqualTo(2);
            if (lines.size() == 2) {
                assertThat(lines.get(1)).matches("Run '.*--help' for usage\\.");
            }
        }
        List<String> names = new ArrayList<>(List.of("command", "Unknown", "Missing", "ca init", "policy check",
                "sign", "inspect"));
        for (String a : args) {
            String flag = a.startsWith("-") && a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            names.add(flag);
            if (a.contains("=")) {
                names.add(a.substring(a.indexOf('=') + 1));
            }
        }
        assertThat(names.stream().filter(s -> s.length() >= 2).anyMatch(first::contains))
                .as("%s names none of %s", first, Arrays.toString(args)).isTrue();
    }

    @Property(tries = 10_000)
    void anyArgumentVectorEndsCleanly(@ForAll("vectors") List<String> args) throws Exception {
        runsToACleanEnd(args);
    }

    // ---- generators --------------------------------------------------------------------------------------------

    static List<String> validSign() {
        return List.of("sign", "--user=jenkins", "--format=kubernetes", "--out", "@t/existing", "--ttl=1h",
                "--policy", "@fx/robots.yaml", "--ca-cert", "@fx/ca.crt", "--ca-key", "@fx/ca.key",
                "--server", "https://127.0.0.1:6443", "--kube-user", "ci");
    }

    static List<String> validCaInit() {
        return List.of("ca", "init", "--cert", "@t/new.crt", "--key", "@t/new.key", "--ttl", "2h");
    }

    static final Map<String, List<String>> VALUES = Map.ofEntries(
            Map.entry("--user", List.of("jenkins", "nobody", "ghost", "", "a\nb", "x".repeat(300))),
            Map.entry("--format", List.of("kubernetes", "openssh", "", "KUBERNETES", "tls")),
            Map.entry("--out", OUTS),
            Map.entry("-o", OUTS),
            Map.entry("--ttl", List.of("12h", "25h", "26h", "31h", "30s", "1m", "0", "-1h", "abc", "1d", "", "9999999999h",
                    "2m", "1h\n", "\u0000")),
            Map.entry("--policy", FILES),
            Map.entry("--ca-cert", FILES),
            Map.entry("--ca-key", FILES),
            Map.entry("--ca-keystore", FILES),
            Map.entry("--ca-keystore-password-file", FILES),
            Map.entry("--server", List.of("https://127.0.0.1:6443", "http://127.0.0.1:6443", "", "https://",
                    "https://u@h:1", "https://h?q=1", "::not a url::", "https://[::1]:6443", "https://" + "h".repeat(300),
                    "HTTPS://Host:1", "https://h/\n")),
            Map.entry("--server-ca", FILES),
            Map.entry("--cluster", List.of("prod", "", "bad name", "-x", "a:b@c", "x".repeat(300))),
            Map.entry("--namespace", List.of("ci", "CI", "", "a_b", "n".repeat(64))),
            Map.entry("--tls-server-name", List.of("kube.local", "bad host", "", "-a")),
            Map.entry("--kube-user", List.of("ci", "ops", "admin", "", "jenkins")),
            Map.entry("--job", List.of("deploy/api", "test/x", "", "/", "a\nb", "deploy/**", " deploy/api")),
            Map.entry("--key-type", List.of("ec-p256", "ec", "dsa", "", "rsa-4096")),
            Map.entry("--audit-log", List.of("@t/audit.jsonl", "@fx/dir", "@t/missing/audit.jsonl", "@t/adir")),
            // never a valid interval: a valid one would keep renewing (and sleeping)
            Map.entry("--renew-every", List.of("0s", "500ms", "abc", "-1h", "100000h", "")),
            Map.entry("--cert", CA_TARGETS),
            Map.entry("--key", CA_TARGETS),
            Map.entry("--name", List.of("my CA", "", " ", "a\u0000b", "a\nb", "x".repeat(300))));

    static final List<String> SWITCHES = List.of("--verbose", "--force", "--help", "-h", "--version", "-V", "--",
            "-", "--unknown", "-x", "@" + "@fx/args.txt", "@nonexistent-args-file", "sign", "init", "check");

    @Provide
    Arbitrary<List<String>> vectors() {
        Arbitrary<List<String>> option = Arbitraries.of(VALUES.keySet().stream().sorted().toList()).flatMap(flag ->
                Combinators.combine(Arbitraries.of(VALUES.get(flag)), Arbitraries.integers().between(0, 9))
                        .as((value, form) -> form < 5 ? List.of(flag, value)
                                : form < 9 ? List.of(flag + "=" + value) : List.of(flag)));
        Arbitrary<List<String>> token = Arbitraries.frequencyOf(Tuple.of(8, option),
                Tuple.of(1, Arbitraries.of(SWITCHES).map(List::of)),
                Tuple.of(1, Arbitraries.of(FILES).map(List::of)));
        Arbitrary<List<String>> command = Arbitraries.of(List.of("sign"), List.of("ca", "init"), List.of("policy", "check"),
                List.of("inspect"), List.of("ca"), List.of("policy"), List.of("help"), List.of("help", "sign"), List.of(),
                List.of("frobnicate"));
        Arbitrary<List<String>> random = Combinators.combine(command, token.list().ofMaxSize(10)).as((c, ts) -> {
            List<String> out = new ArrayList<>(c);
            ts.forEach(out::addAll);
            return out;
        });
        Arbitrary<List<String>> positional = Combinators.combine(Arbitraries.of(List.of("policy", "check"), List.of("inspect")),
                Arbitraries.of(FILES), token.list().ofMaxSize(1)).as((c, f, extra) -> {
                    List<String> out = new ArrayList<>(c);
                    out.add(f);
                    extra.forEach(out::addAll);
                    return out;
                });
        Arbitrary<List<String>> nearlyValidSign = Combinators.combine(Arbitraries.integers().between(0, 40),
                option.list().ofMaxSize(2)).as((drop, extra) -> {
                    List<String> out = new ArrayList<>(validSign());
                    if (drop < out.size() && drop > 0) {
                        out.remove((int) drop);
                    }
                    extra.forEach(out::addAll);
                    return out;
                });
        Arbitrary<List<String>> nearlyValidCaInit = Combinators.combine(Arbitraries.integers().between(0, 20),
                token.list().ofMaxSize(3)).as((drop, extra) -> {
                    List<String> out = new ArrayList<>(validCaInit());
                    if (drop < out.size() && drop > 1) {
                        out.remove((int) drop);
                    }
                    extra.forEach(out::addAll);
                    return out;
                });
        return Arbitraries.frequencyOf(Tuple.of(35, nearlyValidSign), Tuple.of(10, nearlyValidCaInit),
                Tuple.of(15, positional), Tuple.of(40, random));
    }

    // ---- specific cases ----------------------------------------------------------------------------------------

    @Example
    void readingDevZeroStopsAtTheSizeLimit() throws Exception {
        runsToACleanEnd(List.of("inspect", "/dev/zero"));
        runsToACleanEnd(List.of("policy", "check", "/dev/zero"));
    }

    @Example
    void aDeviceNodeAsOutIsNeverReplaced() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(deviceNode, "mknod is not permitted here");
        List<String> args = new ArrayList<>(validSign());
        args.set(args.indexOf("@t/existing"), "@fx/null-node");
        runsToACleanEnd(args);
    }

    @Example
    void caInitThatCannotWriteTheCertificateLeavesNoKeyBehind() throws Exception {
        runsToACleanEnd(List.of("ca", "init", "--cert", "@t/adir", "--key", "@t/new.key", "--force"));
        runsToACleanEnd(List.of("ca", "init", "--cert", "@t/missing/ca.crt", "--key", "@t/new.key"));
        runsToACleanEnd(List.of("ca", "init", "--cert", "@t/missing/ca.crt", "--key", "@t/old.key", "--force"));
    }

    @Example
    void inspectEscapesWhatTheFileSays() throws Exception {
        String kubeconfig = Files.readString(fx.resolve("kubeconfig"));
        Path hostile = root.resolve("hostile-kubeconfig");
        Files.writeString(hostile, kubeconfig.replace("\"127.0.0.1\"", "\"a\\e[2J\\u202eb\"")
                .replace("server: \"https://127.0.0.1:6443\"", "server: \"https://h\\nkubernetes user: admin\""));
        Result r = cli("inspect", hostile.toString());
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.out).doesNotContainPattern("[\\p{Cntrl}&&[^\\n]]").doesNotContain("\u202e")
                .contains("context:         a\\u001b[2J\\u202eb", "server:          https://h\\u000akubernetes user: admin");
        assertThat(r.out.lines().filter(l -> l.startsWith("kubernetes user:"))).hasSize(1);
        Files.delete(hostile);
    }

    @Example
    void aValidSignAndCaInitSucceed() throws Exception {
        runsToACleanEnd(validSign());
        runsToACleanEnd(validCaInit());
    }
}
