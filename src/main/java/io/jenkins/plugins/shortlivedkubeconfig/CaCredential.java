package io.jenkins.plugins.shortlivedkubeconfig;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.common.StandardCertificateCredentials;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.jenkins.plugins.shortlivedkubeconfig.signer.CaKeystore;
import io.jenkins.plugins.shortlivedkubeconfig.signer.CaSource;
import io.jenkins.plugins.shortlivedkubeconfig.signer.CaUnavailableException;
import io.jenkins.plugins.shortlivedkubeconfig.signer.CertificateAuthority;
import io.jenkins.plugins.shortlivedkubeconfig.signer.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import jenkins.model.Jenkins;

/**
 * The signing CA as a credential: our own {@link KubernetesClientCaCredentials} (PEM), or any
 * {@link StandardCertificateCredentials} (a PKCS#12 keystore holding the CA's key and certificate, with its
 * password), the type that credentials provider plugins and Configuration as Code supply, so that several
 * controllers can share one CA kept in Vault, Kubernetes secrets or a cloud key vault.
 *
 * <p>Either way the same rule holds: the credential is looked up in the Jenkins root context only, and must have
 * scope {@link CredentialsScope#SYSTEM}. Credentials of any other scope (or of none) are visible to builds, which
 * could then bind the CA key with {@code withCredentials}; they are refused with a message naming the credential
 * and its scope. The key is checked against the certificate by the core, as for PEM.
 */
final class CaCredential {
    private final StandardCredentials credential;

    private CaCredential(StandardCredentials credential) {
        this.credential = credential;
    }

    /**
     * Loads the CA from the credential with this id, checking the lookup rule. Parsing is not cheap: use
     * {@link #source} where the CA is needed more than once.
     *
     * @throws CaUnavailableException saying what an administrator has to do; never holds key material or passwords
     */
    static CertificateAuthority load(String credentialsId, Clock clock) throws CaUnavailableException {
        return find(credentialsId).load(clock);
    }

    /**
     * A CA source for a cluster: looks the credential up on every call (cheap) and parses it again only when its
     * content changed, so that a credential replaced through the UI, Configuration as Code or a provider is
     * picked up by the next build.
     */
    static CaSource source(String credentialsId, Clock clock) {
        return new Cached(credentialsId, clock);
    }

    /** The credential with this id in the Jenkins root context, if it may sign. */
    static CaCredential find(String credentialsId) throws CaUnavailableException {
        StandardCredentials found = SystemCredentials.byId(credentialsId);
        if (found == null) {
            throw new CaUnavailableException(Messages.CaCredential_Missing(credentialsId));
        }
        if (!(found instanceof KubernetesClientCaCredentials) && !(found instanceof StandardCertificateCredentials)) {
            throw new CaUnavailableException(Messages.CaCredential_WrongType(credentialsId,
                    found.getDescriptor().getDisplayName()));
        }
        CredentialsScope scope = found.getScope();
        if (scope != CredentialsScope.SYSTEM) {
            throw new CaUnavailableException(Messages.CaCredential_NotSystem(credentialsId,
                    scope == null ? Messages.CaCredential_NoScope() : scope.name()));
        }
        return new CaCredential(found);
    }

    /** Parses and checks the CA. */
    CertificateAuthority load(Clock clock) throws CaUnavailableException {
        String id = credential.getId();
        try {
            if (credential instanceof KubernetesClientCaCredentials ca) {
                return ca.load(clock);
            }
            StandardCertificateCredentials certificate = (StandardCertificateCredentials) credential;
            char[] password = certificate.getPassword().getPlainText().toCharArray();
            try {
                return CaKeystore.load(keyStore(certificate), password, Messages.CaCredential_KeystoreSource(id),
                        clock);
            } finally {
                Arrays.fill(password, '\0');
            }
        } catch (InvalidInputException e) {
            throw new CaUnavailableException(Messages.CaCredential_Unusable(id, e.getMessage()));
        }
    }

    /**
     * A digest of what the CA is loaded from, so that a cached CA is reloaded exactly when the credential's content
     * changes, even when a provider hands out a new object on every lookup. For a keystore: its entries' aliases
     * and certificates and the password (a different key under the same certificate could not match it anyway).
     */
    byte[] contentDigest() throws CaUnavailableException {
        if (credential instanceof KubernetesClientCaCredentials ca) {
            return ca.contentDigest();
        }
        StandardCertificateCredentials certificate = (StandardCertificateCredentials) credential;
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(certificate.getPassword().getPlainText().getBytes(StandardCharsets.UTF_8));
            KeyStore keyStore = keyStore(certificate);
            List<String> aliases = new ArrayList<>(Collections.list(keyStore.aliases()));
            Collections.sort(aliases);
            for (String alias : aliases) {
                sha256.update((byte) 0);
                sha256.update(alias.getBytes(StandardCharsets.UTF_8));
                Certificate[] chain = keyStore.getCertificateChain(alias);
                for (Certificate c : chain != null ? chain : new Certificate[] {keyStore.getCertificate(alias)}) {
                    if (c != null) {
                        sha256.update((byte) 1);
                        sha256.update(c.getEncoded());
                    }
                }
            }
            return sha256.digest();
        } catch (KeyStoreException | CertificateEncodingException e) {
            // an unloaded keystore (its password did not open it): digest nothing, load() says what is wrong
            return new byte[0];
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a required JCA algorithm", e);
        }
    }

    /** The credential's keystore; providers that cannot fetch it throw an unchecked exception. */
    private static KeyStore keyStore(StandardCertificateCredentials certificate) throws CaUnavailableException {
        try {
            return certificate.getKeyStore();
        } catch (RuntimeException e) {
            // e.g. CredentialsUnavailableException from a provider whose secret store cannot be reached
            throw new CaUnavailableException(Messages.CaCredential_KeystoreUnavailable(certificate.getId(),
                    e.getClass().getSimpleName()));
        }
    }

    /** Parses the CA once per content change. */
    private static final class Cached implements CaSource {
        private final String credentialsId;
        private final Clock clock;
        @CheckForNull
        private volatile Loaded loaded;

        private record Loaded(byte[] digest, CertificateAuthority ca) { }

        Cached(String credentialsId, Clock clock) {
            this.credentialsId = credentialsId;
            this.clock = clock;
        }

        @Override
        public CertificateAuthority load() throws CaUnavailableException {
            CaCredential credential = find(credentialsId);
            byte[] digest = credential.contentDigest();
            Loaded current = loaded;
            if (current != null && digest.length > 0 && Arrays.equals(current.digest(), digest)) {
                return current.ca();
            }
            CertificateAuthority ca = credential.load(clock);
            loaded = new Loaded(digest, ca);
            return ca;
        }

        @Override
        public String toString() {
            return "CaCredential.source[" + credentialsId + "]";
        }
    }
}
