package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static io.jenkins.plugins.shortlivedkubeconfig.signer.TestPki.openssl;
import static io.jenkins.plugins.shortlivedkubeconfig.signer.TestPki.opensslCa;
import static io.jenkins.plugins.shortlivedkubeconfig.signer.TestPki.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CertificateAuthorityTest {
    @TempDir
    Path dir;

    private final Clock clock = Clock.systemUTC();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"pkcs8-ec", "sec1-ec", "sec1-ec-with-params", "pkcs1-rsa", "pkcs8-rsa", "pkcs8-ed25519"})
    void loadsKeysInEveryCommonPemForm(String form) throws Exception {
        switch (form) {
            case "pkcs8-ec" -> openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ca.key");
            case "sec1-ec" -> openssl(dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key");
            case "sec1-ec-with-params" -> openssl(dir, "ecparam", "-name", "secp384r1", "-genkey", "-out", "ca.key");
            case "pkcs1-rsa" -> openssl(dir, "genrsa", "-traditional", "-out", "ca.key", "2048");
            case "pkcs8-rsa" -> openssl(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "ca.key");
            default -> openssl(dir, "genpkey", "-algorithm", "ED25519", "-out", "ca.key");
        }
        opensslCa(dir, "ca.key", "ca.crt");
        CertificateAuthority ca = CertificateAuthority.load(read(dir.resolve("ca.crt")), "ca.crt",
                read(dir.resolve("ca.key")), "ca.key", clock);
        assertThat(ca.subject()).isEqualTo("CN=test-ca");
        assertThat(ca.toString()).doesNotContain("PRIVATE");
    }

    @Test
    void refusesEncryptedKeysAndSaysHowToDecrypt() throws Exception {
        openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes-256-cbc",
                "-pass", "pass:secret", "-out", "ca.key");
        assertThatThrownBy(() -> Pem.readPrivateKey(read(dir.resolve("ca.key")), "ca.key"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("ca.key: encrypted keys are not supported; decrypt it with `openssl pkey -in ca.key -out "
                        + "decrypted.key` and keep that file private");
        openssl(dir, "genrsa", "-traditional", "-aes256", "-passout", "pass:secret", "-out", "rsa.key", "2048");
        assertThatThrownBy(() -> Pem.readPrivateKey(read(dir.resolve("rsa.key")), "rsa.key"))
                .hasMessageStartingWith("rsa.key: encrypted keys are not supported");
    }

    @Test
    void refusesAKeyThatDoesNotMatchTheCertificate() throws Exception {
        openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ca.key");
        openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "other.key");
        opensslCa(dir, "ca.key", "ca.crt");
        assertThatThrownBy(() -> CertificateAuthority.load(read(dir.resolve("ca.crt")), "ca.crt",
                read(dir.resolve("other.key")), "other.key", clock))
                .hasMessage("other.key: the private key does not match the CA certificate ca.crt");
    }

    @Test
    void refusesACertificateThatIsNotACa() throws Exception {
        openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "leaf.key");
        openssl(dir, "req", "-x509", "-new", "-key", "leaf.key", "-out", "leaf.crt", "-days", "1", "-subj", "/CN=leaf",
                "-addext", "basicConstraints=critical,CA:FALSE");
        assertThatThrownBy(() -> CertificateAuthority.load(read(dir.resolve("leaf.crt")), "leaf.crt",
                read(dir.resolve("leaf.key")), "leaf.key", clock))
                .hasMessage("leaf.crt: not a CA certificate (basicConstraints CA:true is missing); use the CA that "
                        + "signs client certificates, or create one with `ca init`");
        openssl(dir, "req", "-x509", "-new", "-key", "leaf.key", "-out", "nosign.crt", "-days", "1", "-subj", "/CN=x",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,digitalSignature");
        assertThatThrownBy(() -> CertificateAuthority.load(read(dir.resolve("nosign.crt")), "nosign.crt",
                read(dir.resolve("leaf.key")), "leaf.key", clock))
                .hasMessage("nosign.crt: the CA certificate's key usage lacks keyCertSign, so its signatures would be rejected");
    }

    @Test
    void refusesACaOutsideItsValidity() throws Exception {
        CertificateAuthority ca = CertificateAuthority.generate("ca", Duration.ofDays(1), KeyAlgorithm.EC_P256, clock);
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(2)), ZoneOffset.UTC);
        assertThatThrownBy(() -> CertificateAuthority.load(ca.certificatePem(), "ca.crt", ca.privateKeyPem(), "ca.key", later))
                .hasMessageStartingWith("ca.crt: the CA certificate expired at ")
                .hasMessageEndingWith("; create a new CA and add it to --client-ca-file");
        Clock earlier = Clock.fixed(Instant.now().minus(Duration.ofDays(2)), ZoneOffset.UTC);
        assertThatThrownBy(() -> CertificateAuthority.load(ca.certificatePem(), "ca.crt", ca.privateKeyPem(), "ca.key", earlier))
                .hasMessageStartingWith("ca.crt: the CA certificate is not valid before ");
    }

    @Test
    void refusesGarbage() {
        assertThatThrownBy(() -> Pem.readCertificate("hello", "ca.crt"))
                .hasMessage("ca.crt: no PEM certificate found (expected -----BEGIN CERTIFICATE-----)");
        assertThatThrownBy(() -> Pem.readCertificate("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "ca.crt"))
                .hasMessageStartingWith("ca.crt: not ");
        assertThatThrownBy(() -> Pem.readPrivateKey("-----BEGIN PRIVATE KEY-----\nnot base64!!\n-----END PRIVATE KEY-----\n", "ca.key"))
                .hasMessageStartingWith("ca.key: not a readable PEM private key");
        assertThatThrownBy(() -> Pem.readPrivateKey("", "ca.key")).hasMessageStartingWith("ca.key: no PEM private key found");
    }

    @Test
    void generatesCasThatOpensslAccepts() throws Exception {
        for (KeyAlgorithm alg : new KeyAlgorithm[] {KeyAlgorithm.EC_P256, KeyAlgorithm.RSA_3072}) {
            CertificateAuthority ca = CertificateAuthority.generate("My CA", Duration.ofDays(365), alg, clock);
            X509Certificate cert = ca.certificate();
            assertThat(cert.getBasicConstraints()).isEqualTo(0);
            assertThat(cert.getKeyUsage()[5]).as("keyCertSign").isTrue();
            assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=My CA");
            assertThat(Duration.between(Instant.now(), ca.notAfter())).isBetween(Duration.ofDays(364), Duration.ofDays(366));
            assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo(alg.isRsa() ? "RSA" : "EC");
            java.nio.file.Files.writeString(dir.resolve("gen.crt"), ca.certificatePem());
            java.nio.file.Files.writeString(dir.resolve("gen.key"), ca.privateKeyPem());
            assertThat(openssl(dir, "x509", "-in", "gen.crt", "-noout", "-text")).contains("CA:TRUE", "Certificate Sign");
            // The key we write reads back, and matches.
            CertificateAuthority again = CertificateAuthority.load(ca.certificatePem(), "gen.crt", ca.privateKeyPem(), "gen.key", clock);
            assertThat(again.fingerprintSha256()).isEqualTo(ca.fingerprintSha256());
        }
    }

    @Test
    void refusesUnusableCaNamesAndLifetimes() {
        assertThatThrownBy(() -> CertificateAuthority.generate(" ", Duration.ofDays(1), KeyAlgorithm.EC_P256, clock))
                .hasMessage("CA name: \" \" is not usable as a subject name");
        assertThatThrownBy(() -> CertificateAuthority.generate("ca", Duration.ofMinutes(5), KeyAlgorithm.EC_P256, clock))
                .hasMessage("CA lifetime: 5m is too short; give at least 1h");
    }

    @Test
    void refusesACaWhoseKeyIdentifierIsNotAnOctetString() throws Exception {
        // Found by PemPropertiesTest: a subjectKeyIdentifier whose value is a tagged object made Bouncy Castle
        // throw IllegalStateException, which escaped as an internal error instead of this message.
        KeyPair pair = KeyAlgorithm.EC_P256.generate(new SecureRandom());
        X500Name name = new X500Name("CN=odd-ski");
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new X509v3CertificateBuilder(name, BigInteger.ONE,
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), name,
                SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded()));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.subjectKeyIdentifier, false,
                new DERTaggedObject(0, new DEROctetString(new byte[] {1, 2, 3})));
        String cert = Pem.block("CERTIFICATE", builder.build(new JcaContentSignerBuilder("SHA256withECDSA")
                .build(pair.getPrivate())).getEncoded());
        assertThatThrownBy(() -> CertificateAuthority.load(cert, "ca.crt", Pem.encode(pair.getPrivate()), "ca.key",
                clock)).isInstanceOf(InvalidInputException.class)
                .hasMessage("ca.crt: the CA certificate's subject key identifier extension is damaged; create a new CA");
    }
}
