package io.jenkins.plugins.shortlivedkubeconfig.signer;

import io.jenkins.plugins.shortlivedkubeconfig.testing.TokenApiStub;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.jenkins.plugins.shortlivedkubeconfig.cli.SignerCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * Runs every CLI command and core operation, good and bad, with java.util.logging at its most verbose (ALL),
 * picocli's tracing on and {@code --verbose} stack traces, captures everything written anywhere (the CLI's
 * writers, System.out and System.err, every log record, the audit log, exception messages and stack traces), and
 * checks that none of it holds {@code PRIVATE KEY}, {@code client-key-data}, or any piece of any private key made
 * along the way (its PEM body, the kubeconfig's base64 of it, its scalar). Then checks {@code toString()} of an
 * instance of every core type the same way, and that no core type was left out.
 */
class SecretHygieneTest {
    @TempDir
    Path dir;

    private final Clock clock = Clock.systemUTC();
    /** Every form of every private key seen: what must never be in any output. */
    private final Set<String> secrets = new TreeSet<>();
    private final Set<String> publics = new TreeSet<>();
    /** Everything written anywhere, by where it went. */
    private final Map<String, StringBuilder> outputs = new LinkedHashMap<>();
    private final List<String> logRecords = new ArrayList<>();
    private final ByteArrayOutputStream systemOut = new ByteArrayOutputStream();
    private final ByteArrayOutputStream systemErr = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;
    private Handler handler;
    private Level originalLevel;

    @BeforeEach
    void captureEverything() {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(systemOut, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(systemErr, true, StandardCharsets.UTF_8));
        System.setProperty("picocli.trace", "DEBUG");
        Logger root = Logger.getLogger("");
        originalLevel = root.getLevel();
        root.setLevel(Level.ALL);
        SimpleFormatter format = new SimpleFormatter();
        handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                synchronized (logRecords) {
                    logRecords.add(format.format(record) + " " + java.util.Arrays.toString(record.getParameters()));
                }
            }

            @Override
            public void flush() { }

            @Override
            public void close() { }
        };
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
        for (String name : List.of("io.jenkins.plugins.shortlivedkubeconfig", "org.bouncycastle", "org.yaml", "picocli")) {
            Logger.getLogger(name).setLevel(Level.ALL);
        }
    }

    @AfterEach
    void restore() {
        System.setOut(originalOut);
        System.setErr(originalErr);
        System.clearProperty("picocli.trace");
        Logger root = Logger.getLogger("");
        root.removeHandler(handler);
        root.setLevel(originalLevel);
    }

    // ---- what counts as a secret -------------------------------------------------------------------------------

    private void secretKeyPem(String pem) {
        String body = pem.replaceAll("-----[^-]+-----", "").replaceAll("\\s", "");
        secrets.add(body);
        secrets.add(Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII)));
        try {
            java.security.PrivateKey key = Pem.readPrivateKey(pem, "secret");
            if (key instanceof ECPrivateKey ec) {
                secrets.add(ec.getS().toString(16));
                secrets.add(ec.getS().toString());
            }
        } catch (InvalidInputException e) {
            throw new AssertionError(e);
        }
    }

    /** The client key of a kubeconfig (its client-key-data value, decoded). */
    private void secretKubeconfig(String yaml) {
        Map<String, Object> config = new Yaml().load(yaml);
        @SuppressWarnings("unchecked")
        Map<String, Object> user = (Map<String, Object>) ((Map<String, Object>) ((List<?>) config.get("users")).get(0)).get("user");
        String data = (String) user.get("client-key-data");
        secrets.add(data);
        secretKeyPem(new String(Base64.getDecoder().decode(data), StandardCharsets.US_ASCII));
    }

    /**
     * Public encodings that share bytes with a private key's (a CSR or public key carries the same algorithm
     * identifier, and PKCS#8 EC keys embed their public point): a piece of a key found in one of them is not secret.
     */
    private void publicEncoding(byte[] der) {
        publics.add(Base64.getEncoder().encodeToString(der));
    }

    private void output(String where, String text) {
        outputs.computeIfAbsent(where, w -> new StringBuilder()).append(text).append('\n');
    }

    /** Nothing anywhere holds a key marker or 24 consecutive characters of any form of any key. */
    private void assertNoSecretAnywhere() {
        output("System.out", systemOut.toString(StandardCharsets.UTF_8));
        output("System.err", systemErr.toString(StandardCharsets.UTF_8));
        synchronized (logRecords) {
            output("java.util.logging", String.join("\n", logRecords));
        }
        assertThat(secrets).as("keys seen").hasSizeGreaterThan(10);
        for (Map.Entry<String, StringBuilder> o : outputs.entrySet()) {
            String text = o.getValue().toString();
            assertThat(text).as(o.getKey()).doesNotContain("PRIVATE KEY", "client-key-data");
            for (String secret : secrets) {
                for (int i = 0; i + 24 <= secret.length(); i += 4) {
                    String piece = secret.substring(i, i + 24);
                    if (text.contains(piece) && publics.stream().noneMatch(p -> p.contains(piece))) {
                        throw new AssertionError(o.getKey() + " holds a piece of a private key: " + piece);
                    }
                }
            }
        }
    }

    private record Result(int code, String out, String err) { }

    private Result cli(String name, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SignerCli.run(clock, new PrintWriter(out), new PrintWriter(err), args);
        output(name + " (stderr)", err.toString());
        output(name + " (stdout)", out.toString());
        return new Result(code, out.toString(), err.toString());
    }

    private String path(String name) {
        return dir.resolve(name).toString();
    }

    // ---- every CLI command -------------------------------------------------------------------------------------

    @Test
    void noCommandEverPrintsOrLogsKeyMaterial() throws Exception {
        Files.writeString(dir.resolve("robots.yaml"), PolicySeeds.FULL);
        Files.writeString(dir.resolve("bad.yaml"), PolicySeeds.FULL.replace("v7", "v9"));
        assertThat(cli("ca init", "ca", "init", "--cert", path("ca.crt"), "--key", path("ca.key")).code).isZero();
        assertThat(cli("ca init --rsa", "ca", "init", "--rsa", "--cert", path("rsa.crt"), "--key", path("rsa.key")).code).isZero();
        assertThat(cli("ca init again", "ca", "init", "--cert", path("ca.crt"), "--key", path("ca.key")).code).isEqualTo(2);
        assertThat(cli("ca init --force", "ca", "init", "--force", "--cert", path("old.crt"), "--key", path("old.key")).code).isZero();
        secretKeyPem(Files.readString(dir.resolve("ca.key")));
        secretKeyPem(Files.readString(dir.resolve("rsa.key")));
        secretKeyPem(Files.readString(dir.resolve("old.key")));

        List<String> sign = List.of("sign", "--user=jenkins", "--format=kubernetes", "--policy", path("robots.yaml"),
                "--ca-cert", path("ca.crt"), "--ca-key", path("ca.key"), "--server", "https://127.0.0.1:6443",
                "--kube-user", "ci-deployer", "--audit-log", path("audit.jsonl"), "--verbose");
        assertThat(cli("sign", concat(sign, "--out", path("kubeconfig"), "--job", "deploy/api", "--ttl", "1h")).code).isZero();
        secretKubeconfig(Files.readString(dir.resolve("kubeconfig")));
        assertThat(cli("sign rsa", concat(sign, "--out", path("rsa-kubeconfig"), "--key-type", "rsa-2048", "--ttl", "1h")).code).isZero();
        secretKubeconfig(Files.readString(dir.resolve("rsa-kubeconfig")));
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        assertThat(SignerCli.run(clock, new PrintWriter(stdout), new PrintWriter(stderr), concat(sign, "--out", "-", "--ttl", "1h"))).isZero();
        secretKubeconfig(stdout.toString()); // the kubeconfig itself is the one output that holds a key
        output("sign --out - (stderr)", stderr.toString());
        assertThat(cli("sign --renew-every", concat(sign, "--out", path("renewed"), "--ttl", "2m", "--renew-every", "1s",
                "--max-renewals", "1")).code).isZero();
        secretKubeconfig(Files.readString(dir.resolve("renewed")));
        assertThat(cli("sign refused", concat(sign, "--out", path("k2"), "--job", "test/x", "--ttl", "1h")).code).isEqualTo(1);
        assertThat(cli("sign too long", concat(sign, "--out", path("k2"), "--ttl", "9h")).code).isEqualTo(1);
        assertThat(cli("sign bad policy", "sign", "--user=jenkins", "--policy", path("bad.yaml"), "--ca-cert", path("ca.crt"),
                "--ca-key", path("ca.key"), "--server", "https://h:1", "--out", path("k3"), "--verbose").code).isEqualTo(2);
        // CA key files that are not usable: the key's text must not come back in the error or the stack trace
        String caKey = Files.readString(dir.resolve("ca.key"));
        String[] body = caKey.split("\n");
        Map<String, String> damaged = Map.of(
                "mismatched", Files.readString(dir.resolve("old.key")),
                "flipped", caKey.replace(body[1], new StringBuilder(body[1]).reverse().toString()),
                "a certificate", Files.readString(dir.resolve("ca.crt")),
                "two keys", caKey + Files.readString(dir.resolve("old.key")),
                "encrypted label", caKey.replace("PRIVATE KEY", "ENCRYPTED PRIVATE KEY"));
        for (Map.Entry<String, String> d : damaged.entrySet()) {
            Files.writeString(dir.resolve("damaged.key"), d.getValue());
            Result r = cli("sign with a " + d.getKey() + " CA key", "sign", "--user=jenkins", "--policy", path("robots.yaml"),
                    "--ca-cert", path("ca.crt"), "--ca-key", path("damaged.key"), "--server", "https://h:1",
                    "--kube-user", "ci", "--out", path("k4"), "--verbose");
            assertThat(r.code).as(d.getKey()).isEqualTo(2);
        }
        // a key where a certificate or kubeconfig is expected
        assertThat(cli("server-ca is a key", concat(sign, "--out", path("k5"), "--server-ca", path("ca.key"), "--ttl", "1h")).code).isEqualTo(2);
        assertThat(cli("ca-cert is a key", "sign", "--user=jenkins", "--policy", path("robots.yaml"), "--ca-cert",
                path("ca.key"), "--ca-key", path("ca.key"), "--server", "https://h:1", "--out", path("k6"), "--verbose").code)
                .isEqualTo(2);
        assertThat(cli("inspect", "inspect", path("kubeconfig")).code).isZero();
        assertThat(cli("inspect a key", "inspect", path("ca.key"), "--verbose").code).isEqualTo(2);
        String kubeconfig = Files.readString(dir.resolve("kubeconfig"));
        Files.writeString(dir.resolve("swapped"), kubeconfig.replace("client-certificate-data", "x-data")
                .replace("client-key-data", "client-certificate-data"));
        assertThat(cli("inspect a kubeconfig with the key in place of the certificate", "inspect", path("swapped"),
                "--verbose").code).isEqualTo(2);
        Files.writeString(dir.resolve("broken"), kubeconfig.replace("current-context: \"127.0.0.1\"", "current-context: ["));
        assertThat(cli("inspect broken YAML", "inspect", path("broken"), "--verbose").code).isEqualTo(2);
        assertThat(cli("policy check", "policy", "check", path("robots.yaml")).code).isZero();
        assertThat(cli("policy check bad", "policy", "check", path("bad.yaml")).code).isEqualTo(2);
        cli("help", "--help");
        cli("version", "--version");
        cli("help sign", "help", "sign");
        output("audit log", Files.readString(dir.resolve("audit.jsonl")));
        assertThat(Files.readString(dir.resolve("audit.jsonl"))).contains("\"outcome\":\"issued\"", "\"outcome\":\"refused\"");

        assertNoSecretAnywhere();
    }

    private static String[] concat(List<String> first, String... more) {
        return Stream.concat(first.stream(), Stream.of(more)).toArray(String[]::new);
    }

    // ---- every core operation, and toString() of every core type ---------------------------------------------------

    @Test
    void noCoreOperationOrToStringShowsKeyMaterial() throws Exception {
        CertificateAuthority ca = CertificateAuthority.generate("hygiene CA", Duration.ofDays(1), KeyAlgorithm.EC_P256, clock);
        secretKeyPem(ca.privateKeyPem());
        CertificateAuthority loaded = CertificateAuthority.load(ca.certificatePem(), "ca.crt", ca.privateKeyPem(), "ca.key", clock);
        PolicyParser parser = new PolicyParser();
        RobotPolicy policy = parser.parse(PolicySeeds.FULL, "robots.yaml");
        List<AuditEvent> audit = new ArrayList<>();
        Path log = dir.resolve("audit.jsonl");
        JsonLinesAuditLog file = new JsonLinesAuditLog(log);
        Issuer issuer = new Issuer(loaded, policy, clock, e -> {
            audit.add(e);
            file.record(e);
        });
        ClusterEndpoint cluster = ClusterEndpoint.of("prod", "https://10.0.0.1:6443", ca.certificatePem(), "kube.local", "ci");
        IssueRequest request = IssueRequest.of("jenkins", Duration.ofHours(1), cluster).withKubernetesUser("ci")
                .withRequester(new Requester("deploy/api/main", 3));
        IssuedKubeconfig issued = issuer.issue(request);
        String yaml = new String(issued.kubeconfig(), StandardCharsets.UTF_8);
        secretKubeconfig(yaml);
        IssuedKubeconfig rsa = issuer.issue(request.withKeyAlgorithm(KeyAlgorithm.RSA_2048));
        secretKubeconfig(new String(rsa.kubeconfig(), StandardCharsets.UTF_8));
        KeyPair own = KeyAlgorithm.EC_P256.generate(new java.security.SecureRandom());
        secretKeyPem(Pem.encode(own.getPrivate()));
        issuer.issueCertificate(request, own.getPublic());
        Grant grant = issuer.check(request);
        List<Throwable> failures = new ArrayList<>();
        for (IssueRequest bad : List.of(request.withTtl(Duration.ofHours(9)), request.withKubernetesUser("admin"),
                request.withRequester(new Requester("test/x", 1)), request.withTtl(Duration.ofSeconds(5)),
                IssueRequest.of("ghost", Duration.ofHours(1), cluster))) {
            try {
                issuer.issue(bad);
            } catch (SignerException e) {
                failures.add(e);
            }
        }
        for (String damagedKey : List.of(ca.privateKeyPem().replace("M", "*"),
                Pem.encode(own.getPrivate()))) {
            try {
                CertificateAuthority.load(ca.certificatePem(), "ca.crt", damagedKey, "ca.key", clock);
            } catch (InvalidInputException e) {
                failures.add(e);
            }
        }
        for (String notACertificate : List.of(ca.privateKeyPem(), yaml)) {
            try {
                Pem.readCertificates(notACertificate, "cert");
            } catch (InvalidInputException e) {
                failures.add(e);
            }
        }
        try {
            KubeconfigSummary.read(yaml.replace("client-certificate-data", "client-certificate-datx")
                    .replace("client-key-data", "client-certificate-data").getBytes(StandardCharsets.UTF_8), "kubeconfig");
        } catch (InvalidInputException e) {
            failures.add(e);
        }
        try {
            parser.parse(PolicySeeds.FULL.replace("v7", "v9"), "bad.yaml");
        } catch (PolicyException e) {
            failures.add(e);
        }
        ClusterTarget target = new ClusterTarget(cluster, () -> loaded, loaded.fingerprintSha256(), "ca.key");
        SigningService service = new SigningService(policy, List.of(target), Duration.ofHours(1), clock, e -> {
            audit.add(e);
            file.record(e);
        });
        KubeconfigRequest stated = KubeconfigRequest.by(new Requester("deploy/api/main", 4)).withRobotUser("jenkins")
                .withKubernetesUser("ci");
        secretKubeconfig(new String(service.issue(stated).kubeconfig(), StandardCharsets.UTF_8));
        CaUnavailableException unavailable = new CaUnavailableException("credential \"ca\" is missing");
        SigningService noCa = new SigningService(policy, List.of(new ClusterTarget(cluster, () -> {
            throw unavailable;
        }, null, "ca")), Duration.ofHours(1), clock, e -> {
            audit.add(e);
            file.record(e);
        });
        for (KubeconfigRequest bad : List.of(stated.withTtl("forever"), stated.withCluster("other"),
                stated.withRobotUser(null))) {
            try {
                service.issue(bad);
            } catch (SignerException e) {
                failures.add(e);
            }
        }
        try {
            noCa.issue(stated);
        } catch (PolicyRefusal e) {
            failures.add(e);
        }
        failures.add(unavailable);
        assertThat(failures).hasSize(16);

        // Service-account tokens: the minter's token and a minted token are secrets as keys are.
        String minterToken = "minter-secret-token-0123456789abcdefghijklmnop";
        String minted = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJoeWdpZW5lIn0.aHlnaWVuZS1zaWduYXR1cmUtMDEyMzQ1Njc4OWFiY2RlZg";
        secrets.add(minterToken);
        secrets.add(minted);
        secrets.add(minted.substring(minted.lastIndexOf('.') + 1));
        RobotPolicy tokenPolicy = parser.parse("""
                kind: role
                version: v7
                metadata: {name: sa}
                spec:
                  allow:
                    kubernetes_users: ["system:serviceaccount:ci:deployer"]
                ---
                kind: user
                version: v2
                metadata: {name: deployer}
                spec: {roles: [sa]}
                """, "token.yaml");
        IssuedKubeconfig tokenIssued;
        MintedToken mintedToken;
        TokenMinter minter;
        TokenIssuer tokenIssuer = new TokenIssuer(tokenPolicy, clock, e -> {
            audit.add(e);
            file.record(e);
        });
        MinterUnavailableException noMinter = new MinterUnavailableException("credential \"minter\" is missing");
        try (TokenApiStub stub = new TokenApiStub(seen -> seen.authorization().equals("Bearer " + minterToken)
                ? TokenApiStub.Answer.of(201, TokenApiStub.tokenResponse(minted, clock.instant().plusSeconds(3600)))
                : TokenApiStub.Answer.of(401, TokenApiStub.status(401, "Unauthorized", "Unauthorized")))) {
            ClusterEndpoint eks = ClusterEndpoint.of("eks", stub.url(), stub.caPem, null, null);
            minter = new TokenMinter(eks, () -> minterToken, "credential \"minter\"", clock);
            IssueRequest tokenRequest = IssueRequest.of("deployer", Duration.ofHours(1), eks);
            tokenIssued = tokenIssuer.issue(tokenRequest, minter);
            mintedToken = minter.mint(new ServiceAccount("ci", "deployer"), Duration.ofHours(1));
            for (MinterCredential wrong : List.<MinterCredential>of(() -> minterToken + "x", () -> {
                throw noMinter;
            })) {
                try {
                    tokenIssuer.issue(tokenRequest, new TokenMinter(eks, wrong, "credential \"minter\"", clock));
                } catch (PolicyRefusal e) {
                    failures.add(e);
                }
            }
            try {
                MinterCredential.checkToken(minterToken + " " + minterToken, "minter.token");
            } catch (MinterUnavailableException e) {
                failures.add(e);
            }
        }
        failures.add(noMinter);
        output("token IssuedKubeconfig", tokenIssued + " " + tokenIssued.summary() + " " + tokenIssued.subject());
        KubeconfigSummary summary = KubeconfigSummary.read(issued.kubeconfig(), "kubeconfig");
        Path written = PrivateFiles.writeInNewDirectory(dir.resolve("ws"), PrivateFiles.KUBECONFIG, issued.kubeconfig());
        PrivateFiles.replace(dir.resolve("out"), issued.kubeconfig());
        PrivateFiles.deleteDirectory(written.getParent());
        RobotProfile profile = policy.profile("jenkins");
        Role role = policy.roles().get("deployer");
        PolicyProblem warning = policy.warnings().get(0);
        PolicyRefusal refusal = (PolicyRefusal) failures.get(0);

        // Issuance outside builds (a caller through SigningService) and the audit file read back.
        RobotPolicy callers = parser.parse(CallerBindingTest.POLICY, "callers.yaml");
        SigningService callerService = new SigningService(callers, List.of(target), Duration.ofHours(1), clock, e -> {
            audit.add(e);
            file.record(e);
        });
        KubeconfigRequest callerRequest = KubeconfigRequest.by(
                Requester.caller("alice", List.of("ops"), Requester.EntryPoint.REST));
        secretKubeconfig(new String(callerService.issue(callerRequest).kubeconfig(), StandardCharsets.UTF_8));
        AuditPage page = file.read(AuditQuery.newest(AuditQuery.MAX_LIMIT));
        assertThat(page.entries()).hasSize(audit.size());
        ReversedLines lines = new ReversedLines(java.nio.channels.FileChannel.open(log), Files.size(log));
        lines.close();
        // Agent-side keys: the key made in a private directory, its CSR signed, the kubeconfig installed beside it,
        // the renewal schedule and the leftover registry.
        KeyDirectory.Created created = KeyDirectory.create(dir.resolve("agent@tmp"), KeyAlgorithm.EC_P256);
        secretKeyPem(Files.readString(created.directory().resolve(KeyDirectory.KEY)));
        ClientCsr csr = ClientCsr.readPem(created.csr().pem(), "request.csr");
        publicEncoding(csr.der()); // the renewal registry keeps it
        IssuedCertificate forCsr = issuer.issue(request, csr);
        output("KeyDirectory kubeconfig", Files.readString(KeyDirectory.install(created.directory(),
                forCsr.cluster(), forCsr.certificatePem()))); // names the key file, holds no key
        RenewalSchedule schedule = new RenewalSchedule(clock.instant(), forCsr.notAfter(), clock);
        LiveDirectory live = new LiveDirectory("agent", created.directory().getParent().toString(),
                created.directory().getFileName().toString(), request.requester());
        Renewal renewal = new Renewal(KubeconfigRequest.by(request.requester()).withTtl("1h"), csr, clock.instant(),
                forCsr.notAfter());
        LiveDirectories registry = LiveDirectories.empty().with(live).withRenewal(live, renewal);
        output("LiveDirectories.toText()", registry.toText()); // names, the request and the CSR: nothing secret
        output("IssuedCertificate.summary()", forCsr.summary() + " " + forCsr.certificatePem());

        Map<Class<?>, Object> instances = new LinkedHashMap<>();
        instances.put(AuditEntry.class, page.entries().get(0));
        instances.put(AuditPage.class, page);
        instances.put(AuditQuery.class, page.query());
        instances.put(CallerBinding.class, callers.callerBindings().get(0));
        instances.put(KubeconfigRequest.class, callerRequest);
        instances.put(Requester.EntryPoint.class, Requester.EntryPoint.REST);
        instances.put(ReversedLines.class, lines);
        instances.put(SigningService.class, callerService);
        instances.put(CertificateAuthority.class, loaded);
        instances.put(Issuer.class, issuer);
        instances.put(IssuedKubeconfig.class, issued);
        instances.put(IssueRequest.class, request);
        instances.put(Grant.class, grant);
        instances.put(RobotPolicy.class, policy);
        instances.put(RobotProfile.class, profile);
        instances.put(Role.class, role);
        instances.put(RoleConditions.class, role.allow());
        instances.put(RobotUser.class, policy.users().get("jenkins"));
        instances.put(JobBinding.class, policy.bindings().get(0));
        instances.put(JobPattern.class, profile.jobs().get(0));
        instances.put(AuditEvent.class, audit.get(0));
        instances.put(AuditEvent.Outcome.class, AuditEvent.Outcome.ISSUED);
        instances.put(JsonLinesAuditLog.class, file);
        instances.put(KubeconfigSummary.class, summary);
        instances.put(ClusterEndpoint.class, cluster);
        instances.put(PolicyProblem.class, warning);
        instances.put(PolicyProblem.Severity.class, warning.severity());
        instances.put(Requester.class, request.requester());
        instances.put(ClientCsr.class, csr);
        instances.put(IssuedCertificate.class, forCsr);
        instances.put(KeyDirectory.Created.class, created);
        instances.put(RenewalSchedule.class, schedule);
        instances.put(RenewalSchedule.State.class, schedule.state());
        instances.put(LiveDirectory.class, live);
        instances.put(LiveDirectories.class, registry);
        instances.put(Renewal.class, renewal);
        instances.put(KeyAlgorithm.class, KeyAlgorithm.EC_P256);
        instances.put(PolicyParser.class, parser);
        instances.put(TraitTemplate.class, TraitTemplate.parse("team-{{external.team}}"));
        instances.put(PolicyRefusal.class, refusal);
        instances.put(PolicyException.class, failures.get(10));
        instances.put(InvalidInputException.class, failures.get(5));
        instances.put(ClusterTarget.class, target);
        instances.put(CaUnavailableException.class, unavailable);
        KubeconfigTemplate template = new KubeconfigTemplate("prod", "jenkins", "1h");
        secretKubeconfig(new String(service.issue(template.requestBy(request.requester()).withKubernetesUser("ci"))
                .kubeconfig(), StandardCharsets.UTF_8));
        instances.put(KubeconfigTemplate.class, template);
        instances.put(SecretMasker.class, SecretMasker.of(issued.secretValues()));
        instances.put(MintedToken.class, mintedToken);
        instances.put(ServiceAccount.class, mintedToken.account());
        instances.put(TokenMinter.class, minter);
        instances.put(TokenIssuer.class, tokenIssuer);
        instances.put(MinterUnavailableException.class, noMinter);
        instances.put(IssuanceMode.class, IssuanceMode.SERVICE_ACCOUNT_TOKEN);
        // The parser's parts, run on a policy: none of them holds key material either.
        ProblemLog parts = new ProblemLog("parts.yaml");
        NodeReader nodes = new NodeReader(parts);
        YamlDocuments yamlDocuments = new YamlDocuments();
        List<org.yaml.snakeyaml.nodes.Node> documents = yamlDocuments.compose(PolicySeeds.FULL, parts);
        PolicyContents contents = new PolicyContents(nodes);
        documents.forEach(contents::add);
        instances.put(ProblemLog.class, parts);
        instances.put(NodeReader.class, nodes);
        instances.put(YamlDocuments.class, yamlDocuments);
        instances.put(PolicyContents.class, contents);
        instances.put(DocumentHeader.class, DocumentHeader.read(documents.get(0), nodes));
        instances.put(RoleReader.class, new RoleReader(nodes));
        instances.put(RoleOptionsReader.class, new RoleOptionsReader(nodes));
        instances.put(IgnoredConditions.class, new IgnoredConditions(nodes));
        instances.put(KubernetesResourceRules.class, new KubernetesResourceRules(nodes));
        instances.put(UserReader.class, new UserReader(nodes));
        UserReader.Read user = new UserReader(nodes).read(DocumentHeader.read(documents.get(3), nodes));
        instances.put(UserReader.Read.class, user);
        instances.put(NameReference.class, user.roles().get(0));
        instances.put(JobBindingReader.class, new JobBindingReader(nodes));
        instances.put(JobBindingReader.Read.class,
                new JobBindingReader(nodes).read(DocumentHeader.read(documents.get(5), nodes)));
        instances.put(RobotProfiles.class, new RobotProfiles(contents, parts));
        instances.put(CallerBindingReader.class, new CallerBindingReader(nodes));
        instances.put(CallerBindingReader.Read.class,
                new CallerBindingReader.Read(callers.callerBindings().get(0), List.of()));

        for (Map.Entry<Class<?>, Object> e : instances.entrySet()) {
            assertThat(e.getValue()).as(e.getKey().getSimpleName()).isInstanceOf(e.getKey());
            output(e.getKey().getSimpleName() + ".toString()", String.valueOf(e.getValue()));
        }
        for (Throwable t : failures) {
            StringWriter trace = new StringWriter();
            t.printStackTrace(new PrintWriter(trace));
            output(t.getClass().getSimpleName() + " " + t.getMessage(), t + "\n" + trace);
        }
        for (AuditEvent e : audit) {
            output("AuditEvent.toJson()", e.toJson());
        }
        output("audit log", Files.readString(log));
        output("IssuedKubeconfig.summary()", issued.summary() + " " + issued.subject());
        output("CertificateAuthority", loaded.certificatePem() + loaded.subject() + loaded.fingerprintSha256());
        assertThat(audit).hasSizeGreaterThanOrEqualTo(8);

        assertNoSecretAnywhere();
        assertThat(everyCoreTypeWithState()).as("core types whose toString() this test does not check")
                .isSubsetOf(instances.keySet().stream().map(Class::getName).collect(Collectors.toSet()));
    }

    /**
     * Every class of the core package that can be instantiated and holds state (fields other than constants), so
     * that a new type is not forgotten here. Static helpers, interfaces and abstract classes are left out.
     */
    static Set<String> everyCoreTypeWithState() {
        Set<String> out = new TreeSet<>();
        for (JavaClass c : new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(SecretHygieneTest.class.getPackageName())) {
            if (!c.getPackageName().equals(SecretHygieneTest.class.getPackageName()) || c.isInterface()
                    || c.getModifiers().contains(JavaModifier.ABSTRACT) || c.isAnonymousClass() || c.isLocalClass()
                    || c.getModifiers().contains(JavaModifier.PRIVATE) || c.getSimpleName().equals("package-info")) {
                continue;
            }
            boolean state = c.getFields().stream().anyMatch(f -> !f.getModifiers().contains(JavaModifier.STATIC))
                    || c.isEnum();
            if (state) {
                out.add(c.getName());
            }
        }
        return out;
    }
}
