package io.jenkins.plugins.shortlivedkubeconfig.e2e;

import static io.jenkins.plugins.shortlivedkubeconfig.signer.TestPki.openssl;
import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.shortlivedkubeconfig.signer.ClientCsr;
import io.jenkins.plugins.shortlivedkubeconfig.signer.IssueRequest;
import io.jenkins.plugins.shortlivedkubeconfig.signer.IssuedCertificate;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Issuer;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KeyAlgorithm;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KeyDirectory;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KubeconfigSummary;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Pem;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PrivateFiles;
import io.jenkins.plugins.shortlivedkubeconfig.signer.RenewalSchedule;
import io.jenkins.plugins.shortlivedkubeconfig.signer.SteppingClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Keys that never leave the host that uses them: certificates issued for CSRs (keys made by openssl and by our own
 * code) are accepted by the real kube-apiserver, and a long block's kubeconfig renewed in place, as the renewal
 * schedule decides, while the real kubectl keeps using it.
 */
@ExtendWith(KubeApiServerExtension.class)
class CsrEndToEndIT {
    Issuer seed(KubeApiServer k8s) throws Exception {
        return k8s.issuer(Files.readString(Path.of("examples/robots.yaml")));
    }

    IssueRequest request(KubeApiServer k8s) throws Exception {
        return IssueRequest.of("jenkins", Duration.ofHours(1), k8s.cluster("e2e"));
    }

    @Test
    void aCertificateForAnOpensslKeysCsrIsAccepted(KubeApiServer k8s) throws Exception {
        Path dir = k8s.newDirectory("openssl-csr-");
        openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "key.pem");
        // It asks to be admin in system:masters with a server name: it gets the robot user's identity only.
        openssl(dir, "req", "-new", "-key", "key.pem", "-subj", "/O=system:masters/CN=admin", "-addext",
                "subjectAltName=DNS:kubernetes", "-out", "request.csr");
        ClientCsr csr = ClientCsr.read(Files.readAllBytes(dir.resolve("request.csr")), "request.csr");
        IssuedCertificate issued = seed(k8s).issue(request(k8s), csr);
        Path kubeconfig = dir.resolve("kubeconfig");
        PrivateFiles.replace(kubeconfig, issued.kubeconfig(Pem.readPrivateKey(Files.readString(dir.resolve("key.pem")),
                "key.pem")));

