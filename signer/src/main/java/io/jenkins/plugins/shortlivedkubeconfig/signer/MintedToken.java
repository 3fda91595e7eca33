package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A service-account token the API server just issued. {@link #token()} is a credential: it goes into a kubeconfig
 * written with {@link PrivateFiles} and nowhere else; {@link #toString()} leaves it out, and audit records name it
 * by {@link #sha256Prefix()}.
 *
 * @param expires the expiry the API server granted (it may shorten what was asked, never lengthen it)
 */
public record MintedToken(String token, ServiceAccount account, Instant expires) {
    /** Hex digits of the token's SHA-256 kept to name it: enough to tell tokens apart, useless to forge one. */
    static final int PREFIX_HEX_DIGITS = 16;

    public MintedToken {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(expires, "expires");
    }

    /** The first 16 hex digits of the token's SHA-256, as audit records and build pages name the token. */
    public String sha256Prefix() {
        return sha256Prefix(token);
    }

    static String sha256Prefix(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(digest).substring(0, PREFIX_HEX_DIGITS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "MintedToken[" + account + ", sha256 " + sha256Prefix() + ", expires " + expires + "]";
    }
}
