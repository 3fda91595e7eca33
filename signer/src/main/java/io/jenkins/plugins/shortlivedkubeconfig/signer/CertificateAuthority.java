package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1UTCTime;
import org.bouncycastle.asn1.BERTags;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.DSADigestSigner;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.RuntimeOperatorException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The client CA that the cluster's kube-apiserver trusts ({@code --client-ca-file}). Load it once and share it: it
 * is immutable and signs from many threads at once. Its private key never leaves this object except through
 * {@link #privateKeyPem()}, which exists to store a newly generated CA.
 */
public final class CertificateAuthority {
    private final X509Certificate certificate;
    private final PrivateKey privateKey;
    private final String signatureAlgorithm;
    private final String certificatePem;
    private final X500Name subject;
    private final byte[] subjectKeyIdentifier;
    private final AlgorithmIdentifier signatureAlgorithmId;
    /** Set up on first use: this key for Bouncy Castle's ECDSA, when it is on P-256, P-384 or P-521. */
    @CheckForNull
    private volatile ECPrivateKeyParameters fastKey;
    private volatile boolean noFastKey;

    private CertificateAuthority(X509Certificate certificate, PrivateKey privateKey) {
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.signatureAlgorithm = KeyAlgorithm.signatureAlgorithm(privateKey);
        this.certificatePem = Pem.encode(certificate);
        this.subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        this.subjectKeyIdentifier = subjectKeyIdentifier(certificate);
        this.signatureAlgorithmId = signatureAlgorithmId(signatureAlgorithm);
    }

    /**
     * Loads a CA from PEM and checks it: the key matches the certificate, the certificate is a CA
     * (basicConstraints CA:true and, when key usage is present, keyCertSign) and is valid now.
     *
     * @param certificateSource names the certificate in messages (a file or field)
     * @param keySource names the key in messages
     */
    public static CertificateAuthority load(String certificatePem, String certificateSource, String keyPem,
                                            String keySource, Clock clock) throws InvalidInputException {
        X509Certificate cert = Pem.readCertificate(certificatePem, certificateSource);
        PrivateKey key = Pem.readPrivateKey(keyPem, keySource);
        return checked(cert, certificateSource, key, keySource, clock);
    }

    /** The checks of {@link #load}, for a certificate and key read from elsewhere (a PKCS#12 keystore). */
    static CertificateAuthority checked(X509Certificate cert, String certificateSource, PrivateKey key,
                                        String keySource, Clock clock) throws InvalidInputException {
        if (cert.getBasicConstraints() < 0) {
            throw new InvalidInputException(certificateSource + ": not a CA certificate (basicConstraints CA:true is "
                    + "missing); use the CA that signs client certificates, or create one with `ca init`");
        }
        boolean[] usage = cert.getKeyUsage();
        if (usage != null && (usage.length < 6 || !usage[5])) {
            throw new InvalidInputException(certificateSource + ": the CA certificate's key usage lacks keyCertSign, "
                    + "so its signatures would be rejected");
        }
        try {
            cert.checkValidity(Date.from(clock.instant()));
        } catch (CertificateExpiredException e) {
            throw new InvalidInputException(certificateSource + ": the CA certificate expired at "
                    + cert.getNotAfter().toInstant() + "; create a new CA and add it to --client-ca-file");
        } catch (CertificateNotYetValidException e) {
            throw new InvalidInputException(certificateSource + ": the CA certificate is not valid before "
                    + cert.getNotBefore().toInstant());
        }
        if (!matches(key, cert.getPublicKey())) {
            throw new InvalidInputException(keySource + ": the private key does not match the CA certificate "
                    + certificateSource);
        }
        try {
            subjectKeyIdentifier(cert);
        } catch (IllegalArgumentException | IllegalStateException e) { // Bouncy Castle throws either, by damage
            throw new InvalidInputException(certificateSource + ": the CA certificate's subject key identifier "
                    + "extension is damaged; create a new CA");
        }
        return new CertificateAuthority(cert, key);
    }

    /**
     * Generates a new self-signed client CA.
     *
     * @param commonName the CA's subject CN, e.g. {@code short-lived-kubeconfig CA}
     * @param lifetime how long the CA is valid; client certificates never outlive it
     */
    public static CertificateAuthority generate(String commonName, Duration lifetime, KeyAlgorithm algorithm,
                                                Clock clock) throws InvalidInputException {
        if (commonName.isBlank() || KubernetesName.problem(commonName) != null) {
            throw new InvalidInputException("CA name: " + MessageText.quote(commonName)
                    + " is not usable as a subject name");
        }
        if (lifetime.compareTo(Duration.ofHours(1)) < 0) {
            throw new InvalidInputException("CA lifetime: " + Ttl.format(lifetime) + " is too short; give at least 1h");
        }
        SecureRandom random = Randomness.current();
        KeyPair pair = algorithm.generate(random);
        Instant now = clock.instant();
        X500Name name = CertificateProfile.caSubject(commonName);
        try {
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(name, CertificateProfile.serial(random),
                    time(now.minus(CertificateProfile.CLOCK_SKEW)), time(now.plus(lifetime)), name,
                    SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded()));
            CertificateProfile.addCaExtensions(builder, pair.getPublic());
            ContentSigner signer = new JcaContentSignerBuilder(KeyAlgorithm.signatureAlgorithm(pair.getPrivate()))
                    .setSecureRandom(random).build(pair.getPrivate());
            X509Certificate cert = Pem.toX509(builder.build(signer).getEncoded(), "generated CA");
            return new CertificateAuthority(cert, pair.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot create a CA certificate", e);
        }
    }

    /**
     * Signs a client certificate for {@code publicKey}: CN = {@code commonName}, one O per group, with the fixed
     * fields of {@link CertificateProfile} (clientAuth only, CA:false, key identifiers, a 128-bit random serial).
     */
    X509Certificate signClient(PublicKey publicKey, String commonName, List<String> groups, Instant notBefore,
                               Instant notAfter) {
        SecureRandom random = Randomness.current();
        try {
            SubjectPublicKeyInfo publicKeyInfo = SubjectPublicKeyInfo.getInstance(publicKey.getEncoded());
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(subject, CertificateProfile.serial(random),
                    time(notBefore), time(notAfter), CertificateProfile.clientSubject(commonName, groups),
                    publicKeyInfo);
            CertificateProfile.addClientExtensions(builder, publicKeyInfo, publicKey.getAlgorithm(),
                    subjectKeyIdentifier);
            X509CertificateHolder holder = builder.build(new ClientSigner(random));
            return Pem.toX509(holder.getEncoded(), "issued certificate");
        } catch (IOException | InvalidInputException | RuntimeOperatorException e) {
            throw new IllegalStateException("cannot sign a client certificate", e);
        }
    }

    /**
     * A validity time as RFC 5280 4.1.2.5 encodes it, to the second: UTCTime (YYMMDDHHMMSSZ) for the years 1950 to
     * 2049, GeneralizedTime (YYYYMMDDHHMMSSZ) otherwise; what Bouncy Castle's {@code Time(Date)} writes, without
     * its {@code SimpleDateFormat}, which costs a cold JVM (the one-shot CLI) ~20 ms of calendar and locale
     * set-up. Built from the DER encoding: the {@code String} constructors check the text with a
     * {@code SimpleDateFormat} too.
     */
    static Time time(Instant instant) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
        boolean utcTime = t.getYear() >= 1950 && t.getYear() <= 2049;
        if (t.getYear() < 0 || t.getYear() > 9999) {
            throw new IllegalArgumentException("a certificate time must be within the years 0 to 9999: " + instant);
        }
        StringBuilder text = new StringBuilder(15);
        digits(text, utcTime ? t.getYear() % 100 : t.getYear(), utcTime ? 2 : 4);
        digits(text, t.getMonthValue(), 2);
        digits(text, t.getDayOfMonth(), 2);
        digits(text, t.getHour(), 2);
        digits(text, t.getMinute(), 2);
        digits(text, t.getSecond(), 2);
        text.append('Z');
        byte[] der = new byte[text.length() + 2];
        der[0] = (byte) (utcTime ? BERTags.UTC_TIME : BERTags.GENERALIZED_TIME);
        der[1] = (byte) text.length();
        for (int i = 0; i < text.length(); i++) {
            der[i + 2] = (byte) text.charAt(i);
        }
        return new Time(utcTime ? ASN1UTCTime.getInstance(der) : ASN1GeneralizedTime.getInstance(der));
    }

    private static void digits(StringBuilder text, int value, int width) {
        String s = Integer.toString(value);
        text.append("0".repeat(width - s.length())).append(s);
    }

    /**
     * Signs client certificates. Once a JVM has made a few EC signatures ({@link KeyAlgorithm#useFastEc}), an EC CA
     * key signs with Bouncy Castle's ECDSA, whose fixed-base comb multiplier (its table built once and kept) is
     * about six times faster than the JDK 17 provider's; before that, and for other keys, the JCA signs. Either
     * way it is the same standard signature (random k from {@code random}, DER-encoded r and s for ECDSA) under
     * the same algorithm identifier. Bouncy Castle's {@code JcaContentSignerBuilder} would do the JCA part too, but
     * its algorithm-name tables cost a cold JVM (the one-shot CLI) some 25 ms to set up.
     */
    private final class ClientSigner implements ContentSigner {
        private final SecureRandom random;
        private final ByteArrayOutputStream tbs = new ByteArrayOutputStream(1024);

        ClientSigner(SecureRandom random) {
            this.random = random;
        }

        @Override
        public AlgorithmIdentifier getAlgorithmIdentifier() {
            return signatureAlgorithmId;
        }

        @Override
        public OutputStream getOutputStream() {
            return tbs;
        }

        @Override
        public byte[] getSignature() {
            byte[] data = tbs.toByteArray();
            ECPrivateKeyParameters fast = privateKey instanceof ECPrivateKey && KeyAlgorithm.useFastEc()
                    ? fastKey() : null;
            if (fast != null) {
                DSADigestSigner signer = new DSADigestSigner(new ECDSASigner(), digest(signatureAlgorithm));
                signer.init(true, new ParametersWithRandom(fast, random));
                signer.update(data, 0, data.length);
                return signer.generateSignature();
            }
            try {
                Signature signer = Signature.getInstance(signatureAlgorithm);
                signer.initSign(privateKey, random);
                signer.update(data);
                return signer.sign();
            } catch (GeneralSecurityException e) {
                throw new RuntimeOperatorException("cannot sign with the CA key: " + e.getMessage(), e);
            }
        }
    }

    @CheckForNull
    private ECPrivateKeyParameters fastKey() {
        ECPrivateKeyParameters key = fastKey;
        if (key == null && !noFastKey) {
            key = ecSigningKey(privateKey);
            if (key == null) {
                noFastKey = true;
            } else {
                fastKey = key;
            }
        }
        return key;
    }

    private static Digest digest(String ecdsaAlgorithm) {
        return switch (ecdsaAlgorithm) {
            case "SHA256withECDSA" -> new SHA256Digest();
            case "SHA384withECDSA" -> new SHA384Digest();
            default -> new SHA512Digest();
        };
    }

    /**
     * The signatureAlgorithm field for each algorithm {@link KeyAlgorithm#signatureAlgorithm(PrivateKey)} returns, as RFC 5758
     * (ECDSA: no parameters), RFC 4055 (RSA: NULL parameters) and RFC 8410 (Ed25519: none) write them.
     */
    private static AlgorithmIdentifier signatureAlgorithmId(String signatureAlgorithm) {
        return switch (signatureAlgorithm) {
            case "SHA256withECDSA" -> new AlgorithmIdentifier(new ASN1ObjectIdentifier("1.2.840.10045.4.3.2"));
            case "SHA384withECDSA" -> new AlgorithmIdentifier(new ASN1ObjectIdentifier("1.2.840.10045.4.3.3"));
            case "SHA512withECDSA" -> new AlgorithmIdentifier(new ASN1ObjectIdentifier("1.2.840.10045.4.3.4"));
            case "SHA256withRSA" -> new AlgorithmIdentifier(new ASN1ObjectIdentifier("1.2.840.113549.1.1.11"),
                    DERNull.INSTANCE);
            case "Ed25519" -> new AlgorithmIdentifier(new ASN1ObjectIdentifier("1.3.101.112"));
            default -> throw new IllegalArgumentException("unsupported signature algorithm " + signatureAlgorithm);
        };
    }

    /** The CA certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The CA certificate as PEM, for the API server's {@code --client-ca-file}. */
    public String certificatePem() {
        return certificatePem;
    }

    /** The CA's private key as PKCS#8 PEM. A secret: store it as one (file mode 0600, Jenkins {@code Secret}). */
    public String privateKeyPem() {
        return Pem.encode(privateKey);
    }

    /** When the CA expires; no client certificate is issued past it. */
    public Instant notAfter() {
        return certificate.getNotAfter().toInstant();
    }

    /** The CA's subject, e.g. {@code CN=short-lived-kubeconfig CA}. */
    public String subject() {
        return certificate.getSubjectX500Principal().getName();
    }

    /** SHA-256 fingerprint of the CA certificate, colon-separated hex, as {@code openssl x509 -fingerprint} prints it. */
    public String fingerprintSha256() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "CertificateAuthority[" + subject() + ", not after " + notAfter() + "]";
    }

    /** Bouncy Castle's form of an EC private key on P-256, P-384 or P-521 (its optimised curves); null otherwise. */
    @CheckForNull
    private static ECPrivateKeyParameters ecSigningKey(PrivateKey key) {
        if (!(key instanceof ECPrivateKey ec) || ec.getS() == null) {
            return null;
        }
        ECDomainParameters domain = KeyAlgorithm.fastDomain(ec.getParams());
        return domain == null ? null : new ECPrivateKeyParameters(ec.getS(), domain);
    }

    /** Whether {@code key} is the private half of the certificate's {@code publicKey} ({@link KeyPairs#matching}). */
    private static boolean matches(PrivateKey key, PublicKey publicKey) throws InvalidInputException {
        try {
            KeyAlgorithm.signatureAlgorithm(key);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("CA key: " + e.getMessage() + "; use an EC, RSA or Ed25519 key");
        }
        return KeyPairs.matching(key, publicKey);
    }

    /** A certificate's subject key identifier, or one computed from its key when the extension is absent. */
    private static byte[] subjectKeyIdentifier(X509Certificate cert) {
        byte[] ext = cert.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        try {
            if (ext != null) {
                return SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(ext).getOctets())
                        .getKeyIdentifier();
            }
            return new JcaX509ExtensionUtils().createSubjectKeyIdentifier(cert.getPublicKey()).getKeyIdentifier();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the CA's key identifier", e);
        }
    }
}
