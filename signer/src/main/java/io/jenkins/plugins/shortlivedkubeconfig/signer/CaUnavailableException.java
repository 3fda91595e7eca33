package io.jenkins.plugins.shortlivedkubeconfig.signer;

/** No usable signing CA: none configured, the credential is gone or of the wrong scope, or its content is unusable. */
public final class CaUnavailableException extends SignerException {
    private static final long serialVersionUID = 1L;

    public CaUnavailableException(String message) {
        super(message);
    }
}
