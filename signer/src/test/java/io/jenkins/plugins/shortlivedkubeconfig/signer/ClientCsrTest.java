package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static io.jenkins.plugins.shortlivedkubeconfig.signer.TestPki.openssl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CSR checks: proof of possession, the key types we accept, and nothing the request asks for is granted. */
class ClientCsrTest {
    static final Instant NOW = Instant.parse("2026-12-01T09:00:00Z");
    final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    final List<AuditEvent> audit = Collections.synchronizedList(new ArrayList<>());

    @TempDir
    Path dir;

    Issuer issuer() throws Exception {
        return new Issuer(IssuerTest.ca(clock, Duration.ofDays(365)),
                new PolicyParser().parse(PolicyParserTest.SEED, "robots.yaml"), clock, audit::add);
    }

    private byte[] opensslCsr(String keyArgs, String subject, String... extensions) throws Exception {
        openssl(dir, ("genpkey -out k.pem " + keyArgs).split(" "));
        List<String> args = new ArrayList<>(List.of("req", "-new", "-key", "k.pem", "-subj", subject, "-out", "r.csr"));
        for (String extension : extensions) {
            args.add("-addext");
            args.add(extension);
        }
        openssl(dir, args.toArray(String[]::new));
        return Files.readAllBytes(dir.resolve("r.csr"));
    }

    @Test
    void acceptsAnOpensslEcP256Request() throws Exception {
        ClientCsr csr = ClientCsr.read(opensslCsr("-algorithm EC -pkeyopt ec_paramgen_curve:P-256", "/CN=x"), "r.csr");
        assertThat(csr.keyType()).isEqualTo("EC P-256");
        assertThat(csr.toString()).isEqualTo("ClientCsr[EC P-256]");
    }

    @Test
    void acceptsAnOpensslRsa2048RequestAsDerToo() throws Exception {
        opensslCsr("-algorithm RSA -pkeyopt rsa_keygen_bits:2048", "/CN=x");
        openssl(dir, "req", "-in", "r.csr", "-outform", "DER", "-out", "r.der");
        ClientCsr csr = ClientCsr.read(Files.readAllBytes(dir.resolve("r.der")), "r.der");
        assertThat(csr.keyType()).isEqualTo("RSA-2048");
    }

    @Test
    void acceptsOurOwnRequestsAndTheirPemRoundTrips() throws Exception {
        for (KeyAlgorithm algorithm : List.of(KeyAlgorithm.EC_P256, KeyAlgorithm.RSA_2048)) {
            // More than KeyAlgorithm.JDK_EC_OPERATIONS, so that both the JDK's and Bouncy Castle's EC path verify.
            for (int i = 0; i < (algorithm == KeyAlgorithm.EC_P256 ? 40 : 1); i++) {
                ClientCsr csr = ClientCsr.create(algorithm.generate(new SecureRandom()));
                ClientCsr again = ClientCsr.readPem(csr.pem(), "again");
                assertThat(again.publicKey()).isEqualTo(csr.publicKey());
                assertThat(again.der()).isEqualTo(csr.der());
            }
        }
        Files.writeString(dir.resolve("ours.csr"), ClientCsr.create(KeyAlgorithm.EC_P256.generate(new SecureRandom())).pem());
        assertThat(openssl(dir, "req", "-in", "ours.csr", "-verify", "-noout")).contains("verify OK");
    }

    @Test
    void refusesATamperedSignature() throws Exception {
        for (int i = 0; i < 40; i++) { // both EC verification paths
            byte[] der = ClientCsr.create(KeyAlgorithm.EC_P256.generate(new SecureRandom())).der();
            der[der.length - 1] ^= 0x01;
            assertThatThrownBy(() -> ClientCsr.read(der, "request.csr"))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessage("request.csr: the request's signature does not verify with its own key, so it does "
                            + "not prove possession of the private key; make a new request with the key");
        }
        byte[] rsa = ClientCsr.create(KeyAlgorithm.RSA_2048.generate(new SecureRandom())).der();
        rsa[rsa.length - 1] ^= 0x01;
        assertThatThrownBy(() -> ClientCsr.read(rsa, "rsa.csr")).hasMessageContaining("rsa.csr: the request's "
                + "signature does not verify");
    }

