package io.jenkins.plugins.shortlivedkubeconfig.signer;

/** Bad input: a file, field, flag or value that cannot be used. Nothing was issued or written. */
public class InvalidInputException extends SignerException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
