package io.jenkins.plugins.shortlivedkubeconfig.benchmarks;

import io.jenkins.plugins.shortlivedkubeconfig.signer.IssueRequest;
import io.jenkins.plugins.shortlivedkubeconfig.signer.IssuedKubeconfig;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Issuer;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KeyAlgorithm;
import io.jenkins.plugins.shortlivedkubeconfig.signer.SignerException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Full issuance, as the plugin does it for each build: policy check, a fresh client key, a certificate signed by an
 * EC P-256 CA (what {@code ca init} makes), the PEM encodings and the kubeconfig. One {@link Issuer} is shared by all
 * threads, as the README tells callers to. Targets (2 cores): EC P-256 at most 160 us/op on one thread, and two
 * threads at least 1.8x the one-thread throughput.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@Fork(2)
// Two threads on two cores need longer: the JIT compiles on the same cores, and 3 warm-up iterations left the
// first measured one of each fork 15-50% slow.
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 2)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class IssuanceBenchmark {
    @Param({"EC_P256", "RSA_2048"})
    public KeyAlgorithm keyType;

    private Issuer issuer;
    private IssueRequest request;

    @Setup
    public void setUp() throws SignerException {
        var ca = Fixtures.ca(KeyAlgorithm.EC_P256);
        issuer = Fixtures.issuer(ca, Fixtures.seedPolicy());
        request = Fixtures.seedRequest(Fixtures.cluster(ca), keyType);
    }

    @Benchmark
    @Threads(1)
    public IssuedKubeconfig issue1Thread() throws SignerException {
        return issuer.issue(request);
    }

    @Benchmark
    @Threads(2)
    public IssuedKubeconfig issue2Threads() throws SignerException {
        return issuer.issue(request);
    }
}
