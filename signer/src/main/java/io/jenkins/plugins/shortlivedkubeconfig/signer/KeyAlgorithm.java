package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.custom.sec.SecP256R1Curve;
import org.bouncycastle.math.ec.custom.sec.SecP384R1Curve;
import org.bouncycastle.math.ec.custom.sec.SecP521R1Curve;

/** The key types we generate: EC P-256 by default (small, fast, accepted everywhere), RSA where it is required. */
public enum KeyAlgorithm {
    EC_P256("EC", 256),
    RSA_2048("RSA", 2048),
    RSA_3072("RSA", 3072);

    /**
     * How many EC operations (key generations and signatures) of a JVM use the JDK's provider before Bouncy
     * Castle's faster arithmetic takes over. On JDK 17, setting that up (loading its classes, precomputing multiples
     * of the generator) costs a cold JVM some 30 ms, more than a one-shot CLI run saves with it; a JVM that issues
     * many certificates gets it back within a few dozen. On JDK 25 the JDK's own P-256 code precomputes generator
     * tables when first used, which costs a cold JVM 60-90 ms, so from JDK 24 on (the JDK 24+ line is where the
     * CLI's launcher switches to the AOT cache; 18-23 were not measured) Bouncy Castle's is used from the first
     * operation (BENCHMARKS.md, CLI cold start).
     */
    static final int JDK_EC_OPERATIONS = Runtime.version().feature() >= 24 ? 0 : 16;
    private static final AtomicInteger ecOperations = new AtomicInteger();
    private static volatile boolean fastEc;

    private final String jcaName;
    private final int bits;

    KeyAlgorithm(String jcaName, int bits) {
        this.jcaName = jcaName;
        this.bits = bits;
    }

    /**
     * Generates a fresh key pair with the given randomness. The result is the JDK's own key classes, as
     * {@link KeyPairGenerator} would return them, whichever code did the arithmetic.
     */
    public KeyPair generate(SecureRandom random) {
        if (this == EC_P256 && useFastEc()) {
            return P256.generate(random);
        }
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

    /** Whether this EC operation may use Bouncy Castle's arithmetic: after the first {@link #JDK_EC_OPERATIONS}. */
    static boolean useFastEc() {
        if (fastEc) {
            return true;
        }
        if (ecOperations.incrementAndGet() > JDK_EC_OPERATIONS) {
            fastEc = true;
        }
        return fastEc;
    }

    /**
     * Bouncy Castle's optimised arithmetic for the NIST curve that {@code spec} describes (P-256, P-384 or P-521),
     * or null for any other curve. P-256's is one shared instance, so that the multiples of its generator that
     * Bouncy Castle precomputes on first use are made once per JVM.
     */
    @CheckForNull
    static ECDomainParameters fastDomain(@CheckForNull ECParameterSpec spec) {
        if (spec == null) {
            return null;
        }
        ECCurve curve = switch (spec.getCurve().getField().getFieldSize()) {
            case 256 -> P256.DOMAIN.getCurve();
            case 384 -> new SecP384R1Curve();
            case 521 -> new SecP521R1Curve();
            default -> null;
        };
        if (curve == null || !sameCurve(curve, spec)) {
            return null;
        }
        org.bouncycastle.math.ec.ECPoint g = curve.validatePoint(spec.getGenerator().getAffineX(),
                spec.getGenerator().getAffineY());
        if (curve == P256.DOMAIN.getCurve()) {
            return g.equals(P256.DOMAIN.getG()) ? P256.DOMAIN : null;
        }
        return new ECDomainParameters(curve, g, curve.getOrder(), curve.getCofactor());
    }

    private static boolean sameCurve(ECCurve curve, ECParameterSpec spec) {
        return spec.getCurve().getField() instanceof ECFieldFp field
                && field.getP().equals(curve.getField().getCharacteristic())
                && spec.getCurve().getA().equals(curve.getA().toBigInteger())
                && spec.getCurve().getB().equals(curve.getB().toBigInteger())
                && spec.getOrder().equals(curve.getOrder())
                && BigInteger.valueOf(spec.getCofactor()).equals(curve.getCofactor());
    }

    /**
     * EC P-256 key generation with Bouncy Castle's P-256 field arithmetic and fixed-base comb multiplier: about six
     * times faster than the JDK 17 provider's generic scalar multiplication (see BENCHMARKS.md). The scalar and
     * point become the JDK's EC keys (same classes, same PKCS#8 and X.509 encodings as the JDK's generator makes).
     */
    private static final class P256 {
        /** The JDK's secp256r1 parameters (a named curve: keys made with it encode the curve's OID). */
        static final ECParameterSpec SPEC;
        static final ECDomainParameters DOMAIN;

        static {
            try {
                AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
                params.init(new ECGenParameterSpec("secp256r1"));
                SPEC = params.getParameterSpec(ECParameterSpec.class);
            } catch (GeneralSecurityException e) {
                throw new ExceptionInInitializerError(e);
            }
            SecP256R1Curve curve = new SecP256R1Curve();
            DOMAIN = new ECDomainParameters(curve, curve.validatePoint(SPEC.getGenerator().getAffineX(),
                    SPEC.getGenerator().getAffineY()), curve.getOrder(), curve.getCofactor());
        }

        private P256() {}

        static KeyPair generate(SecureRandom random) {
            ECKeyPairGenerator generator = new ECKeyPairGenerator();
            generator.init(new ECKeyGenerationParameters(DOMAIN, random));
            AsymmetricCipherKeyPair pair = generator.generateKeyPair();
            org.bouncycastle.math.ec.ECPoint q = ((ECPublicKeyParameters) pair.getPublic()).getQ().normalize();
            ECPoint w = new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
            try {
                KeyFactory factory = KeyFactory.getInstance("EC");
                return new KeyPair(factory.generatePublic(new ECPublicKeySpec(w, SPEC)),
                        factory.generatePrivate(new ECPrivateKeySpec(
                                ((ECPrivateKeyParameters) pair.getPrivate()).getD(), SPEC)));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("this JVM cannot make EC P-256 keys", e);
            }
        }
    }

    /**
     * The JCA signature algorithm a key signs certificates with: ECDSA with the hash that fits its curve,
     * SHA-256 with RSA, or Ed25519.
     *
     * @throws IllegalArgumentException for any other key type
     */
    static String signatureAlgorithm(PrivateKey key) {
        String alg = key.getAlgorithm();
        if (key instanceof ECKey || alg.equals("EC") || alg.equals("ECDSA")) {
            int bits = key instanceof ECKey e ? e.getParams().getCurve().getField().getFieldSize() : 256;
            return bits > 384 ? "SHA512withECDSA" : bits > 256 ? "SHA384withECDSA" : "SHA256withECDSA";
        }
        if (key instanceof RSAKey || alg.equals("RSA")) {
            return "SHA256withRSA";
        }
        if (alg.equals("Ed25519") || alg.equals("EdDSA")) {
            return "Ed25519";
        }
        throw new IllegalArgumentException("unsupported key type " + alg);
    }
}
