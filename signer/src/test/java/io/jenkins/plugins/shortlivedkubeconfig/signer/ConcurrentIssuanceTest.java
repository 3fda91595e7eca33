package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One {@link Issuer} shared by 8 threads, as the plugin shares it between builds: 10,000 issuances, every serial
 * distinct, every certificate verifying against the CA, and exactly one audit record per issuance.
 */
class ConcurrentIssuanceTest {
    static final int THREADS = 8;
    static final int ISSUANCES = 10_000;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void tenThousandIssuancesOnEightThreadsAreDistinctValidAndAudited() throws Exception {
        Clock clock = Clock.systemUTC();
        CertificateAuthority ca = CertificateAuthority.generate("concurrent CA", Duration.ofDays(1), KeyAlgorithm.EC_P256, clock);
        RobotPolicy policy = new PolicyParser().parse(PolicySeeds.TELEPORT_SEED, "robots.yaml");
        Queue<AuditEvent> audit = new ConcurrentLinkedQueue<>();
        AtomicInteger recorded = new AtomicInteger();
        Issuer issuer = new Issuer(ca, policy, clock, event -> {
            recorded.incrementAndGet();
            audit.add(event);
        });
        ClusterEndpoint cluster = ClusterEndpoint.of("prod", "https://127.0.0.1:6443", null, null, null);
        Queue<IssuedKubeconfig> issued = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                workers.add(pool.submit(() -> {
                    start.await();
                    for (int i = thread; i < ISSUANCES; i += THREADS) {
                        issued.add(issuer.issue(IssueRequest.of("jenkins", Duration.ofHours(1), cluster)
                                .withRequester(new Requester("deploy/app/main", i + 1))));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> w : workers) {
                w.get();
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(issued).hasSize(ISSUANCES);
        Set<String> serials = new HashSet<>();
        for (IssuedKubeconfig k : issued) {
            serials.add(k.serialHex());
        }
        assertThat(serials).as("distinct serials").hasSize(ISSUANCES);

        PublicKey caKey = ca.certificate().getPublicKey();
        long invalid = issued.parallelStream().filter(k -> {
            try {
                X509Certificate cert = k.certificate();
                cert.verify(caKey);
                return !cert.getSubjectX500Principal().getName().equals("CN=jenkins,O=system:masters")
                        || !cert.getSerialNumber().toString(16).equals(k.serialHex());
            } catch (Exception e) {
                return true;
            }
        }).count();
        assertThat(invalid).as("certificates that do not verify against the CA").isZero();

        assertThat(recorded.get()).as("audit records").isEqualTo(ISSUANCES);
        assertThat(audit).allSatisfy(e -> assertThat(e.outcome()).isEqualTo(AuditEvent.Outcome.ISSUED));
        Set<String> audited = new HashSet<>();
        Set<Integer> builds = new HashSet<>();
        for (AuditEvent e : audit) {
            audited.add(e.serialHex());
            builds.add(e.requester().buildNumber());
        }
        assertThat(audited).isEqualTo(serials);
        assertThat(builds).hasSize(ISSUANCES);
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void theJsonLinesAuditLogKeepsEveryRecordWholeUnderConcurrentWriters() throws Exception {
        Clock clock = Clock.systemUTC();
        CertificateAuthority ca = CertificateAuthority.generate("audit CA", Duration.ofDays(1), KeyAlgorithm.EC_P256, clock);
        Path log = dir.resolve("audit.jsonl");
        Issuer issuer = new Issuer(ca, new PolicyParser().parse(PolicySeeds.TELEPORT_SEED, "robots.yaml"), clock,
                new JsonLinesAuditLog(log));
        ClusterEndpoint cluster = ClusterEndpoint.of("prod", "https://127.0.0.1:6443", null, null, null);
        int perThread = 40;
        Queue<String> serials = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                workers.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        // every other request is refused (TTL above the 30h default): refusals are audited too
                        try {
                            serials.add(issuer.issue(IssueRequest.of("jenkins", Duration.ofHours(i % 2 == 0 ? 1 : 31),
                                    cluster)).serialHex());
                        } catch (PolicyRefusal expected) {
                            // recorded
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(THREADS * perThread);
        assertThat(lines).allMatch(l -> l.startsWith("{\"time\":") && l.endsWith("}"));
        assertThat(lines.stream().filter(l -> l.contains("\"outcome\":\"issued\"")))
                .hasSize(THREADS * perThread / 2)
                .allMatch(l -> serials.stream().anyMatch(s -> l.contains("\"serial\":\"" + s + "\"")));
        assertThat(lines.stream().filter(l -> l.contains("\"outcome\":\"refused\",") && l.contains("\"rule\":\"ttl-above-maximum\"")))
                .hasSize(THREADS * perThread / 2);
    }
}
