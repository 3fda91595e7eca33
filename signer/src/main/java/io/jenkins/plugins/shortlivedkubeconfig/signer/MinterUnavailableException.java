package io.jenkins.plugins.shortlivedkubeconfig.signer;

/**
 * No usable minter credential for a service-account-token cluster: none configured, the credential is gone or of
 * the wrong scope or kind, or it holds no bearer token. The message says what an administrator has to fix and never
 * holds the token.
 */
public final class MinterUnavailableException extends SignerException {
    private static final long serialVersionUID = 1L;

    public MinterUnavailableException(String message) {
        super(message);
    }
}
