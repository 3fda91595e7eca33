package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How a cluster's kubeconfigs authenticate: a client certificate signed by our CA (the API server's
 * {@code --client-ca-file} trusts it), or a short-lived service-account token from the cluster's own TokenRequest
 * API, for clusters whose client CA nobody can change (EKS, GKE, AKS and most hosted offerings).
 */
public enum IssuanceMode {
    CLIENT_CERTIFICATE("client-certificate"),
    SERVICE_ACCOUNT_TOKEN("service-account-token");

    private final String id;

    IssuanceMode(String id) {
        this.id = id;
    }

    /** The name configuration, the CLI and messages use, e.g. {@code service-account-token}. */
    public String id() {
        return id;
    }

    /**
     * Parses a mode as configured; blank means the default, {@link #CLIENT_CERTIFICATE}.
     *
     * @param source the field or flag, for the message
     * @throws InvalidInputException naming {@code source} for an unknown mode
     */
    public static IssuanceMode parse(@CheckForNull String text, String source) throws InvalidInputException {
        if (text == null || text.isBlank()) {
            return CLIENT_CERTIFICATE;
        }
        for (IssuanceMode mode : values()) {
            if (mode.id.equals(text.strip())) {
                return mode;
            }
        }
        throw new InvalidInputException(source + ": " + MessageText.quote(text) + " is not an issuance mode (use "
                + Arrays.stream(values()).map(IssuanceMode::id).collect(Collectors.joining(" or ")) + ")");
    }

    @Override
    public String toString() {
        return id;
    }
}
