package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * Asks a cluster's API server for a service-account token: {@code POST
 * /api/v1/namespaces/{namespace}/serviceaccounts/{name}/token} with {@code expirationSeconds} = the TTL, over TLS
 * verified with the cluster's server CA (or the system trust store), authenticated with the minter's bearer token.
 * The answer is checked: the token must be one, and its expiry no later than asked (the API server may shorten it;
 * what it granted is what the kubeconfig says). Every failure is a {@link PolicyRefusal} whose message says what
 * to fix and quotes the API server's own message. One attempt per issuance, with bounded timeouts: a failing API
 * server is never hammered with retries.
 *
 * <p>Thread-safe; one per configured cluster, sharing one HTTP client.
 */
public final class TokenMinter {
    /** How long to wait for a TCP and TLS connection. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** How long to wait for the API server's answer once connected. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** How much later than asked a granted expiry may be: the API server's clock is not ours. */
    public static final Duration CLOCK_TOLERANCE = CertificateProfile.CLOCK_SKEW;
    /** A TokenRequest answer is a few kilobytes; anything larger is not one. */
    static final int MAX_RESPONSE_BYTES = 256 * 1024;
    /** The API server's messages are quoted up to this length. */
    private static final int MAX_MESSAGE = 300;

    private final ClusterEndpoint cluster;
    private final MinterCredential credential;
    private final String credentialName;
    private final Clock clock;
    private final Duration requestTimeout;
    private final HttpClient http;

    /**
     * @param credentialName how messages name the minter credential, e.g. {@code credential "eks-minter"}
     * @throws InvalidInputException when the cluster's server CA cannot be used as a trust store
     */
    public TokenMinter(ClusterEndpoint cluster, MinterCredential credential, String credentialName, Clock clock)
            throws InvalidInputException {
        this(cluster, credential, credentialName, clock, CONNECT_TIMEOUT, REQUEST_TIMEOUT);
    }

    TokenMinter(ClusterEndpoint cluster, MinterCredential credential, String credentialName, Clock clock,
                Duration connectTimeout, Duration requestTimeout) throws InvalidInputException {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.credential = Objects.requireNonNull(credential, "credential");
        this.credentialName = Objects.requireNonNull(credentialName, "credentialName");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder()
                .sslContext(tls(cluster.serverCaPem()))
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER) // the minter's token goes to this server only
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** The cluster this minter asks. */
    public ClusterEndpoint cluster() {
        return cluster;
    }

    /** How messages name the minter credential. */
    public String credentialName() {
        return credentialName;
    }

