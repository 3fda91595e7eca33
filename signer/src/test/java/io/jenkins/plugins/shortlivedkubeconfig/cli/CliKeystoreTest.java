package io.jenkins.plugins.shortlivedkubeconfig.cli;

import static io.jenkins.plugins.shortlivedkubeconfig.signer.TestPki.openssl;
import static io.jenkins.plugins.shortlivedkubeconfig.signer.TestPki.opensslCa;
import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.shortlivedkubeconfig.signer.KubeconfigSummary;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sign --ca-keystore ... --ca-keystore-password-file ...}: the CA from a PKCS#12 keystore made by openssl. */
class CliKeystoreTest {
    static final String PASSWORD = "Keystore-Pa55word";

    @TempDir
    Path dir;

    record Result(int code, String out, String err) { }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SignerCli.run(Clock.systemUTC(), new PrintWriter(out), new PrintWriter(err), args);
        Result r = new Result(code, out.toString(), err.toString());
        assertThat(r.out() + r.err()).doesNotContain("PRIVATE KEY", "client-key-data", PASSWORD);
        return r;
    }

    /** {@code sign} with the policy and server, and whichever CA flags the test gives. */
    String[] sign(String... caFlags) {
        List<String> args = new ArrayList<>(List.of("sign", "--user=jenkins", "--out", dir.resolve("kubeconfig")
                .toString(), "--policy", dir.resolve("robots.yaml").toString(), "--server", "https://127.0.0.1:6443"));
        args.addAll(List.of(caFlags));
        return args.toArray(String[]::new);
    }

    String[] keystore(String passwordFile) {
        return sign("--ca-keystore", dir.resolve("ca.p12").toString(), "--ca-keystore-password-file",
                dir.resolve(passwordFile).toString());
    }

    @BeforeEach
    void keystoreAndPolicy() throws Exception {
        Files.writeString(dir.resolve("robots.yaml"), CliTest.SEED);
        openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ca.key");
        opensslCa(dir, "ca.key", "ca.crt");
        openssl(dir, "pkcs12", "-export", "-inkey", "ca.key", "-in", "ca.crt", "-name", "ca",
                "-passout", "pass:" + PASSWORD, "-out", "ca.p12");
        // as `echo "$PASSWORD" > pw.txt` writes it
        Files.writeString(dir.resolve("pw.txt"), PASSWORD + "\n");
    }

    @Test
    void signsWithTheKeystoresCaAndTheResultVerifiesAgainstItsCertificate() throws Exception {
        Result r = run(keystore("pw.txt"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("Wrote kubeconfig to " + dir.resolve("kubeconfig") + ": robot user jenkins");
        Path kubeconfig = dir.resolve("kubeconfig");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kubeconfig))).isEqualTo("rw-------");
        String yaml = Files.readString(kubeconfig);
        String certData = yaml.lines().filter(l -> l.strip().startsWith("client-certificate-data:")).findFirst()
                .orElseThrow().replaceFirst("^\\s*client-certificate-data:\\s*", "").replace("\"", "");
        Files.write(dir.resolve("client.crt"), Base64.getDecoder().decode(certData));
        assertThat(openssl(dir, "verify", "-CAfile", "ca.crt", "client.crt")).contains("client.crt: OK");
        assertThat(KubeconfigSummary.read(Files.readAllBytes(kubeconfig), "kubeconfig").commonName())
                .isEqualTo("jenkins");
    }

    @Test
    void acceptsAPasswordFileWithoutOrWithACrLfLineEnd() throws Exception {
        Files.writeString(dir.resolve("bare.txt"), PASSWORD);
        assertThat(run(keystore("bare.txt")).code()).isZero();
        Files.writeString(dir.resolve("crlf.txt"), PASSWORD + "\r\n");
        assertThat(run(keystore("crlf.txt")).code()).isZero();
        // Only one line end is taken off: a password may end in a space or a second line end on purpose.
        Files.writeString(dir.resolve("two.txt"), PASSWORD + "\n\n");
        Result two = run(keystore("two.txt"));
        assertThat(two.code()).isEqualTo(2);
        assertThat(two.err()).isEqualTo("kubeconfig-signer: --ca-keystore " + dir.resolve("ca.p12")
                + ": the password does not open this PKCS#12 keystore (or the keystore is damaged)\n");
    }

    @Test
    void aWrongPasswordLeavesTheOutputUntouchedAndIsNeverShown() throws Exception {
        Path out = Files.writeString(dir.resolve("kubeconfig"), "previous");
        Files.writeString(dir.resolve("wrong.txt"), "Not-The-Password\n");
        Result r = run(keystore("wrong.txt"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("kubeconfig-signer: --ca-keystore " + dir.resolve("ca.p12")
                + ": the password does not open this PKCS#12 keystore (or the keystore is damaged)\n")
                .doesNotContain("Not-The-Password");
        assertThat(Files.readString(out)).isEqualTo("previous");
    }

    @Test
    void badKeystoreFilesAreNamedByFlag() throws Exception {
        Result missing = run(sign("--ca-keystore", dir.resolve("nope.p12").toString(),
                "--ca-keystore-password-file", dir.resolve("pw.txt").toString()));
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("kubeconfig-signer: --ca-keystore " + dir.resolve("nope.p12")
                + ": no such file\n");
        Result noPassword = run(sign("--ca-keystore", dir.resolve("ca.p12").toString(),
                "--ca-keystore-password-file", dir.resolve("nope.txt").toString()));
        assertThat(noPassword.err()).isEqualTo("kubeconfig-signer: --ca-keystore-password-file "
                + dir.resolve("nope.txt") + ": no such file\n");
        Result pem = run(sign("--ca-keystore", dir.resolve("ca.crt").toString(),
                "--ca-keystore-password-file", dir.resolve("pw.txt").toString()));
        assertThat(pem.err()).startsWith("kubeconfig-signer: --ca-keystore " + dir.resolve("ca.crt")
                + ": not a readable PKCS#12 keystore (");
        Files.write(dir.resolve("latin1.txt"), "pass\u00e9".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(run(keystore("latin1.txt")).err()).isEqualTo("kubeconfig-signer: --ca-keystore-password-file "
                + dir.resolve("latin1.txt") + ": not UTF-8 text\n");
    }

    @Test
    void theTwoWaysToGiveTheCaAreMutuallyExclusiveAndEachIsComplete() {
        Result both = run(sign("--ca-cert", dir.resolve("ca.crt").toString(), "--ca-key",
                dir.resolve("ca.key").toString(), "--ca-keystore", dir.resolve("ca.p12").toString(),
                "--ca-keystore-password-file", dir.resolve("pw.txt").toString()));
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).isEqualTo("kubeconfig-signer: Error: [--ca-cert=FILE --ca-key=FILE] and "
                + "[--ca-keystore=FILE --ca-keystore-password-file=FILE] are mutually exclusive (specify only one)\n"
                + "Run 'kubeconfig-signer sign --help' for usage.\n");
        Result mixed = run(sign("--ca-cert", dir.resolve("ca.crt").toString(), "--ca-keystore-password-file",
                dir.resolve("pw.txt").toString()));
        assertThat(mixed.code()).isEqualTo(2);
        assertThat(mixed.err()).startsWith("kubeconfig-signer: Error: Missing required argument(s): --ca-key=FILE\n");
        Result noPasswordFile = run(sign("--ca-keystore", dir.resolve("ca.p12").toString()));
        assertThat(noPasswordFile.code()).isEqualTo(2);
        assertThat(noPasswordFile.err()).contains("Missing required argument", "--ca-keystore-password-file");
        Result noKey = run(sign("--ca-cert", dir.resolve("ca.crt").toString()));
        assertThat(noKey.code()).isEqualTo(2);
        assertThat(noKey.err()).contains("Missing required argument", "--ca-key");
        Result none = run(sign());
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).startsWith("kubeconfig-signer: Error: Missing required argument (specify one of these): "
                + "([--ca-cert=FILE --ca-key=FILE] | [--ca-keystore=FILE --ca-keystore-password-file=FILE])\n");
        assertThat(run("sign", "--help").out()).contains("--ca-keystore=FILE", "--ca-keystore-password-file=FILE",
                "The signing CA (PEM files or a PKCS#12 keystore):");
    }

    @Test
    void thePemFilesStillWork() {
        Result r = run(sign("--ca-cert", dir.resolve("ca.crt").toString(), "--ca-key",
                dir.resolve("ca.key").toString()));
        assertThat(r.code()).as(r.err()).isZero();
    }
}
