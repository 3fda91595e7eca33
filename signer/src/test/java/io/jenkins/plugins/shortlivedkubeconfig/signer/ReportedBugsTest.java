package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.jenkins.plugins.shortlivedkubeconfig.cli.SignerCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Bugs the generated-input and hygiene tests found in files this suite may not change (Pem, SignerCli). Each test
 * fails today and is disabled with the reason; enable it with the fix. The properties that found them tolerate
 * exactly these cases and nothing more (see {@link PemPropertiesTest#withoutEchoedLabel} and CliArgumentPropertiesTest).
 */
class ReportedBugsTest {
    private static String resource(String name) throws java.io.IOException {
        try (java.io.InputStream in = ReportedBugsTest.class.getResourceAsStream(
                "/io/jenkins/plugins/shortlivedkubeconfig/corpus/pem/" + name)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SignerCli.run(Clock.systemUTC(), new PrintWriter(out), new PrintWriter(err), args);
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    @Test
    void pemErrorsNeverEchoTheInputsArmour() throws Exception {
        String key = CertificateAuthority.generate("ca", Duration.ofDays(1), KeyAlgorithm.EC_P256, Clock.systemUTC())
                .privateKeyPem();
        try {
            Pem.readPrivateKey(key.substring(0, 100), "ca.key");
            throw new AssertionError("a truncated key was read");
        } catch (InvalidInputException e) {
            assertThat(e.getMessage()).startsWith("ca.key: ").doesNotContain("PRIVATE KEY");
        }
        try {
            Pem.readCertificates("-----BEGIN CERT\u001b[2JIFICATE-----\nAAAA\n-----END CERT\u001b[2JIFICATE-----\n", "ca.crt");
            throw new AssertionError("a damaged certificate was read");
        } catch (InvalidInputException e) {
            assertThat(e.getMessage()).startsWith("ca.crt: ").doesNotContainPattern("\\p{Cntrl}");
        }
        try {
            Pem.readCertificates("-----BEGIN CERT\u001b[2JIFICATE-----\nAAAA\n", "ca.crt");
            throw new AssertionError("a damaged certificate was read");
        } catch (InvalidInputException e) {
            assertThat(e.getMessage()).startsWith("ca.crt: ").doesNotContainPattern("\\p{Cntrl}");
        }
    }

    @Test
    void aCaCertificateWithADamagedKeyIdentifierIsRefused() throws Exception {
        String pem = resource("damaged-subject-key-identifier.pem");
        String key = resource("damaged-subject-key-identifier.key.pem"); // a test-only key, trusted nowhere
        Pem.readCertificate(pem, "ca.crt"); // the JDK reads it
        try {
            CertificateAuthority.load(pem, "ca.crt", key, "ca.key", Clock.systemUTC());
            throw new AssertionError("a damaged CA certificate was loaded");
        } catch (InvalidInputException e) {
            assertThat(e.getMessage()).startsWith("ca.");
        }
    }

    @Test
    void aCaNameWithALineBreakIsRefusedOnOneLine() {
        try {
            CertificateAuthority.generate("a\nb", Duration.ofDays(1), KeyAlgorithm.EC_P256, Clock.systemUTC());
            throw new AssertionError("a name with a line break was accepted");
        } catch (InvalidInputException e) {
            assertThat(e.getMessage()).startsWith("CA name: ").doesNotContainPattern("\\p{Cntrl}");
        }
    }

    @Test
    void usageErrorsAreOneLineWhateverWasTyped() {
        String[] r = run("inspect", "kubeconfig", "extra\nkubeconfig-signer: forged line");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2].lines().filter(l -> !l.startsWith("Run '")).toList()).hasSize(1);
    }

    @Test
    void noArgumentsReportsOnTheGivenWriter() {
        for (List<String> args : List.of(List.<String>of(), List.of("--verbose"))) {
            String[] r = run(args.toArray(String[]::new));
            assertThat(r[0]).isEqualTo("2");
            assertThat(r[2]).startsWith("kubeconfig-signer: a command is required");
        }
    }

    @Test
    void anAtFileArgumentCannotHangTheCli() {
        String[] r = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> run("@/dev/zero"));
        assertThat(r[0]).isEqualTo("2");
    }
}
