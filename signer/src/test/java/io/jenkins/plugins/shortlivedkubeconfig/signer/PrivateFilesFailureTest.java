package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.shortlivedkubeconfig.cli.SignerCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clean-up guarantees of {@link PrivateFiles} under injected failures: a full disk (a real 64 KiB tmpfs), a file
 * system out of inodes, permission denied (a real EACCES: the operation runs in a JVM started without the
 * capability that lets root ignore file modes), and an interrupted thread (before and at random points during a
 * write). After any failure nothing is left: no directory, no partial kubeconfig, no temporary file, and a replaced
 * file is exactly as it was. Deleting is idempotent. And while files are written, no other user can read them at
 * any moment, whatever the umask.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PrivateFilesFailureTest {
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    @TempDir
    Path tmp;

    private final List<Path> mounts = new ArrayList<>();

    @AfterEach
    void unmount() throws Exception {
        for (Path m : mounts) {
            run(List.of("umount", "-l", m.toString()));
        }
    }

    static boolean ci() {
        return "true".equals(System.getenv("CI"));
    }

    /** Output and exit code of a command, or null when it cannot be started. */
    static String[] run(List<String> command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new String[] {"timed out", "-1"};
            }
            return new String[] {out, String.valueOf(p.exitValue())};
        } catch (IOException e) {
            return null;
        }
    }

    /** A fresh tmpfs; skips (never in CI) where mounting is not permitted. */
    Path tmpfs(String name, String options) throws Exception {
        Path at = Files.createDirectories(tmp.resolve(name));
        String[] r = run(List.of("mount", "-t", "tmpfs", "-o", options, "tmpfs", at.toString()));
        if (r == null || !r[1].equals("0")) {
            String why = "cannot mount a tmpfs (" + (r == null ? "no mount command" : r[0]) + "): the disk-full tests "
                    + "need root with CAP_SYS_ADMIN";
            if (ci()) {
                throw new AssertionError("CI must run the disk-full tests: " + why);
            }
            Assumptions.abort(why);
        }
        mounts.add(at);
        return at;
    }

    static List<String> entries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    // ---- disk full ---------------------------------------------------------------------------------------------

    @Test
    void aWriteThatFillsTheDiskLeavesNothingBehind() throws Exception {
        Path disk = tmpfs("full", "size=64k,mode=0755");
        Path ws = disk.resolve("ws@tmp");
        int failures = 0;
        for (int filler : new int[] {0, 16 * 1024, 40 * 1024, 56 * 1024, 60 * 1024}) {
            Files.deleteIfExists(disk.resolve("filler"));
            if (filler > 0) {
                Files.write(disk.resolve("filler"), new byte[filler]);
            }
            for (int size : new int[] {1, 4 * 1024, 5 * 1024, 9 * 1024, 20 * 1024, 64 * 1024, 200 * 1024, 1024 * 1024}) {
                byte[] content = new byte[size];
                Arrays.fill(content, (byte) 'k');
                Path file;
                try {
                    file = PrivateFiles.writeInNewDirectory(ws, PrivateFiles.KUBECONFIG, content);
                } catch (IOException e) {
                    failures++;
                    assertThat(e.getMessage()).as("filler %d, size %d", filler, size).contains("No space left on device");
                    assertThat(entries(ws)).as("left after a failed write (filler %d, size %d)", filler, size).isEmpty();
                    continue;
                }
                assertThat(Files.readAllBytes(file)).isEqualTo(content);
                assertThat(PrivateFiles.deleteDirectory(file.getParent())).isTrue();
                assertThat(PrivateFiles.deleteDirectory(file.getParent())).isFalse();
                assertThat(entries(ws)).isEmpty();
            }
        }
        assertThat(failures).as("writes that ran out of space").isGreaterThan(5);
    }

    @Test
    void aReplaceThatFillsTheDiskLeavesTheTargetAsItWas() throws Exception {
        Path disk = tmpfs("full-replace", "size=64k,mode=0755");
        Path target = Files.writeString(disk.resolve("kubeconfig"), "old");
        for (int size : new int[] {64 * 1024, 100 * 1024, 200 * 1024}) {
            assertThatThrownBy(() -> PrivateFiles.replace(target, new byte[size])).isInstanceOf(IOException.class)
                    .hasMessageContaining("No space left on device");
            assertThat(target).hasContent("old");
            assertThat(entries(disk)).containsExactly("kubeconfig");
        }
    }

    @Test
    void runningOutOfInodesLeavesNothingBehind() throws Exception {
        Path disk = tmpfs("inodes", "size=1m,nr_inodes=3,mode=0755");
        Path ws = Files.createDirectories(disk.resolve("ws"));
        assertThatThrownBy(() -> PrivateFiles.writeInNewDirectory(ws, PrivateFiles.KUBECONFIG, new byte[10]))
                .isInstanceOf(IOException.class);
        assertThat(entries(ws)).isEmpty();
    }

    @Test
    void theCliLeavesItsOutputAsItWasWhenTheDiskIsFull() throws Exception {
        Path disk = tmpfs("full-cli", "size=64k,mode=0755");
        Path out = Files.writeString(disk.resolve("kubeconfig"), "previous");
        Files.write(disk.resolve("filler"), new byte[60 * 1024]);
        Path policy = Files.writeString(tmp.resolve("robots.yaml"), PolicySeeds.TELEPORT_SEED);
        StringWriter err = new StringWriter();
        assertThat(SignerCli.run(Clock.systemUTC(), new PrintWriter(new StringWriter()), new PrintWriter(err), "ca", "init",
                "--cert", tmp.resolve("ca.crt").toString(), "--key", tmp.resolve("ca.key").toString())).isZero();
        int code = SignerCli.run(Clock.systemUTC(), new PrintWriter(new StringWriter()), new PrintWriter(err), "sign",
                "--user=jenkins", "--out", out.toString(), "--policy", policy.toString(), "--ca-cert",
                tmp.resolve("ca.crt").toString(), "--ca-key", tmp.resolve("ca.key").toString(), "--server",
                "https://127.0.0.1:6443", "--server-ca", tmp.resolve("ca.crt").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains(out.toString()).contains("No space left on device")
                .hasLineCount(1);
        assertThat(out).hasContent("previous");
        assertThat(entries(disk)).containsExactlyInAnyOrder("filler", "kubeconfig");
    }

    // ---- permission denied -------------------------------------------------------------------------------------

    /**
     * Runs {@link PrivateFilesProbe} in a JVM without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH: root then gets the
     * EACCES that any other user would. Skips (never in CI) without setpriv.
     */
    static String probeWithoutOverride(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("setpriv", "--inh-caps=-all",
                "--bounding-set=-dac_override,-dac_read_search", "--"));
        command.addAll(java(args));
        String[] r = run(command);
        if (r == null || (r[0].contains("setpriv") && !r[1].equals("0"))) {
            String why = "cannot drop capabilities with setpriv (" + (r == null ? "not installed" : r[0]) + ")";
            if (ci()) {
                throw new AssertionError("CI must run the permission tests: " + why);
            }
            Assumptions.abort(why);
        }
        return r[0];
    }

    static List<String> java(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PrivateFilesProbe.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    @Test
    void permissionDeniedLeavesNothingAndDeleteStaysIdempotent() throws Exception {
        Path locked = Files.createDirectories(tmp.resolve("locked"));
        Path target = Files.writeString(locked.resolve("kubeconfig"), "old");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-x------"));
        try {
            // the new private directory cannot be created
            assertThat(probeWithoutOverride("write", locked.toString()))
                    .startsWith("FAIL " + AccessDeniedException.class.getName());
            assertThat(probeWithoutOverride("write", locked.resolve("ws@tmp").toString()))
                    .startsWith("FAIL " + AccessDeniedException.class.getName());
            assertThat(entries(locked)).containsExactly("kubeconfig");
            // a file cannot be replaced: it stays as it was, no temporary file
            assertThat(probeWithoutOverride("replace", target.toString()))
                    .startsWith("FAIL " + AccessDeniedException.class.getName());
            assertThat(target).hasContent("old");
            assertThat(entries(locked)).containsExactly("kubeconfig");
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }

        // deleting where the directory itself cannot be removed: the secret goes first, the rest on a retry
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        Path file = PrivateFiles.writeInNewDirectory(ws, PrivateFiles.KUBECONFIG, "secret".getBytes(StandardCharsets.UTF_8));
        Files.setPosixFilePermissions(ws, PosixFilePermissions.fromString("r-x------"));
        try {
            assertThat(probeWithoutOverride("delete", file.getParent().toString()))
                    .startsWith("FAIL " + AccessDeniedException.class.getName());
            assertThat(file).doesNotExist();
        } finally {
            Files.setPosixFilePermissions(ws, PosixFilePermissions.fromString("rwx------"));
        }
        assertThat(PrivateFiles.deleteDirectory(file.getParent())).isTrue();
        assertThat(PrivateFiles.deleteDirectory(file.getParent())).isFalse();
        assertThat(entries(ws)).isEmpty();
    }

    // ---- interrupted threads -----------------------------------------------------------------------------------

    @Test
    void anInterruptedThreadWritesNothing() throws Exception {
        Path ws = tmp.resolve("ws");
        Path target = Files.writeString(tmp.resolve("kubeconfig"), "old");
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> PrivateFiles.writeInNewDirectory(ws, PrivateFiles.KUBECONFIG, new byte[1024]))
                    .isInstanceOf(ClosedByInterruptException.class);
            assertThat(entries(ws)).isEmpty();
            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> PrivateFiles.replace(target, new byte[1024])).isInstanceOf(ClosedByInterruptException.class);
        } finally {
            Thread.interrupted();
        }
        assertThat(target).hasContent("old");
        assertThat(entries(tmp)).containsExactlyInAnyOrder("kubeconfig", "ws");
    }

    @Test
    void interruptsAtRandomMomentsLeaveAWholeFileOrNothing() throws Exception {
        Path ws = tmp.resolve("ws");
        Path target = Files.writeString(tmp.resolve("kubeconfig"), "old");
        byte[] content = new byte[4 * 1024 * 1024];
        Arrays.fill(content, (byte) 'n');
        Random random = new Random();
        int interrupted = 0;
        for (int round = 0; round < 40; round++) {
            boolean replace = round % 2 == 1;
            AtomicReference<Object> result = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    if (replace) {
                        PrivateFiles.replace(target, content);
                        result.set("replaced");
                    } else {
                        result.set(PrivateFiles.writeInNewDirectory(ws, PrivateFiles.KUBECONFIG, content));
                    }
                } catch (IOException | RuntimeException e) {
                    result.set(e);
                }
            });
            writer.start();
            TimeUnit.MICROSECONDS.sleep(random.nextInt(20_000));
            writer.interrupt();
            writer.join(TimeUnit.MINUTES.toMillis(1));
            assertThat(writer.isAlive()).isFalse();
            Object r = result.get();
            if (r instanceof Exception e) {
                interrupted++;
                assertThat(e).isInstanceOf(ClosedByInterruptException.class);
            }
            if (replace) {
                byte[] now = Files.readAllBytes(target);
                assertThat(now.length == 3 || Arrays.equals(now, content)).as("old or whole, round %d", round).isTrue();
                assertThat(entries(tmp)).as("round %d", round).allMatch(n -> n.equals("kubeconfig") || n.equals("ws"));
                Files.writeString(target, "old");
            } else if (r instanceof Path file) {
                assertThat(Files.readAllBytes(file)).isEqualTo(content);
                assertThat(PrivateFiles.deleteDirectory(file.getParent())).isTrue();
            }
            assertThat(entries(ws)).as("round %d", round).isEmpty();
        }
        assertThat(interrupted).as("rounds interrupted mid-way").isPositive();
    }

    // ---- never readable by others ------------------------------------------------------------------------------

    @Test
    void noOtherUserCanReadAnythingAtAnyMoment() throws Exception {
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        Path out = Files.createDirectories(tmp.resolve("out"));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger seen = new AtomicInteger();
        List<String> violations = Collections.synchronizedList(new ArrayList<>());
        Thread observer = new Thread(() -> {
            while (!stop.get()) {
                watch(ws, true, seen, violations);
                watch(out, false, seen, violations);
            }
        });
        observer.start();
        try {
            for (int i = 0; i < 300; i++) {
                Path file = PrivateFiles.writeInNewDirectory(ws, PrivateFiles.KUBECONFIG, new byte[8192]);
                PrivateFiles.replace(out.resolve("kubeconfig"), new byte[8192]);
                PrivateFiles.deleteDirectory(file.getParent());
            }
        } finally {
            stop.set(true);
            observer.join();
        }
        assertThat(violations).isEmpty();
        assertThat(seen.get()).as("files and directories observed").isPositive();

        // and whatever the umask of the process that writes
        String[] r = run(List.of("sh", "-c", "umask 000; exec \"$@\"", "sh", java("write", ws.toString()).get(0), "-cp",
                System.getProperty("java.class.path"), PrivateFilesProbe.class.getName(), "write", ws.toString()));
        assertThat(r).isNotNull();
        assertThat(r[0]).startsWith("OK ").endsWith(" rwx------ rw-------");
        Path written = Path.of(r[0].split(" ")[1]);
        r = run(List.of("sh", "-c", "umask 000; exec \"$@\"", "sh", java().get(0), "-cp",
                System.getProperty("java.class.path"), PrivateFilesProbe.class.getName(), "replace",
                out.resolve("fresh").toString()));
        assertThat(r[0]).isEqualTo("OK rw-------");
        assertThat(PrivateFiles.deleteDirectory(written.getParent())).isTrue();
    }

    /** Records every entry (and, for directories, every entry inside) that group or others could use. */
    private static void watch(Path dir, boolean nested, AtomicInteger seen, List<String> violations) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                check(p, seen, violations);
                if (nested) {
                    try (DirectoryStream<Path> inner = Files.newDirectoryStream(p)) {
                        for (Path q : inner) {
                            check(q, seen, violations);
                        }
                    } catch (IOException gone) {
                        // deleted meanwhile, or not a directory
                    }
                }
            }
        } catch (IOException | java.nio.file.DirectoryIteratorException gone) {
            // a race with a deletion
        }
    }

    private static void check(Path p, AtomicInteger seen, List<String> violations) {
        try {
            PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            seen.incrementAndGet();
            Set<PosixFilePermission> open = EnumSet.copyOf(a.permissions().isEmpty()
                    ? EnumSet.noneOf(PosixFilePermission.class) : a.permissions());
            open.retainAll(OTHERS);
            if (!open.isEmpty()) {
                violations.add(p + " " + PosixFilePermissions.toString(a.permissions()));
            }
        } catch (NoSuchFileException gone) {
            // deleted meanwhile
        } catch (IOException e) {
            violations.add(p + " unreadable: " + e);
        }
    }
}
