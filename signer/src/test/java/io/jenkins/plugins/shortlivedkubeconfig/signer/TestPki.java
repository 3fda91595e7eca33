package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Real openssl, for keys and certificates made independently of our code. */
public final class TestPki {
    private TestPki() {}

    public static boolean opensslAvailable() {
        try {
            return new ProcessBuilder("openssl", "version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Runs openssl in {@code dir}; fails the test with its output when it fails. Skips when openssl is missing (never in CI). */
    public static String openssl(Path dir, String... args) throws IOException, InterruptedException {
        if (!opensslAvailable()) {
            Assumptions.assumeFalse("true".equals(System.getenv("CI")), "openssl is required in CI");
            Assumptions.abort("openssl is not installed; apt-get install openssl");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("openssl %s: %s", String.join(" ", args), out).isZero();
        return out;
    }

    /** A CA made by openssl with the given key command, e.g. {@code genpkey -algorithm EC ...}. */
    public static void opensslCa(Path dir, String keyFile, String certFile) throws Exception {
        openssl(dir, "req", "-x509", "-new", "-key", keyFile, "-out", certFile, "-days", "30", "-subj", "/CN=test-ca",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    }

    public static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
