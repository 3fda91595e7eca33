package io.jenkins.plugins.shortlivedkubeconfig.benchmarks;

import io.jenkins.plugins.shortlivedkubeconfig.signer.CertificateAuthority;
import io.jenkins.plugins.shortlivedkubeconfig.signer.IssueRequest;
import io.jenkins.plugins.shortlivedkubeconfig.signer.IssuedKubeconfig;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Issuer;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KeyAlgorithm;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The leak check: many issuances in one JVM must leave the heap after a full GC no larger than it was after the
 * first 1,000. One shared {@link Issuer}, the seed policy, an EC P-256 CA, EC P-256 client keys (the defaults), an
 * audit sink that counts. Prints the live heap at checkpoints and exits 1 when the check fails.
 *
 * <p>"No larger" allows a tolerance, by default 1% of the heap after 1,000: with nothing growing, the heap after
 * {@code System.gc()} still moves by tens of KB between checkpoints (the JIT resolving constants, JDK caches such as
 * the X.509 factory's bounded certificate cache). A real leak keeps at least one object per issuance, 16 bytes or
 * more, so 1.6 MB or more over 100,000 issuances: more than ten times that tolerance. The least-squares slope over
 * the checkpoints from 10,000 on is printed too.
 *
 * <pre>java -cp ... io.jenkins.plugins.shortlivedkubeconfig.benchmarks.MemoryCheck [issuances] [tolerance-bytes]</pre>
 */
public final class MemoryCheck {
    private MemoryCheck() {}

    public static void main(String[] args) throws Exception {
        int total = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        long toleranceArg = args.length > 1 ? Long.parseLong(args[1]) : -1;
        int first = Math.min(1_000, total);
        CertificateAuthority ca = Fixtures.ca(KeyAlgorithm.EC_P256);
        AtomicLong audited = new AtomicLong();
        Issuer issuer = new Issuer(ca, Fixtures.seedPolicy(), Clock.systemUTC(), event -> audited.incrementAndGet());
        IssueRequest request = Fixtures.seedRequest(Fixtures.cluster(ca), KeyAlgorithm.EC_P256);

        long bytes = 0;
        long start = System.nanoTime();
        long baseline = -1;
        long last = -1;
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        int n = 0;
        for (int i = 1; i <= total; i++) {
            IssuedKubeconfig issued = issuer.issue(request);
            bytes += issued.kubeconfig().length;
            if (i == first || i % 10_000 == 0 || i == total) {
                last = liveHeap();
                if (i == first) {
                    baseline = last;
                }
                if (i >= 10_000) {
                    n++;
                    sx += i;
                    sy += last;
                    sxx += (double) i * i;
                    sxy += (double) i * last;
                }
                System.out.printf(Locale.ROOT, "memory-check: after %,7d issuances: live heap %,11d bytes (%+,d vs after %,d)%n",
                        i, last, last - baseline, first);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (audited.get() != total || bytes == 0) {
            throw new AssertionError("expected " + total + " audited issuances, got " + audited.get());
        }
        long tolerance = toleranceArg >= 0 ? toleranceArg : baseline / 100;
        boolean ok = last <= baseline + tolerance;
        double slope = n >= 2 ? (n * sxy - sx * sy) / (n * sxx - sx * sx) * 1_000 : Double.NaN;
        System.out.printf(Locale.ROOT, "memory-check: %,d issuances in %.1f s (GC pauses included); live heap after %,d: %,d bytes, "
                        + "after %,d: %,d bytes (%+,d, tolerance %,d); slope from 10,000 on: %+.1f bytes per 1,000 "
                        + "issuances: %s%n", total, seconds, first, baseline, total, last, last - baseline, tolerance,
                slope, ok ? "PASS" : "FAIL");
        System.exit(ok ? 0 : 1);
    }

    /** The heap in use after full collections: the smallest of three readings, each after System.gc(). */
    static long liveHeap() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            min = Math.min(min, memory.getHeapMemoryUsage().getUsed());
        }
        return min;
    }
}
