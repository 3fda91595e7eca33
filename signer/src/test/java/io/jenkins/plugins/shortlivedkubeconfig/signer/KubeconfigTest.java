package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

class KubeconfigTest {
    @TempDir
    Path dir;

    private static IssuedKubeconfig issue(ClusterEndpoint cluster) throws Exception {
        Clock clock = Clock.systemUTC();
        Issuer issuer = new Issuer(CertificateAuthority.generate("ca", Duration.ofDays(1), KeyAlgorithm.EC_P256, clock),
                new PolicyParser().parse(PolicyParserTest.SEED, "robots.yaml"), clock, AuditSink.NONE);
        return issuer.issue(IssueRequest.of("jenkins", Duration.ofHours(1), cluster));
    }

    @Test
    void hasTheStructureTctlWrites() throws Exception {
        String serverCa = CertificateAuthority.generate("server ca", Duration.ofDays(1), KeyAlgorithm.EC_P256,
                Clock.systemUTC()).certificatePem();
        IssuedKubeconfig issued = issue(ClusterEndpoint.of("prod", "https://10.0.0.1:6443", serverCa, "kube.internal", "ci"));
        Map<String, Object> y = new Yaml().load(new String(issued.kubeconfig(), StandardCharsets.UTF_8));
        assertThat(y).containsOnlyKeys("apiVersion", "kind", "clusters", "users", "contexts", "current-context", "preferences");
        assertThat(y.get("clusters")).isEqualTo(List.of(Map.of("name", "prod", "cluster", Map.of(
                "server", "https://10.0.0.1:6443",
                "certificate-authority-data", java.util.Base64.getEncoder().encodeToString(serverCa.getBytes(StandardCharsets.UTF_8)),
                "tls-server-name", "kube.internal"))));
        assertThat(y.get("contexts")).isEqualTo(List.of(Map.of("name", "prod", "context",
                Map.of("cluster", "prod", "user", "prod", "namespace", "ci"))));
    }

    @Test
    void kubectlParsesIt() throws Exception {
        Assumptions.assumeTrue(onPath("kubectl") || "true".equals(System.getenv("CI")), "kubectl is not installed");
        IssuedKubeconfig issued = issue(ClusterEndpoint.of("prod", "https://127.0.0.1:6443", null, null, "team-a"));
        Path file = PrivateFiles.writeInNewDirectory(dir, PrivateFiles.KUBECONFIG, issued.kubeconfig());
        Process p = new ProcessBuilder("kubectl", "config", "view", "--raw", "--kubeconfig", file.toString(),
                "-o", "jsonpath={.contexts[0].context.namespace} {.clusters[0].cluster.server} {.current-context}")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).isEqualTo("team-a https://127.0.0.1:6443 prod");
    }

    @Test
    void quotesEveryStringItWrites() {
        assertThat(Kubeconfig.quote("a\"b\\c\nd\u0001")).isEqualTo("\"a\\\"b\\\\c\\nd\\x01\"");
    }

    @Test
    void clusterFieldsAreChecked() {
        assertThatThrownBy(() -> ClusterEndpoint.of("prod", "http://x", null, null, null))
                .hasMessage("server: \"http://x\" must be an https:// URL with a host; client certificates are only sent over TLS");
        assertThatThrownBy(() -> ClusterEndpoint.of("bad name", "https://x", null, null, null))
                .hasMessageStartingWith("cluster name: \"bad name\" is not a valid name");
        assertThatThrownBy(() -> ClusterEndpoint.of("prod", "https://x", "not pem", null, null))
                .hasMessage("server CA: no PEM certificate found (expected -----BEGIN CERTIFICATE-----)");
        assertThatThrownBy(() -> ClusterEndpoint.of("prod", "https://x", null, "bad host!", null))
                .hasMessage("tls-server-name: \"bad host!\" is not a host name");
        assertThatThrownBy(() -> ClusterEndpoint.of("prod", "https://x", null, null, "Team_A"))
                .hasMessageStartingWith("namespace: \"Team_A\" is not a Kubernetes namespace name");
        assertThatThrownBy(() -> ClusterEndpoint.of("prod", "https://u:p@x", null, null, null))
                .hasMessage("server: \"https://u:p@x\" must not contain user info, a query or a fragment");
    }

    @Test
    void inspectionExplainsWhatIsMissing() throws Exception {
        assertThatThrownBy(() -> KubeconfigSummary.read("apiVersion: v1\n".getBytes(StandardCharsets.UTF_8), "k"))
                .hasMessage("k: current-context is missing or not a string");
        assertThatThrownBy(() -> KubeconfigSummary.read("a: [".getBytes(StandardCharsets.UTF_8), "k"))
                .hasMessageStartingWith("k: not valid YAML");
        byte[] noCert = Files.readAllBytes(Files.writeString(dir.resolve("k"), """
                apiVersion: v1
                kind: Config
                current-context: c
                contexts: [{name: c, context: {cluster: x, user: u}}]
                clusters: [{name: x, cluster: {server: 'https://x'}}]
                users: [{name: u, user: {token: abc}}]
                """));
        assertThatThrownBy(() -> KubeconfigSummary.read(noCert, "k"))
                .hasMessage("k: users[u].user.client-certificate-data is missing or not a string");
    }

    static boolean onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }
}
