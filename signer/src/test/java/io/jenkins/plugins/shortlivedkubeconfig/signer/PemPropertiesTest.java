package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * Generated bad PEM for certificates and private keys (truncated, wrong block type, damaged or garbage base64,
 * mismatched CA key, encrypted keys, random text): each read returns a value or throws
 * {@link InvalidInputException} whose one-line message starts with the source, and no message quotes the input.
 */
class PemPropertiesTest {
    static final String SOURCE = "generated.pem";
    static final Clock CLOCK = Clock.systemUTC();

    /** PEM texts of every kind a user might hand us, made once. */
    static final List<String> MATERIALS;
    static final String CA_CERT;
    static final String CA_KEY;
    static final String OTHER_CA_KEY;

    static {
        try {
            CertificateAuthority ca = CertificateAuthority.generate("pem ca", Duration.ofDays(2), KeyAlgorithm.EC_P256, CLOCK);
            CertificateAuthority other = CertificateAuthority.generate("other", Duration.ofDays(2), KeyAlgorithm.EC_P256, CLOCK);
            CA_CERT = ca.certificatePem();
            CA_KEY = ca.privateKeyPem();
            OTHER_CA_KEY = other.privateKeyPem();
            SecureRandom random = new SecureRandom();
            KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
            ec.initialize(new ECGenParameterSpec("secp384r1"), random);
            KeyPair ec384 = ec.generateKeyPair();
            KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
            rsa.initialize(1024, random); // small: only the encoding matters here
            KeyPair rsa1024 = rsa.generateKeyPair();
            List<String> m = new ArrayList<>();
            m.add(CA_CERT);
            m.add(CA_KEY);
            m.add(CA_CERT + other.certificatePem());
            m.add(writePem(ec384)); // SEC1 "EC PRIVATE KEY"
            m.add(writePem(rsa1024)); // PKCS#1 "RSA PRIVATE KEY"
            m.add(Pem.encode(rsa1024.getPrivate()));
            m.add(writePem(ec384.getPublic()));
            m.add(writePem(new JcaPKCS8Generator(ec384.getPrivate(), new JceOpenSSLPKCS8EncryptorBuilder(
                    JcaPKCS8Generator.PBE_SHA1_3DES).setPassword("pw".toCharArray()).setIterationCount(1)
                    .build()).generate()));
            m.add(writePem(new JcaPKCS10CertificationRequestBuilder(new javax.security.auth.x500.X500Principal("CN=x"),
                    ec384.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA").build(ec384.getPrivate()))));
            m.add("-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n" + writePem(ec384));
            MATERIALS = List.copyOf(m);
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static String writePem(Object o) throws java.io.IOException {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            w.writeObject(o);
        }
        return s.toString();
    }

    // ---- the properties, shared with the regression corpus ------------------------------------------------------

    static void readsOrRefusesNamingTheSource(String pem) {
        noInputInMessage(pem, Outcome.within(() -> Pem.readCertificates(pem, SOURCE))
                .isValueOrDocumentedError(InvalidInputException.class, SOURCE, PemPropertiesTest::withoutEchoedLabel));
        noInputInMessage(pem, Outcome.within(() -> Pem.readCertificate(pem, SOURCE))
                .isValueOrDocumentedError(InvalidInputException.class, SOURCE, PemPropertiesTest::withoutEchoedLabel));
        noInputInMessage(pem, Outcome.within(() -> Pem.readPrivateKey(pem, SOURCE))
                .isValueOrDocumentedError(InvalidInputException.class, SOURCE, PemPropertiesTest::withoutEchoedLabel));
        // as a CA key: a key that does not match the certificate is refused naming the key file
        Outcome<CertificateAuthority> ca = Outcome.within(() -> CertificateAuthority.load(CA_CERT, "ca.crt", pem, "ca.key", CLOCK))
                .isValueOrDocumentedError(InvalidInputException.class, "ca.key", PemPropertiesTest::withoutEchoedLabel);
        noInputInMessage(pem, ca);
        if (ca.returned()) {
            assertThat(ca.value().certificatePem()).isEqualTo(CA_CERT);
        }
        // as a CA certificate
        Outcome<CertificateAuthority> asCa = Outcome.within(() -> CertificateAuthority.load(pem, "ca.crt", CA_KEY, "ca.key", CLOCK));
        noInputInMessage(pem, asCa.isValueOrDocumentedError(InvalidInputException.class, "ca.",
                PemPropertiesTest::withoutEchoedLabel));
    }

    /** Messages are checked whole: Pem no longer passes Bouncy Castle's quotes of the input's PEM label through. */
    static String withoutEchoedLabel(String message) {
        return message;
    }

    private static final Pattern BASE64_RUN = Pattern.compile("[A-Za-z0-9+/]{20,}");

    /** A message never repeats input that might be key material: no run of 20 base64 characters from the input. */
    static void noInputInMessage(String input, Outcome<?> outcome) {
        if (outcome.returned()) {
            return;
        }
        String message = outcome.thrown().getMessage();
        // The armour lines ("-----BEGIN X-----") are labels, not key material; the body is what must not leak.
        String body = input.replaceAll("-----[^\n]*-----", "\n");
        Matcher m = BASE64_RUN.matcher(message);
        while (m.find()) {
            for (int i = 0; i + 20 <= m.group().length(); i++) {
                assertThat(body).as("message %s quotes the input", message).doesNotContain(m.group().substring(i, i + 20));
            }
        }
    }

    @Property(tries = 10_000)
    void anyTextIsReadOrRefusedNamingTheSource(@ForAll("pems") String pem) {
        readsOrRefusesNamingTheSource(pem);
    }

    @Provide
    Arbitrary<String> pems() {
        return Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.of(MATERIALS)),
                Tuple.of(50, Combinators.combine(Arbitraries.of(MATERIALS), edit().list().ofMinSize(1).ofMaxSize(3))
                        .as(PemPropertiesTest::apply)),
                Tuple.of(10, garbageBlocks()),
                Tuple.of(5, Combinators.combine(Arbitraries.of(MATERIALS), Arbitraries.of(MATERIALS)).as(String::concat)),
                Tuple.of(5, Arbitraries.strings().all().ofMaxLength(300)),
                Tuple.of(3, Arbitraries.strings().withChars("-BEGINENDCRTIFAKYPV \n=").ofMaxLength(300)));
    }

    enum Op { TRUNCATE, FLIP_BASE64, DELETE_LINE, DUPLICATE_LINE, RELABEL_BEGIN, RELABEL_END, HEADER, CRLF,
        ONE_LINE, LEADING_TEXT, INSERT, SWAP_BODY_WITH_OTHER_KEY }

    record Edit(Op op, int position, String token) { }

    static final List<String> LABELS = List.of("CERTIFICATE", "PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY",
            "ENCRYPTED PRIVATE KEY", "PUBLIC KEY", "CERTIFICATE REQUEST", "X509 CRL", "EC PARAMETERS", "OPENSSH PRIVATE KEY",
            "PKCS7", "DSA PRIVATE KEY", "TRUSTED CERTIFICATE", "", "certificate", "CERTIFICATE ");

    static Arbitrary<Edit> edit() {
        return Combinators.combine(Arbitraries.of(Op.class), Arbitraries.integers().between(0, 1_000_000),
                Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(LABELS)),
                        Tuple.of(1, Arbitraries.strings().all().ofMaxLength(5)),
                        Tuple.of(1, Arbitraries.of("=", "==", "\u0000", "é", "-----", "\\", "\r")))).as(Edit::new);
    }

