package io.jenkins.plugins.shortlivedkubeconfig.benchmarks;

import io.jenkins.plugins.shortlivedkubeconfig.signer.ClientCsr;
import io.jenkins.plugins.shortlivedkubeconfig.signer.IssueRequest;
import io.jenkins.plugins.shortlivedkubeconfig.signer.IssuedCertificate;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Issuer;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KeyAlgorithm;
import io.jenkins.plugins.shortlivedkubeconfig.signer.SignerException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
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
 * Signing a CSR, the agent-side-key path as the controller runs it: parse the PEM request, verify its signature
 * (proof of possession), check the policy, sign the certificate, audit. Target: at most 120 us/op with an EC P-256
 * CA and an EC P-256 client key; an RSA-2048 client key is measured for information.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@Fork(2)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CsrSigningBenchmark {
    @Param({"EC_P256", "RSA_2048"})
    public KeyAlgorithm clientKey;

    private Issuer issuer;
    private IssueRequest request;
    private byte[] csrPem;

    @Setup
    public void setUp() throws SignerException {
        var ca = Fixtures.ca(KeyAlgorithm.EC_P256);
        issuer = Fixtures.issuer(ca, Fixtures.seedPolicy());
        request = Fixtures.seedRequest(Fixtures.cluster(ca), KeyAlgorithm.EC_P256);
        csrPem = ClientCsr.create(clientKey.generate(new SecureRandom())).pem().getBytes(StandardCharsets.US_ASCII);
    }

    @Benchmark
    public IssuedCertificate parseVerifySign() throws SignerException {
        return issuer.issue(request, ClientCsr.read(csrPem, "request.csr"));
    }
}
