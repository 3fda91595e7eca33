package io.jenkins.plugins.shortlivedkubeconfig.cli;

import static io.jenkins.plugins.shortlivedkubeconfig.signer.TestPki.openssl;
import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.shortlivedkubeconfig.signer.ClientCsr;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KubeconfigSummary;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Pem;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tbot-style flow: {@code csr} on the host that keeps the key, {@code sign --csr} where the CA is. */
class CsrCliTest {
    @TempDir
    Path dir;

    CliTest.Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SignerCli.run(Clock.systemUTC(), new PrintWriter(out), new PrintWriter(err), args);
        CliTest.Result r = new CliTest.Result(code, out.toString(), err.toString());
        assertThat(r.all()).doesNotContain("PRIVATE KEY", "client-key-data");
        return r;
    }

    String[] sign(String... extra) {
        List<String> args = new ArrayList<>(List.of("sign", "--user=jenkins", "--policy",
                dir.resolve("robots.yaml").toString(), "--ca-cert", dir.resolve("ca.crt").toString(), "--ca-key",
                dir.resolve("ca.key").toString(), "--csr", dir.resolve("request.csr").toString()));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    @BeforeEach
    void caAndPolicy() throws Exception {
        Files.writeString(dir.resolve("robots.yaml"), CliTest.SEED);
        CliTest.Result r = run("ca", "init", "--cert", dir.resolve("ca.crt").toString(), "--key",
                dir.resolve("ca.key").toString());
        assertThat(r.code()).as(r.err()).isZero();
    }

    private CliTest.Result csr(String... extra) {
        List<String> args = new ArrayList<>(List.of("csr", "--key-out", dir.resolve("key.pem").toString(), "--out",
                dir.resolve("request.csr").toString()));
        args.addAll(List.of(extra));
        return run(args.toArray(String[]::new));
    }

    @Test
    void csrWritesAPrivateEcKeyAndAVerifiableRequest() throws Exception {
        CliTest.Result r = csr();
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("Wrote EC P-256 key to " + dir.resolve("key.pem") + " (mode 0600; keep it there) "
                + "and its certificate signing request to " + dir.resolve("request.csr") + "\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("key.pem"))))
                .isEqualTo("rw-------");
        ClientCsr request = ClientCsr.read(Files.readAllBytes(dir.resolve("request.csr")), "request.csr");
        assertThat(request.keyType()).isEqualTo("EC P-256");
        assertThat(openssl(dir, "req", "-in", "request.csr", "-verify", "-noout")).contains("verify OK");
        assertThat(openssl(dir, "pkey", "-in", "key.pem", "-pubout"))
                .isEqualTo(openssl(dir, "req", "-in", "request.csr", "-pubkey", "-noout"));

        CliTest.Result rsa = run("csr", "--key-out", dir.resolve("rsa.pem").toString(), "--out",
                dir.resolve("rsa.csr").toString(), "--key-type", "rsa-2048");
        assertThat(rsa.code()).as(rsa.err()).isZero();
        assertThat(ClientCsr.read(Files.readAllBytes(dir.resolve("rsa.csr")), "rsa.csr").keyType()).isEqualTo("RSA-2048");
    }

    @Test
    void csrNeverOverwritesWithoutForce() throws Exception {
        Files.writeString(dir.resolve("key.pem"), "my old key");
        CliTest.Result r = csr();
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("kubeconfig-signer: --key-out " + dir.resolve("key.pem")
                + ": already exists; pass --force to overwrite it\n");
        assertThat(dir.resolve("key.pem")).hasContent("my old key");
        assertThat(dir.resolve("request.csr")).doesNotExist();
        assertThat(csr("--force").code()).isZero();
        assertThat(run("csr", "--key-out", dir.resolve("same").toString(), "--out", dir.resolve("same").toString())
                .err()).isEqualTo("kubeconfig-signer: --key-out and --out must be different files\n");
        assertThat(run("csr", "--key-out", dir.resolve("nope/key.pem").toString(), "--out",
                dir.resolve("r2.csr").toString()).err()).isEqualTo("kubeconfig-signer: --key-out "
                + dir.resolve("nope/key.pem") + ": the directory " + dir.resolve("nope") + " does not exist\n");
    }

    @Test
    void signFormatCertWritesTheCertificateOnlyWithThePolicysSubject() throws Exception {
        // What a host would ask for if it could: admin in system:masters, a server name, a CA.
        openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "key.pem");
        openssl(dir, "req", "-new", "-key", "key.pem", "-subj", "/O=system:masters/CN=admin", "-addext",
                "subjectAltName=DNS:kubernetes", "-addext", "basicConstraints=critical,CA:TRUE", "-out", "request.csr");
        CliTest.Result r = run(sign("--format=cert", "--out", dir.resolve("client.crt").toString(), "--ttl=2h"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("Wrote certificate to " + dir.resolve("client.crt") + ": robot user jenkins as "
                + "Kubernetes user jenkins, groups system:masters, serial ");
        String pem = Files.readString(dir.resolve("client.crt"));
        assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----").doesNotContain("PRIVATE");
        X509Certificate cert = Pem.readCertificate(pem, "client.crt");
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=jenkins,O=system:masters");
        assertThat(cert.getSubjectAlternativeNames()).isNull();
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(openssl(dir, "verify", "-CAfile", "ca.crt", "client.crt")).contains("client.crt: OK");
        assertThat(openssl(dir, "x509", "-in", "client.crt", "-noout", "-pubkey"))
                .isEqualTo(openssl(dir, "pkey", "-in", "key.pem", "-pubout"));
    }

    @Test
    void signFormatKubernetesEmbedsTheLocalKey() throws Exception {
        assertThat(csr().code()).isZero();
        Path kubeconfig = dir.resolve("kubeconfig");
        CliTest.Result r = run(sign("--format=kubernetes", "--key", dir.resolve("key.pem").toString(), "--out",
                kubeconfig.toString(), "--server", "https://127.0.0.1:6443", "--ttl=1h"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kubeconfig))).isEqualTo("rw-------");
        KubeconfigSummary summary = KubeconfigSummary.read(Files.readAllBytes(kubeconfig), "kubeconfig");
        assertThat(summary.toString()).contains("jenkins");
        String keyBody = Files.readString(dir.resolve("key.pem")).lines().skip(1).findFirst().orElseThrow();
        String keyData = Files.readString(kubeconfig).lines().filter(l -> l.contains("client-key-data: ")).findFirst()
                .orElseThrow().replaceAll(".*: ", "");
        assertThat(new String(java.util.Base64.getDecoder().decode(keyData), java.nio.charset.StandardCharsets.US_ASCII))
                .contains(keyBody);
    }

    @Test
    void misuseIsNamedByFlagAndFileAndWritesNothing() throws Exception {
        assertThat(csr().code()).isZero();
        Path out = Files.writeString(dir.resolve("out"), "previous");
        assertThat(run(sign("--format=kubernetes", "--out", out.toString(), "--server", "https://h:1")).err())
                .isEqualTo("kubeconfig-signer: --csr with --format=kubernetes needs --key, the request's private "
                        + "key, to put into the kubeconfig (or use --format=cert)\n");
        assertThat(run(sign("--format=cert", "--key", dir.resolve("key.pem").toString(), "--out", out.toString()))
                .err()).isEqualTo("kubeconfig-signer: --key " + dir.resolve("key.pem") + ": not with --format=cert, "
                + "which writes the certificate only; the key stays in its file\n");
        CliTest.Result noCsr = run("sign", "--user=jenkins", "--format=cert", "--out", out.toString(), "--policy",
                "p", "--ca-cert", "c", "--ca-key", "k");
        assertThat(noCsr.err()).isEqualTo("kubeconfig-signer: --format=cert needs --csr: the certificate is for a key "
                + "you hold\n");
        CliTest.Result noServer = run(sign("--format=kubernetes", "--key", dir.resolve("key.pem").toString(), "--out",
                out.toString()));
        assertThat(noServer.code()).isEqualTo(2);
        assertThat(noServer.err()).contains("Missing required option: '--server=URL'");

        // Another key than the request's.
        assertThat(run("csr", "--key-out", dir.resolve("other.pem").toString(), "--out",
                dir.resolve("other.csr").toString()).code()).isZero();
        CliTest.Result wrongKey = run(sign("--format=kubernetes", "--key", dir.resolve("other.pem").toString(),
                "--out", out.toString(), "--server", "https://h:1"));
        assertThat(wrongKey.code()).isEqualTo(2);
        assertThat(wrongKey.err()).isEqualTo("kubeconfig-signer: --key " + dir.resolve("other.pem") + ": not the "
                + "private key of --csr " + dir.resolve("request.csr") + "\n");

        // A damaged request, and a weak one.
        byte[] der = ClientCsr.read(Files.readAllBytes(dir.resolve("request.csr")), "r").der();
        der[der.length - 1] ^= 1;
        Files.write(dir.resolve("request.csr"), der);
        CliTest.Result tampered = run(sign("--format=cert", "--out", out.toString()));
        assertThat(tampered.code()).isEqualTo(2);
        assertThat(tampered.err()).isEqualTo("kubeconfig-signer: --csr " + dir.resolve("request.csr") + ": the "
                + "request's signature does not verify with its own key, so it does not prove possession of the "
                + "private key; make a new request with the key\n");
        openssl(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", "weak.pem");
        openssl(dir, "req", "-new", "-key", "weak.pem", "-subj", "/CN=x", "-out", "request.csr");
        assertThat(run(sign("--format=cert", "--out", out.toString())).err()).isEqualTo("kubeconfig-signer: --csr "
                + dir.resolve("request.csr") + ": the RSA key has 1024 bits, too weak; use at least 2048 bits or EC "
                + "P-256\n");
        Files.delete(dir.resolve("request.csr"));
        assertThat(run(sign("--format=cert", "--out", out.toString())).err()).isEqualTo("kubeconfig-signer: --csr "
                + dir.resolve("request.csr") + ": no such file\n");
        assertThat(out).hasContent("previous");
    }

    @Test
    void aRefusedRequestExitsWith1() throws Exception {
        assertThat(csr().code()).isZero();
        CliTest.Result r = run(sign("--format=cert", "--out", dir.resolve("c.crt").toString(), "--ttl=99h"));
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("kubeconfig-signer: refused: ttl: 99h is above the maximum");
        assertThat(dir.resolve("c.crt")).doesNotExist();
    }
}
