package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.DSADigestSigner;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * A client's PKCS#10 certificate signing request, checked: its signature verifies with the key it carries (so the
 * requester holds the private key: proof of possession), and that key is one of the types we generate ourselves,
 * EC P-256 or RSA of 2048 to 8192 bits. Everything else the request asks for (subject, attributes, extensions) is
 * ignored: only {@link #publicKey()} reaches the CA, and the policy alone decides the certificate's names, usages
 * and lifetime. Holds no secret.
 */
public final class ClientCsr {
    /** Far above any real CSR (an RSA-8192 one is about 2.5 KB of PEM), so that nothing huge is parsed. */
    static final int MAX_BYTES = 64 * 1024;
    static final int MIN_RSA_BITS = 2048;
    /** Larger RSA keys only make verification slow (a cheap way to load the controller), never safer in practice. */
    static final int MAX_RSA_BITS = 8192;

    private static final ASN1ObjectIdentifier P256 = X9ObjectIdentifiers.prime256v1;

    private final byte[] der;
    private final PublicKey publicKey;
    private final String keyType;

    private ClientCsr(byte[] der, PublicKey publicKey, String keyType) {
        this.der = der;
        this.publicKey = publicKey;
        this.keyType = keyType;
    }

    /**
     * Reads and checks a CSR given as PEM ({@code CERTIFICATE REQUEST} or {@code NEW CERTIFICATE REQUEST}) or DER.
     *
     * @param source names the file or field in messages
     * @throws InvalidInputException naming {@code source} and the problem: not a CSR, a signature that does not
     *     verify, or a key type or size that is not accepted
     */
    public static ClientCsr read(byte[] pemOrDer, String source) throws InvalidInputException {
        if (pemOrDer.length == 0) {
            throw new InvalidInputException(source + ": empty; expected a PEM or DER certificate signing request");
        }
        if (pemOrDer.length > MAX_BYTES) {
            throw new InvalidInputException(source + ": " + pemOrDer.length + " bytes is larger than the " + MAX_BYTES
                    + "-byte limit for a certificate signing request");
        }
        byte[] der = pemOrDer[0] == 0x30 ? pemOrDer : pemBody(new String(pemOrDer, StandardCharsets.UTF_8), source);
        return check(der.clone(), source, true);
    }

    /** {@link #read(byte[], String)} for PEM text. */
    public static ClientCsr readPem(String pem, String source) throws InvalidInputException {
        return read(pem.getBytes(StandardCharsets.UTF_8), source);
    }

    /**
     * Makes the CSR for a key pair, as the agent and {@code kubeconfig-signer csr} do. Its subject is a fixed
     * placeholder: the CA ignores it anyway.
     */
    public static ClientCsr create(KeyPair key) {
        try {
            String algorithm = key.getPublic() instanceof ECPublicKey ? "SHA256withECDSA" : "SHA256withRSA";
            ContentSigner signer = new JcaContentSignerBuilder(algorithm).setSecureRandom(Randomness.current())
                    .build(key.getPrivate());
            PKCS10CertificationRequest request = new PKCS10CertificationRequestBuilder(
                    new X500Name("CN=short-lived-kubeconfig client"),
                    SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded())).build(signer);
            // Signed just now with the key itself: its types are checked, its signature is not verified again.
            return check(request.getEncoded(), "generated CSR", false);
        } catch (OperatorCreationException | IOException | InvalidInputException e) {
            throw new IllegalStateException("cannot make a certificate signing request for a " + key.getPublic()
                    .getAlgorithm() + " key", e);
        }
    }

    /** The key the certificate will certify. */
    public PublicKey publicKey() {
        return publicKey;
    }

    /** The key's type as messages name it: {@code EC P-256} or {@code RSA-3072}. */
    public String keyType() {
        return keyType;
    }

    /** The DER encoding. */
    public byte[] der() {
        return der.clone();
    }

    /** The PEM encoding ({@code CERTIFICATE REQUEST}), as openssl writes it. */
    public String pem() {
        return Pem.block("CERTIFICATE REQUEST", der);
    }

    /** Two CSRs are equal when their encodings are: the same key, signed the same way. */
    @Override
    public boolean equals(Object o) {
        return o instanceof ClientCsr other && java.util.Arrays.equals(other.der, der);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(der);
    }

    @Override
    public String toString() {
        return "ClientCsr[" + keyType + "]";
    }

    private static byte[] pemBody(String text, String source) throws InvalidInputException {
        try (PemReader reader = new PemReader(new StringReader(text))) {
            PemObject object = reader.readPemObject();
            if (object == null) {
                throw new InvalidInputException(source + ": no certificate signing request found (expected "
                        + "-----BEGIN CERTIFICATE REQUEST----- or DER)");
            }
            if (!object.getType().equals("CERTIFICATE REQUEST") && !object.getType().equals("NEW CERTIFICATE REQUEST")) {
                throw new InvalidInputException(source + ": expected a CERTIFICATE REQUEST block, found "
                        + (object.getType().matches("[A-Z0-9 ]{1,40}") ? "a " + object.getType() + " block"
                                : "another block"));
            }
            if (reader.readPemObject() != null) {
                throw new InvalidInputException(source + ": expected one certificate signing request, found more "
                        + "PEM blocks");
            }
            return object.getContent();
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException(source + ": not a readable PEM certificate signing request ("
                    + Pem.safeReason(e) + ")");
        }
    }

    private static ClientCsr check(byte[] der, String source, boolean verifySignature) throws InvalidInputException {
        PKCS10CertificationRequest request;
        SubjectPublicKeyInfo info;
        try {
            request = new PKCS10CertificationRequest(der);
            info = request.getSubjectPublicKeyInfo();
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException(source + ": not a PKCS#10 certificate signing request ("
                    + Pem.safeReason(e) + ")");
        }
        ASN1ObjectIdentifier keyAlgorithm = info.getAlgorithm().getAlgorithm();
        String keyType;
        PublicKey key;
        if (keyAlgorithm.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            ASN1Encodable curve = info.getAlgorithm().getParameters();
            if (!P256.equals(curve)) {
                throw new InvalidInputException(source + ": the key is on EC curve " + curveName(curve)
                        + ", which is not accepted; use EC P-256 (prime256v1) or RSA of at least " + MIN_RSA_BITS
                        + " bits");
            }
            keyType = "EC P-256";
            key = publicKey("EC", info, source);
        } else if (keyAlgorithm.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            int bits = rsaBits(info, source);
            if (bits < MIN_RSA_BITS) {
                throw new InvalidInputException(source + ": the RSA key has " + bits + " bits, too weak; use at "
                        + "least " + MIN_RSA_BITS + " bits or EC P-256");
            }
            if (bits > MAX_RSA_BITS) {
                throw new InvalidInputException(source + ": the RSA key has " + bits + " bits, more than the "
                        + MAX_RSA_BITS + " accepted; use 2048 to 4096 bits or EC P-256");
            }
            keyType = "RSA-" + bits;
            key = publicKey("RSA", info, source);
        } else {
            throw new InvalidInputException(source + ": the key type " + keyName(keyAlgorithm) + " is not accepted; "
                    + "use EC P-256 or RSA of at least " + MIN_RSA_BITS + " bits");
        }
        if (verifySignature) {
            verify(request, key, source);
        }
        return new ClientCsr(der, key, keyType);
    }

    private static PublicKey publicKey(String algorithm, SubjectPublicKeyInfo info, String source)
            throws InvalidInputException {
        try {
            return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(info.getEncoded()));
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            throw new InvalidInputException(source + ": the " + algorithm + " public key is damaged ("
                    + Pem.safeReason(e) + ")");
        }
    }

    private static int rsaBits(SubjectPublicKeyInfo info, String source) throws InvalidInputException {
        try {
            BigInteger modulus = RSAPublicKey.getInstance(info.parsePublicKey()).getModulus();
            return modulus.bitLength();
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException(source + ": the RSA public key is damaged (" + Pem.safeReason(e) + ")");
        }
    }

    /** Proof of possession: the request is signed with the private key of the public key it carries. */
    private static void verify(PKCS10CertificationRequest request, PublicKey key, String source)
            throws InvalidInputException {
        AlgorithmIdentifier algorithm = request.getSignatureAlgorithm();
        String name = signatureName(algorithm.getAlgorithm(), key);
        if (name == null) {
            throw new InvalidInputException(source + ": signed with " + algorithm.getAlgorithm().getId()
                    + ", which does not fit a " + key.getAlgorithm() + " key or is not accepted; sign it with SHA-256 "
                    + "(openssl req -new -sha256)");
        }
        boolean valid;
        try {
            byte[] signed = request.toASN1Structure().getCertificationRequestInfo().getEncoded("DER");
            byte[] signature = request.getSignature();
            ECDomainParameters fast = key instanceof ECPublicKey ec && KeyAlgorithm.useFastEc()
                    ? KeyAlgorithm.fastDomain(ec.getParams()) : null;
            if (fast != null) {
                valid = verifyFast((ECPublicKey) key, fast, digest(name), signed, signature);
            } else {
                Signature verifier = Signature.getInstance(name);
                verifier.initVerify(key);
                verifier.update(signed);
                valid = verifier.verify(signature);
            }
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            valid = false;
        }
        if (!valid) {
            throw new InvalidInputException(source + ": the request's signature does not verify with its own key, "
                    + "so it does not prove possession of the private key; make a new request with the key");
        }
    }

    /** Bouncy Castle's P-256 arithmetic: several times faster than the JDK 17 provider (see BENCHMARKS.md). */
    private static boolean verifyFast(ECPublicKey key, ECDomainParameters domain, Digest digest, byte[] signed,
                                      byte[] signature) {
        org.bouncycastle.math.ec.ECPoint q = domain.getCurve().validatePoint(key.getW().getAffineX(),
                key.getW().getAffineY());
        DSADigestSigner verifier = new DSADigestSigner(new ECDSASigner(), digest);
        verifier.init(false, new ECPublicKeyParameters(q, domain));
        verifier.update(signed, 0, signed.length);
        return verifier.verifySignature(signature);
    }

    private static Digest digest(String signatureName) {
        return switch (signatureName) {
            case "SHA384withECDSA" -> new SHA384Digest();
            case "SHA512withECDSA" -> new SHA512Digest();
            default -> new SHA256Digest();
        };
    }

    @CheckForNull
    private static String signatureName(ASN1ObjectIdentifier oid, PublicKey key) {
        if (key instanceof ECPublicKey) {
            if (oid.equals(X9ObjectIdentifiers.ecdsa_with_SHA256)) {
                return "SHA256withECDSA";
            }
            if (oid.equals(X9ObjectIdentifiers.ecdsa_with_SHA384)) {
                return "SHA384withECDSA";
            }
            if (oid.equals(X9ObjectIdentifiers.ecdsa_with_SHA512)) {
                return "SHA512withECDSA";
            }
            return null;
        }
        if (oid.equals(PKCSObjectIdentifiers.sha256WithRSAEncryption)) {
            return "SHA256withRSA";
        }
        if (oid.equals(PKCSObjectIdentifiers.sha384WithRSAEncryption)) {
            return "SHA384withRSA";
        }
        if (oid.equals(PKCSObjectIdentifiers.sha512WithRSAEncryption)) {
            return "SHA512withRSA";
        }
        return null;
    }

    private static String curveName(@CheckForNull ASN1Encodable curve) {
        if (curve instanceof ASN1ObjectIdentifier oid) {
            if (oid.equals(org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp384r1)) {
                return "P-384";
            }
            if (oid.equals(org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp521r1)) {
                return "P-521";
            }
            if (oid.equals(org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp256k1)) {
                return "secp256k1";
            }
            return oid.getId();
        }
        return "(explicit parameters)";
    }

    private static String keyName(ASN1ObjectIdentifier oid) {
        if (oid.getId().equals("1.3.101.112")) {
            return "Ed25519";
        }
        if (oid.getId().equals("1.3.101.113")) {
            return "Ed448";
        }
        if (oid.equals(X9ObjectIdentifiers.id_dsa)) {
            return "DSA";
        }
        if (oid.equals(PKCSObjectIdentifiers.id_RSASSA_PSS)) {
            return "RSASSA-PSS";
        }
        return oid.getId();
    }
}
