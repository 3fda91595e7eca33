package io.jenkins.plugins.shortlivedkubeconfig.benchmarks;

import io.jenkins.plugins.shortlivedkubeconfig.signer.IssueRequest;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Issuer;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KeyAlgorithm;
import io.jenkins.plugins.shortlivedkubeconfig.signer.SignerException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Signing only, the agent-side path: the client key pair is made once (on the agent, in real life) and only its
 * public key reaches {@link Issuer#issueCertificate}: policy check, certificate, audit. Target: at most 90 us/op
 * with the default EC P-256 CA; the RSA-3072 CA ({@code ca init --rsa}) is measured for information.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@Fork(2)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SigningBenchmark {
    @Param({"EC_P256", "RSA_3072"})
    public KeyAlgorithm caType;

    private Issuer issuer;
    private IssueRequest request;
    private PublicKey clientKey;

    @Setup
    public void setUp() throws SignerException {
        var ca = Fixtures.ca(caType);
        issuer = Fixtures.issuer(ca, Fixtures.seedPolicy());
        request = Fixtures.seedRequest(Fixtures.cluster(ca), KeyAlgorithm.EC_P256);
        clientKey = KeyAlgorithm.EC_P256.generate(new SecureRandom()).getPublic();
    }

    @Benchmark
    public X509Certificate signPublicKey() throws SignerException {
        return issuer.issueCertificate(request, clientKey);
    }
}
