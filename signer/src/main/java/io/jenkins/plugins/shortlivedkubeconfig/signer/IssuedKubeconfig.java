package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

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
