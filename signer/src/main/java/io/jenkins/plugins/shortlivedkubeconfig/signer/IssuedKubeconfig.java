package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A kubeconfig just issued and what it grants. {@link #kubeconfig()} holds the private key: write it with
 * {@link PrivateFiles} and nowhere else. {@link #toString()} leaves it out.
 *
 * @param serialHex the certificate's serial number, lower-case hex, as audit records and logs name it
 */
public record IssuedKubeconfig(byte[] kubeconfig, X509Certificate certificate, String serialHex, String robotUser,
                               String kubernetesUser, List<String> groups, String cluster, Instant notBefore,
                               Instant notAfter) {
    public IssuedKubeconfig {
        Objects.requireNonNull(kubeconfig, "kubeconfig");
        Objects.requireNonNull(certificate, "certificate");
        kubeconfig = kubeconfig.clone();
        groups = List.copyOf(groups);
    }

    /** A copy of the kubeconfig bytes (UTF-8 YAML, with the client key). */
    @Override
    public byte[] kubeconfig() {
        return kubeconfig.clone();
    }

    /** Shorter fragments (the last line of a PEM body) would mask innocent log output. */
    static final int MINIMUM_SECRET_LENGTH = 16;

    /**
     * The strings a build log must mask: the client certificate and key data as the kubeconfig holds them (what
     * {@code cat} or {@code kubectl config view --raw} print) and every PEM body line of at least 16 characters
     * inside them (what a {@code base64 -d} prints). Longest first, so that a masker replaces whole values first.
     */
    public List<String> secretValues() {
        Set<String> secrets = new HashSet<>();
        String text = new String(kubeconfig, StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            for (String key : new String[] {"client-certificate-data: ", "client-key-data: "}) {
                if (!trimmed.startsWith(key)) {
                    continue;
                }
                String base64 = trimmed.substring(key.length());
                secrets.add(base64);
                String pem = new String(Base64.getDecoder().decode(base64),
                        StandardCharsets.UTF_8);
                for (String pemLine : pem.split("\n")) {
                    String body = pemLine.strip();
                    if (!body.startsWith("-----") && body.length() >= MINIMUM_SECRET_LENGTH) {
                        secrets.add(body);
                    }
                }
            }
        }
        return secrets.stream().sorted(Comparator.comparingInt(String::length).reversed()
                .thenComparing(Comparator.naturalOrder())).toList();
    }

    /** The certificate's subject, e.g. {@code CN=jenkins,O=system:masters}. */
    public String subject() {
        return certificate.getSubjectX500Principal().getName();
    }

    /** One line for a build log: robot user, Kubernetes user, groups, serial and expiry. No secrets. */
    public String summary() {
        return "robot user " + robotUser + " as Kubernetes user " + kubernetesUser + ", groups "
                + (groups.isEmpty() ? "(none)" : String.join(", ", groups)) + ", serial " + serialHex
                + ", valid until " + notAfter;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IssuedKubeconfig other && other.serialHex.equals(serialHex)
                && other.certificate.equals(certificate);
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
