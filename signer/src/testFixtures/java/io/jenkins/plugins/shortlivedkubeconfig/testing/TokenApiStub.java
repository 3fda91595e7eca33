package io.jenkins.plugins.shortlivedkubeconfig.testing;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KeyAlgorithm;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Pem;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A local HTTPS server that answers TokenRequests as told: for the answers a real API server cannot be made to give
 * (a longer expiry than asked, garbage, a 500, silence), and for the plugin's tests, whose harness cannot start an
 * API server. Its serving certificate comes from a fresh CA of its own. Shared by the signer's and the plugin's
 * tests (both add {@code signer/src/testFixtures/java} as a test source root).
 */
public final class TokenApiStub implements AutoCloseable {
    /** One request as the stub saw it. */
    public record Seen(String method, String path, String authorization, String body) { }

    /** The answer to give. */
    public record Answer(int status, String body, Duration delay) {
        public static Answer of(int status, String body) {
            return new Answer(status, body, Duration.ZERO);
        }
    }

    public final List<Seen> seen = new CopyOnWriteArrayList<>();
    public final String caPem;
    private final HttpsServer server;
    private volatile Function<Seen, Answer> answers;

    public TokenApiStub(Function<Seen, Answer> answers) throws Exception {
        this.answers = answers;
        KeyPair caKey = KeyAlgorithm.EC_P256.generate(new SecureRandom());
        X509Certificate ca = build(new X500Name("CN=stub CA"), caKey.getPublic(), new X500Name("CN=stub CA"),
                caKey.getPrivate(), true);
        KeyPair servingKey = KeyAlgorithm.EC_P256.generate(new SecureRandom());
        X509Certificate serving = build(new X500Name("CN=stub"), servingKey.getPublic(), new X500Name("CN=stub CA"),
                caKey.getPrivate(), false);
        caPem = Pem.encode(ca);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls(serving, servingKey.getPrivate())));
        server.createContext("/", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Seen s = new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    auth == null ? "" : auth, body);
            seen.add(s);
            Answer a = this.answers.apply(s);
            try {
                Thread.sleep(a.delay().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                exchange.getResponseBody().write(out);
            }
            exchange.close();
        });
        server.start();
    }

    public void answer(Function<Seen, Answer> answers) {
        this.answers = answers;
    }

    public String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A TokenRequest answer as the API server gives it. */
    public static String tokenResponse(String token, Instant expires) {
        return "{\"kind\":\"TokenRequest\",\"apiVersion\":\"authentication.k8s.io/v1\",\"metadata\":{},"
                + "\"spec\":{\"audiences\":null,\"expirationSeconds\":600,\"boundObjectRef\":null},"
                + "\"status\":{\"token\":\"" + token + "\",\"expirationTimestamp\":\"" + expires + "\"}}";
    }

    /** A Kubernetes Status, as the API server's errors are. */
    public static String status(int code, String reason, String message) {
        return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\""
                + message + "\",\"reason\":\"" + reason + "\",\"code\":" + code + "}";
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static SSLContext tls(X509Certificate cert, PrivateKey key) throws Exception {
        char[] pw = "stub".toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("serving", key, pw, new java.security.cert.Certificate[] {cert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, pw);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    private static X509Certificate build(X500Name subject, PublicKey key, X500Name issuer, PrivateKey signer,
                                         boolean ca) throws Exception {
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new X509v3CertificateBuilder(issuer, new BigInteger(64, new SecureRandom()),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))), subject,
                SubjectPublicKeyInfo.getInstance(key.getEncoded()));
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (ca) {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign));
        } else {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            b.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        }
        byte[] der = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)).getEncoded();
        try (InputStream in = new ByteArrayInputStream(der)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

}