    private static SSLContext tls(@CheckForNull String serverCaPem) throws InvalidInputException {
        try {
            if (serverCaPem == null) {
                return SSLContext.getDefault();
            }
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            List<X509Certificate> cas = Pem.readCertificates(serverCaPem, ClusterEndpoint.SERVER_CA_FIELD);
            for (int i = 0; i < cas.size(); i++) {
                trust.setCertificateEntry("server-ca-" + i, cas.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new InvalidInputException(ClusterEndpoint.SERVER_CA_FIELD + ": cannot be used to verify the API "
                    + "server (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    /**
     * Mints a token for the service account, valid for at most {@code ttl}.
     *
     * @throws PolicyRefusal naming what failed: {@code minter-unavailable}, {@code minter-unauthorized},
     *     {@code minter-forbidden}, {@code no-such-service-account}, {@code token-request-rejected},
     *     {@code token-api-unavailable}, {@code api-server-unreachable}, {@code token-response-invalid} or
     *     {@code token-longer-than-asked}
     */
    public MintedToken mint(ServiceAccount account, Duration ttl) throws PolicyRefusal {
        if (cluster.tlsServerName() != null) {
            throw new PolicyRefusal("tls-server-name-unsupported", "cluster " + MessageText.quote(cluster.name())
                    + ": service-account tokens are minted over TLS that verifies the server URL's host; clear "
                    + "tls-server-name and use a server URL whose host the API server's certificate names");
        }
        String bearer;
        try {
            bearer = credential.bearerToken();
        } catch (MinterUnavailableException e) {
            throw new PolicyRefusal("minter-unavailable", "cluster " + MessageText.quote(cluster.name())
                    + ": no usable minter credential: " + e.getMessage());
        }
        long seconds = ttl.toSeconds();
        HttpRequest request = HttpRequest.newBuilder(uri(account))
                .timeout(requestTimeout)
                .header("Authorization", "Bearer " + bearer)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(seconds), StandardCharsets.UTF_8))
                .build();
        Instant asked = clock.instant();
        int status;
        byte[] body;
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            status = response.statusCode();
            try (InputStream in = response.body()) {
                body = in.readNBytes(MAX_RESPONSE_BYTES + 1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PolicyRefusal("interrupted", "interrupted while asking " + where() + " for a token");
        } catch (IOException e) {
            throw unreachable(e);
        }
        if (body.length > MAX_RESPONSE_BYTES) {
            throw new PolicyRefusal("token-response-invalid", where() + " answered the TokenRequest for " + account
                    + " with more than " + MAX_RESPONSE_BYTES + " bytes; that is not a TokenRequest");
        }
        if (status == 200 || status == 201) {
            return granted(account, ttl, asked, body);
        }
        throw refusal(status, account, body);
    }

    /** The path is built from checked names only (DNS labels and subdomains), so nothing needs escaping. */
    private URI uri(ServiceAccount account) {
        String server = cluster.server().replaceAll("/+$", "");
        return URI.create(server + "/api/v1/namespaces/" + account.namespace() + "/serviceaccounts/"
                + account.name() + "/token");
    }

    static String body(long expirationSeconds) {
        return "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"spec\":{"
                + "\"expirationSeconds\":" + expirationSeconds + "}}";
    }

    private String where() {
        return "the API server of cluster " + MessageText.quote(cluster.name()) + " (" + cluster.server() + ")";
    }

    private PolicyRefusal unreachable(IOException e) {
        String why;
        if (e instanceof HttpConnectTimeoutException) {
            why = "no connection within " + Ttl.format(CONNECT_TIMEOUT);
        } else if (e instanceof HttpTimeoutException) {
            why = "no answer within " + Ttl.format(requestTimeout);
        } else if (e instanceof SSLException) {
            why = "TLS failed (" + e.getClass().getSimpleName() + (e.getMessage() == null ? ""
                    : ": " + MessageText.printable(e.getMessage(), MAX_MESSAGE)) + "); check the cluster's server "
                    + "CA (empty means the system trust store)";
        } else if (e instanceof ConnectException) {
            why = "connection refused";
        } else {
            why = e.getClass().getSimpleName() + (e.getMessage() == null ? ""
                    : ": " + MessageText.printable(e.getMessage(), MAX_MESSAGE));
        }
        return new PolicyRefusal("api-server-unreachable", "cannot reach " + where() + ": " + why
                + "; nothing was issued (not retried)");
    }

    private PolicyRefusal refusal(int status, ServiceAccount account, byte[] body) {
        String said = apiMessage(body);
        String server = " (HTTP " + status + (said == null ? "" : ": " + said) + ")";
        return switch (status) {
            case 401 -> new PolicyRefusal("minter-unauthorized", "the minter may not create tokens for " + account
                    + ": " + where() + " does not accept the minter's token from " + credentialName + server
                    + "; an administrator replaces the minter credential");
            case 403 -> new PolicyRefusal("minter-forbidden", "the minter may not create tokens for " + account
                    + server + "; an administrator grants the minter's service account create on "
                    + "serviceaccounts/token with resourceNames: [" + account.name() + "] in namespace "
                    + account.namespace());
            case 404 -> new PolicyRefusal("no-such-service-account", "no such service account " + account
                    + " on cluster " + MessageText.quote(cluster.name()) + server + "; create it, or correct "
                    + "kubernetes_users in the policy");
            case 400, 422 -> new PolicyRefusal("token-request-rejected", where() + " rejected the TokenRequest for "
                    + account + server);
            default -> new PolicyRefusal("token-api-unavailable", where() + " did not issue a token for " + account
                    + server + "; nothing was issued (not retried)");
        };
    }

    /** The {@code message} of a Kubernetes {@code Status}, printable and cut short; null when there is none. */
    @CheckForNull
    private static String apiMessage(byte[] body) {
        Object parsed = parse(body);
        if (parsed instanceof Map<?, ?> status && status.get("message") instanceof String message) {
            return MessageText.printable(message.strip(), MAX_MESSAGE);
        }
        return null;
    }

    @CheckForNull
    private static Object parse(byte[] body) {
        try {
            // JSON is YAML: the core already depends on SnakeYAML, and needs no JSON library for two fields.
            return YamlDocuments.loadSafe(new String(body, StandardCharsets.UTF_8), 0, MAX_RESPONSE_BYTES);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private MintedToken granted(ServiceAccount account, Duration ttl, Instant asked, byte[] body)
            throws PolicyRefusal {
        String invalid = "token-response-invalid";
        if (!(parse(body) instanceof Map<?, ?> root) || !(root.get("status") instanceof Map<?, ?> status)) {
            throw new PolicyRefusal(invalid, where() + " answered the TokenRequest for " + account
                    + " without a status; is the server URL a Kubernetes API server?");
        }
        if (!(status.get("token") instanceof String token) || !MinterCredential.TOKEN.matcher(token).matches()) {
            throw new PolicyRefusal(invalid, where() + " answered the TokenRequest for " + account
                    + " without a usable token (status.token)");
        }
        Instant expires;
        try {
            expires = Instant.parse(String.valueOf(status.get("expirationTimestamp")));
        } catch (DateTimeParseException e) {
            throw new PolicyRefusal(invalid, where() + " answered the TokenRequest for " + account
                    + " without a readable expiry (status.expirationTimestamp)");
        }
        Instant now = clock.instant();
        Instant latest = (now.isAfter(asked) ? now : asked).plus(ttl).plus(CLOCK_TOLERANCE);
        if (expires.isAfter(latest)) {
            throw new PolicyRefusal("token-longer-than-asked", where() + " granted a token for " + account
                    + " until " + expires + ", longer than the " + Ttl.format(ttl) + " asked for (at most until "
                    + latest + "); it is not handed out");
        }
        if (!expires.isAfter(now)) {
            throw new PolicyRefusal(invalid, where() + " granted a token for " + account + " that expired at "
                    + expires + "; check the API server's clock");
        }
        return new MintedToken(token, account, expires);
    }

    @Override
    public String toString() {
        return "TokenMinter[" + cluster.name() + ", " + credentialName + "]";
    }
}
