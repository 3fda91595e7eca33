package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;

/**
 * What a Kubernetes user or group name (a certificate's CN or O) may be: not empty, at most 253 characters, no
 * control characters, no leading or trailing white space.
 */
final class KubernetesName {
    static final int MAX_LENGTH = 253;

    private KubernetesName() {}

    /** Why the name is unusable, or null when it is fine. */
    @CheckForNull
    static String problem(String name) {
        if (name.isEmpty()) {
            return "must not be empty";
        }
        if (name.length() > MAX_LENGTH) {
            return "is longer than " + MAX_LENGTH + " characters";
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                return "contains a control character";
            }
        }
        if (!name.strip().equals(name)) {
            return "has leading or trailing white space";
        }
        return null;
    }
}
