package io.jenkins.plugins.shortlivedkubeconfig.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.shortlivedkubeconfig.signer.KubeconfigSummary;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher, {@code target/kubeconfig-signer} (from {@code bin/}), as a user runs it after {@code package}: a real
 * {@code /bin/sh}, the real jar and the JVM that runs the tests, each test with a cache of its own
 * ({@code XDG_CACHE_HOME}). Which classes came from the class-data archive is what the JVM itself logs
 * ({@code -Xlog:class+load} through {@code JAVA_TOOL_OPTIONS}).
 */
class LauncherIT {
    static final Path TARGET = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("target");
    static final Path LAUNCHER = TARGET.resolve("kubeconfig-signer");
    static final String SHARED = "source: shared objects file";

    @TempDir
    static Path fixtures;

    @TempDir
    Path dir;

    record Run(int code, String out, String err) { }

    @BeforeAll
    static void caAndPolicy() throws Exception {
        assertThat(LAUNCHER).as("%s is made by `package`; run `mvn verify`", LAUNCHER).isExecutable();
        Files.writeString(fixtures.resolve("robots.yaml"), ArchiveTraining.POLICY);
        // with the archive off, so that no test shares a cache
        Run ca = run(LAUNCHER, Map.of("KUBECONFIG_SIGNER_ARCHIVE", "off"), "ca", "init", "--cert", fixture("ca.crt"),
                "--key", fixture("ca.key"));
        assertThat(ca.code()).as(ca.err()).isZero();
    }

    static String fixture(String name) {
        return fixtures.resolve(name).toString();
    }

