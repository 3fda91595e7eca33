package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.util.Locale;
import java.util.Objects;

/**
 * A configured cluster: where its API server is, and the CA whose client certificates it trusts. Clusters may
 * share a CA (then a certificate for one works on all of them) or each have their own, which keeps production's
 * trust apart.
 *
 * @param caFingerprint the SHA-256 fingerprint of the CA certificate an administrator chose (hex, colons and case
 *     ignored); a CA whose certificate does not match is refused, so that whoever may replace the credential cannot
 *     swap the CA. Null when none was pinned: then nothing is issued either
 * @param caName how messages name the CA's source, e.g. {@code credential "kubernetes-client-ca"}
 * @param minter for a cluster in {@link IssuanceMode#SERVICE_ACCOUNT_TOKEN} mode, what mints its tokens (then the
 *     CA is not used); null for client certificates
 */
public record ClusterTarget(ClusterEndpoint endpoint, CaSource ca, @CheckForNull String caFingerprint,
                            String caName, @CheckForNull TokenMinter minter) {
    /** A cluster whose kubeconfigs hold client certificates signed by the CA. */
    public ClusterTarget(ClusterEndpoint endpoint, CaSource ca, @CheckForNull String caFingerprint, String caName) {
        this(endpoint, ca, caFingerprint, caName, null);
    }

    /** A cluster whose kubeconfigs hold service-account tokens that {@code minter} gets from its API server. */
    public static ClusterTarget serviceAccountTokens(TokenMinter minter) {
        return new ClusterTarget(minter.cluster(), () -> {
            throw new CaUnavailableException("the cluster uses service-account tokens, not a client CA");
        }, null, "none (service-account tokens)", minter);
    }

    /** How this cluster's kubeconfigs authenticate. */
    public IssuanceMode mode() {
        return minter == null ? IssuanceMode.CLIENT_CERTIFICATE : IssuanceMode.SERVICE_ACCOUNT_TOKEN;
    }

    public ClusterTarget {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(ca, "ca");
        Objects.requireNonNull(caName, "caName");
        caFingerprint = caFingerprint == null || caFingerprint.isBlank() ? null : normalize(caFingerprint);
    }

    /** The cluster's name, as builds ask for it. */
    public String name() {
        return endpoint.name();
    }

    /** Upper-case hex without separators, so that {@code ab:cd} and {@code ABCD} compare equal. */
    static String normalize(String fingerprint) {
        return fingerprint.replace(":", "").replace(" ", "").strip().toUpperCase(Locale.ROOT);
    }

    /** The pin as {@code openssl x509 -fingerprint} and {@link CertificateAuthority#fingerprintSha256()} print it. */
    @CheckForNull
    public String caFingerprintDisplay() {
        if (caFingerprint == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(caFingerprint.length() * 3 / 2);
        for (int i = 0; i < caFingerprint.length(); i += 2) {
            b.append(i == 0 ? "" : ":").append(caFingerprint, i, Math.min(i + 2, caFingerprint.length()));
        }
        return b.toString();
    }

    /** Whether the pin accepts this CA. */
    boolean pins(CertificateAuthority authority) {
        return caFingerprint != null && pinMatches(caFingerprint, authority);
    }

    /**
     * Whether a pin as an administrator may write it (hex with or without colons, spaces, either case) is this CA's
     * SHA-256 fingerprint: the rule issuance applies, for forms to apply the same.
     */
    public static boolean pinMatches(String pin, CertificateAuthority authority) {
        return normalize(pin).equals(normalize(authority.fingerprintSha256()));
    }
}
