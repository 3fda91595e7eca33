package io.jenkins.plugins.shortlivedkubeconfig;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.cloudbees.plugins.credentials.impl.BaseStandardCredentials;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.Extension;
import hudson.Util;
import hudson.util.FormValidation;
import hudson.util.Secret;
import io.jenkins.plugins.shortlivedkubeconfig.signer.CertificateAuthority;
import io.jenkins.plugins.shortlivedkubeconfig.signer.InvalidInputException;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Pem;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * The client CA that signs the builds' certificates: its certificate (PEM) and private key (PEM, kept as a
 * {@link Secret}). It only works from the Jenkins root store with {@link CredentialsScope#SYSTEM} scope: the
 * plugin looks for it there and nowhere else, so no build, folder or user can see, bind or replace it. It
 * implements none of the credential interfaces that credentials-binding knows, so {@code withCredentials} has
 * nothing to bind it to either.
 */
public final class KubernetesClientCaCredentials extends BaseStandardCredentials {
    private static final long serialVersionUID = 1L;

    private final String certificatePem;
    private final Secret privateKey;

    @DataBoundConstructor
    public KubernetesClientCaCredentials(@CheckForNull CredentialsScope scope, @CheckForNull String id,
                                         @CheckForNull String description, @CheckForNull String certificatePem,
                                         @CheckForNull Secret privateKey) {
        super(scope, id, description);
        this.certificatePem = Util.fixNull(certificatePem).strip();
        this.privateKey = privateKey == null ? Secret.fromString("") : privateKey;
    }

    /** The CA certificate, PEM; public: it goes into the API server's {@code --client-ca-file}. */
    public String getCertificatePem() {
        return certificatePem;
    }

    /** The CA private key, PEM. */
    public Secret getPrivateKey() {
        return privateKey;
    }

    /** Loads the CA for signing. Parsing is not cheap: the configuration caches the result. */
    CertificateAuthority load(Clock clock) throws InvalidInputException {
        return CertificateAuthority.load(certificatePem, Messages.KubernetesClientCaCredentials_CertificateSource(getId()),
                privateKey.getPlainText(), Messages.KubernetesClientCaCredentials_KeySource(getId()), clock);
    }

    /**
     * A digest of the certificate and key, so that a cached CA is reloaded exactly when the credential's content
     * changes (even when a credentials provider hands out a new object on every lookup).
     */
    byte[] contentDigest() {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(certificatePem.getBytes(StandardCharsets.UTF_8));
            sha256.update((byte) 0);
            sha256.update(privateKey.getPlainText().getBytes(StandardCharsets.UTF_8));
            return sha256.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a required JCA algorithm", e);
        }
    }

    @Extension
    @Symbol("kubernetesClientCa")
    public static final class DescriptorImpl extends BaseStandardCredentialsDescriptor {
        @Override
        public String getDisplayName() {
            return Messages.KubernetesClientCaCredentials_DisplayName();
        }

        /** Only the Jenkins root store can hold a CA the plugin will use, so only offer the type there. */
        @Override
        public boolean isApplicable(CredentialsProvider provider) {
            return provider instanceof SystemCredentialsProvider.ProviderImpl;
        }

        @POST
        public FormValidation doCheckCertificatePem(@QueryParameter @CheckForNull String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            String pem = Util.fixEmptyAndTrim(value);
            if (pem == null) {
                return FormValidation.error(Messages.KubernetesClientCaCredentials_CertificateRequired());
            }
            try {
                Pem.readCertificate(pem, Messages.KubernetesClientCaCredentials_CertificateField());
                return FormValidation.ok();
            } catch (InvalidInputException e) {
                return FormValidation.error(e.getMessage());
            }
        }

        /** Checks the pair the way the signer will load it: the key matches, the certificate is a valid CA. */
        @POST
        public FormValidation doCheckPrivateKey(@QueryParameter @CheckForNull String value,
                                                @QueryParameter @CheckForNull String certificatePem) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            String key = Secret.toString(Secret.fromString(value));
            if (key.isBlank()) {
                return FormValidation.error(Messages.KubernetesClientCaCredentials_KeyRequired());
            }
            String certificate = Util.fixEmptyAndTrim(certificatePem);
            if (certificate == null) {
                return FormValidation.ok();
            }
            try {
                CertificateAuthority ca = CertificateAuthority.load(certificate,
                        Messages.KubernetesClientCaCredentials_CertificateField(), key,
                        Messages.KubernetesClientCaCredentials_KeyField(), Clock.systemUTC());
                return FormValidation.ok(Messages.KubernetesClientCaCredentials_Valid(ca.subject(), ca.notAfter(),
                        ca.fingerprintSha256()));
            } catch (InvalidInputException e) {
                return FormValidation.error(e.getMessage());
            }
        }
    }
}
