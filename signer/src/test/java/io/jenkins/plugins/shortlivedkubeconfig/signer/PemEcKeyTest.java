package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static io.jenkins.plugins.shortlivedkubeconfig.signer.TestPki.openssl;
import static io.jenkins.plugins.shortlivedkubeconfig.signer.TestPki.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Pem#readPrivateKey} converts EC keys itself (with the {@code EC} key factory at once) and everything else
 * with {@link JcaPEMKeyConverter}: for EC keys it returns what the converter returns, of the same class, and
 * refuses what the converter refuses.
 */
class PemEcKeyTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"prime256v1", "secp384r1", "secp521r1"})
    void ecKeysAreWhatTheConverterMakes(String curve) throws Exception {
        openssl(dir, "ecparam", "-name", curve, "-genkey", "-noout", "-out", "sec1.key");
        openssl(dir, "ecparam", "-name", curve, "-genkey", "-out", "sec1-with-params.key");
        openssl(dir, "pkcs8", "-topk8", "-nocrypt", "-in", "sec1.key", "-out", "pkcs8.key");
        for (String file : new String[] {"sec1.key", "sec1-with-params.key", "pkcs8.key"}) {
            String pem = read(dir.resolve(file));
            PrivateKey ours = Pem.readPrivateKey(pem, file);
            PrivateKey converters = converted(pem);
            assertThat(ours.getClass()).as(file).isEqualTo(converters.getClass());
            assertThat(ours.getEncoded()).as(file).isEqualTo(converters.getEncoded());
        }
    }

    @Test
    void aSec1KeyWithoutOrWithADamagedPublicPointEndsAsWithTheConverter() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        StringWriter noPoint = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(noPoint)) {
            writer.writeObject(generator.generateKeyPair()); // SEC1 without the optional public point
        }
        // The converter refuses it (it converts the missing public half too); so do we.
        assertThatThrownBy(() -> converted(noPoint.toString())).hasMessageStartingWith("unable to convert key pair: ");
        assertThatThrownBy(() -> Pem.readPrivateKey(noPoint.toString(), "key.pem"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("key.pem: not a readable PEM private key (");

        openssl(dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "sec1.key");
        byte[] der = Base64.getDecoder().decode(read(dir.resolve("sec1.key")).replaceAll("-----[A-Z ]+-----|\\s", ""));
        der[der.length - 1] ^= 0x01; // the last byte of the public point: no longer on the curve
        String damaged = Pem.block("EC PRIVATE KEY", der);
        // The JDK's key factory does not check the point, so the converter accepts it; so do we, and the CA check
        // (CertificateAuthority) compares the private key with the certificate's public key, never this point.
        assertThat(Pem.readPrivateKey(damaged, "key.pem").getEncoded()).isEqualTo(converted(damaged).getEncoded());
    }

    private static PrivateKey converted(String pem) throws Exception {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object o = parser.readObject();
            while (!(o instanceof PEMKeyPair) && !(o instanceof PrivateKeyInfo)) {
                o = parser.readObject(); // EC PARAMETERS first
            }
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            return o instanceof PEMKeyPair pair ? converter.getKeyPair(pair).getPrivate()
                    : converter.getPrivateKey((PrivateKeyInfo) o);
        }
    }
}
