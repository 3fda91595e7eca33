package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
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
        if (!KeyPairs.matching(key, certificate.getPublicKey())) {
            throw new InvalidInputException("certificate: it is not for the client key in " + directory
                    + "; nothing was written");
        }
        Path kubeconfig = directory.resolve(PrivateFiles.KUBECONFIG);
        // The key stays in its own file: a printed kubeconfig shows none, and no one else could mask it in a log.
        PrivateFiles.replace(kubeconfig, Kubeconfig.renderWithKeyFile(cluster, certificatePem, keyFile));
        return kubeconfig;
    }
}
