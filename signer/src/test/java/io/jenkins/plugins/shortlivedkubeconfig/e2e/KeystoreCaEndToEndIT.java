package io.jenkins.plugins.shortlivedkubeconfig.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.shortlivedkubeconfig.signer.AuditEvent;
import io.jenkins.plugins.shortlivedkubeconfig.signer.CaKeystore;
import io.jenkins.plugins.shortlivedkubeconfig.signer.CaSource;
import io.jenkins.plugins.shortlivedkubeconfig.signer.CaUnavailableException;
import io.jenkins.plugins.shortlivedkubeconfig.signer.ClusterTarget;
import io.jenkins.plugins.shortlivedkubeconfig.signer.InvalidInputException;
import io.jenkins.plugins.shortlivedkubeconfig.signer.IssuedKubeconfig;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KubeconfigTemplate;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyParser;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyRefusal;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PrivateFiles;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Requester;
import io.jenkins.plugins.shortlivedkubeconfig.signer.SigningService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The signing CA from a PKCS#12 keystore, as a credentials provider or an operator hands it over: the test bed's
 * trusted client CA exported by the real {@code openssl pkcs12} (and re-packed by {@code keytool}), loaded by the
 * CLI and by the signing service, and the kubeconfigs they issue used by the real kubectl.
 */
@ExtendWith(KubeApiServerExtension.class)
class KeystoreCaEndToEndIT {
    static final String PASSWORD = "e2e-Keystore-pw";

    /** The test bed's client CA as PEM files and as PKCS#12 keystores (openssl modern and legacy, keytool). */
    static Path keystores(KubeApiServer k8s) throws Exception {
        Path dir = KubectlEndToEndIT.cliFiles(k8s, "p12-");
        Files.writeString(dir.resolve("pw.txt"), PASSWORD + "\n");
        run(dir, "openssl", "pkcs12", "-export", "-inkey", "ca.key", "-in", "ca.crt", "-name", "client-ca",
                "-passout", "pass:" + PASSWORD, "-out", "ca.p12");
        run(dir, "openssl", "pkcs12", "-export", "-legacy", "-inkey", "ca.key", "-in", "ca.crt",
                "-passout", "pass:" + PASSWORD, "-out", "legacy.p12");
        run(dir, Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-importkeystore",
                "-srckeystore", "ca.p12", "-srcstoretype", "PKCS12", "-srcstorepass", PASSWORD,
                "-destkeystore", "keytool.p12", "-deststoretype", "PKCS12", "-deststorepass", PASSWORD);
        Files.delete(dir.resolve("ca.key")); // from here on, the keystores are the only copies of the key
        return dir;
    }

    static String run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", String.join(" ", command), out).isZero();
        return out;
    }

    @Test
    void theCliSignsWithAKeystoreAndKubectlIsAccepted(KubeApiServer k8s) throws Exception {
        Path dir = keystores(k8s);
        for (String keystore : List.of("ca.p12", "legacy.p12", "keytool.p12")) {
            Path kubeconfig = dir.resolve(keystore + ".kubeconfig");
            Process cli = new ProcessBuilder(Cli.command("sign", "--user=jenkins", "--out=" + kubeconfig.getFileName(),
                    "--ttl=1h", "--policy", "robots.yaml", "--ca-keystore", keystore,
                    "--ca-keystore-password-file", "pw.txt", "--server", k8s.server(), "--server-ca", "server-ca.crt"))
                    .directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(cli.exitValue()).as(out).isZero();
            assertThat(out).doesNotContain(PASSWORD);

            KubeApiServer.Result r = k8s.kubectl(kubeconfig, "get", "pods");
            assertThat(r.exitCode()).as(keystore + ": " + r).isZero();
            assertThat(r.stderr()).contains("No resources found in default namespace.");
            assertThat(KubeApiServer.subjectOf(kubeconfig)).contains("CN=jenkins");
        }
    }

    @Test
    void theSigningServiceWithAKeystoreCaIssuesPerBuildAndRefusesOtherJobs(KubeApiServer k8s) throws Exception {
        Path dir = keystores(k8s);
        byte[] keystore = Files.readAllBytes(dir.resolve("keytool.p12"));
        CaSource source = () -> {
            try {
                return CaKeystore.load(keystore, PASSWORD.toCharArray(), "keystore keytool.p12", Clock.systemUTC());
            } catch (InvalidInputException e) {
                throw new CaUnavailableException(e.getMessage());
            }
        };
        String policy = KubectlEndToEndIT.role("deployer", "    kubernetes_groups: ['system:masters']\n", "")
                + KubectlEndToEndIT.user("jenkins", "deployer")
                + "kind: job_binding\nversion: v1\nmetadata: {name: deploy}\nspec:\n  users: [jenkins]\n"
                + "  jobs: ['deploy/**']\n";
        List<AuditEvent> audit = Collections.synchronizedList(new ArrayList<>());
        SigningService service = new SigningService(new PolicyParser().parse(policy, "policy.yaml"),
                List.of(new ClusterTarget(k8s.cluster("e2e"), source, k8s.clientCa().fingerprintSha256(),
                        "keystore keytool.p12")), Duration.ofHours(1), Clock.systemUTC(), audit::add);
        KubeconfigTemplate minted = new KubeconfigTemplate("e2e", "jenkins", "15m");

        IssuedKubeconfig first = service.issue(minted.requestBy(new Requester("deploy/api", 1)));
        IssuedKubeconfig second = service.issue(minted.requestBy(new Requester("deploy/api", 2)));
        assertThat(first.serialHex()).isNotEqualTo(second.serialHex());
        for (IssuedKubeconfig issued : List.of(first, second)) {
            Path kubeconfig = dir.resolve(issued.serialHex() + ".kubeconfig");
            PrivateFiles.replace(kubeconfig, issued.kubeconfig());
            KubeApiServer.Result r = k8s.kubectl(kubeconfig, "get", "pods");
            assertThat(r.exitCode()).as(r.toString()).isZero();
        }
        assertThatThrownBy(() -> service.issue(minted.requestBy(new Requester("website/app", 9))))
                .isInstanceOf(PolicyRefusal.class).hasMessageContaining("\"website/app\"");
        assertThat(audit).extracting(AuditEvent::outcome).containsExactly(AuditEvent.Outcome.ISSUED,
                AuditEvent.Outcome.ISSUED, AuditEvent.Outcome.REFUSED);
        assertThat(audit.get(2).requester()).isEqualTo(new Requester("website/app", 9));
    }
}
