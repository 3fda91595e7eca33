package io.jenkins.plugins.shortlivedkubeconfig;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.jenkins.plugins.shortlivedkubeconfig.signer.MinterCredential;
import io.jenkins.plugins.shortlivedkubeconfig.signer.MinterUnavailableException;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyParser;
import java.io.IOException;
import java.io.InputStream;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * The minter credential of a service-account-token cluster: a SYSTEM credential in the Jenkins root store, either
 * a Secret text holding the minter's bearer token or a Secret file holding a kubeconfig whose user has one. Looked
 * up on every issuance, on the controller only (the signing service runs there), so that a replaced credential
 * takes effect at the next build and the token never reaches a build or an agent. SYSTEM scope keeps it out of
 * {@code withCredentials} too.
 */
final class CredentialMinterSource implements MinterCredential {
    @CheckForNull
    private final String id;

    CredentialMinterSource(@CheckForNull String id) {
        this.id = id;
    }

    @Override
    public String bearerToken() throws MinterUnavailableException {
        if (id == null) {
            throw new MinterUnavailableException(Messages.CredentialMinterSource_NotChosen());
        }
        StandardCredentials credentials = SystemCredentials.byId(id);
        if (credentials == null) {
            throw new MinterUnavailableException(Messages.CredentialMinterSource_Missing(id));
        }
        if (credentials.getScope() != CredentialsScope.SYSTEM) {
            throw new MinterUnavailableException(Messages.CredentialMinterSource_NotSystem(id));
        }
        if (credentials instanceof StringCredentials text) {
            return MinterCredential.checkToken(text.getSecret().getPlainText(), describe());
        }
        if (credentials instanceof FileCredentials file) {
            byte[] kubeconfig;
            try (InputStream in = file.getContent()) {
                kubeconfig = in.readNBytes(PolicyParser.MAX_BYTES + 1);
            } catch (IOException e) {
                throw new MinterUnavailableException(Messages.CredentialMinterSource_Unreadable(id));
            }
            if (kubeconfig.length > PolicyParser.MAX_BYTES) {
                throw new MinterUnavailableException(Messages.CredentialMinterSource_Unreadable(id));
            }
            return MinterCredential.tokenFromKubeconfig(kubeconfig, describe());
        }
        throw new MinterUnavailableException(Messages.CredentialMinterSource_WrongKind(id));
    }

    /** How messages name the minter credential. */
    String describe() {
        return Messages.CredentialMinterSource_Name(String.valueOf(id));
    }
}
