package io.jenkins.plugins.shortlivedkubeconfig;

import com.cloudbees.plugins.credentials.CredentialsMatcher;
import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.Util;
import hudson.security.ACL;
import hudson.util.ListBoxModel;
import java.util.Arrays;
import java.util.List;
import jenkins.model.Jenkins;

/**
 * The credentials of the Jenkins root store that this plugin uses itself (the signing CA, a cluster's minter):
 * looked up as SYSTEM, and offered only when SYSTEM-scoped, so that no build can bind them.
 */
final class SystemCredentials {
    private SystemCredentials() {}

    /** The root store's credential with this id, whatever its scope and kind (callers check both, naming them). */
    @CheckForNull
    static StandardCredentials byId(String id) {
        return CredentialsMatchers.firstOrNull(CredentialsProvider.lookupCredentialsInItemGroup(
                StandardCredentials.class, Jenkins.get(), ACL.SYSTEM2, List.of()), CredentialsMatchers.withId(id));
    }

    /** A drop-down of the root store's SYSTEM-scoped credentials of these kinds, keeping the current choice. */
    static ListBoxModel items(@CheckForNull String current, Class<?>... kinds) {
        CredentialsMatcher kind = CredentialsMatchers.anyOf(Arrays.stream(kinds).map(CredentialsMatchers::instanceOf)
                .toArray(CredentialsMatcher[]::new));
        return new StandardListBoxModel()
                .includeEmptyValue()
                .includeMatchingAs(ACL.SYSTEM2, Jenkins.get(), StandardCredentials.class, List.of(),
                        CredentialsMatchers.allOf(CredentialsMatchers.withScope(CredentialsScope.SYSTEM), kind))
                .includeCurrentValue(Util.fixNull(current));
    }
}
