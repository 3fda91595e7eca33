package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads and writes PEM: certificates, and private keys as PKCS#8, SEC1 EC or PKCS#1 RSA. Errors name the source
 * (a file or field) and never quote the input, which may hold a key.
 */
public final class Pem {
    private static final int LINE = 64;

    private Pem() {}

    /**
     * Reads every certificate in a PEM text (one or more {@code CERTIFICATE} blocks), checked by the JDK.
     *
     * @throws InvalidInputException naming {@code source} when there is none or one is damaged
     */
    public static List<X509Certificate> readCertificates(String pem, String source) throws InvalidInputException {
        List<X509Certificate> out = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object o;
            while ((o = parser.readObject()) != null) {
                if (!(o instanceof X509CertificateHolder holder)) {
                    throw new InvalidInputException(source + ": expected only CERTIFICATE blocks, found "
                            + describe(o));
                }
                out.add(toX509(holder.getEncoded(), source));
            }
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException(source + ": not a readable PEM certificate (" + safeReason(e) + ")");
        }
        if (out.isEmpty()) {
            throw new InvalidInputException(source + ": no PEM certificate found (expected -----BEGIN CERTIFICATE-----)");
        }
        return out;
    }

    /** Reads exactly one certificate. */
    public static X509Certificate readCertificate(String pem, String source) throws InvalidInputException {
        List<X509Certificate> all = readCertificates(pem, source);
        if (all.size() != 1) {
            throw new InvalidInputException(source + ": expected one certificate, found " + all.size());
        }
        return all.get(0);
    }

    /**
     * Reads one unencrypted private key: PKCS#8 ({@code PRIVATE KEY}), SEC1 ({@code EC PRIVATE KEY}, an
     * {@code EC PARAMETERS} block before it is allowed) or PKCS#1 ({@code RSA PRIVATE KEY}).
     *
     * @throws InvalidInputException naming {@code source}; encrypted keys are refused with how to decrypt them
     */
    public static PrivateKey readPrivateKey(String pem, String source) throws InvalidInputException {
        PrivateKey key = null;
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object o;
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            while ((o = parser.readObject()) != null) {
                if (o instanceof ASN1ObjectIdentifier || o instanceof X9ECParameters) {
                    continue; // "EC PARAMETERS" written by openssl ecparam -genkey
                }
                if (o instanceof PKCS8EncryptedPrivateKeyInfo || o instanceof PEMEncryptedKeyPair) {
                    throw new InvalidInputException(source + ": encrypted keys are not supported; decrypt it with "
                            + "`openssl pkey -in " + source + " -out decrypted.key` and keep that file private");
                }
                if (key != null) {
                    throw new InvalidInputException(source + ": expected one private key, found more");
                }
                if (o instanceof PrivateKeyInfo info) {
                    key = isEc(info) ? ecPrivateKey(info, null) : converter.getPrivateKey(info);
                } else if (o instanceof PEMKeyPair pair) {
                    key = isEc(pair.getPrivateKeyInfo()) ? ecPrivateKey(pair.getPrivateKeyInfo(), pair)
                            : converter.getKeyPair(pair).getPrivate();
                } else {
                    throw new InvalidInputException(source + ": expected a private key, found " + describe(o));
                }
            }
        } catch (InvalidInputException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException(source + ": not a readable PEM private key (" + safeReason(e) + ")");
        }
        if (key == null) {
            throw new InvalidInputException(source + ": no PEM private key found (expected an unencrypted PKCS#8, SEC1 EC or "
                    + "PKCS#1 RSA key in PEM)");
        }
        return key;
    }

    private static boolean isEc(PrivateKeyInfo info) {
        return X9ObjectIdentifiers.id_ecPublicKey.equals(info.getPrivateKeyAlgorithm().getAlgorithm());
    }

    /**
     * An EC key as {@link JcaPEMKeyConverter} converts it (the same steps, the same error), but with the JCA's
     * {@code EC} key factory at once: the converter asks for {@code ECDSA} first, a name no JDK provider has, so
     * that a cold JVM (the one-shot CLI) loads and searches every installed provider, 10-18 ms, before it falls
     * back to {@code EC}.
     *
     * @param pair a SEC1 key's pair, whose public half the converter converts too (and refuses when damaged)
     */
    private static PrivateKey ecPrivateKey(PrivateKeyInfo info, @CheckForNull PEMKeyPair pair) throws PEMException {
        try {
            KeyFactory factory = KeyFactory.getInstance("EC");
            if (pair != null) {
                factory.generatePublic(new X509EncodedKeySpec(pair.getPublicKeyInfo().getEncoded()));
            }
            return factory.generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new PEMException("unable to convert key pair: " + e.getMessage(), e);
        }
    }

    /** PEM of a certificate. */
    public static String encode(X509Certificate certificate) {
        try {
            return block("CERTIFICATE", certificate.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode a certificate", e);
        }
    }

    /** PKCS#8 PEM ({@code PRIVATE KEY}) of a private key. Handle the result as a secret. */
    public static String encode(PrivateKey key) {
        return block("PRIVATE KEY", key.getEncoded());
    }

    static String block(String type, byte[] der) {
        String b64 = Base64.getEncoder().encodeToString(der);
        StringWriter out = new StringWriter(b64.length() + b64.length() / LINE + 64);
        out.write("-----BEGIN " + type + "-----\n");
        for (int i = 0; i < b64.length(); i += LINE) {
            out.write(b64, i, Math.min(LINE, b64.length() - i));
            out.write('\n');
        }
        out.write("-----END " + type + "-----\n");
        return out.toString();
    }

    static X509Certificate toX509(byte[] der, String source) throws InvalidInputException {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | RuntimeException e) {
            throw new InvalidInputException(source + ": not a valid X.509 certificate (" + safeReason(e) + ")");
        }
    }

    private static String describe(Object o) {
        if (o instanceof X509CertificateHolder) {
            return "a certificate";
        }
        if (o instanceof PrivateKeyInfo || o instanceof PEMKeyPair) {
            return "a private key";
        }
        return "a " + o.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT)
                + " block";
    }

    /** An exception's reason without any of the input: its type and a message only when it cannot hold key data. */
    static String safeReason(Throwable e) {
        String m = e.getMessage();
        if (m != null && (m.contains("-----") || m.startsWith("unrecognised object"))) {
            // Bouncy Castle quotes the block's label from the input ("-----END PRIVATE KEY----- not found").
            return "a damaged or truncated PEM block";
        }
        if (m == null || m.length() > 120 || m.matches("(?s).*[A-Za-z0-9+/]{40,}.*")
                || m.codePoints().anyMatch(Character::isISOControl)) {
            return e.getClass().getSimpleName();
        }
        return m;
    }
}
