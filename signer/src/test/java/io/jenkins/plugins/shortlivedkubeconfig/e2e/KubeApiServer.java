package io.jenkins.plugins.shortlivedkubeconfig.e2e;

import io.jenkins.plugins.shortlivedkubeconfig.signer.AuditSink;
import io.jenkins.plugins.shortlivedkubeconfig.signer.CertificateAuthority;
import io.jenkins.plugins.shortlivedkubeconfig.signer.ClusterEndpoint;
import io.jenkins.plugins.shortlivedkubeconfig.signer.IssueRequest;
import io.jenkins.plugins.shortlivedkubeconfig.signer.IssuedKubeconfig;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Issuer;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KeyAlgorithm;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KubeconfigSummary;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Pem;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyParser;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.yaml.snakeyaml.Yaml;

/**
 * A real etcd and kube-apiserver on free loopback ports, with fresh certificates: the API server's
 * {@code --client-ca-file} trusts a client CA made by our own {@link CertificateAuthority}. One per test run;
 * stopped (by PID) and its directory removed when closed, and by a shutdown hook if the JVM exits first.
 */
public final class KubeApiServer implements AutoCloseable {
    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    private final TestbedBinaries binaries;
    private final Path run;
    private final CertificateAuthority clientCa;
    private final X509Certificate serverCa;
    private final String serverCaPem;
    private Process etcd;
    private Process apiserver;
    private int port;
    private Path adminKubeconfig;
    private Duration startup;
    private final Thread shutdownHook;

