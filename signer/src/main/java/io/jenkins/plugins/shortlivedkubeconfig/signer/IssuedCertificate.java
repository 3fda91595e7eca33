package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A client certificate just issued for a key the requester holds (a {@link ClientCsr}), with what it grants and the
 * cluster it is for. Holds no secret: the kubeconfig is rendered where the key is, with {@link #kubeconfig}.
 *
 * @param serialHex the certificate's serial number, lower-case hex, as audit records and logs name it
 */
public record IssuedCertificate(X509Certificate certificate, String serialHex, String robotUser,
                                String kubernetesUser, List<String> groups, ClusterEndpoint cluster,
                                Instant notBefore, Instant notAfter) {
    public IssuedCertificate {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(serialHex, "serialHex");
        Objects.requireNonNull(cluster, "cluster");
        groups = List.copyOf(groups);
    }

    /** The certificate as PEM ({@code --format=cert}). */
    public String certificatePem() {
        return Pem.encode(certificate);
    }

    /** The kubeconfig for this certificate and the caller's own key. The result holds the key: see {@link Kubeconfig}. */
    public byte[] kubeconfig(PrivateKey key) {
        return Kubeconfig.render(cluster, certificatePem(), Pem.encode(key));
    }

    /**
     * What a build log masks for a kubeconfig made with this certificate beside a key file
     * ({@link KeyDirectory#install}): the certificate data as that kubeconfig holds it, and its PEM body lines. The
     * key is not among them: it is not in that kubeconfig, and it never reaches whoever masks the log.
     */
    public List<String> secretValues() {
        return IssuedKubeconfig.secretValuesOf(Kubeconfig.renderWithKeyFile(cluster, certificatePem(),
                Path.of(KeyDirectory.KEY)));
    }

    /** One line for a build log: robot user, Kubernetes user, groups, serial and expiry. No secrets. */
    public String summary() {
        return "robot user " + robotUser + " as Kubernetes user " + kubernetesUser + ", groups "
                + (groups.isEmpty() ? "(none)" : String.join(", ", groups)) + ", serial " + serialHex
                + ", valid until " + notAfter;
    }

    @Override
    public String toString() {
        return "IssuedCertificate[cluster=" + cluster.name() + ", " + summary() + "]";
    }
}
