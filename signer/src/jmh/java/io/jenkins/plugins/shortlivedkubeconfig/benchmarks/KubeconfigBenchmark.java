package io.jenkins.plugins.shortlivedkubeconfig.benchmarks;

import io.jenkins.plugins.shortlivedkubeconfig.signer.ClusterEndpoint;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Issuer;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KeyAlgorithm;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Kubeconfig;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Pem;
import io.jenkins.plugins.shortlivedkubeconfig.signer.SignerException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Rendering alone: {@link Kubeconfig#render} with a server CA, TLS server name and namespace set, from PEM made once;
 * and the PEM encodings of the client certificate and key that issuance adds before it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@Fork(2)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class KubeconfigBenchmark {
    private ClusterEndpoint cluster;
    private X509Certificate certificate;
    private KeyPair key;
    private String certificatePem;
    private String keyPem;

    @Setup
    public void setUp() throws SignerException {
        var ca = Fixtures.ca(KeyAlgorithm.EC_P256);
        Issuer issuer = Fixtures.issuer(ca, Fixtures.seedPolicy());
        cluster = Fixtures.cluster(ca);
        key = KeyAlgorithm.EC_P256.generate(new SecureRandom());
        certificate = issuer.issueCertificate(Fixtures.seedRequest(cluster, KeyAlgorithm.EC_P256), key.getPublic());
        certificatePem = Pem.encode(certificate);
        keyPem = Pem.encode(key.getPrivate());
    }

    @Benchmark
    public byte[] render() {
        return Kubeconfig.render(cluster, certificatePem, keyPem);
    }

    @Benchmark
    public byte[] encodePemAndRender() {
        return Kubeconfig.render(cluster, Pem.encode(certificate), Pem.encode(key.getPrivate()));
    }
}