    @Test
    void refusesARequestSignedWithAnotherKeyThanItCarries() throws Exception {
        KeyPair claimed = KeyAlgorithm.EC_P256.generate(new SecureRandom());
        KeyPair signer = KeyAlgorithm.EC_P256.generate(new SecureRandom());
        byte[] der = new PKCS10CertificationRequestBuilder(new X500Name("CN=jenkins"),
                SubjectPublicKeyInfo.getInstance(claimed.getPublic().getEncoded()))
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())).getEncoded();
        assertThatThrownBy(() -> ClientCsr.read(der, "stolen.csr"))
                .hasMessageStartingWith("stolen.csr: the request's signature does not verify with its own key");
    }

    @Test
    void refusesKeyTypesWeDoNotGenerate() throws Exception {
        assertThatThrownBy(() -> ClientCsr.read(opensslCsr("-algorithm ED25519", "/CN=x"), "ed.csr"))
                .hasMessage("ed.csr: the key type Ed25519 is not accepted; use EC P-256 or RSA of at least 2048 bits");
        assertThatThrownBy(() -> ClientCsr.read(opensslCsr("-algorithm EC -pkeyopt ec_paramgen_curve:P-384", "/CN=x"),
                "p384.csr"))
                .hasMessage("p384.csr: the key is on EC curve P-384, which is not accepted; use EC P-256 "
                        + "(prime256v1) or RSA of at least 2048 bits");
    }

    @Test
    void refusesWeakRsa() throws Exception {
        assertThatThrownBy(() -> ClientCsr.read(opensslCsr("-algorithm RSA -pkeyopt rsa_keygen_bits:1024", "/CN=x"),
                "weak.csr"))
                .hasMessage("weak.csr: the RSA key has 1024 bits, too weak; use at least 2048 bits or EC P-256");
    }

    @Test
    void refusesWhatIsNotARequestNamingTheSource() throws Exception {
        assertThatThrownBy(() -> ClientCsr.read(new byte[0], "empty.csr"))
                .hasMessage("empty.csr: empty; expected a PEM or DER certificate signing request");
        assertThatThrownBy(() -> ClientCsr.readPem("hello", "text.csr"))
                .hasMessage("text.csr: no certificate signing request found (expected -----BEGIN CERTIFICATE "
                        + "REQUEST----- or DER)");
        String key = Pem.encode(KeyAlgorithm.EC_P256.generate(new SecureRandom()).getPrivate());
        assertThatThrownBy(() -> ClientCsr.readPem(key, "key.pem"))
                .hasMessage("key.pem: expected a CERTIFICATE REQUEST block, found a PRIVATE KEY block")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(key.lines().skip(1).findFirst().orElseThrow()));
        assertThatThrownBy(() -> ClientCsr.read(new byte[] {0x30, 0x03, 0x02, 0x01, 0x01}, "short.der"))
                .hasMessageStartingWith("short.der: not a PKCS#10 certificate signing request");
        assertThatThrownBy(() -> ClientCsr.read(new byte[ClientCsr.MAX_BYTES + 1], "huge.csr"))
                .hasMessage("huge.csr: 65537 bytes is larger than the 65536-byte limit for a certificate signing "
                        + "request");
    }

    @Test
    void theSubjectAndExtensionsAskedForAreIgnored() throws Exception {
        byte[] pem = opensslCsr("-algorithm EC -pkeyopt ec_paramgen_curve:P-256", "/CN=admin/O=system:masters/O=evil",
                "subjectAltName=DNS:kubernetes.default,IP:10.0.0.1", "extendedKeyUsage=serverAuth,codeSigning",
                "basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign");
        ClientCsr csr = ClientCsr.read(pem, "r.csr");
        Issuer issuer = issuer();
        IssuedCertificate issued = issuer.issue(IssueRequest.of("jenkins", Duration.ofHours(2), IssuerTest.cluster()), csr);
        X509Certificate cert = IssuerTest.jdkParse(issued.certificate());

        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=jenkins,O=system:masters");
        assertThat(cert.getSubjectAlternativeNames()).isNull();
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.getKeyUsage()).startsWith(true, false, false, false, false, false);
        assertThat(cert.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofHours(2)));
        assertThat(cert.getPublicKey()).isEqualTo(csr.publicKey());
        cert.verify(issuer.ca().certificate().getPublicKey());
        assertThat(issued.groups()).containsExactly("system:masters");
        assertThat(audit).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(AuditEvent.Outcome.ISSUED);
            assertThat(e.serialHex()).isEqualTo(issued.serialHex());
        });

        Files.writeString(dir.resolve("client.crt"), issued.certificatePem());
        Files.writeString(dir.resolve("ca.crt"), issuer.ca().certificatePem());
        assertThat(openssl(dir, "x509", "-in", "client.crt", "-noout", "-subject"))
                .contains("O = system:masters, CN = jenkins");
    }

    @Test
    void theKubeconfigIsRenderedWithTheCallersKey() throws Exception {
        KeyPair key = KeyAlgorithm.EC_P256.generate(new SecureRandom());
        IssuedCertificate issued = issuer().issue(IssueRequest.of("jenkins", Duration.ofHours(1),
                IssuerTest.cluster()), ClientCsr.create(key));
        byte[] kubeconfig = issued.kubeconfig(key.getPrivate());
        KubeconfigSummary summary = KubeconfigSummary.read(kubeconfig, "kubeconfig");
        assertThat(summary.notAfter()).isEqualTo(issued.notAfter());
        assertThat(new String(kubeconfig, StandardCharsets.UTF_8)).contains("client-key-data: ");
        assertThat(issued.toString()).doesNotContain("PRIVATE").contains("serial " + issued.serialHex());
    }

    @Test
    void aRefusedCsrRequestIsAuditedAndSignsNothing() throws Exception {
        ClientCsr csr = ClientCsr.create(KeyAlgorithm.EC_P256.generate(new SecureRandom()));
        assertThatThrownBy(() -> issuer().issue(IssueRequest.of("nobody", Duration.ofHours(1), IssuerTest.cluster()), csr))
                .isInstanceOf(PolicyRefusal.class);
        assertThat(audit).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(AuditEvent.Outcome.REFUSED);
            assertThat(e.serialHex()).isNull();
        });
    }
}
