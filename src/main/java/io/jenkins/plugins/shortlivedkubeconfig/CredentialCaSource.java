package io.jenkins.plugins.shortlivedkubeconfig;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.CredentialsScope;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.security.ACL;
import io.jenkins.plugins.shortlivedkubeconfig.signer.CaSource;
import io.jenkins.plugins.shortlivedkubeconfig.signer.CaUnavailableException;
import io.jenkins.plugins.shortlivedkubeconfig.signer.CertificateAuthority;
import io.jenkins.plugins.shortlivedkubeconfig.signer.InvalidInputException;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import jenkins.model.Jenkins;

/**
 * A signing CA kept as a SYSTEM credential in the Jenkins root store, by id. Looked up on every issuance (cheap),
 * parsed only when the credential's content changes, so that a change made through the UI, Configuration as Code
 * or the credentials store reaches the next build. Whether the CA is the one an administrator chose is the core's
 * decision (the fingerprint pin), not this class's.
 */
final class CredentialCaSource implements CaSource {
    private final String id;
    private final Clock clock;
    @CheckForNull
    private volatile Loaded loaded;

    private record Loaded(byte[] digest, CertificateAuthority ca) { }

    CredentialCaSource(String id, Clock clock) {
        this.id = id;
        this.clock = clock;
    }

    @Override
    public CertificateAuthority load() throws CaUnavailableException {
        KubernetesClientCaCredentials credentials = systemCa(id);
        byte[] digest = credentials.contentDigest();
        Loaded current = loaded;
        if (current != null && Arrays.equals(current.digest(), digest)) {
            return current.ca();
        }
        try {
            CertificateAuthority ca = credentials.load(clock);
            loaded = new Loaded(digest, ca);
            return ca;
        } catch (InvalidInputException e) {
            throw new CaUnavailableException(Messages.Configuration_CaUnusable(id, e.getMessage()));
        }
    }

    /** How messages name this CA. */
    String describe() {
        return Messages.CredentialCaSource_Name(id);
    }

    /** The CA credential with this id, which must be SYSTEM-scoped in the Jenkins root store. */
    static KubernetesClientCaCredentials systemCa(String id) throws CaUnavailableException {
        KubernetesClientCaCredentials ca = find(id);
        if (ca == null) {
            throw new CaUnavailableException(Messages.Configuration_CaMissing(id));
        }
        if (ca.getScope() != CredentialsScope.SYSTEM) {
            throw new CaUnavailableException(Messages.Configuration_CaNotSystem(id));
        }
        return ca;
    }

    /** The current fingerprint of the credential's certificate, or null when it cannot be loaded. */
    @CheckForNull
    static String fingerprintOf(@CheckForNull String id, Clock clock) {
        if (id == null) {
            return null;
        }
        try {
            return new CredentialCaSource(id, clock).load().fingerprintSha256();
        } catch (CaUnavailableException e) {
            return null;
        }
    }

    @CheckForNull
    static KubernetesClientCaCredentials find(String id) {
        return CredentialsMatchers.firstOrNull(CredentialsProvider.lookupCredentialsInItemGroup(
                KubernetesClientCaCredentials.class, Jenkins.get(), ACL.SYSTEM2, List.of()),
                CredentialsMatchers.withId(id));
    }
}
