package io.jenkins.plugins.shortlivedkubeconfig.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.shortlivedkubeconfig.signer.AuditSink;
import io.jenkins.plugins.shortlivedkubeconfig.signer.CertificateAuthority;
import io.jenkins.plugins.shortlivedkubeconfig.signer.IssueRequest;
import io.jenkins.plugins.shortlivedkubeconfig.signer.IssuedKubeconfig;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Issuer;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KeyAlgorithm;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KubeconfigSummary;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyParser;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PrivateFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every kind of kubeconfig we issue, used by the real kubectl against a real kube-apiserver whose
 * {@code --client-ca-file} trusts our CA. Assertions are on exit codes and on what the API server says.
 */
@ExtendWith(KubeApiServerExtension.class)
class KubectlEndToEndIT {
    static final String FORBIDDEN = "Error from server (Forbidden): pods is forbidden: User \"%s\" cannot list "
            + "resource \"pods\" in API group \"\" in the namespace \"%s\"";
    static final String UNAUTHORIZED = "error: You must be logged in to the server (Unauthorized)";

    static String role(String name, String allow, String deny) {
        return "kind: role\nversion: v7\nmetadata: {name: " + name + "}\nspec:\n  allow:\n" + allow
                + (deny.isEmpty() ? "" : "  deny:\n" + deny) + "---\n";
    }

    static String user(String name, String... roles) {
        return "kind: user\nversion: v2\nmetadata: {name: " + name + "}\nspec:\n  roles: [" + String.join(", ", roles) + "]\n---\n";
    }

    static String podReader(String ns, String subjectKind, String subject) {
        return """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: pod-reader, namespace: %1$s}
                rules:
                - apiGroups: [""]
                  resources: [pods]
                  verbs: [get, list]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: pod-reader, namespace: %1$s}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}
                subjects:
                - {apiGroup: rbac.authorization.k8s.io, kind: %2$s, name: "%3$s"}
                """.formatted(ns, subjectKind, subject);
    }

    /** What a CLI user has: the shipped example policy, the CA files and the API server's CA, in a fresh directory. */
    static Path cliFiles(KubeApiServer k8s, String prefix) throws Exception {
        Path dir = k8s.newDirectory(prefix);
        Files.writeString(dir.resolve("robots.yaml"), Files.readString(Path.of("examples/robots.yaml")));
        Files.writeString(dir.resolve("ca.crt"), k8s.clientCa().certificatePem());
        PrivateFiles.replace(dir.resolve("ca.key"), k8s.clientCa().privateKeyPem().getBytes(StandardCharsets.US_ASCII));
        Files.writeString(dir.resolve("server-ca.crt"), k8s.serverCaPem());
        return dir;
    }

    IssuedKubeconfig issue(KubeApiServer k8s, String policy, String user) throws Exception {
        return k8s.issuer(policy).issue(IssueRequest.of(user, Duration.ofHours(1), k8s.cluster("e2e")));
    }