    static String[] sign(String... extra) {
        List<String> args = new ArrayList<>(List.of("sign", "--user=jenkins", "--ttl=1h", "--policy",
                fixture("robots.yaml"), "--ca-cert", fixture("ca.crt"), "--ca-key", fixture("ca.key"), "--server",
                "https://127.0.0.1:6443"));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    /** Runs {@code launcher} through /bin/sh's #! line, with the test JVM and {@code env} on top of a clean one. */
    static Run run(Path launcher, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> e = pb.environment();
        for (String name : List.of("JAVA", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS",
                "KUBECONFIG_SIGNER_ARCHIVE", "KUBECONFIG_SIGNER_LAUNCHER_DEBUG", "XDG_CACHE_HOME")) {
            e.remove(name);
        }
        e.put("JAVA_HOME", System.getProperty("java.home"));
        e.putAll(env);
        Process p = pb.start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        String out = read(p.getInputStream());
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("%s finished", cmd).isTrue();
        return new Run(p.exitValue(), out, err.get());
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    Map<String, String> cache(String... more) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("XDG_CACHE_HOME", dir.resolve("cache").toString(),
                "KUBECONFIG_SIGNER_LAUNCHER_DEBUG", "1"));
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    Path cacheDir() {
        return dir.resolve("cache/kubeconfig-signer");
    }

    List<Path> archives() throws IOException {
        try (Stream<Path> files = Files.list(cacheDir())) {
            return files.filter(f -> f.toString().endsWith(".jsa") || f.toString().endsWith(".aot")).sorted().toList();
        }
    }

    /** The classes the JVM logged loading, one line each with where from: pass it with {@link #classLog}. */
    String[] classLog(Path log) {
        return new String[] {"JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + log};
    }

    static List<String> loadedFrom(Path log, String className) throws IOException {
        return Files.readAllLines(log).stream().filter(l -> l.contains(" " + className + " source: ")).toList();
    }

    // ---- the archive ---------------------------------------------------------------------------------------------

    @Test
    void theFirstRunMakesTheArchiveAndTheNextOnesLoadTheCliFromIt() throws Exception {
        Run first = run(LAUNCHER, cache(), "policy", "check", fixture("robots.yaml"));
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).startsWith(fixture("robots.yaml") + ": 1 role(s), 1 user(s), 1 job binding(s)");
        assertThat(archives()).hasSize(1);
        Path archive = archives().get(0);
        assertThat(first.err()).contains("kubeconfig-signer launcher: archive: " + archive + " (new)")
                .doesNotContain("warning");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cacheDir()))).isEqualTo("rwx------");
        assertThat(Files.getOwner(cacheDir())).isEqualTo(Files.getOwner(dir));
        FileTime made = Files.getLastModifiedTime(archive);

        // A sign to stdout: the kubeconfig, and nothing else, on stdout; the CLI's classes from the archive.
        Path log = dir.resolve("classes.log");
        Run second = run(LAUNCHER, cache(classLog(log)), sign("--out", "-"));
        assertThat(second.code()).as(second.err()).isZero();
        assertThat(second.err()).contains("kubeconfig-signer launcher: archive: " + archive + "\n")
                .contains("Wrote kubeconfig: robot user jenkins").doesNotContain("warning", "(new)");
        assertThat(second.out()).startsWith("apiVersion: v1\n");
        assertThat(KubeconfigSummary.read(second.out().getBytes(StandardCharsets.UTF_8), "stdout").commonName())
                .isEqualTo("jenkins");
        for (String cls : List.of("io.jenkins.plugins.shortlivedkubeconfig.cli.SignerCli",
                "io.jenkins.plugins.shortlivedkubeconfig.cli.SignCommand",
                "io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyParser",
                "io.jenkins.plugins.shortlivedkubeconfig.signer.CertificateAuthority",
                "org.yaml.snakeyaml.composer.Composer", "org.bouncycastle.cert.X509v3CertificateBuilder")) {
            assertThat(loadedFrom(log, cls)).as(cls).singleElement().asString().contains(SHARED);
        }
        assertThat(archives()).containsExactly(archive);
        assertThat(Files.getLastModifiedTime(archive)).isEqualTo(made);

        Map<String, String> env = cache(classLog(dir.resolve("off.log")));
        env.put("KUBECONFIG_SIGNER_ARCHIVE", "off");
        Run off = run(LAUNCHER, env, "--version");
        assertThat(off.code()).isZero();
        assertThat(loadedFrom(dir.resolve("off.log"), "io.jenkins.plugins.shortlivedkubeconfig.cli.SignerCli"))
                .singleElement().asString().doesNotContain(SHARED);
    }

    @Test
    void aDamagedArchiveIsReplacedWithAWarningAndTheRunSucceeds() throws Exception {
        assertThat(run(LAUNCHER, cache(), "--version").code()).isZero();
        // Truncated (JDK 17 would crash on it), overwritten in the middle, or something else under its name.
        for (String damage : List.of("truncated", "overwritten", "replaced")) {
            Path archive = archives().get(0);
            archive.toFile().setWritable(true);
            switch (damage) {
                case "truncated" -> {
                    try (RandomAccessFile f = new RandomAccessFile(archive.toFile(), "rw")) {
                        f.setLength(f.length() / 2);
                    }
                }
                case "overwritten" -> {
                    try (RandomAccessFile f = new RandomAccessFile(archive.toFile(), "rw")) {
                        f.seek(f.length() / 2);
                        f.write(new byte[64]);
                    }
                }
                default -> Files.writeString(archive, "not an archive");
            }
            Path log = dir.resolve(damage + ".log");
            Run r = run(LAUNCHER, cache(classLog(log)), "policy", "check", fixture("robots.yaml"));
            assertThat(r.code()).as(damage + ": " + r.err()).isZero();
            assertThat(r.out()).as(damage).contains("user jenkins (roles: robot)");
            assertThat(r.err()).as(damage).contains("kubeconfig-signer: warning: the class-data archive " + archive
                    + " is damaged (its " + (damage.equals("overwritten") ? "checksum" : "size")
                    + " is not the one it was written with); replacing it");
            assertThat(archives()).as(damage).hasSize(1).doesNotContain(archive);
            assertThat(r.err()).as(damage).contains("archive: " + archives().get(0) + " (new)");
            assertThat(loadedFrom(log, "io.jenkins.plugins.shortlivedkubeconfig.cli.PolicyCommand"))
                    .singleElement().asString().contains(SHARED);
        }
        Run quiet = run(LAUNCHER, cache(), "--version");
        assertThat(quiet.err()).doesNotContain("warning", "(new)");
    }

    @Test
    void aNewJarGetsANewArchiveAndTwoFirstRunsAtOnceBothSucceed() throws Exception {
        // A copy of the launcher and jar, as an installation: the launcher finds the jar next to itself.
        Path install = Files.createDirectories(dir.resolve("opt dir"));
        Files.copy(LAUNCHER, install.resolve("kubeconfig-signer"));
        Files.copy(TARGET.resolve("kubeconfig-signer.jar"), install.resolve("kubeconfig-signer.jar"));
        Path launcher = install.resolve("kubeconfig-signer");
        List<CompletableFuture<Run>> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            runs.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return run(launcher, cache(), "policy", "check", fixture("robots.yaml"));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (CompletableFuture<Run> r : runs) {
            assertThat(r.get().code()).as(r.get().err()).isZero();
            assertThat(r.get().out()).contains("user jenkins (roles: robot)");
            assertThat(r.get().err()).doesNotContain("warning");
        }
        assertThat(archives()).hasSize(1);
        Path before = archives().get(0);

        // A new jar (a rebuild: another modification time) makes the old archive stale, with no warning.
        Files.copy(TARGET.resolve("kubeconfig-signer.jar"), install.resolve("kubeconfig-signer.jar"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(install.resolve("kubeconfig-signer.jar"), FileTime.from(Instant.now().plusSeconds(5)));
        Run rebuilt = run(launcher, cache(), "--version");
        assertThat(rebuilt.code()).as(rebuilt.err()).isZero();
        assertThat(rebuilt.err()).contains("stale archive (the jar changed since it was made): " + before)
                .doesNotContain("warning");
        assertThat(archives()).hasSize(1).doesNotContain(before);
    }

    @Test
    void aJdk24OrLaterGetsAnAotCache() throws Exception {
        Optional<Path> jdk = newerJdk();
        Assumptions.assumeTrue(jdk.isPresent(), "no JDK 24 or later under /usr/lib/jvm");
        Path log = dir.resolve("aot.log");
        Run first = run(LAUNCHER, cache("JAVA_HOME", jdk.get().toString()), "--version");
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(archives()).singleElement().asString().endsWith(".aot");
        Run second = run(LAUNCHER, cache("JAVA_HOME", jdk.get().toString(), classLog(log)[0], classLog(log)[1]),
                "policy", "check", fixture("robots.yaml"));
        assertThat(second.code()).as(second.err()).isZero();
        assertThat(loadedFrom(log, "io.jenkins.plugins.shortlivedkubeconfig.cli.PolicyCommand"))
                .singleElement().asString().contains(SHARED);
        // and the JDK of the tests, alongside
        assertThat(run(LAUNCHER, cache(), "--version").code()).isZero();
        assertThat(archives()).hasSize(2);
    }

    static Optional<Path> newerJdk() throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(jvms)) {
            return homes.filter(h -> Files.isExecutable(h.resolve("bin/java"))).filter(h -> {
                try {
                    String release = Files.readString(h.resolve("release"));
                    String v = release.replaceAll("(?s).*JAVA_VERSION=\"(\\d+).*", "$1");
                    return v.matches("\\d+") && Integer.parseInt(v) >= 24;
                } catch (IOException e) {
                    return false;
                }
            }).sorted().findFirst();
        }
    }

    @Test
    void aCacheDirectoryThatIsNotOursIsNotUsed() throws Exception {
        Files.createDirectories(dir.resolve("cache"));
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Files.createSymbolicLink(cacheDir(), elsewhere);
        Run r = run(LAUNCHER, cache(), "--version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("kubeconfig-signer ");
        assertThat(r.err()).contains("kubeconfig-signer: warning: no class-data archive: " + cacheDir()
                + " is not a directory of yours");
        try (Stream<Path> files = Files.list(elsewhere)) {
            assertThat(files).isEmpty();
        }
    }

    // ---- arguments and exit codes ----------------------------------------------------------------------------------

    @Test
    void argumentsPassThroughUnchangedAndSoDoExitCodes() throws Exception {
        Map<String, String> env = cache();
        Path odd = Files.createDirectories(dir.resolve("a dir 'q' \"dq\" $HOME `x` \\ *"));
        Path policy = Files.copy(fixtures.resolve("robots.yaml"), odd.resolve("it's \"the\" policy $1 ;.yaml"));
        Run ok = run(LAUNCHER, env, "policy", "check", policy.toString());
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).startsWith(policy + ": 1 role(s), 1 user(s), 1 job binding(s), 0 caller binding(s)\n");

        Run refused = run(LAUNCHER, env, sign("--out", dir.resolve("k").toString(), "--job", "a b"));
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("kubeconfig-signer: refused: job \"a b\" may not act as robot user \"jenkins\"");
        assertThat(dir.resolve("k")).doesNotExist();

        Run quotes = run(LAUNCHER, env, sign("--out", dir.resolve("k").toString(), "--job", "it's \"x\" $y"));
        assertThat(quotes.code()).isEqualTo(1);
        assertThat(quotes.err()).contains("refused: job \"it's \"x\" $y\" may not act");

        Run usage = run(LAUNCHER, env, "sign", "--user");
        assertThat(usage.code()).isEqualTo(2);
        assertThat(usage.err()).contains("kubeconfig-signer: Missing required parameter for option '--user' (NAME)");
        Run empty = run(LAUNCHER, env, "policy", "check", "");
        assertThat(empty.code()).isEqualTo(2);

        Run signed = run(LAUNCHER, env, sign("--out", odd.resolve("kube config").toString(), "--job", "deploy/a b"));
        assertThat(signed.code()).as(signed.err()).isZero();
        assertThat(signed.out()).startsWith("Wrote kubeconfig to " + odd.resolve("kube config") + ": ");
    }

    @Test
    void runsFromBinInACheckoutAndThroughASymlink() throws Exception {
        Path bin = TARGET.resolveSibling("bin").resolve("kubeconfig-signer");
        Run fromBin = run(bin, cache(), "--version");
        assertThat(fromBin.code()).as(fromBin.err()).isZero();
        assertThat(fromBin.out()).startsWith("kubeconfig-signer ");
        Path link = Files.createSymbolicLink(dir.resolve("kubeconfig-signer"), LAUNCHER);
        Run viaLink = run(link, cache(), "--version");
        assertThat(viaLink.code()).as(viaLink.err()).isZero();
        // the same jar whichever way: the same archive
        assertThat(archives()).hasSize(1);
        assertThat(viaLink.err()).contains("archive: " + archives().get(0) + "\n");
    }
}
