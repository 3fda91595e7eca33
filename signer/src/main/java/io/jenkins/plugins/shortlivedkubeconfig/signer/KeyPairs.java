package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import org.bouncycastle.crypto.params.ECDomainParameters;

/**
 * Whether a private key is the other half of a public key: a CA's key and its certificate, a client's key and its
 * CSR or certificate. A mismatched pair would sign certificates that nothing verifies, or a kubeconfig whose TLS
 * handshake fails.
 */
public final class KeyPairs {
    private KeyPairs() {}

    /**
     * Whether {@code key} is the private half of {@code publicKey}. EC keys on P-256, P-384 and P-521 and RSA keys
     * with CRT values are compared by their public values, computed from the private key: one scalar
     * multiplication, or a few multiplications of integers, where a probe signature and its verification cost a
     * cold JVM (the one-shot CLI) three EC scalar multiplications or an RSA private-key operation, and their
     * classes. Other keys (Ed25519, RSA without CRT values, EC on other curves) sign and verify a probe.
     */
    public static boolean matching(PrivateKey key, PublicKey publicKey) {
        if (key instanceof ECPrivateKey ec) {
            ECDomainParameters domain = KeyAlgorithm.fastDomain(ec.getParams());
            if (domain != null) {
                return publicKey instanceof ECPublicKey certified && samePoint(ec.getS(), domain, certified);
            }
        } else if (key instanceof RSAPrivateCrtKey rsa) {
            return publicKey instanceof RSAPublicKey certified && sameRsaKey(rsa, certified);
        }
        try {
            String algorithm = KeyAlgorithm.signatureAlgorithm(key);
            byte[] probe = "short-lived-kubeconfig key check".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(probe);
            byte[] signature = s.sign();
            Signature v = Signature.getInstance(algorithm);
            v.initVerify(publicKey);
            v.update(probe);
            return v.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether {@code d} times the curve's generator is the public key's point, on the same curve. */
    private static boolean samePoint(BigInteger d, ECDomainParameters domain, ECPublicKey certified) {
        ECDomainParameters certifiedDomain = KeyAlgorithm.fastDomain(certified.getParams());
        if (certifiedDomain == null || !certifiedDomain.getCurve().equals(domain.getCurve())
                || !certifiedDomain.getG().equals(domain.getG())) {
            return false;
        }
        // As an ECDSA signature would use it: modulo the group order (0 is no key).
        org.bouncycastle.math.ec.ECPoint q = domain.getG().multiply(d.mod(domain.getN())).normalize();
        return !q.isInfinity() && q.getAffineXCoord().toBigInteger().equals(certified.getW().getAffineX())
                && q.getAffineYCoord().toBigInteger().equals(certified.getW().getAffineY());
    }

    /**
     * Whether the key has the public key's modulus and exponent, and CRT values that belong to them: the JDK signs
     * with p, q, dP, dQ and qInv, so a damaged one would make signatures that nothing verifies.
     */
    private static boolean sameRsaKey(RSAPrivateCrtKey key, RSAPublicKey certified) {
        BigInteger n = certified.getModulus();
        BigInteger e = certified.getPublicExponent();
        BigInteger p = key.getPrimeP();
        BigInteger q = key.getPrimeQ();
        try {
            return key.getModulus().equals(n) && key.getPublicExponent().equals(e) && p.multiply(q).equals(n)
                    && e.multiply(key.getPrimeExponentP()).mod(p.subtract(BigInteger.ONE)).equals(BigInteger.ONE)
                    && e.multiply(key.getPrimeExponentQ()).mod(q.subtract(BigInteger.ONE)).equals(BigInteger.ONE)
                    && key.getCrtCoefficient().multiply(q).mod(p).equals(BigInteger.ONE);
        } catch (ArithmeticException notPositive) { // p or q of 1 or less
            return false;
        }
    }
}
