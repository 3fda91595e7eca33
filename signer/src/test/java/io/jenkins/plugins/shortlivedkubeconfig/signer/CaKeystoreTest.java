package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static io.jenkins.plugins.shortlivedkubeconfig.signer.TestPki.openssl;
import static io.jenkins.plugins.shortlivedkubeconfig.signer.TestPki.opensslCa;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PKCS#12 keystores written by the real openssl and keytool, in their modern and legacy encryptions. */
class CaKeystoreTest {
    /** Long enough for keytool (at least 6 characters) and distinctive enough to search for in messages. */
    static final String PASSWORD = "s3cret-Keystore-pw";

    @TempDir
    Path dir;

    private final Clock clock = Clock.systemUTC();

    /** Runs the JDK's keytool in {@code dir}; fails the test with its output when it fails. */
    static String keytool(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("keytool %s: %s", String.join(" ", args), out).isZero();
        return out;
    }

    /** A self-signed CA key pair made by keytool in {@code file} under {@code alias}. */
    static void keytoolCa(Path dir, String file, String alias, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of(extra));
        args.addAll(List.of("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=" + alias, "-ext", "bc:c", "-ext", "ku:c=keyCertSign,cRLSign", "-validity", "30",
                "-storetype", "PKCS12", "-keystore", file, "-storepass", PASSWORD));
        keytool(dir, args.toArray(String[]::new));
    }

    private void opensslEcCa(String key, String cert) throws Exception {
        openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key);
        opensslCa(dir, key, cert);
    }

    private CertificateAuthority load(String file) throws Exception {
        return CaKeystore.load(Files.readAllBytes(dir.resolve(file)), PASSWORD.toCharArray(), file, clock);
    }

    /** What the test expects of every message: the keystore named, no password and no key material. */
    private static void assertSafe(Throwable e, String file) {
        assertThat(e).isInstanceOf(InvalidInputException.class);
        assertThat(e.getMessage()).startsWith(file + ": ").doesNotContain(PASSWORD, "PRIVATE KEY", "BEGIN");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"openssl-modern", "openssl-legacy", "openssl-3des-sha1", "openssl-rsa-with-chain",
        "keytool-modern", "keytool-legacy"})
    void loadsTheCaFromKeystoresOfEveryCommonMaker(String maker) throws Exception {
        String expectedSubject = "CN=test-ca";
        switch (maker) {
            case "openssl-modern" -> {
                opensslEcCa("ca.key", "ca.crt");
                openssl(dir, "pkcs12", "-export", "-inkey", "ca.key", "-in", "ca.crt", "-name", "ca",
                        "-passout", "pass:" + PASSWORD, "-out", "ca.p12");
            }
            case "openssl-legacy" -> {
                opensslEcCa("ca.key", "ca.crt");
                openssl(dir, "pkcs12", "-export", "-legacy", "-inkey", "ca.key", "-in", "ca.crt",
                        "-passout", "pass:" + PASSWORD, "-out", "ca.p12");
                assertThat(openssl(dir, "pkcs12", "-info", "-noout", "-legacy", "-in", "ca.p12",
                        "-passin", "pass:" + PASSWORD)).contains("pbeWithSHA1And40BitRC2-CBC");
            }
            case "openssl-3des-sha1" -> {
                opensslEcCa("ca.key", "ca.crt");
                openssl(dir, "pkcs12", "-export", "-keypbe", "PBE-SHA1-3DES", "-certpbe", "PBE-SHA1-3DES",
                        "-macalg", "sha1", "-inkey", "ca.key", "-in", "ca.crt", "-passout", "pass:" + PASSWORD,
                        "-out", "ca.p12");
            }
            case "openssl-rsa-with-chain" -> {
                // An intermediate CA with its root beside it: the root is a certificate-only entry.
                openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "root.key");
                opensslCa(dir, "root.key", "root.crt");
                openssl(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "ca.key");
                openssl(dir, "req", "-new", "-key", "ca.key", "-subj", "/CN=intermediate", "-out", "ca.csr");
                Files.writeString(dir.resolve("ext.cnf"), "basicConstraints=critical,CA:TRUE\n"
                        + "keyUsage=critical,keyCertSign,cRLSign\n");
                openssl(dir, "x509", "-req", "-in", "ca.csr", "-CA", "root.crt", "-CAkey", "root.key",
                        "-CAcreateserial", "-days", "30", "-extfile", "ext.cnf", "-out", "ca.crt");
                openssl(dir, "pkcs12", "-export", "-inkey", "ca.key", "-in", "ca.crt", "-certfile", "root.crt",
                        "-passout", "pass:" + PASSWORD, "-out", "ca.p12");
                expectedSubject = "CN=intermediate";
            }
            case "keytool-modern" -> {
                keytoolCa(dir, "ca.p12", "test-ca");
                keytool(dir, "-exportcert", "-rfc", "-alias", "test-ca", "-keystore", "ca.p12",
                        "-storepass", PASSWORD, "-file", "ca.crt");
            }
            default -> {
                keytoolCa(dir, "ca.p12", "test-ca", "-J-Dkeystore.pkcs12.legacy");
                keytool(dir, "-exportcert", "-rfc", "-alias", "test-ca", "-keystore", "ca.p12",
                        "-storepass", PASSWORD, "-file", "ca.crt");
                assertThat(openssl(dir, "pkcs12", "-info", "-noout", "-legacy", "-in", "ca.p12",
                        "-passin", "pass:" + PASSWORD)).contains("pbeWithSHA1And3-KeyTripleDES-CBC");
            }
        }
        CertificateAuthority ca = load("ca.p12");
        assertThat(ca.subject()).isEqualTo(expectedSubject);
        assertThat(openssl(dir, "x509", "-in", "ca.crt", "-noout", "-fingerprint", "-sha256"))
                .contains("=" + ca.fingerprintSha256());
        assertThat(ca.toString()).doesNotContain(PASSWORD);
        // It signs: a client certificate that openssl verifies against the CA certificate.
        IssuedKubeconfig issued = new Issuer(ca, new PolicyParser().parse(PolicyParserTest.SEED, "policy"), clock,
                AuditSink.NONE).issue(IssueRequest.of("jenkins", java.time.Duration.ofMinutes(10),
                ClusterEndpoint.of("prod", "https://127.0.0.1:6443", null, null, null)));
        Files.writeString(dir.resolve("client.crt"), Pem.encode(issued.certificate()));
        Files.writeString(dir.resolve("chain.crt"), Files.readString(dir.resolve("ca.crt"))
                + (Files.exists(dir.resolve("root.crt")) ? Files.readString(dir.resolve("root.crt")) : ""));
        assertThat(openssl(dir, "verify", "-partial_chain", "-CAfile", "chain.crt", "client.crt"))
                .contains("client.crt: OK");
    }

    @Test
    void refusesAWrongPasswordWithoutShowingEither() throws Exception {
        opensslEcCa("ca.key", "ca.crt");
        openssl(dir, "pkcs12", "-export", "-inkey", "ca.key", "-in", "ca.crt", "-passout", "pass:" + PASSWORD,
                "-out", "ca.p12");
        String wrong = "Wrong-Password-42";
        assertThatThrownBy(() -> CaKeystore.load(Files.readAllBytes(dir.resolve("ca.p12")), wrong.toCharArray(),
                "ca.p12", clock))
                .satisfies(e -> assertSafe(e, "ca.p12"))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrong))
                .hasMessage("ca.p12: the password does not open this PKCS#12 keystore (or the keystore is damaged)");
    }

    @Test
    void refusesAKeystoreWithoutAKeyNamingWhatItHolds() throws Exception {
        opensslEcCa("ca.key", "ca.crt");
        keytool(dir, "-importcert", "-noprompt", "-alias", "root", "-file", "ca.crt", "-storetype", "PKCS12",
                "-keystore", "certs.p12", "-storepass", PASSWORD);
        assertThatThrownBy(() -> load("certs.p12"))
                .satisfies(e -> assertSafe(e, "certs.p12"))
                .hasMessage("certs.p12: the keystore holds no private key entry (only \"root\"); it must hold the "
                        + "CA's private key with its certificate, e.g. made by `openssl pkcs12 -export -inkey ca.key "
                        + "-in ca.crt`");
        // openssl -nokeys: the certificate is not even a trusted entry for Java, so the keystore looks empty.
        openssl(dir, "pkcs12", "-export", "-nokeys", "-in", "ca.crt", "-passout", "pass:" + PASSWORD,
                "-out", "nokeys.p12");
        assertThatThrownBy(() -> load("nokeys.p12"))
                .satisfies(e -> assertSafe(e, "nokeys.p12"))
                .hasMessageStartingWith("nokeys.p12: the keystore holds no private key entry; it must hold ");
    }

    @Test
    void refusesSeveralKeyEntriesNamingTheirAliases() throws Exception {
        keytoolCa(dir, "two.p12", "prod-ca");
        keytoolCa(dir, "two.p12", "old-ca");
        assertThatThrownBy(() -> load("two.p12"))
                .satisfies(e -> assertSafe(e, "two.p12"))
                .hasMessage("two.p12: the keystore holds 2 private key entries (\"old-ca\", \"prod-ca\"); it must "
                        + "hold only the CA's: remove the others, e.g. with `keytool -delete -alias NAME`");
    }

    @Test
    void refusesAKeyWhoseCertificateIsNotACa() throws Exception {
        openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "leaf.key");
        openssl(dir, "req", "-x509", "-new", "-key", "leaf.key", "-out", "leaf.crt", "-days", "1",
                "-subj", "/CN=leaf", "-addext", "basicConstraints=critical,CA:FALSE");
        openssl(dir, "pkcs12", "-export", "-inkey", "leaf.key", "-in", "leaf.crt", "-name", "server",
                "-passout", "pass:" + PASSWORD, "-out", "leaf.p12");
        assertThatThrownBy(() -> load("leaf.p12"))
                .satisfies(e -> assertSafe(e, "leaf.p12"))
                .hasMessage("leaf.p12: entry \"server\" (certificate): not a CA certificate (basicConstraints "
                        + "CA:true is missing); use the CA that signs client certificates, or create one with "
                        + "`ca init`");
        // keytool's default self-signed certificate has no basicConstraints either
        keytool(dir, "-genkeypair", "-alias", "tls", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=tls",
                "-validity", "30", "-storetype", "PKCS12", "-keystore", "tls.p12", "-storepass", PASSWORD);
        assertThatThrownBy(() -> load("tls.p12"))
                .satisfies(e -> assertSafe(e, "tls.p12"))
                .hasMessageStartingWith("tls.p12: entry \"tls\" (certificate): not a CA certificate");
    }

    @Test
    void refusesAKeyThatDoesNotMatchItsCertificate() throws Exception {
        // openssl and keytool both refuse to write such a keystore; the JDK's KeyStore API does not.
        opensslEcCa("ca.key", "ca.crt");
        openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "other.key");
        PrivateKey other = Pem.readPrivateKey(Files.readString(dir.resolve("other.key")), "other.key");
        Certificate cert = Pem.readCertificate(Files.readString(dir.resolve("ca.crt")), "ca.crt");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("ca", other, PASSWORD.toCharArray(), new Certificate[] {cert});
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        store.store(bytes, PASSWORD.toCharArray());
        Files.write(dir.resolve("mismatch.p12"), bytes.toByteArray());
        // openssl reads it back as a key and a certificate
        assertThat(openssl(dir, "pkcs12", "-in", "mismatch.p12", "-nodes", "-passin", "pass:" + PASSWORD,
                "-out", "dump.pem")).doesNotContain("error");
        assertThatThrownBy(() -> load("mismatch.p12"))
                .satisfies(e -> assertSafe(e, "mismatch.p12"))
                .hasMessage("mismatch.p12: entry \"ca\" (private key): the private key does not match the CA "
                        + "certificate mismatch.p12: entry \"ca\" (certificate)");
    }

    @Test
    void refusesFilesThatAreNoKeystore() throws Exception {
        opensslEcCa("ca.key", "ca.crt");
        assertThatThrownBy(() -> load("ca.crt"))
                .satisfies(e -> assertSafe(e, "ca.crt"))
                .hasMessageStartingWith("ca.crt: not a readable PKCS#12 keystore (")
                .hasMessageEndingWith("); expected the binary file that `openssl pkcs12 -export` or `keytool "
                        + "-storetype PKCS12` writes");
        assertThatThrownBy(() -> load("ca.key"))
                .satisfies(e -> assertSafe(e, "ca.key"))
                .hasMessageStartingWith("ca.key: not a readable PKCS#12 keystore (");
        assertThatThrownBy(() -> CaKeystore.load(new byte[0], PASSWORD.toCharArray(), "empty.p12", clock))
                .satisfies(e -> assertSafe(e, "empty.p12"));
    }

    @Test
    void refusesATruncatedKeystore() throws Exception {
        opensslEcCa("ca.key", "ca.crt");
        openssl(dir, "pkcs12", "-export", "-inkey", "ca.key", "-in", "ca.crt", "-passout", "pass:" + PASSWORD,
                "-out", "ca.p12");
        byte[] whole = Files.readAllBytes(dir.resolve("ca.p12"));
        byte[] half = java.util.Arrays.copyOf(whole, whole.length / 2);
        assertThatThrownBy(() -> CaKeystore.load(half, PASSWORD.toCharArray(), "half.p12", clock))
                .satisfies(e -> assertSafe(e, "half.p12"));
    }

    @Test
    void refusesAKeystoreThatWasNeverLoaded() throws Exception {
        // what Jenkins' certificate credential returns when its password does not open the uploaded keystore
        KeyStore unloaded = KeyStore.getInstance("PKCS12");
        assertThatThrownBy(() -> CaKeystore.load(unloaded, PASSWORD.toCharArray(), "credential \"ca\"", clock))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("credential \"ca\": the keystore is not loaded: its password does not open it, or it is "
                        + "damaged");
    }
}
