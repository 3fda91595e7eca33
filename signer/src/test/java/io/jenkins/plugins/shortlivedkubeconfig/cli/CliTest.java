package io.jenkins.plugins.shortlivedkubeconfig.cli;

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
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
        /** Everything a user would see, for secret checks. */
        String all() {
            return out + err;
        }
    }

    static final String SEED = """
            kind: role
            version: v5
            metadata:
              name: robot
            spec:
              allow:
                kubernetes_groups: ["system:masters"]
            ---
            kind: user
            version: v2
            metadata:
              name: jenkins
            spec:
              roles: ["robot"]
            ---
            kind: job_binding
            version: v1
            metadata:
              name: deploy
            spec:
              users: [jenkins]
              jobs: ['deploy/**']
            """;

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SignerCli.run(Clock.systemUTC(), new PrintWriter(out), new PrintWriter(err), args);
        Result r = new Result(code, out.toString(), err.toString());
        boolean kubeconfigOnStdout = List.of(args).contains("-");
        assertThat(kubeconfigOnStdout ? r.err() : r.all()).doesNotContain("PRIVATE KEY", "client-key-data");
        return r;
    }

    String[] sign(String... extra) {
        List<String> args = new ArrayList<>(List.of("sign", "--user=jenkins", "--format=kubernetes", "--policy",
                dir.resolve("robots.yaml").toString(), "--ca-cert", dir.resolve("ca.crt").toString(), "--ca-key",
                dir.resolve("ca.key").toString(), "--server", "https://127.0.0.1:6443"));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    @BeforeEach
    void caAndPolicy() throws Exception {
        Files.writeString(dir.resolve("robots.yaml"), SEED);
        Result r = run("ca", "init", "--cert", dir.resolve("ca.crt").toString(), "--key", dir.resolve("ca.key").toString());
        assertThat(r.code()).as(r.err()).isZero();
    }

    @Test
    void caInitWritesAPrivateKeyAndNeverOverwritesWithoutForce() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.crt")))).isEqualTo("rw-r--r--");
        String before = Files.readString(dir.resolve("ca.key"));
        Result again = run("ca", "init", "--cert", dir.resolve("ca.crt").toString(), "--key", dir.resolve("ca.key").toString());
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err()).isEqualTo("kubeconfig-signer: " + dir.resolve("ca.crt") + ": already exists; pass --force to overwrite it\n");
        assertThat(Files.readString(dir.resolve("ca.key"))).isEqualTo(before);
        Result forced = run("ca", "init", "--force", "--rsa", "--cert", dir.resolve("ca.crt").toString(), "--key", dir.resolve("ca.key").toString());
        assertThat(forced.code()).isZero();
        assertThat(forced.out()).contains("RSA-3072");
        assertThat(Files.readString(dir.resolve("ca.key"))).isNotEqualTo(before);
    }

    @Test
    void signWritesAKubeconfigThatInspectReads() throws Exception {
        Path out = dir.resolve("kubeconfig");
        Result r = run(sign("--out", out.toString(), "--ttl=25h", "--namespace", "ci"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("Wrote kubeconfig to " + out + ": robot user jenkins as Kubernetes user jenkins, groups system:masters, serial ");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw-------");
        KubeconfigSummary s = KubeconfigSummary.read(Files.readAllBytes(out), "kubeconfig");
        assertThat(s.cluster()).isEqualTo("127.0.0.1");
        assertThat(s.namespace()).isEqualTo("ci");

        Result inspect = run("inspect", out.toString());
        assertThat(inspect.code()).isZero();
        assertThat(inspect.out()).contains("server:          https://127.0.0.1:6443", "kubernetes user: jenkins",
                "groups:          system:masters", "serial:          " + s.serialHex(), "time left:       24h59m");
    }

    @Test
    void signWritesToStdoutWithDash() {
        Result r = run(sign("--out", "-", "--cluster", "prod"));
        assertThat(r.code()).isZero();
        assertThat(r.err()).startsWith("Wrote kubeconfig: robot user jenkins");
        // The kubeconfig is the one thing that may hold key data, so check its shape rather than the secret guard.
        assertThat(r.out()).startsWith("apiVersion: v1\nkind: Config\n").contains("current-context: \"prod\"");
    }

    @Test
    void refusalsExitWith1AndLeaveTheOutputUntouched() throws Exception {
        Path out = Files.writeString(dir.resolve("kubeconfig"), "previous");
        Result ttl = run(sign("--out", out.toString(), "--ttl=31h"));
        assertThat(ttl.code()).isEqualTo(1);
        assertThat(ttl.err()).isEqualTo("kubeconfig-signer: refused: ttl: 31h is above the maximum of 30h (the default "
                + "maximum; no role of user \"jenkins\" sets spec.options.max_session_ttl); ask for 30h or less\n");
        Result job = run(sign("--out", out.toString(), "--job", "test/api"));
        assertThat(job.code()).isEqualTo(1);
        assertThat(job.err()).contains("job \"test/api\" may not act as robot user \"jenkins\"");
        assertThat(run(sign("--out", out.toString(), "--job", "deploy/api")).code()).isZero();
        assertThat(Files.readString(out)).startsWith("apiVersion: v1");
    }

    @Test
    void badInputExitsWith2NamingTheFlagOrFile() throws Exception {
        Path out = Files.writeString(dir.resolve("kubeconfig"), "previous");
        assertThat(run(sign("--out", out.toString(), "--ttl=abc")).err())
                .isEqualTo("kubeconfig-signer: --ttl: \"abc\" is not a duration; write it as Go does, e.g. 25h, 90m or 1h30m (units: h, m, s, ms, us, ns)\n");
        assertThat(run(java.util.Arrays.stream(sign("--out", out.toString()))
                .map(a -> a.equals("--format=kubernetes") ? "--format=openssh" : a).toArray(String[]::new)).err())
                .isEqualTo("kubeconfig-signer: --format: \"openssh\" is not supported; use --format=kubernetes (a "
                        + "kubeconfig) or --format=cert (with --csr)\n");
        Files.writeString(dir.resolve("robots.yaml"), "kind: role\nversion: v9\nmetadata: {name: r}\n");
        Result policy = run(sign("--out", out.toString()));
        assertThat(policy.code()).isEqualTo(2);
        assertThat(policy.err()).isEqualTo("kubeconfig-signer: " + dir.resolve("robots.yaml")
                + ":2: role \"r\": version: role version \"v9\" is not supported (supported: v5, v6, v7)\n");
        Files.writeString(dir.resolve("ca.key"), "garbage");
        Files.writeString(dir.resolve("robots.yaml"), SEED);
        assertThat(run(sign("--out", out.toString())).err()).isEqualTo("kubeconfig-signer: --ca-key " + dir.resolve("ca.key")
                + ": no PEM private key found (expected an unencrypted PKCS#8, SEC1 EC or PKCS#1 RSA key in PEM)\n");
        Result missing = run(sign("--out", out.toString(), "--server-ca", dir.resolve("nope.crt").toString()));
        assertThat(missing.err()).isEqualTo("kubeconfig-signer: --server-ca " + dir.resolve("nope.crt") + ": no such file\n");
        assertThat(run(sign("--out", out.toString(), "--tls-server-name", "bad host")).err())
                .startsWith("kubeconfig-signer: --tls-server-name: \"bad host\" is not a host name");
        assertThat(run(sign("--out", out.toString(), "--namespace", "Bad_NS")).err())
                .startsWith("kubeconfig-signer: --namespace: \"Bad_NS\"");
        assertThat(Files.readString(out)).isEqualTo("previous");
        Result usage = run("sign", "--user");
        assertThat(usage.code()).isEqualTo(2);
        assertThat(usage.err()).contains("Missing required parameter for option '--user'", "Run 'kubeconfig-signer sign --help' for usage.");
        assertThat(run("frobnicate").code()).isEqualTo(2);
        assertThat(run("sign", "--help").out()).contains("--renew-every", "--kube-user", "--job");
    }

    @Test
    void noStackTracesUnlessVerbose() throws Exception {
        Files.writeString(dir.resolve("ca.key"), "garbage");
        Result quiet = run(sign("--out", dir.resolve("k").toString()));
        assertThat(quiet.err()).doesNotContain("\tat ").hasLineCount(1);
        Result verbose = run(sign("--out", dir.resolve("k").toString(), "--verbose"));
        assertThat(verbose.err()).contains("\tat io.jenkins.plugins.shortlivedkubeconfig");
    }

    @Test
    void policyCheckPrintsTheEffectiveAccessPerUser() throws Exception {
        Result r = run("policy", "check", dir.resolve("robots.yaml").toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("user jenkins (roles: robot)", "  kubernetes user: jenkins",
                "  groups:          system:masters", "  max ttl:         30h", "  jobs:            deploy/**",
                "  modes:           client-certificate (not service-account-token: its roles (robot) grant "
                        + "kubernetes_groups (system:masters)");
        Files.writeString(dir.resolve("bad.yaml"), SEED.replace("roles: [\"robot\"]", "roles: [\"admin\"]"));
        Result bad = run("policy", "check", dir.resolve("bad.yaml").toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains(dir.resolve("bad.yaml") + ":14: user \"jenkins\": spec.roles[0]: role \"admin\" is not defined in this policy",
                ": 1 error; nothing can be issued from this policy");
    }

    @Test
    void policyCheckListsTheCallersAllowedOutsideBuilds() throws Exception {
        Result none = run("policy", "check", dir.resolve("robots.yaml").toString());
        assertThat(none.out()).contains("0 caller binding(s)",
                "  callers:         (none: no Jenkins user may use this user outside a build)");
        Files.writeString(dir.resolve("callers.yaml"), SEED + """
                ---
                kind: caller_binding
                version: v1
                metadata: {name: operators}
                spec: {users: [jenkins], callers: [alice, bob], groups: [ops]}
                """);
        Result r = run("policy", "check", dir.resolve("callers.yaml").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("1 caller binding(s)", "  callers:         alice, bob; groups: ops");
    }

    @Test
    void renewEveryReplacesTheFileWithFreshCertificates() throws Exception {
        Path out = dir.resolve("kubeconfig");
        Result r = run(sign("--out", out.toString(), "--ttl=2m", "--renew-every=1s", "--max-renewals=2"));
        assertThat(r.code()).as(r.err()).isZero();
        List<String> wrote = r.err().lines().filter(l -> l.contains(" wrote ")).toList();
        assertThat(wrote).hasSize(3);
        assertThat(wrote.stream().map(l -> l.replaceAll(".*serial ([0-9a-f]+).*", "$1")).distinct()).hasSize(3);
        assertThat(r.err()).contains("stopped renewing " + out);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("robots.yaml", "ca.crt", "ca.key", "kubeconfig");
        }
    }

    @Test
    void renewEveryMustBeShorterThanTheTtl() {
        Result r = run(sign("--out", dir.resolve("k").toString(), "--ttl=1h", "--renew-every=1h"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("kubeconfig-signer: --renew-every: 1h must be at least 1s and shorter than --ttl 1h, so the file is renewed before it expires\n");
    }

    @Test
    void inspectRefusesWhatIsNotAKubeconfig() throws Exception {
        Path f = Files.write(dir.resolve("x"), new byte[] {(byte) 0xff});
        Result r = run("inspect", f.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("kubeconfig-signer: " + f + ": not UTF-8 text\n");
        assertThat(new String(new byte[0], StandardCharsets.UTF_8)).isEmpty();
    }
}
