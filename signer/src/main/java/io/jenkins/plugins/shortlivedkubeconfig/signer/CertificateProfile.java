package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.bc.BcX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

/**
 * The fixed fields of every certificate {@link CertificateAuthority} signs, in one place: validity back-dating,
 * serial numbers, subjects and extensions of client certificates and of the CA itself. Nothing here depends on a
 * request; what a request decides (who, which groups, how long) comes in as arguments.
 */
public final class CertificateProfile {
    /** NotBefore is back-dated by this much: API servers check validity to the second, with no skew allowance. */
    public static final Duration CLOCK_SKEW = Duration.ofMinutes(1);
    /** Random serial numbers of this many bits, as Teleport's {@code lib/tlsca} makes them. */
    static final int SERIAL_BITS = 128;

    private CertificateProfile() {}

    /** A client certificate's NotBefore for a request made at {@code now}: back-dated, in whole seconds. */
    static Instant notBefore(Instant now) {
        return now.minus(CLOCK_SKEW).truncatedTo(ChronoUnit.SECONDS);
    }

    /** A random positive serial number of {@link #SERIAL_BITS} bits. */
    static BigInteger serial(SecureRandom random) {
        BigInteger serial;
        do {
            serial = new BigInteger(SERIAL_BITS, random);
        } while (serial.signum() == 0);
        return serial;
    }

    /** A client subject: one O per group (the Kubernetes groups), then the CN (the Kubernetes user). */
    static X500Name clientSubject(String commonName, List<String> groups) {
        X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
        for (String group : groups) {
            subject.addRDN(BCStyle.O, group);
        }
        subject.addRDN(BCStyle.CN, commonName);
        return subject.build();
    }

    /**
     * A client certificate's extensions: key usage digitalSignature (+ keyEncipherment for RSA), extended key usage
     * clientAuth only, CA:false, subject and authority key identifiers.
     */
    static void addClientExtensions(X509v3CertificateBuilder builder, SubjectPublicKeyInfo publicKeyInfo,
                                    String keyAlgorithm, byte[] authorityKeyIdentifier) throws IOException {
        int usage = KeyUsage.digitalSignature | ("RSA".equals(keyAlgorithm) ? KeyUsage.keyEncipherment : 0);
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.subjectKeyIdentifier, false,
                new BcX509ExtensionUtils().createSubjectKeyIdentifier(publicKeyInfo));
        builder.addExtension(Extension.authorityKeyIdentifier, false,
                new AuthorityKeyIdentifier(authorityKeyIdentifier));
    }

    /** The CA's subject: its CN only. */
    static X500Name caSubject(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    /**
     * The CA's extensions: CA:true with pathLen 0 (it can sign no intermediate CA the API server would accept),
     * key usage keyCertSign, cRLSign and digitalSignature, and a subject key identifier.
     */
    static void addCaExtensions(X509v3CertificateBuilder builder, PublicKey publicKey)
            throws IOException, GeneralSecurityException {
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        builder.addExtension(Extension.keyUsage, true,
                new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
        builder.addExtension(Extension.subjectKeyIdentifier, false,
                new JcaX509ExtensionUtils().createSubjectKeyIdentifier(publicKey));
    }
}
