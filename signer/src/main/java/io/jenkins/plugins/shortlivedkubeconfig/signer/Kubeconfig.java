package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

/**
 * Renders a kubeconfig the way {@code tctl auth sign --format=kubernetes} writes it: apiVersion v1, kind Config, one
 * cluster, one user and one context named after the cluster, {@code *-data} fields base64, the context current.
 * A plain template: the values are base64 or checked names, and every string is written double-quoted and escaped.
 */
public final class Kubeconfig {
    private Kubeconfig() {}

    /**
     * The kubeconfig bytes (UTF-8). They hold the client key: write them only with {@link PrivateFiles}.
     *
     * @param certificateChainPem the client certificate (and any intermediates) as PEM
     * @param privateKeyPem the client private key as PEM
     */
    public static byte[] render(ClusterEndpoint cluster, String certificateChainPem, String privateKeyPem) {
        Base64.Encoder b64 = Base64.getEncoder();
        return render(cluster, "    client-certificate-data: "
                + b64.encodeToString(certificateChainPem.getBytes(StandardCharsets.UTF_8)) + "\n"
                + "    client-key-data: " + b64.encodeToString(privateKeyPem.getBytes(StandardCharsets.UTF_8)) + "\n");
    }

    /**
     * A kubeconfig whose client key stays in its own file ({@code client-key:} names it) instead of inline: the
     * kubeconfig holds no key, so printing it (a build's {@code cat $KUBECONFIG}) shows none. For keys made where the
     * kubeconfig is used, which nobody else could mask in a log.
     *
     * @param keyFile the absolute path of the PEM private key, readable by the user that runs kubectl
     */
    public static byte[] renderWithKeyFile(ClusterEndpoint cluster, String certificateChainPem, Path keyFile) {
        return render(cluster, "    client-certificate-data: "
                + Base64.getEncoder().encodeToString(certificateChainPem.getBytes(StandardCharsets.UTF_8)) + "\n"
                + "    client-key: " + quote(keyFile.toAbsolutePath().toString()) + "\n");
    }

    /**
     * A kubeconfig whose user authenticates with a bearer token (a service-account token) instead of a client
     * certificate; otherwise the same. The bytes hold the token: write them only with {@link PrivateFiles}.
     */
    public static byte[] renderToken(ClusterEndpoint cluster, String token) {
        return render(cluster, "    token: " + quote(token) + "\n");
    }

    private static byte[] render(ClusterEndpoint cluster, String userFields) {
        Base64.Encoder b64 = Base64.getEncoder();
        String name = quote(cluster.name());
        StringBuilder y = new StringBuilder(4096);
        y.append("apiVersion: v1\n");
        y.append("kind: Config\n");
        y.append("clusters:\n");
        y.append("- name: ").append(name).append('\n');
        y.append("  cluster:\n");
        y.append("    server: ").append(quote(cluster.server())).append('\n');
        String serverCa = cluster.serverCaPem();
        if (serverCa != null) {
            y.append("    certificate-authority-data: ")
                    .append(b64.encodeToString(serverCa.getBytes(StandardCharsets.UTF_8))).append('\n');
        }
        appendIfSet(y, "    tls-server-name: ", cluster.tlsServerName());
        y.append("users:\n");
        y.append("- name: ").append(name).append('\n');
        y.append("  user:\n");
        y.append(userFields);
        y.append("contexts:\n");
        y.append("- name: ").append(name).append('\n');
        y.append("  context:\n");
        y.append("    cluster: ").append(name).append('\n');
        y.append("    user: ").append(name).append('\n');
        appendIfSet(y, "    namespace: ", cluster.namespace());
        y.append("current-context: ").append(name).append('\n');
        y.append("preferences: {}\n");
        return y.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void appendIfSet(StringBuilder y, String key, @CheckForNull String value) {
        if (value != null) {
            y.append(key).append(quote(value)).append('\n');
        }
    }

    /** A YAML double-quoted scalar. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
