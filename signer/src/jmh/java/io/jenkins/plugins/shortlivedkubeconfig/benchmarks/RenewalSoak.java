package io.jenkins.plugins.shortlivedkubeconfig.benchmarks;

import io.jenkins.plugins.shortlivedkubeconfig.cli.SignerCli;
import io.jenkins.plugins.shortlivedkubeconfig.signer.CertificateAuthority;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KeyAlgorithm;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PrivateFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The CLI's {@code sign --renew-every 1s --max-renewals N} loop, run in this JVM with a clock that moves one second
 * forward each time it is read, so that every wait is already over: N renewals back to back, each re-reading the
 * policy and the CA and replacing the kubeconfig file, exactly the code path of the real loop. Run it with a small
 * heap (-Xmx32m); it prints the process's resident memory from /proc/self/status. Files go to a temporary directory
 * that is removed at the end.
 *
 * <pre>java -Xmx32m -cp ... io.jenkins.plugins.shortlivedkubeconfig.benchmarks.RenewalSoak [renewals]</pre>
 */
public final class RenewalSoak {
    private RenewalSoak() {}

    public static void main(String[] args) throws Exception {
        int renewals = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        Path dir = Files.createTempDirectory("kubeconfig-signer-soak-");
        try {
            CertificateAuthority ca = Fixtures.ca(KeyAlgorithm.EC_P256);
            Path caCert = dir.resolve("ca.crt");
            Files.writeString(caCert, ca.certificatePem(), StandardCharsets.UTF_8);
            Path caKey = PrivateFiles.writeInNewDirectory(dir, "ca.key",
                    ca.privateKeyPem().getBytes(StandardCharsets.US_ASCII));
            Path policy = dir.resolve("robots.yaml");
            Files.writeString(policy, Fixtures.SEED_POLICY, StandardCharsets.UTF_8);
            Path out = dir.resolve("kubeconfig");

            StringWriter stdout = new StringWriter();
            CountingWriter log = new CountingWriter(); // the renewal log and any error go to stderr
            long start = System.nanoTime();
            int code = SignerCli.run(new SteppingClock(Instant.now()), new PrintWriter(stdout, true),
                    new PrintWriter(log, true), "sign", "--user=jenkins", "--out=" + out, "--ttl=1h",
                    "--policy=" + policy, "--ca-cert=" + caCert, "--ca-key=" + caKey,
                    "--server=https://127.0.0.1:6443", "--renew-every=1s", "--max-renewals=" + renewals);
            double seconds = (System.nanoTime() - start) / 1e9;
            long wrote = log.wrote;
            long failed = log.failed;
            boolean ok = code == 0 && wrote == renewals + 1 && failed == 0 && Files.size(out) > 0;
            System.out.printf(Locale.ROOT, "renewal-soak: exit %d, %d kubeconfigs written (1 + %d renewals) in %.1f s, "
                    + "%d failures; max heap %d MiB; %s; %s%n", code, wrote, renewals, seconds, failed,
                    Runtime.getRuntime().maxMemory() >> 20, rss(), ok ? "PASS" : "FAIL");
            if (!ok) {
                System.out.println("first failure: " + log.firstFailure);
            }
            System.exit(ok ? 0 : 1);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** VmRSS and VmHWM (peak RSS) of this process. */
    static String rss() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return "RSS unknown (no /proc)";
        }
        StringBuilder b = new StringBuilder();
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:") || line.startsWith("VmHWM:")) {
                b.append(b.length() == 0 ? "" : ", ").append(line.replaceAll("\\s+", " "));
            }
        }
        return b.toString();
    }

    /** A clock that is one second later at every reading, so that the renewal loop never has to wait. */
    static final class SteppingClock extends Clock {
        private final Instant start;
        private final AtomicLong readings = new AtomicLong();

        SteppingClock(Instant start) {
            this.start = start;
        }

        @Override
        public Instant instant() {
            return start.plus(Duration.ofSeconds(readings.getAndIncrement()));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    /** Keeps only counts (and the first failure), so that the log of a long run costs no memory. */
    static final class CountingWriter extends Writer {
        private final StringBuilder line = new StringBuilder();
        long wrote;
        long failed;
        String firstFailure = "(none)";

        @Override
        public void write(char[] cbuf, int off, int len) {
            for (int i = off; i < off + len; i++) {
                if (cbuf[i] == '\n') {
                    String l = line.toString();
                    if (l.contains(" wrote ")) {
                        wrote++;
                    } else if (l.contains("renewal failed") || l.startsWith("kubeconfig-signer:")) {
                        firstFailure = failed++ == 0 ? l : firstFailure;
                    }
                    line.setLength(0);
                } else {
                    line.append(cbuf[i]);
                }
            }
        }

        @Override
        public void flush() { }

        @Override
        public void close() { }
    }
}