    private KubeApiServer(TestbedBinaries binaries, Path run) throws Exception {
        this.binaries = binaries;
        this.run = run;
        this.clientCa = CertificateAuthority.generate("e2e client CA", Duration.ofDays(2), KeyAlgorithm.EC_P256,
                Clock.systemUTC());
        KeyPair serverCaKey = KeyAlgorithm.RSA_2048.generate(new java.security.SecureRandom());
        this.serverCa = TestbedPki.selfSignedCa("e2e server CA", serverCaKey);
        this.serverCaPem = Pem.encode(serverCa);
        KeyPair serving = KeyAlgorithm.RSA_2048.generate(new java.security.SecureRandom());
        X509Certificate servingCert = TestbedPki.servingCertificate(serving.getPublic(), serverCa, serverCaKey.getPrivate());
        KeyPair sa = KeyAlgorithm.RSA_2048.generate(new java.security.SecureRandom());
        Path pki = Files.createDirectories(run.resolve("pki"));
        Files.writeString(pki.resolve("client-ca.crt"), clientCa.certificatePem());
        Files.writeString(pki.resolve("serving.crt"), Pem.encode(servingCert));
        PrivateFiles.replace(pki.resolve("serving.key"), Pem.encode(serving.getPrivate()).getBytes(StandardCharsets.US_ASCII));
        PrivateFiles.replace(pki.resolve("sa.key"), Pem.encode(sa.getPrivate()).getBytes(StandardCharsets.US_ASCII));
        Files.writeString(pki.resolve("sa.pub"), TestbedPki.pem("PUBLIC KEY", sa.getPublic().getEncoded()));
        this.shutdownHook = new Thread(this::stopQuietly, "kube-testbed-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts etcd and kube-apiserver and waits until {@code /readyz} answers ok. */
    static KubeApiServer start(TestbedBinaries binaries) throws Exception {
        Path run = Files.createTempDirectory("kube-testbed-");
        KubeApiServer server = new KubeApiServer(binaries, run);
        try {
            server.launch();
            return server;
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
    }

    private void launch() throws Exception {
        long t0 = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            int[] ports = freePorts(3);
            port = ports[0];
            Path pki = run.resolve("pki");
            String etcdUrl = "http://127.0.0.1:" + ports[1];
            String peerUrl = "http://127.0.0.1:" + ports[2];
            Path data = run.resolve("etcd-" + attempt);
            etcd = new ProcessBuilder(binaries.etcd().toString(), "--name=testbed", "--data-dir=" + data,
                    "--listen-client-urls=" + etcdUrl, "--advertise-client-urls=" + etcdUrl,
                    "--listen-peer-urls=" + peerUrl, "--initial-advertise-peer-urls=" + peerUrl,
                    "--initial-cluster=testbed=" + peerUrl, "--logger=zap", "--log-outputs=stderr")
                    .redirectErrorStream(true).redirectOutput(run.resolve("etcd.log").toFile()).start();
            apiserver = new ProcessBuilder(binaries.kubeApiserver().toString(),
                    "--etcd-servers=" + etcdUrl, "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
                    "--secure-port=" + port, "--cert-dir=" + run.resolve("certs"),
                    "--tls-cert-file=" + pki.resolve("serving.crt"), "--tls-private-key-file=" + pki.resolve("serving.key"),
                    "--client-ca-file=" + pki.resolve("client-ca.crt"), "--authorization-mode=RBAC",
                    "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                    "--service-account-key-file=" + pki.resolve("sa.pub"),
                    "--service-account-signing-key-file=" + pki.resolve("sa.key"),
                    "--service-cluster-ip-range=10.0.0.0/24", "--disable-admission-plugins=ServiceAccount",
                    "--endpoint-reconciler-type=none", "--profiling=false")
                    .redirectErrorStream(true).redirectOutput(run.resolve("apiserver.log").toFile()).start();
            try {
                writeAdminKubeconfig();
                awaitReady();
                startup = Duration.ofNanos(System.nanoTime() - t0);
                return;
            } catch (PortTakenException e) {
                stopProcesses();
                if (attempt == 3) {
                    throw new IllegalStateException("the test bed could not bind free ports three times\n" + logTails());
                }
            }
        }
    }

    private void writeAdminKubeconfig() throws Exception {
        Issuer admin = issuer("""
                kind: role
                version: v7
                metadata: {name: testbed-admin}
                spec:
                  allow:
                    kubernetes_groups: [system:masters]
                ---
                kind: user
                version: v2
                metadata: {name: testbed-admin}
                spec:
                  roles: [testbed-admin]
                """);
        IssuedKubeconfig issued = admin.issue(IssueRequest.of("testbed-admin", Duration.ofHours(12), cluster("testbed")));
        adminKubeconfig = run.resolve("admin.kubeconfig");
        PrivateFiles.replace(adminKubeconfig, issued.kubeconfig());
    }

    private static final class PortTakenException extends Exception {
        private static final long serialVersionUID = 1L;
    }

    private void awaitReady() throws Exception {
        Map<String, Object> config = new Yaml().load(Files.readString(adminKubeconfig));
        @SuppressWarnings("unchecked")
        Map<String, Object> user = (Map<String, Object>) ((Map<String, Object>) ((List<?>) config.get("users")).get(0)).get("user");
        X509Certificate cert = Pem.readCertificate(decode(user.get("client-certificate-data")), "admin");
        PrivateKey key = Pem.readPrivateKey(decode(user.get("client-key-data")), "admin");
        HttpClient http = HttpClient.newBuilder().sslContext(TestbedPki.tls(cert, key, serverCa))
                .connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest readyz = HttpRequest.newBuilder(URI.create(server() + "/readyz")).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            for (Process p : new Process[] {etcd, apiserver}) {
                if (!p.isAlive()) {
                    if (logTails().contains("address already in use")) {
                        throw new PortTakenException();
                    }
                    throw new IllegalStateException("a test-bed process exited with " + p.exitValue()
                            + " before the API server was ready\n" + logTails());
                }
            }
            try {
                HttpResponse<String> r = http.send(readyz, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().strip().equals("ok")) {
                    return;
                }
            } catch (IOException notYet) {
                // connection refused or reset while the server starts
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the API server was not ready after 90 s\n" + logTails());
    }

    private static String decode(Object base64) {
        return new String(Base64.getDecoder().decode((String) base64), StandardCharsets.UTF_8);
    }

    /** {@code https://127.0.0.1:PORT}. */
    public String server() {
        return "https://127.0.0.1:" + port;
    }

    /** The CA that the API server trusts for client certificates ({@code --client-ca-file}). */
    public CertificateAuthority clientCa() {
        return clientCa;
    }

    /** PEM of the CA that signed the API server's serving certificate. */
    public String serverCaPem() {
        return serverCaPem;
    }

    /** A kubeconfig with {@code system:masters}, for setting up RBAC. */
    public Path adminKubeconfig() {
        return adminKubeconfig;
    }

    /** How long etcd and kube-apiserver took from launch to {@code /readyz} ok. */
    public Duration startup() {
        return startup;
    }

    /** The cluster as a kubeconfig names it. */
    public ClusterEndpoint cluster(String name) throws Exception {
        return ClusterEndpoint.of(name, server(), serverCaPem, null, null);
    }

    /** An issuer with this test bed's trusted client CA and the given policy. */
    public Issuer issuer(String policyYaml) throws Exception {
        return new Issuer(clientCa, new PolicyParser().parse(policyYaml, "policy.yaml"), Clock.systemUTC(), AuditSink.NONE);
    }

    /** A scratch directory of this run (removed with it). */
    public Path newDirectory(String prefix) throws IOException {
        return Files.createTempDirectory(run, prefix);
    }

    /** The result of one kubectl run. */
    public record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr;
        }
    }

    /** Runs the real kubectl with this kubeconfig and a cache directory of its own. */
    public Result kubectl(Path kubeconfig, String... args) throws Exception {
        return kubectlWithInput(kubeconfig, null, args);
    }

    public Result kubectlWithInput(Path kubeconfig, String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(binaries.kubectl().toString(), "--kubeconfig", kubeconfig.toString(),
                "--cache-dir", newDirectory("kubectl-cache-").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("HOME", run.toString()); // kubectl must not share ~/.kube between identities
        pb.environment().remove("KUBECONFIG");
        Path out = Files.createTempFile(run, "kubectl-", ".out");
        Path err = Files.createTempFile(run, "kubectl-", ".err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (stdin != null) {
            try (var in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } else {
            p.getOutputStream().close();
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("kubectl " + String.join(" ", args) + " did not finish in 120 s");
        }
        Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        return r;
    }

    /** kubectl as the test bed's admin; fails the test when it fails. */
    public String admin(String... args) throws Exception {
        Result r = kubectl(adminKubeconfig, args);
        if (r.exitCode() != 0) {
            throw new AssertionError("admin kubectl " + String.join(" ", args) + " failed: " + r);
        }
        return r.stdout();
    }

    /** Applies manifests as the admin. */
    public void apply(String yaml) throws Exception {
        Result r = kubectlWithInput(adminKubeconfig, yaml, "apply", "-f", "-");
        if (r.exitCode() != 0) {
            throw new AssertionError("kubectl apply failed: " + r + "\n" + yaml);
        }
    }

    /** Creates a namespace no other test uses (namespaces cannot be deleted without controllers). */
    public String newNamespace(String prefix) throws Exception {
        String ns = prefix + "-" + NAMESPACES.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 1_000_000, 36);
        admin("create", "namespace", ns);
        return ns;
    }

    /** Where a kubeconfig gets written for a test: a private directory of this run. */
    public Path write(IssuedKubeconfig issued) throws IOException {
        return PrivateFiles.writeInNewDirectory(run.resolve("kubeconfigs"), PrivateFiles.KUBECONFIG, issued.kubeconfig());
    }

    /** The certificate subject a kubeconfig holds, for messages. */
    public static String subjectOf(Path kubeconfig) throws Exception {
        KubeconfigSummary s = KubeconfigSummary.read(Files.readAllBytes(kubeconfig), kubeconfig.toString());
        return "CN=" + s.commonName() + " O=" + s.groups();
    }

    /** The last lines of both logs, for failure messages. */
    public String logTails() {
        StringBuilder b = new StringBuilder();
        for (String name : new String[] {"etcd.log", "apiserver.log"}) {
            Path log = run.resolve(name);
            try {
                List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
                b.append("--- ").append(name).append(" (last 30 lines) ---\n");
                lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(l -> b.append(l).append('\n'));
            } catch (IOException e) {
                b.append("(cannot read ").append(name).append(")\n");
            }
        }
        return b.toString();
    }

    private static int[] freePorts(int n) throws IOException {
        int[] ports = new int[n];
        ServerSocket[] sockets = new ServerSocket[n];
        try {
            for (int i = 0; i < n; i++) {
                sockets[i] = new ServerSocket(0, 0, InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
        return ports;
    }

    private void stopProcesses() {
        for (Process p : new Process[] {apiserver, etcd}) { // the API server first, then its storage
            if (p == null) {
                continue;
            }
            p.destroy();
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private void stopQuietly() {
        stopProcesses();
        try {
            PrivateFiles.deleteDirectory(run);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the test bed's directory " + run, e);
        }
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            return; // the hook runs
        }
        stopQuietly();
    }

    /** The PIDs of etcd and kube-apiserver, for checks that they are gone. */
    public long[] pids() {
        return new long[] {etcd.pid(), apiserver.pid()};
    }
}
