package io.jenkins.plugins.shortlivedkubeconfig.cli;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.jenkins.plugins.shortlivedkubeconfig.signer.AuditSink;
import io.jenkins.plugins.shortlivedkubeconfig.signer.CaKeystore;
import io.jenkins.plugins.shortlivedkubeconfig.signer.CertificateAuthority;
import io.jenkins.plugins.shortlivedkubeconfig.signer.ClientCsr;
import io.jenkins.plugins.shortlivedkubeconfig.signer.ClusterEndpoint;
import io.jenkins.plugins.shortlivedkubeconfig.signer.IssuanceMode;
import io.jenkins.plugins.shortlivedkubeconfig.signer.InvalidInputException;
import io.jenkins.plugins.shortlivedkubeconfig.signer.IssueRequest;
import io.jenkins.plugins.shortlivedkubeconfig.signer.IssuedCertificate;
import io.jenkins.plugins.shortlivedkubeconfig.signer.IssuedKubeconfig;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Issuer;
import io.jenkins.plugins.shortlivedkubeconfig.signer.JsonLinesAuditLog;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Pem;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KeyAlgorithm;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KeyPairs;
import io.jenkins.plugins.shortlivedkubeconfig.signer.MinterCredential;
import io.jenkins.plugins.shortlivedkubeconfig.signer.MinterUnavailableException;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyParser;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PrivateFiles;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Requester;
import io.jenkins.plugins.shortlivedkubeconfig.signer.RobotPolicy;
import io.jenkins.plugins.shortlivedkubeconfig.signer.SignerException;
import io.jenkins.plugins.shortlivedkubeconfig.signer.TokenIssuer;
import io.jenkins.plugins.shortlivedkubeconfig.signer.TokenMinter;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Ttl;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.ReentrantLock;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code sign}: the {@code tctl auth sign --format=kubernetes} of this project. */
@Command(name = "sign", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Issue a short-lived client certificate for a robot user and write a kubeconfig that uses it.",
            "Flags are named as tctl names them. On any error the --out file is left exactly as it was.",
            "",
            "Example:",
            "  kubeconfig-signer sign --user=jenkins --format=kubernetes --out=kubeconfig --ttl=25h \\",
            "      --policy=robots.yaml --ca-cert=ca.crt --ca-key=ca.key --server=https://10.0.0.1:6443 \\",
            "      --server-ca=server-ca.crt",
            "",
            "With a PKCS#12 keystore instead of PEM files (the password is read from a file, never the command line):",
            "  kubeconfig-signer sign --user=jenkins --out=kubeconfig --policy=robots.yaml \\",
            "      --ca-keystore=ca.p12 --ca-keystore-password-file=ca.p12.password --server=https://10.0.0.1:6443",
            "",
            "Managed clusters (EKS, GKE, AKS), whose client CA cannot be changed: a service-account token instead,",
            "minted by the cluster's TokenRequest API with a minter token read from a file (never a flag value):",
            "  kubeconfig-signer sign --cluster-mode=service-account-token --minter-token-file=minter.token \\",
            "      --user=deployer --out=kubeconfig --ttl=1h --policy=robots.yaml --server=https://eks.example:443",
            "",
            "For a key made elsewhere (`kubeconfig-signer csr` or openssl), sign its request instead; the key stays "
                    + "where it is, and the policy, not the request, decides the certificate's names:",
            "  kubeconfig-signer sign --user=jenkins --csr=request.csr --format=cert --out=client.crt ...",
            "  kubeconfig-signer sign --user=jenkins --csr=request.csr --format=kubernetes --key=key.pem "
                    + "--out=kubeconfig ..."})