    @Test
    void theSeedFlowWithTheCli(KubeApiServer k8s) throws Exception {
        Path dir = cliFiles(k8s, "seed-");
        Process cli = new ProcessBuilder(Cli.command("sign", "--user=jenkins", "--format=kubernetes", "--out=kubeconfig",
                "--ttl=25h", "--policy", "robots.yaml", "--ca-cert", "ca.crt", "--ca-key", "ca.key",
                "--server", k8s.server(), "--server-ca", "server-ca.crt"))
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(cli.exitValue()).as(out).isZero();

        KubeApiServer.Result r = k8s.kubectl(dir.resolve("kubeconfig"), "get", "pods");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stderr()).contains("No resources found in default namespace.");
        assertThat(KubeconfigSummary.read(Files.readAllBytes(dir.resolve("kubeconfig")), "kubeconfig").notAfter())
                .isBetween(Instant.now().plus(Duration.ofHours(24)), Instant.now().plus(Duration.ofHours(26)));
    }

    @Test
    void leastPrivilege_aGroupBoundInOneNamespaceOnly(KubeApiServer k8s) throws Exception {
        String ns = k8s.newNamespace("ci");
        k8s.apply(podReader(ns, "Group", "deployers"));
        Path kubeconfig = k8s.write(issue(k8s, role("deployer", "    kubernetes_groups: [deployers]\n", "")
                + user("jenkins", "deployer"), "jenkins"));

        KubeApiServer.Result ok = k8s.kubectl(kubeconfig, "-n", ns, "get", "pods");
        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        assertThat(ok.stderr()).contains("No resources found in " + ns + " namespace.");
        KubeApiServer.Result denied = k8s.kubectl(kubeconfig, "-n", "default", "get", "pods");
        assertThat(denied.exitCode()).as(denied.toString()).isEqualTo(1);
        assertThat(denied.stderr()).contains(FORBIDDEN.formatted("jenkins", "default"));
    }

    @Test
    void denyWins(KubeApiServer k8s) throws Exception {
        String ns = k8s.newNamespace("deny");
        k8s.apply(podReader(ns, "Group", "deployers"));
        IssuedKubeconfig issued = issue(k8s, role("admin", "    kubernetes_groups: [system:masters, deployers]\n", "")
                + role("no-masters", "    logins: []\n", "    kubernetes_groups: [system:masters]\n")
                + user("jenkins", "admin", "no-masters"), "jenkins");
        assertThat(issued.groups()).containsExactly("deployers");
        Path kubeconfig = k8s.write(issued);
        KubeApiServer.Result r = k8s.kubectl(kubeconfig, "-n", "default", "get", "pods");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains(FORBIDDEN.formatted("jenkins", "default"));
        assertThat(k8s.kubectl(kubeconfig, "-n", ns, "get", "pods").exitCode()).isZero();
    }

    @Test
    void kubernetesUsersBecomeTheCommonName(KubeApiServer k8s) throws Exception {
        String toUser = k8s.newNamespace("user");
        String toRobot = k8s.newNamespace("robot");
        k8s.apply(podReader(toUser, "User", "ci-bot"));
        k8s.apply(podReader(toRobot, "User", "jenkins"));
        IssuedKubeconfig issued = issue(k8s, role("bot", "    kubernetes_users: [ci-bot]\n", "") + user("jenkins", "bot"), "jenkins");
        assertThat(issued.kubernetesUser()).isEqualTo("ci-bot");
        Path kubeconfig = k8s.write(issued);
        assertThat(k8s.kubectl(kubeconfig, "-n", toUser, "get", "pods").exitCode()).isZero();
        KubeApiServer.Result r = k8s.kubectl(kubeconfig, "-n", toRobot, "get", "pods");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains(FORBIDDEN.formatted("ci-bot", toRobot));
    }

    @Test
    void anExpiredCertificateIsUnauthorized(KubeApiServer k8s) throws Exception {
        Clock past = Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC);
        Issuer issuer = new Issuer(k8s.clientCa(), new PolicyParser().parse(Files.readString(Path.of("examples/robots.yaml")),
                "robots.yaml"), past, AuditSink.NONE);
        IssuedKubeconfig expired = issuer.issue(IssueRequest.of("jenkins", Duration.ofHours(1), k8s.cluster("e2e")));
        assertThat(expired.notAfter()).isBefore(Instant.now());
        KubeApiServer.Result r = k8s.kubectl(k8s.write(expired), "get", "pods");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains(UNAUTHORIZED);
    }

    @Test
    void aCertificateFromAnUntrustedCaIsUnauthorized(KubeApiServer k8s) throws Exception {
        CertificateAuthority stranger = CertificateAuthority.generate("stranger", Duration.ofDays(1), KeyAlgorithm.EC_P256, Clock.systemUTC());
        Issuer issuer = new Issuer(stranger, new PolicyParser().parse(Files.readString(Path.of("examples/robots.yaml")),
                "robots.yaml"), Clock.systemUTC(), AuditSink.NONE);
        KubeApiServer.Result r = k8s.kubectl(k8s.write(issuer.issue(IssueRequest.of("jenkins", Duration.ofHours(1),
                k8s.cluster("e2e")))), "get", "pods");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains(UNAUTHORIZED);
    }

    @Test
    void rsaAndEcClientKeysAreBothAccepted(KubeApiServer k8s) throws Exception {
        Issuer issuer = k8s.issuer(Files.readString(Path.of("examples/robots.yaml")));
        for (KeyAlgorithm alg : new KeyAlgorithm[] {KeyAlgorithm.EC_P256, KeyAlgorithm.RSA_2048}) {
            IssuedKubeconfig issued = issuer.issue(IssueRequest.of("jenkins", Duration.ofHours(1), k8s.cluster("e2e"))
                    .withKeyAlgorithm(alg));
            assertThat(issued.certificate().getPublicKey().getAlgorithm()).isEqualTo(alg.isRsa() ? "RSA" : "EC");
            KubeApiServer.Result r = k8s.kubectl(k8s.write(issued), "get", "pods");
            assertThat(r.exitCode()).as(alg + ": " + r).isZero();
        }
    }

    @Test
    void renewEveryKeepsTheFileFreshAndKubectlWorking(KubeApiServer k8s) throws Exception {
        Path dir = cliFiles(k8s, "renew-");
        Path kubeconfig = dir.resolve("kubeconfig");
        Process renewer = new ProcessBuilder(Cli.command("sign", "--user=jenkins", "--out=kubeconfig", "--ttl=5m",
                "--renew-every=2s", "--policy", "robots.yaml", "--ca-cert", "ca.crt", "--ca-key", "ca.key",
                "--server", k8s.server(), "--server-ca", "server-ca.crt"))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("renew.log").toFile()).start();
        try {
            Set<String> serials = new HashSet<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (serials.size() < 3 && System.nanoTime() < deadline) {
                if (Files.exists(kubeconfig)) {
                    String serial = KubeconfigSummary.read(Files.readAllBytes(kubeconfig), "kubeconfig").serialHex();
                    KubeApiServer.Result r = k8s.kubectl(kubeconfig, "get", "pods");
                    assertThat(r.exitCode()).as("kubectl with serial " + serial + ": " + r).isZero();
                    serials.add(serial);
                }
                Thread.sleep(500);
            }
            assertThat(serials).as(Files.readString(dir.resolve("renew.log"))).hasSizeGreaterThanOrEqualTo(3);
        } finally {
            renewer.destroy(); // SIGTERM: a renewal under way finishes first
            assertThat(renewer.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .as("no temporary file is left behind").noneMatch(n -> n.endsWith(".tmp"));
        }
        assertThat(Files.readString(dir.resolve("renew.log"))).doesNotContain("PRIVATE KEY", "client-key-data");
    }

    @Test
    void twoHundredConcurrentKubeconfigsAllWork(KubeApiServer k8s) throws Exception {
        Issuer issuer = k8s.issuer(Files.readString(Path.of("examples/robots.yaml")));
        ExecutorService signers = Executors.newFixedThreadPool(8);
        ExecutorService kubectls = Executors.newFixedThreadPool(4); // bounded: each kubectl is a process
        try {
            List<Future<IssuedKubeconfig>> issued = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                issued.add(signers.submit(() -> issuer.issue(IssueRequest.of("jenkins", Duration.ofMinutes(30), k8s.cluster("e2e")))));
            }
            Set<String> serials = new HashSet<>();
            List<Future<KubeApiServer.Result>> runs = new ArrayList<>();
            for (Future<IssuedKubeconfig> f : issued) {
                IssuedKubeconfig k = f.get(60, TimeUnit.SECONDS);
                serials.add(k.serialHex());
                Path file = k8s.write(k);
                runs.add(kubectls.submit(() -> k8s.kubectl(file, "get", "namespaces", "-o", "name")));
            }
            assertThat(serials).hasSize(200);
            int ok = 0;
            for (Future<KubeApiServer.Result> run : runs) {
                KubeApiServer.Result r = run.get(300, TimeUnit.SECONDS);
                assertThat(r.exitCode()).as(r.toString()).isZero();
                assertThat(r.stdout()).contains("namespace/default");
                ok++;
            }
            assertThat(ok).isEqualTo(200);
        } finally {
            signers.shutdownNow();
            kubectls.shutdownNow();
        }
    }

    @Test
    void theApiServerSeesTheGroupsWePutInTheCertificate(KubeApiServer k8s) throws Exception {
        String suffix = Long.toString(System.nanoTime(), 36);
        StringBuilder rbac = new StringBuilder();
        for (String g : new String[] {"alpha", "beta"}) {
            rbac.append("""
                    apiVersion: rbac.authorization.k8s.io/v1
                    kind: ClusterRole
                    metadata: {name: %1$s-%2$s}
                    rules:
                    - apiGroups: [%1$s.example.com]
                      resources: [%1$s%2$s]
                      verbs: [get]
                    ---
                    apiVersion: rbac.authorization.k8s.io/v1
                    kind: ClusterRoleBinding
                    metadata: {name: %1$s-%2$s}
                    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: %1$s-%2$s}
                    subjects:
                    - {apiGroup: rbac.authorization.k8s.io, kind: Group, name: "team:%1$s"}
                    ---
                    """.formatted(g, suffix));
        }
        k8s.apply(rbac.toString());
        IssuedKubeconfig issued = issue(k8s, role("teams", "    kubernetes_groups: ['team:alpha', 'team:beta']\n", "")
                + user("jenkins", "teams"), "jenkins");
        KubeApiServer.Result r = k8s.kubectl(k8s.write(issued), "auth", "can-i", "--list");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("alpha" + suffix + ".alpha.example.com", "beta" + suffix + ".beta.example.com");
        IssuedKubeconfig other = issue(k8s, role("teams", "    kubernetes_groups: ['team:alpha']\n", "")
                + user("jenkins", "teams"), "jenkins");
        KubeApiServer.Result alphaOnly = k8s.kubectl(k8s.write(other), "auth", "can-i", "--list");
        assertThat(alphaOnly.stdout()).contains("alpha" + suffix).doesNotContain("beta" + suffix);
    }
}
