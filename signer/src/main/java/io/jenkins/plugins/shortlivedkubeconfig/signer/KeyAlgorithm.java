package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Locale;

/** The key types we generate: EC P-256 by default (small, fast, accepted everywhere), RSA where it is required. */
public enum KeyAlgorithm {
    EC_P256("EC", 256),
    RSA_2048("RSA", 2048),
    RSA_3072("RSA", 3072);

    private final String jcaName;
    private final int bits;

    KeyAlgorithm(String jcaName, int bits) {
        this.jcaName = jcaName;
        this.bits = bits;
    }

    /** Generates a fresh key pair with the given randomness. */
    public KeyPair generate(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(jcaName);
            if (this == EC_P256) {
                generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            } else {
                generator.initialize(bits, random);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot generate " + this + " keys", e);
        }
    }

    /** Whether this is an RSA key (which gets keyEncipherment as well as digitalSignature). */
    public boolean isRsa() {
        return jcaName.equals("RSA");
    }

    /** Parses {@code ec}, {@code ec-p256}, {@code rsa}, {@code rsa-2048}, {@code rsa-3072} (case-insensitive). */
    public static KeyAlgorithm parse(String text, String source) throws InvalidInputException {
        switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "ec", "ecdsa", "ec-p256", "p256", "p-256", "ecdsa-p256":
                return EC_P256;
            case "rsa", "rsa2048", "rsa-2048":
                return RSA_2048;
            case "rsa3072", "rsa-3072":
                return RSA_3072;
            default:
                throw new InvalidInputException(source + ": \"" + text + "\" is not a key algorithm; use ec-p256, "
                        + "rsa-2048 or rsa-3072");
        }
    }

    @Override
    public String toString() {
        return this == EC_P256 ? "EC P-256" : "RSA-" + bits;
    }
}