final class SignCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--user", required = true, paramLabel = "NAME", description = "The robot user (kind: user) to sign for.")
    String user;

    @Option(names = "--format", defaultValue = "kubernetes", paramLabel = "FORMAT",
            description = "Output format: 'kubernetes' (a kubeconfig) or, with --csr, 'cert' (the PEM certificate "
                    + "only) (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--csr", paramLabel = "FILE",
            description = "Sign this PKCS#10 request (PEM or DER, EC P-256 or RSA >= 2048) instead of making a key. "
                    + "Only its key is used; its subject and extensions are ignored.")
    @CheckForNull
    Path csr;

    @Option(names = "--key", paramLabel = "FILE",
            description = "With --csr and --format=kubernetes: the request's private key, read here to embed it in "
                    + "the kubeconfig.")
    @CheckForNull
    Path key;

    @Option(names = {"--out", "-o"}, required = true, paramLabel = "FILE",
            description = "Where to write the kubeconfig (mode 0600, replaced atomically); '-' for stdout.")
    String out;

    @Option(names = "--ttl", defaultValue = "12h", paramLabel = "DURATION",
            description = "Certificate lifetime as a Go duration, e.g. 25h, 90m, 1h30m (default: ${DEFAULT-VALUE}, as tctl).")
    String ttl;

    @Option(names = "--policy", required = true, paramLabel = "FILE", description = "Robot policy YAML (Teleport roles and users, job bindings).")
    Path policy;

    @Option(names = "--cluster-mode", defaultValue = "client-certificate", paramLabel = "MODE",
            description = "client-certificate (signed with the CA below) or service-account-token (minted by the "
                    + "cluster with --minter-token-file) (default: ${DEFAULT-VALUE}).")
    String clusterMode;

    /** The signing CA: PEM files or a PKCS#12 keystore, exactly one of the two (client-certificate mode). */
    @ArgGroup(exclusive = true, multiplicity = "0..1", heading = "The signing CA (PEM files or a PKCS#12 keystore):%n")
    @CheckForNull
    CaFiles ca;

    @Option(names = "--minter-token-file", paramLabel = "FILE",
            description = "File holding the minter service account's bearer token (or a kubeconfig whose user has "
                    + "one); service-account-token mode. Re-read at each renewal.")
    @CheckForNull
    Path minterTokenFile;

    private IssuanceMode mode = IssuanceMode.CLIENT_CERTIFICATE;
    /** Made once per command (one HTTP client), reading the minter's token at every issuance. */
    @CheckForNull
    private TokenMinter minter;

    static final class CaFiles {
        @ArgGroup(exclusive = false, multiplicity = "0..1", order = 1)
        @CheckForNull
        PemFiles pem;

        @ArgGroup(exclusive = false, multiplicity = "0..1", order = 2)
        @CheckForNull
        KeystoreFiles keystore;
    }

    static final class PemFiles {
        @Option(names = "--ca-cert", required = true, paramLabel = "FILE", description = "Client CA certificate (PEM).")
        Path cert;

        @Option(names = "--ca-key", required = true, paramLabel = "FILE",
                description = "Client CA private key (PEM, unencrypted).")
        Path key;
    }

    static final class KeystoreFiles {
        @Option(names = "--ca-keystore", required = true, paramLabel = "FILE",
                description = "Instead of --ca-cert/--ca-key: a PKCS#12 keystore (.p12) holding the CA's key and "
                        + "certificate, as `openssl pkcs12 -export` or keytool writes it.")
        Path file;

        @Option(names = "--ca-keystore-password-file", required = true, paramLabel = "FILE",
                description = "A file holding the keystore's password (one trailing newline is ignored); the "
                        + "password itself is never given on the command line.")
        Path passwordFile;
    }

    @Option(names = "--server", paramLabel = "URL",
            description = "The Kubernetes API server, https://host:port (required except with --format=cert).")
    @CheckForNull
    String server;

    @Option(names = "--server-ca", paramLabel = "FILE",
            description = "CA certificate(s) of the API server's serving certificate (PEM); default: system roots.")
    @CheckForNull
    Path serverCa;

    @Option(names = "--cluster", paramLabel = "NAME", description = "Cluster, user and context name in the kubeconfig (default: the server's host).")
    @CheckForNull
    String cluster;

    @Option(names = "--namespace", paramLabel = "NS", description = "Default namespace of the context.")
    @CheckForNull
    String namespace;

    @Option(names = "--tls-server-name", paramLabel = "HOST", description = "Server name to verify the API server's certificate against.")
    @CheckForNull
    String tlsServerName;

    @Option(names = "--kube-user", paramLabel = "NAME", description = "Kubernetes user (certificate CN) to act as, when the roles allow several.")
    @CheckForNull
    String kubeUser;

    @Option(names = "--job", paramLabel = "FULL/NAME", description = "Check the policy's job bindings for this Jenkins job full name.")
    @CheckForNull
    String job;

    @Option(names = "--key-type", defaultValue = "ec-p256", paramLabel = "TYPE",
            description = "Client key type: ec-p256 or rsa-2048 (default: ${DEFAULT-VALUE}).")
    String keyType;

    @Option(names = "--audit-log", paramLabel = "FILE", description = "Append one JSON line per issuance or refusal to this file.")
    @CheckForNull
    Path auditLog;

    @Option(names = "--renew-every", paramLabel = "DURATION",
            description = "Keep running and replace --out with a fresh kubeconfig this often (shorter than --ttl). "
                    + "Policy and CA files are re-read at each renewal.")
    @CheckForNull
    String renewEvery;

    /** For tests and benchmarks: stop after this many renewals. */
    @Option(names = "--max-renewals", hidden = true, defaultValue = "0")
    long maxRenewals;

    @Override
    public Integer call() throws Exception {
        boolean certOnly = format.equals("cert");
        if (!format.equals("kubernetes") && !certOnly) {
            throw new InvalidInputException("--format: " + quote(format) + " is not supported; use "
                    + "--format=kubernetes (a kubeconfig) or --format=cert (with --csr)");
        }
        if (certOnly && csr == null) {
            throw new InvalidInputException("--format=cert needs --csr: the certificate is for a key you hold");
        }
        if (key != null && csr == null) {
            throw new InvalidInputException("--key " + key + ": only with --csr (without it a fresh key is made)");
        }
        if (certOnly && key != null) {
            throw new InvalidInputException("--key " + key + ": not with --format=cert, which writes the certificate "
                    + "only; the key stays in its file");
        }
        if (csr != null && !certOnly && key == null) {
            throw new InvalidInputException("--csr with --format=kubernetes needs --key, the request's private key, "
                    + "to put into the kubeconfig (or use --format=cert)");
        }
        if (server == null && !certOnly) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "Missing required option: '--server=URL'");
        }
        mode = IssuanceMode.parse(clusterMode, "--cluster-mode");
        checkModeFlags();
        Duration lifetime = Ttl.parse(ttl, "--ttl");
        KeyAlgorithm keyAlgorithm = KeyAlgorithm.parse(keyType, "--key-type");
        boolean toStdout = out.equals("-");
        if (renewEvery != null && csr != null) {
            throw new InvalidInputException("--renew-every: not with --csr; run sign --csr again to renew");
        }
        if (renewEvery != null && toStdout) {
            throw new InvalidInputException("--renew-every needs a file for --out, not '-'");
        }
        Duration interval = renewEvery == null ? null : Ttl.parse(renewEvery, "--renew-every");
        if (interval != null && (interval.compareTo(Duration.ofSeconds(1)) < 0 || interval.compareTo(lifetime) >= 0)) {
            throw new InvalidInputException("--renew-every: " + Ttl.format(interval) + " must be at least 1s and "
                    + "shorter than --ttl " + Ttl.format(lifetime) + ", so the file is renewed before it expires");
        }
        String serverUrl = server != null ? server : "https://unused.invalid";
        String clusterName = cluster != null ? cluster : defaultClusterName(serverUrl);
        if (job != null && job.isBlank()) {
            throw new InvalidInputException("--job: give a Jenkins job full name, e.g. deploy/api/main");
        }
        Requester requester = job == null ? null : new Requester(job, 0);
        SignerCli root = (SignerCli) spec.root().userObject();
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter log = toStdout ? spec.commandLine().getErr() : stdout;

        IssueRequest request = IssueRequest.of(user, lifetime, cluster(clusterName, serverUrl))
                .withKubernetesUser(kubeUser).withRequester(requester).withKeyAlgorithm(keyAlgorithm);
        if (csr != null) {
            return signCsr(root.clock, request, csr, certOnly, toStdout, stdout, log);
        }
        if (interval == null) {
            IssuedKubeconfig issued = issueOnce(root.clock, request);
            write(issued.kubeconfig(), "kubeconfig", issued.summary(), toStdout, stdout, log);
            return SignerCli.OK;
        }
        return new Renewal(root.clock, request, interval, spec.commandLine().getErr()).run();
    }

    /** {@code --csr}: the certificate alone, or a kubeconfig with the caller's key read here. */
    private int signCsr(Clock clock, IssueRequest request, Path csrFile, boolean certOnly, boolean toStdout,
                        PrintWriter stdout, PrintWriter log) throws SignerException, IOException {
        ClientCsr clientCsr = ClientCsr.read(InputFiles.readBytes(csrFile, "--csr"), "--csr " + csrFile);
        PrivateKey privateKey = null;
        if (!certOnly) {
            Path keyFile = java.util.Objects.requireNonNull(key);
            privateKey = Pem.readPrivateKey(InputFiles.readText(keyFile, "--key"), "--key " + keyFile);
            if (!KeyPairs.matching(privateKey, clientCsr.publicKey())) {
                throw new InvalidInputException("--key " + keyFile + ": not the private key of --csr " + csrFile);
            }
        }
        IssuedCertificate issued = issuer(clock).issue(request, clientCsr);
        byte[] content = certOnly ? issued.certificatePem().getBytes(java.nio.charset.StandardCharsets.US_ASCII)
                : issued.kubeconfig(privateKey);
        write(content, certOnly ? "certificate" : "kubeconfig", issued.summary(), toStdout, stdout, log);
        return SignerCli.OK;
    }

    /** Writes to --out (mode 0600, replaced atomically) or stdout, then says so on the log stream. */
    private void write(byte[] content, String what, String summary, boolean toStdout, PrintWriter stdout,
                       PrintWriter log) throws IOException {
        if (toStdout) {
            stdout.print(new String(content, java.nio.charset.StandardCharsets.UTF_8));
            stdout.flush();
        } else {
            PrivateFiles.replace(Path.of(out), content);
        }
        log.println("Wrote " + what + (toStdout ? "" : " to " + out) + ": " + summary);
    }

    private ClusterEndpoint cluster(String clusterName, String server) throws InvalidInputException {
        String serverCaPem = serverCa == null ? null : InputFiles.readText(serverCa, "--server-ca");
        try {
            return ClusterEndpoint.of(clusterName, server, serverCaPem, tlsServerName, namespace);
        } catch (InvalidInputException e) {
            // The core names its fields; the user typed flags.
            String message = e.getMessage();
            String[][] flags = {{ClusterEndpoint.SERVER_CA_FIELD, "--server-ca " + serverCa},
                {ClusterEndpoint.SERVER_FIELD, "--server"}, {ClusterEndpoint.NAME_FIELD, "--cluster"},
                {ClusterEndpoint.TLS_SERVER_NAME_FIELD, "--tls-server-name"},
                {ClusterEndpoint.NAMESPACE_FIELD, "--namespace"}};
            for (String[] flag : flags) {
                if (message.startsWith(flag[0] + ":") || message.startsWith(flag[0] + " ")) {
                    throw new InvalidInputException(flag[1] + message.substring(flag[0].length()));
                }
            }
            throw e;
        }
    }

    /** Which flags each mode needs: the CA for client certificates, the minter's token file for tokens. */
    private void checkModeFlags() throws InvalidInputException {
        if (mode == IssuanceMode.SERVICE_ACCOUNT_TOKEN) {
            if (minterTokenFile == null) {
                throw new ParameterException(spec.commandLine(), "Error: Missing required option for "
                        + "--cluster-mode=" + mode.id() + ": '--minter-token-file=FILE' (a file holding the minter's bearer token)");
            }
            if (ca != null) {
                throw new ParameterException(spec.commandLine(), "--ca-cert and --ca-key are not used with "
                        + "--cluster-mode=" + mode.id() + ", nor is --ca-keystore: the cluster mints the token; leave "
                        + "them out");
            }
            if (csr != null) {
                throw new ParameterException(spec.commandLine(), "--csr is only used with --cluster-mode="
                        + IssuanceMode.CLIENT_CERTIFICATE.id() + ": a service account token certifies no key");
            }
            minterToken(); // a missing or unusable file is bad input, before anything is asked of the cluster
        } else {
            if (ca == null) {
                // worded as picocli words a required group, which the CA was before token mode
                throw new ParameterException(spec.commandLine(), "Error: Missing required argument (specify one "
                        + "of these): "
                        + "([--ca-cert=FILE --ca-key=FILE] | [--ca-keystore=FILE --ca-keystore-password-file=FILE])");
            }
            if (minterTokenFile != null) {
                throw new ParameterException(spec.commandLine(), "--minter-token-file is only used with "
                        + "--cluster-mode=" + IssuanceMode.SERVICE_ACCOUNT_TOKEN.id());
            }
        }
    }

    /** The minter's token, read afresh (a rotated file takes effect at the next renewal); a kubeconfig works too. */
    private String minterToken() throws InvalidInputException {
        Path file = Objects.requireNonNull(minterTokenFile);
        byte[] bytes = InputFiles.readBytes(file, "--minter-token-file");
        String source = "--minter-token-file " + file;
        try {
            String text = new String(bytes, StandardCharsets.UTF_8);
            return text.contains("kind: Config") || text.contains("users:")
                    ? MinterCredential.tokenFromKubeconfig(bytes, source) : MinterCredential.checkToken(text, source);
        } catch (MinterUnavailableException e) {
            throw new InvalidInputException(e.getMessage());
        }
    }

    private IssuedKubeconfig issueOnce(Clock clock, IssueRequest request) throws SignerException {
        if (mode == IssuanceMode.SERVICE_ACCOUNT_TOKEN) {
            TokenMinter current = minter;
            if (current == null) {
                current = new TokenMinter(request.cluster(), () -> {
                    try {
                        return minterToken();
                    } catch (InvalidInputException e) {
                        throw new MinterUnavailableException(e.getMessage());
                    }
                }, "--minter-token-file " + minterTokenFile, clock);
                minter = current;
            }
            return new TokenIssuer(policy(), clock, audit()).issue(request, current);
        }
        return issuer(clock).issue(request);
    }

    private RobotPolicy policy() throws SignerException {
        return new PolicyParser().parse(InputFiles.readBytes(policy, "--policy"), policy.toString());
    }

    private AuditSink audit() {
        return auditLog == null ? AuditSink.NONE : new JsonLinesAuditLog(auditLog);
    }

    /** Reads the policy and the CA afresh: once for a single sign, at every renewal otherwise. */
    private Issuer issuer(Clock clock) throws SignerException {
        CaFiles files = Objects.requireNonNull(ca, "checked by checkModeFlags");
        CertificateAuthority authority = files.keystore != null ? keystoreCa(files.keystore, clock)
                : pemCa(files.pem, clock);
        return new Issuer(authority, policy(), clock, audit());
    }

    private static CertificateAuthority pemCa(@CheckForNull PemFiles pem, Clock clock) throws InvalidInputException {
        if (pem == null) {
            throw new InvalidInputException("give the signing CA: --ca-cert and --ca-key, or --ca-keystore and "
                    + "--ca-keystore-password-file");
        }
        String caCertPem = InputFiles.readText(pem.cert, "--ca-cert");
        String caKeyPem = InputFiles.readText(pem.key, "--ca-key");
        try {
            return CertificateAuthority.load(caCertPem, "--ca-cert " + pem.cert, caKeyPem, "--ca-key " + pem.key,
                    clock);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // e.g. a CA certificate whose key identifier extension is damaged: Bouncy Castle's own exception
            throw new InvalidInputException("--ca-cert " + pem.cert + ": not a usable CA certificate ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static CertificateAuthority keystoreCa(KeystoreFiles keystore, Clock clock) throws InvalidInputException {
        char[] password = password(keystore.passwordFile);
        try {
            return CaKeystore.load(InputFiles.readBytes(keystore.file, "--ca-keystore"), password,
                    "--ca-keystore " + keystore.file, clock);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** The password file's text without one trailing line end, as {@code echo} and editors leave it. */
    static char[] password(Path file) throws InvalidInputException {
        byte[] bytes = InputFiles.readBytes(file, "--ca-keystore-password-file");
        int end = bytes.length;
        if (end > 0 && bytes[end - 1] == '\n') {
            end--;
            if (end > 0 && bytes[end - 1] == '\r') {
                end--;
            }
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, 0, end));
            char[] password = new char[chars.remaining()];
            chars.get(password);
            Arrays.fill(chars.array(), '\0');
            return password;
        } catch (CharacterCodingException e) {
            throw new InvalidInputException("--ca-keystore-password-file " + file + ": not UTF-8 text");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** A value the user typed, as a message shows it: quoted, one line, at most 100 characters. */
    static String quote(String value) {
        return "\"" + printable(value, 100) + "\"";
    }

    /** Text with control and format characters escaped ({@code \\u000a}), cut after {@code max} characters. */
    static String printable(String value, int max) {
        StringBuilder b = new StringBuilder();
        value.codePoints().limit(max).forEach(c -> {
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                    || Character.getType(c) == Character.LINE_SEPARATOR
                    || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
                b.append(String.format(java.util.Locale.ROOT, "\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return value.codePointCount(0, value.length()) > max ? b.append("...").toString() : b.toString();
    }

    static String defaultClusterName(String server) {
        try {
            String host = URI.create(server.strip()).getHost();
            return host == null ? "kubernetes" : host.replace("[", "").replace("]", "");
        } catch (IllegalArgumentException e) {
            return "kubernetes";
        }
    }

    /** Keeps --out fresh until stopped; a failed renewal keeps the old file and is retried soon. */
    private final class Renewal {
        private final Clock clock;
        private final IssueRequest request;
        private final Duration interval;
        private final PrintWriter log;
        /** Held while the file is replaced, so that a shutdown waits for the write to finish. */
        private final ReentrantLock writing = new ReentrantLock();
        private volatile boolean stopping;

        Renewal(Clock clock, IssueRequest request, Duration interval, PrintWriter log) {
            this.clock = clock;
            this.request = request;
            this.interval = interval;
            this.log = log;
        }

        int run() throws SignerException, IOException {
            Thread main = Thread.currentThread();
            Thread hook = new Thread(() -> {
                stopping = true;
                main.interrupt();
                writing.lock(); // wait for a replacement under way
                writing.unlock();
            }, "kubeconfig-signer-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                IssuedKubeconfig current = renew(); // the first one fails the command outright
                long renewals = 0;
                Duration retry = interval.compareTo(Duration.ofMinutes(1)) < 0 ? interval : Duration.ofMinutes(1);
                Instant next = clock.instant().plus(interval);
                while (!stopping && (maxRenewals <= 0 || renewals < maxRenewals)) {
                    if (!sleepUntil(next)) {
                        break;
                    }
                    try {
                        current = renew();
                        renewals++;
                        next = clock.instant().plus(interval);
                    } catch (SignerException | IOException | RuntimeException e) {
                        log.println(timestamp() + " renewal failed, keeping the current kubeconfig (valid until "
                                + current.notAfter() + "); retrying in " + Ttl.format(retry) + ": "
                                + SignCommand.message(e));
                        log.flush();
                        next = clock.instant().plus(retry);
                    }
                }
                log.println(timestamp() + " stopped renewing " + out);
                log.flush();
                return SignerCli.OK;
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: nothing to remove
                }
            }
        }

        private IssuedKubeconfig renew() throws SignerException, IOException {
            IssuedKubeconfig issued = issueOnce(clock, request);
            writing.lock();
            try {
                if (stopping) {
                    throw new IOException("stopping");
                }
                PrivateFiles.replace(Path.of(out), issued.kubeconfig());
            } finally {
                writing.unlock();
            }
            log.println(timestamp() + " wrote " + out + ": " + issued.summary());
            log.flush();
            return issued;
        }

        private boolean sleepUntil(Instant next) {
            try {
                long millis = Duration.between(clock.instant(), next).toMillis();
                if (millis > 0) {
                    Thread.sleep(millis);
                }
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        private String timestamp() {
            return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        }
    }

    static String message(Throwable e) {
        return e instanceof SignerException || e.getMessage() == null ? String.valueOf(e.getMessage())
                : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
