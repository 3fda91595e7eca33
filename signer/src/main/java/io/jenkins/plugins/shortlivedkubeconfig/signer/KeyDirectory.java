package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;

/**
 * The node side of agent-side keys: a private directory (0700, made by {@link PrivateFiles}) that holds the client
 * key generated there and, once the controller has signed its CSR, the kubeconfig. The key is written once and
 * never leaves the directory; what goes back to the controller is the CSR and the directory's name. Each new
 * certificate (the first and every renewal) replaces the kubeconfig atomically, so that a reader never sees half a
 * file.
 */
public final class KeyDirectory {
    /** The client key's file name inside the directory (PKCS#8 PEM, 0600). */
    public static final String KEY = "client.key";

    private KeyDirectory() {}

    /**
     * What {@link #create} returns.
     *
     * @param directory the new private directory; delete it with {@link PrivateFiles#deleteDirectory}
     * @param csr the request to send to the controller; holds no secret
     */
    public record Created(Path directory, ClientCsr csr) { }

    /** Generates a key pair, writes its private key into a new private directory under {@code parent}. */
    public static Created create(Path parent, KeyAlgorithm algorithm) throws IOException {
        KeyPair key = algorithm.generate(Randomness.current());
        byte[] pem = Pem.encode(key.getPrivate()).getBytes(StandardCharsets.US_ASCII);
        try {
            Path file = PrivateFiles.writeInNewDirectory(parent, KEY, pem);
            Path directory = file.getParent();
            if (directory == null) {
                throw new IOException("no directory for " + file);
            }
            return new Created(directory, ClientCsr.create(key));
        } finally {
            Arrays.fill(pem, (byte) 0);
        }
    }

    /**
     * Writes, or atomically replaces, the kubeconfig in {@code directory} for a certificate of the key kept there.
     *
     * @return the kubeconfig's path
     * @throws InvalidInputException when the certificate is not for that key, or the key file is missing or damaged
     */
    public static Path install(Path directory, ClusterEndpoint cluster, String certificatePem)
            throws IOException, InvalidInputException {
        Path keyFile = directory.resolve(KEY);
        if (!Files.isRegularFile(keyFile)) {
            throw new InvalidInputException(keyFile + ": the client key is missing (was the directory deleted?)");
        }
        PrivateKey key = Pem.readPrivateKey(Files.readString(keyFile, StandardCharsets.US_ASCII), keyFile.toString());
        X509Certificate certificate = Pem.readCertificate(certificatePem, "certificate");
        if (!matches(certificate.getPublicKey(), key)) {
            throw new InvalidInputException("certificate: it is not for the client key in " + directory
                    + "; nothing was written");
        }
        Path kubeconfig = directory.resolve(PrivateFiles.KUBECONFIG);
        // The key stays in its own file: a printed kubeconfig shows none, and no one else could mask it in a log.
        PrivateFiles.replace(kubeconfig, Kubeconfig.renderWithKeyFile(cluster, certificatePem, keyFile));
        return kubeconfig;
    }

    /** Whether a certificate's public key belongs to a private key: both keys' public parts encode the same. */
    static boolean matches(PublicKey certified, PrivateKey key) {
        PublicKey derived = publicOf(key);
        return derived != null && Arrays.equals(derived.getEncoded(), certified.getEncoded());
    }

    @CheckForNull
    private static PublicKey publicOf(PrivateKey key) {
        try {
            if (key instanceof java.security.interfaces.RSAPrivateCrtKey rsa) {
                return java.security.KeyFactory.getInstance("RSA").generatePublic(
                        new java.security.spec.RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
            }
            if (key instanceof java.security.interfaces.ECPrivateKey ec) {
                org.bouncycastle.crypto.params.ECDomainParameters domain = KeyAlgorithm.fastDomain(ec.getParams());
                if (domain == null) {
                    return null;
                }
                org.bouncycastle.math.ec.ECPoint q = domain.getG().multiply(ec.getS()).normalize();
                return java.security.KeyFactory.getInstance("EC").generatePublic(new java.security.spec.ECPublicKeySpec(
                        new java.security.spec.ECPoint(q.getAffineXCoord().toBigInteger(),
                                q.getAffineYCoord().toBigInteger()), ec.getParams()));
            }
            return null;
        } catch (java.security.GeneralSecurityException e) {
            return null;
        }
    }
}