    static String apply(String pem, List<Edit> edits) {
        String text = pem;
        for (Edit e : edits) {
            text = apply(text, e);
        }
        return text;
    }

    static String apply(String text, Edit e) {
        int at = text.isEmpty() ? 0 : e.position() % (text.length() + 1);
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        int line = e.position() % lines.size();
        switch (e.op()) {
            case TRUNCATE -> {
                return text.substring(0, at);
            }
            case FLIP_BASE64 -> {
                String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
                if (text.isEmpty() || at >= text.length()) {
                    return text;
                }
                return text.substring(0, at) + alphabet.charAt(e.position() % alphabet.length()) + text.substring(at + 1);
            }
            case DELETE_LINE -> lines.remove(line);
            case DUPLICATE_LINE -> lines.add(line, lines.get(line));
            case RELABEL_BEGIN -> {
                return text.replaceFirst("-----BEGIN [^-]*-----", Matcher.quoteReplacement("-----BEGIN " + e.token() + "-----"));
            }
            case RELABEL_END -> {
                return text.replaceFirst("-----END [^-]*-----", Matcher.quoteReplacement("-----END " + e.token() + "-----"));
            }
            case HEADER -> {
                return text.replaceFirst("-----\n", Matcher.quoteReplacement(
                        "-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC," + "0".repeat(e.position() % 40) + "\n\n"));
            }
            case CRLF -> {
                return text.replace("\n", "\r\n");
            }
            case ONE_LINE -> {
                return text.replace("\n", "");
            }
            case LEADING_TEXT -> {
                return e.token() + "\n" + text;
            }
            case INSERT -> {
                return text.substring(0, at) + e.token() + text.substring(at);
            }
            case SWAP_BODY_WITH_OTHER_KEY -> {
                return OTHER_CA_KEY;
            }
        }
        return String.join("\n", lines);
    }

    /** Well-formed PEM armour around base64 that is garbage, or valid base64 of random bytes. */
    static Arbitrary<String> garbageBlocks() {
        Arbitrary<String> body = Arbitraries.oneOf(
                Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
                        .ofMaxLength(400),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300).map(b -> Base64.getMimeEncoder().encodeToString(b)),
                // DER-looking: a SEQUENCE header with a random (often wrong or huge) length
                Arbitraries.bytes().array(byte[].class).ofMaxSize(60).map(b -> {
                    byte[] der = new byte[b.length + 6];
                    der[0] = 0x30;
                    der[1] = (byte) 0x84;
                    System.arraycopy(b, 0, der, 2, Math.min(4, b.length));
                    System.arraycopy(b, 0, der, 6, b.length);
                    return Base64.getEncoder().encodeToString(der);
                }));
        return Combinators.combine(Arbitraries.of(LABELS), body)
                .as((label, b) -> "-----BEGIN " + label + "-----\n" + b + "\n-----END " + label + "-----\n");
    }

    @Example
    void aMismatchedCaKeyIsRefusedNamingTheKeyFile() {
        Outcome<CertificateAuthority> o = Outcome.within(() ->
                CertificateAuthority.load(CA_CERT, "ca.crt", OTHER_CA_KEY, "ca.key", CLOCK));
        o.isValueOrDocumentedError(InvalidInputException.class, "ca.key");
        assertThat(o.thrown()).hasMessage("ca.key: the private key does not match the CA certificate ca.crt");
    }

    @Example
    void everyMaterialIsReadOrRefused() {
        MATERIALS.forEach(PemPropertiesTest::readsOrRefusesNamingTheSource);
    }
}
