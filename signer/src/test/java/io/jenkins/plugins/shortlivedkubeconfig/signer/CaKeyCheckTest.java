package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static io.jenkins.plugins.shortlivedkubeconfig.signer.TestPki.openssl;
import static io.jenkins.plugins.shortlivedkubeconfig.signer.TestPki.opensslCa;
import static io.jenkins.plugins.shortlivedkubeconfig.signer.TestPki.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPrivateKeySpec;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link CertificateAuthority#load}'s check that the key is the certificate's: EC and RSA keys are compared by the
 * public values computed from them, other keys by a probe signature. Keys and certificates come from openssl, and
 * the damaged keys that only a public-value comparison could miss (the negated EC scalar, which has the
 * certificate's x coordinate; RSA CRT values that do not belong to the modulus) are made from real ones.
 */
class CaKeyCheckTest {
    private static final String MISMATCH = "other.key: the private key does not match the CA certificate ca.crt";

    @TempDir
    Path dir;

    private final Clock clock = Clock.systemUTC();

    /** openssl arguments that write a new private key to the file named last. */
    private static String[] newKey(String type, String file) {
        return switch (type) {
            case "ec-p256" -> new String[] {"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", file};
            case "ec-p384" -> new String[] {"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", file};
            case "ec-p521" -> new String[] {"ecparam", "-name", "secp521r1", "-genkey", "-noout", "-out", file};
            case "rsa-pkcs1" -> new String[] {"genrsa", "-traditional", "-out", file, "2048"};
            case "rsa-pkcs8" -> new String[] {"genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", file};
            case "ed25519" -> new String[] {"genpkey", "-algorithm", "ED25519", "-out", file};
            default -> throw new IllegalArgumentException(type);
        };
    }

    private CertificateAuthority load(String keyFile) throws Exception {
        return CertificateAuthority.load(read(dir.resolve("ca.crt")), "ca.crt", read(dir.resolve(keyFile)), keyFile, clock);
    }

    private PrivateKey caKey() throws Exception {
        return Pem.readPrivateKey(read(dir.resolve("ca.key")), "ca.key");
    }

    private void write(String file, PrivateKey key) throws Exception {
        Files.writeString(dir.resolve(file), Pem.encode(key), StandardCharsets.US_ASCII);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ec-p256", "ec-p384", "ec-p521", "rsa-pkcs1", "rsa-pkcs8", "ed25519"})
    void loadsTheCertificatesOwnKeyAndRefusesAnotherOfTheSameType(String type) throws Exception {
        openssl(dir, newKey(type, "ca.key"));
        openssl(dir, newKey(type, "other.key"));
        opensslCa(dir, "ca.key", "ca.crt");
        assertThat(load("ca.key").subject()).isEqualTo("CN=test-ca");
        assertThatThrownBy(() -> load("other.key")).isInstanceOf(InvalidInputException.class).hasMessage(MISMATCH);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ec-p256:rsa-pkcs8", "rsa-pkcs1:ec-p256", "ec-p256:ec-p384", "ec-p521:ec-p256",
        "ed25519:ec-p256", "ec-p256:ed25519", "rsa-pkcs8:ed25519"})
    void refusesAKeyOfAnotherTypeOrCurve(String types) throws Exception {
        String[] t = types.split(":");
        openssl(dir, newKey(t[0], "ca.key"));
        openssl(dir, newKey(t[1], "other.key"));
        opensslCa(dir, "ca.key", "ca.crt");
        assertThatThrownBy(() -> load("other.key")).isInstanceOf(InvalidInputException.class).hasMessage(MISMATCH);
    }

    @Test
    void refusesTheNegatedEcKeyWhosePointHasTheSameX() throws Exception {
        openssl(dir, newKey("ec-p256", "ca.key"));
        opensslCa(dir, "ca.key", "ca.crt");
        ECPrivateKey key = (ECPrivateKey) caKey();
        BigInteger order = key.getParams().getOrder();
        KeyFactory ec = KeyFactory.getInstance("EC");
        write("other.key", ec.generatePrivate(new ECPrivateKeySpec(order.subtract(key.getS()), key.getParams())));
        assertThatThrownBy(() -> load("other.key")).hasMessage(MISMATCH);
        write("zero.key", ec.generatePrivate(new ECPrivateKeySpec(order, key.getParams())));
        assertThatThrownBy(() -> load("zero.key")).hasMessage("zero.key: the private key does not match the CA "
                + "certificate ca.crt");
    }

    @Test
    void refusesRsaKeysWithTheCertificatesModulusButCrtValuesOfAnotherKey() throws Exception {
        openssl(dir, newKey("rsa-pkcs8", "ca.key"));
        opensslCa(dir, "ca.key", "ca.crt");
        RSAPrivateCrtKey k = (RSAPrivateCrtKey) caKey();
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        BigInteger two = BigInteger.TWO;
        BigInteger[][] damaged = {
            {k.getPrivateExponent(), k.getPrimeP().add(two), k.getPrimeQ(), k.getPrimeExponentP(), k.getPrimeExponentQ(), k.getCrtCoefficient()},
            {k.getPrivateExponent(), k.getPrimeP(), k.getPrimeQ(), k.getPrimeExponentP().add(two), k.getPrimeExponentQ(), k.getCrtCoefficient()},
            {k.getPrivateExponent(), k.getPrimeP(), k.getPrimeQ(), k.getPrimeExponentP(), k.getPrimeExponentQ().add(two), k.getCrtCoefficient()},
            {k.getPrivateExponent(), k.getPrimeP(), k.getPrimeQ(), k.getPrimeExponentP(), k.getPrimeExponentQ(), k.getCrtCoefficient().add(two)},
            {k.getPrivateExponent(), BigInteger.ONE, k.getModulus(), k.getPrimeExponentP(), k.getPrimeExponentQ(), k.getCrtCoefficient()},
        };
        for (BigInteger[] v : damaged) {
            write("other.key", rsa.generatePrivate(new RSAPrivateCrtKeySpec(k.getModulus(), k.getPublicExponent(),
                    v[0], v[1], v[2], v[3], v[4], v[5])));
            assertThat(Pem.readPrivateKey(read(dir.resolve("other.key")), "other.key")).isInstanceOf(RSAPrivateCrtKey.class);
            assertThatThrownBy(() -> load("other.key")).hasMessage(MISMATCH);
        }
    }

    @Test
    void checksRsaKeysWithoutCrtValuesByASignature() throws Exception {
        openssl(dir, newKey("rsa-pkcs8", "ca.key"));
        opensslCa(dir, "ca.key", "ca.crt");
        RSAPrivateCrtKey k = (RSAPrivateCrtKey) caKey();
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        write("plain.key", rsa.generatePrivate(new RSAPrivateKeySpec(k.getModulus(), k.getPrivateExponent())));
        assertThat(Pem.readPrivateKey(read(dir.resolve("plain.key")), "plain.key")).isNotInstanceOf(RSAPrivateCrtKey.class);
        assertThat(load("plain.key").subject()).isEqualTo("CN=test-ca");
        write("other.key", rsa.generatePrivate(new RSAPrivateKeySpec(k.getModulus(), k.getPrivateExponent().add(BigInteger.TWO))));
        assertThatThrownBy(() -> load("other.key")).hasMessage(MISMATCH);
    }

    @Test
    void generatedCasLoadAgain() throws Exception {
        for (KeyAlgorithm alg : new KeyAlgorithm[] {KeyAlgorithm.EC_P256, KeyAlgorithm.RSA_2048}) {
            CertificateAuthority ca = CertificateAuthority.generate("ca", java.time.Duration.ofDays(1), alg, clock);
            CertificateAuthority other = CertificateAuthority.generate("ca", java.time.Duration.ofDays(1), alg, clock);
            assertThat(CertificateAuthority.load(ca.certificatePem(), "ca.crt", ca.privateKeyPem(), "ca.key", clock)
                    .fingerprintSha256()).isEqualTo(ca.fingerprintSha256());
            assertThatThrownBy(() -> CertificateAuthority.load(ca.certificatePem(), "ca.crt", other.privateKeyPem(),
                    "other.key", clock)).hasMessage(MISMATCH);
        }
    }
}
