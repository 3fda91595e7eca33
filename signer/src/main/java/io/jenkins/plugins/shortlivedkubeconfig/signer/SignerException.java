package io.jenkins.plugins.shortlivedkubeconfig.signer;

/**
 * Base of every failure the signing core reports to a person. Messages are written to be shown as they are:
 * they name the file, field or flag at fault and never contain key material.
 */
public abstract class SignerException extends Exception {
    private static final long serialVersionUID = 1L;

    protected SignerException(String message) {
        super(message);
    }

    protected SignerException(String message, Throwable cause) {
        super(message, cause);
    }
}