        KubeApiServer.Result pods = k8s.kubectl(kubeconfig, "get", "pods");
        assertThat(pods.exitCode()).as(pods.toString()).isZero();
        assertThat(pods.stderr()).contains("No resources found in default namespace.");
        assertThat(KubeApiServer.subjectOf(kubeconfig)).isEqualTo("CN=jenkins O=[system:masters]");
    }

    @Test
    void aCertificateForAnRsaOpensslKeyIsAccepted(KubeApiServer k8s) throws Exception {
        Path dir = k8s.newDirectory("openssl-rsa-csr-");
        openssl(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "key.pem");
        openssl(dir, "req", "-new", "-key", "key.pem", "-subj", "/CN=whatever", "-out", "request.csr");
        IssuedCertificate issued = seed(k8s).issue(request(k8s),
                ClientCsr.read(Files.readAllBytes(dir.resolve("request.csr")), "request.csr"));
        Path kubeconfig = dir.resolve("kubeconfig");
        PrivateFiles.replace(kubeconfig, issued.kubeconfig(Pem.readPrivateKey(Files.readString(dir.resolve("key.pem")),
                "key.pem")));
        KubeApiServer.Result pods = k8s.kubectl(kubeconfig, "get", "pods");
        assertThat(pods.exitCode()).as(pods.toString()).isZero();
    }

    @Test
    void aCertificateForOurOwnAgentSideKeyIsAccepted(KubeApiServer k8s) throws Exception {
        KeyDirectory.Created created = KeyDirectory.create(k8s.newDirectory("ws@tmp-"), KeyAlgorithm.EC_P256);
        IssuedCertificate issued = seed(k8s).issue(request(k8s), created.csr());
        Path kubeconfig = KeyDirectory.install(created.directory(), issued.cluster(), issued.certificatePem());
        KubeApiServer.Result pods = k8s.kubectl(kubeconfig, "get", "pods");
        assertThat(pods.exitCode()).as(pods.toString()).isZero();
        assertThat(pods.stderr()).contains("No resources found in default namespace.");
    }

    @Test
    void theCliCsrFlowIsAccepted(KubeApiServer k8s) throws Exception {
        Path dir = KubectlEndToEndIT.cliFiles(k8s, "cli-csr-");
        run(dir, "csr", "--key-out", "key.pem", "--out", "request.csr");
        run(dir, "sign", "--user=jenkins", "--csr", "request.csr", "--format=kubernetes", "--key", "key.pem",
                "--out", "kubeconfig", "--ttl=1h", "--policy", "robots.yaml", "--ca-cert", "ca.crt", "--ca-key",
                "ca.key", "--server", k8s.server(), "--server-ca", "server-ca.crt");
        run(dir, "sign", "--user=jenkins", "--csr", "request.csr", "--format=cert", "--out", "client.crt",
                "--ttl=1h", "--policy", "robots.yaml", "--ca-cert", "ca.crt", "--ca-key", "ca.key");
        KubeApiServer.Result pods = k8s.kubectl(dir.resolve("kubeconfig"), "get", "pods");
        assertThat(pods.exitCode()).as(pods.toString()).isZero();
        // The certificate alone, with the key file, as a kubectl user would wire it by hand.
        Path empty = Files.writeString(dir.resolve("empty-kubeconfig"), "apiVersion: v1\nkind: Config\n");
        KubeApiServer.Result byHand = k8s.kubectl(empty, "--server", k8s.server(), "--certificate-authority",
                dir.resolve("server-ca.crt").toString(), "--client-certificate",
                dir.resolve("client.crt").toString(), "--client-key", dir.resolve("key.pem").toString(), "get", "pods");
        assertThat(byHand.exitCode()).as(byHand.toString()).isZero();
    }

    private static void run(Path dir, String... args) throws Exception {
        Process cli = new ProcessBuilder(Cli.command(args)).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(cli.exitValue()).as(out).isZero();
    }

    /**
     * A long block, compressed: the schedule's clock steps to each renewal time it names (its certificates' real
     * lifetimes mapped onto it), a new certificate for the same agent-side key replaces the kubeconfig atomically,
     * and kubectl runs in a loop the whole time. One renewal fails on the way (the file is kept and retried after
     * the backoff). Every kubectl run succeeds.
     */
    @Test
    void kubectlInALoopNeverFailsAcrossRenewals(KubeApiServer k8s) throws Exception {
        Issuer issuer = seed(k8s);
        IssueRequest request = request(k8s);
        KeyDirectory.Created created = KeyDirectory.create(k8s.newDirectory("renewal@tmp-"), KeyAlgorithm.EC_P256);
        IssuedCertificate first = issuer.issue(request, created.csr());
        Path kubeconfig = KeyDirectory.install(created.directory(), first.cluster(), first.certificatePem());

        SteppingClock clock = new SteppingClock(Instant.parse("2026-12-01T09:00:00Z"));
        RenewalSchedule schedule = new RenewalSchedule(clock.instant(), onSchedule(clock, first), clock);

        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger runs = new AtomicInteger();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService loop = Executors.newSingleThreadExecutor();
        Future<?> kubectl = loop.submit(() -> {
            while (!done.get()) {
                KubeApiServer.Result r = k8s.kubectl(kubeconfig, "get", "pods");
                if (r.exitCode() != 0) {
                    failures.add(r.toString());
                }
                runs.incrementAndGet();
            }
            return null;
        });
        Set<String> serials = new HashSet<>(Set.of(first.serialHex()));
        int swaps = 0;
        boolean failedOnce = false;
        try {
            while (swaps < 4) {
                clock.set(schedule.nextAttempt());
                assertThat(schedule.due()).isTrue();
                if (swaps == 1 && !failedOnce) { // e.g. the agent was briefly offline
                    failedOnce = true;
                    byte[] before = Files.readAllBytes(kubeconfig);
                    assertThat(schedule.failed("agent offline")).isEqualTo(RenewalSchedule.State.RENEWING);
                    assertThat(schedule.nextAttempt()).isEqualTo(clock.instant().plus(RenewalSchedule.FIRST_RETRY));
                    assertThat(kubeconfig).hasBinaryContent(before);
                    continue;
                }
                IssuedCertificate renewed = issuer.issue(request, created.csr());
                KeyDirectory.install(created.directory(), renewed.cluster(), renewed.certificatePem());
                schedule.renewed(onSchedule(clock, renewed));
                swaps++;
                serials.add(renewed.serialHex());
                assertThat(KubeconfigSummary.read(Files.readAllBytes(kubeconfig), "kubeconfig").serialHex())
                        .isEqualTo(renewed.serialHex());
                waitForRuns(runs, 2); // kubectl reads the new file, and one more run spans the next swap
            }
            // And a burst of back-to-back swaps while kubectl keeps reading: a reader never sees half a file.
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            int start = runs.get();
            while (System.nanoTime() < end || runs.get() < start + 2) {
                IssuedCertificate renewed = issuer.issue(request, created.csr());
                KeyDirectory.install(created.directory(), renewed.cluster(), renewed.certificatePem());
                swaps++;
            }
        } finally {
            done.set(true);
            kubectl.get(180, TimeUnit.SECONDS);
            loop.shutdown();
        }
        System.out.printf("renewal loop: %d atomic swaps (4 scheduled, 1 failed attempt kept the file), %d kubectl "
                + "runs, %d failures%n", swaps, runs.get(), failures.size());
        assertThat(failures).as("kubectl failures across %d swaps in %d runs", swaps, runs.get()).isEmpty();
        assertThat(swaps).isGreaterThanOrEqualTo(4);
        assertThat(serials).hasSize(5);
        assertThat(runs.get()).isGreaterThanOrEqualTo(10);
        try (Stream<Path> files = Files.list(created.directory())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("client.key", "kubeconfig");
        }
        assertThat(PrivateFiles.deleteDirectory(created.directory())).isTrue();
    }

    /** A real certificate's remaining lifetime, on the schedule's clock. */
    private static Instant onSchedule(SteppingClock clock, IssuedCertificate issued) {
        return clock.instant().plus(Duration.between(Instant.now(), issued.notAfter()));
    }

    private static void waitForRuns(AtomicInteger runs, int more) throws InterruptedException {
        int target = runs.get() + more;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (runs.get() < target && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(runs.get()).as("kubectl runs").isGreaterThanOrEqualTo(target);
    }
}
