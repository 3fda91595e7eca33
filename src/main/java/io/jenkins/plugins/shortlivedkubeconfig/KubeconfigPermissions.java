package io.jenkins.plugins.shortlivedkubeconfig;

import hudson.init.InitMilestone;
import hudson.init.Initializer;
import hudson.security.Permission;
import hudson.security.PermissionGroup;
import hudson.security.PermissionScope;
import jenkins.model.Jenkins;

/**
 * The plugin's permissions, in a group of their own on the authorization matrix. Overall/Administer implies each of
 * them; a permission only opens an entry point: what a caller or a job may get is still decided by the robot
 * policy's bindings, which name administrators too if they are to sign.
 */
public final class KubeconfigPermissions {
    /** "Short-lived kubeconfig" on the authorization matrix. */
    public static final PermissionGroup GROUP =
            new PermissionGroup(KubeconfigPermissions.class, Messages._KubeconfigPermissions_Group());

    /**
     * Needed, on the job, by a build's authentication before the build may get a kubeconfig, when builds run as
     * someone other than SYSTEM (a {@code QueueItemAuthenticator} such as Authorize Project is configured). Defence
     * in depth on top of the policy's job bindings: renaming a job into a bound folder is not enough then.
     */
    public static final Permission USE = new Permission(GROUP, "Use", Messages._KubeconfigPermissions_Use(),
            Jenkins.ADMINISTER, PermissionScope.ITEM);

    /**
     * Ask for a kubeconfig outside a build: the {@code sign-kubeconfig} CLI command and
     * {@code POST <jenkins>/short-lived-kubeconfig/sign}. Checked before anything else; the policy's
     * {@code caller_binding}s are checked after it.
     */
    public static final Permission SIGN = new Permission(GROUP, "Sign",
            Messages._KubeconfigPermissions_Sign_Description(), Jenkins.ADMINISTER, PermissionScope.JENKINS);

    private KubeconfigPermissions() {}

    /**
     * Loads the permissions before the authorization strategy is read, so that grants of them in the saved
     * configuration are kept and the matrix shows them.
     */
    @Initializer(before = InitMilestone.SYSTEM_CONFIG_LOADED)
    public static void register() {
        // Loading this class has registered GROUP, USE and SIGN.
    }
}
