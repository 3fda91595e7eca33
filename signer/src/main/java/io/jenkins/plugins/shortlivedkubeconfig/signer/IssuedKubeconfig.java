package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A kubeconfig just issued and what it grants. {@link #kubeconfig()} holds the private key: write it with
 * {@link PrivateFiles} and nowhere else. {@link #toString()} leaves it out.
 *
 * @param certificate the client certificate; null for a service-account token
 * @param serialHex the certificate's serial number, lower-case hex, as audit records and logs name it; for a
 *     service-account token, {@value #TOKEN_ID_PREFIX} and the first 16 hex digits of the token's SHA-256
 */
public record IssuedKubeconfig(byte[] kubeconfig, @CheckForNull X509Certificate certificate, String serialHex,
                               String robotUser,
                               String kubernetesUser, List<String> groups, String cluster, Instant notBefore,
                               Instant notAfter) {
    public IssuedKubeconfig {
        Objects.requireNonNull(kubeconfig, "kubeconfig");
        Objects.requireNonNull(serialHex, "serialHex");
        kubeconfig = kubeconfig.clone();
        groups = List.copyOf(groups);
    }

    /** A copy of the kubeconfig bytes (UTF-8 YAML, with the client key). */
    @Override
    public byte[] kubeconfig() {
        return kubeconfig.clone();
    }

    /** How {@link #serialHex()} names a service-account token: by the SHA-256 of the token, never the token. */
    public static final String TOKEN_ID_PREFIX = "sha256:";

    /** A kubeconfig holding a service-account token the API server minted (no certificate). */
    public static IssuedKubeconfig ofToken(byte[] kubeconfig, MintedToken token, String robotUser, String cluster,
                                           Instant issued) {
        return new IssuedKubeconfig(kubeconfig, null, TOKEN_ID_PREFIX + token.sha256Prefix(), robotUser,
                token.account().userName(), List.of(), cluster, issued, token.expires());
    }

    /** Whether this kubeconfig holds a service-account token rather than a client certificate. */
    public boolean isToken() {
        return certificate == null;
    }

    /** Shorter fragments (the last line of a PEM body) would mask innocent log output. */
    static final int MINIMUM_SECRET_LENGTH = 16;

    /**
     * The strings a build log must mask: the client certificate and key data as the kubeconfig holds them (what
     * {@code cat} or {@code kubectl config view --raw} print) and every PEM body line of at least 16 characters
     * inside them (what a {@code base64 -d} prints); for a service-account token, the token and its signature
     * (the part after the last dot). Longest first, so that a masker replaces whole values first.
     */
    public List<String> secretValues() {
        return secretValuesOf(kubeconfig);
    }

    /** {@link #secretValues()} of any kubeconfig this project renders. */
    static List<String> secretValuesOf(byte[] kubeconfig) {
        java.util.Set<String> secrets = new java.util.HashSet<>();
        String text = new String(kubeconfig, java.nio.charset.StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("token: ")) {
                String token = trimmed.substring("token: ".length()).replace("\"", "");
                secrets.add(token);
                String signature = token.substring(token.lastIndexOf('.') + 1);
                if (signature.length() >= MINIMUM_SECRET_LENGTH) {
                    secrets.add(signature);
                }
                continue;
            }
            for (String key : new String[] {"client-certificate-data: ", "client-key-data: "}) {
                if (!trimmed.startsWith(key)) {
                    continue;
                }
                String base64 = trimmed.substring(key.length());
                secrets.add(base64);
                String pem = new String(java.util.Base64.getDecoder().decode(base64),
                        java.nio.charset.StandardCharsets.UTF_8);
                for (String pemLine : pem.split("\n")) {
                    String body = pemLine.strip();
                    if (!body.startsWith("-----") && body.length() >= MINIMUM_SECRET_LENGTH) {
                        secrets.add(body);
                    }
                }
            }
        }
        return secrets.stream().sorted(java.util.Comparator.comparingInt(String::length).reversed()
                .thenComparing(java.util.Comparator.naturalOrder())).toList();
    }

    /** The certificate's subject, e.g. {@code CN=jenkins,O=system:masters}; for a token, the service account's user. */
    public String subject() {
        return certificate == null ? kubernetesUser : certificate.getSubjectX500Principal().getName();
    }

    /** One line for a build log: robot user, Kubernetes user, groups, serial and expiry. No secrets. */
    public String summary() {
        if (certificate == null) {
            return "robot user " + robotUser + " as service account " + kubernetesUser + ", token "
                    + serialHex + ", valid until " + notAfter;
        }
        return "robot user " + robotUser + " as Kubernetes user " + kubernetesUser + ", groups "
                + (groups.isEmpty() ? "(none)" : String.join(", ", groups)) + ", serial " + serialHex
                + ", valid until " + notAfter;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IssuedKubeconfig other && other.serialHex.equals(serialHex)
                && Objects.equals(other.certificate, certificate);
    }

    @Override
    public int hashCode() {
        return serialHex.hashCode();
    }

    @Override
    public String toString() {
        return "IssuedKubeconfig[cluster=" + cluster + ", " + summary() + "]";
    }
}
