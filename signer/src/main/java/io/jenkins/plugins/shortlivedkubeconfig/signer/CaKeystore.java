package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Loads the signing CA from a PKCS#12 keystore (a {@code .p12}/{@code .pfx} file, or the keystore of a Jenkins
 * certificate credential), as {@code openssl pkcs12 -export} (modern or {@code -legacy} encryption) and
 * {@code keytool -storetype PKCS12} write it. The keystore must hold exactly one private key entry, with the CA's
 * certificate; certificate-only entries (e.g. a parent CA) are allowed beside it. The key and certificate are then
 * checked exactly as {@link CertificateAuthority#load} checks PEM files.
 *
 * <p>Messages name the keystore (and the entry's alias) and never contain the password or key material.
 */
public final class CaKeystore {
    private CaKeystore() {}

    /**
     * Reads a PKCS#12 keystore and loads the CA it holds.
     *
     * @param keystore the keystore file's bytes
     * @param password the keystore's password, which also protects the key entry; not kept
     * @param source names the keystore in messages, e.g. {@code --ca-keystore ca.p12}
     * @throws InvalidInputException naming {@code source}: not a PKCS#12 keystore, a wrong password, no or several
     *     key entries, a key entry under another password, a certificate that is not a usable CA, key and
     *     certificate that do not match
     */
    public static CertificateAuthority load(byte[] keystore, char[] password, String source, Clock clock)
            throws InvalidInputException {
        KeyStore store;
        try {
            store = KeyStore.getInstance("PKCS12");
        } catch (KeyStoreException e) {
            throw new IllegalStateException("PKCS12 is a required KeyStore type", e);
        }
        try {
            store.load(new ByteArrayInputStream(keystore), password);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException
                    || String.valueOf(e.getMessage()).contains("password was incorrect")) {
                throw new InvalidInputException(source + ": the password does not open this PKCS#12 keystore "
                        + "(or the keystore is damaged)");
            }
            throw new InvalidInputException(source + ": not a readable PKCS#12 keystore (" + Pem.safeReason(e)
                    + "); expected the binary file that `openssl pkcs12 -export` or `keytool -storetype PKCS12` "
                    + "writes");
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new InvalidInputException(source + ": not a readable PKCS#12 keystore (" + Pem.safeReason(e) + ")");
        }
        return load(store, password, source, clock);
    }

    /**
     * Loads the CA from a keystore that is already open, e.g. a Jenkins certificate credential's.
     *
     * @param password the password of the key entry (for PKCS#12, the keystore's); not kept
     * @param source names the keystore in messages, e.g. {@code credential "ca"}
     * @throws InvalidInputException naming {@code source}, as {@link #load(byte[], char[], String, Clock)}
     */
    public static CertificateAuthority load(KeyStore keystore, char[] password, String source, Clock clock)
            throws InvalidInputException {
        List<String> keys = new ArrayList<>();
        List<String> others = new ArrayList<>();
        try {
            for (String alias : Collections.list(keystore.aliases())) {
                if (keystore.entryInstanceOf(alias, KeyStore.PrivateKeyEntry.class)) {
                    keys.add(alias);
                } else {
                    others.add(alias);
                }
            }
        } catch (KeyStoreException e) {
            // A keystore that was never loaded: Jenkins' certificate credential hands one out when its password
            // does not open the uploaded file.
            throw new InvalidInputException(source + ": the keystore is not loaded: its password does not open it, "
                    + "or it is damaged");
        }
        if (keys.isEmpty()) {
            throw new InvalidInputException(source + ": the keystore holds no private key entry"
                    + (others.isEmpty() ? "" : " (only " + aliases(others) + ")") + "; it must hold the CA's "
                    + "private key with its certificate, e.g. made by `openssl pkcs12 -export -inkey ca.key "
                    + "-in ca.crt`");
        }
        if (keys.size() > 1) {
            throw new InvalidInputException(source + ": the keystore holds " + keys.size() + " private key entries ("
                    + aliases(keys) + "); it must hold only the CA's: remove the others, e.g. with `keytool "
                    + "-delete -alias NAME`");
        }
        String alias = keys.get(0);
        String entry = source + ": entry " + MessageText.quote(alias);
        Key key;
        Certificate certificate;
        try {
            key = keystore.getKey(alias, password);
            certificate = keystore.getCertificate(alias);
        } catch (UnrecoverableKeyException e) {
            throw new InvalidInputException(entry + ": the private key does not open with the keystore's password; "
                    + "protect the key entry with the same password as the keystore");
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new InvalidInputException(entry + ": the private key cannot be read (" + Pem.safeReason(e) + ")");
        }
        if (!(key instanceof PrivateKey privateKey)) {
            throw new InvalidInputException(entry + ": not a private key entry");
        }
        if (!(certificate instanceof X509Certificate x509)) {
            throw new InvalidInputException(entry + ": the private key has no X.509 certificate; the keystore must "
                    + "hold the CA's certificate with its key");
        }
        try {
            return CertificateAuthority.checked(x509, entry + " (certificate)", privateKey, entry + " (private key)",
                    clock);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // e.g. a key type the signer does not support (DSA), or a damaged key identifier: Bouncy Castle's own
            throw new InvalidInputException(entry + ": not a usable CA (" + Pem.safeReason(e) + "); use an EC, RSA "
                    + "or Ed25519 CA key");
        }
    }

    private static String aliases(List<String> aliases) {
        return aliases.stream().sorted().map(MessageText::quote).collect(Collectors.joining(", "));
    }
}
