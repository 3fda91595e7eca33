package io.jenkins.plugins.shortlivedkubeconfig;

import hudson.init.InitMilestone;
import hudson.init.Initializer;
import hudson.model.Item;
import hudson.security.Permission;
import hudson.security.PermissionGroup;
import hudson.security.PermissionScope;
import jenkins.model.Jenkins;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/** The plugin's permissions, in a group of their own on the authorization matrix. */
public final class KubeconfigPermissions {
    public static final PermissionGroup GROUP = new PermissionGroup(KubeconfigPermissions.class,
            Messages._KubeconfigPermissions_Group());

    /**
     * Needed, on the job, by a build's authentication before the build may get a kubeconfig, when builds run as
     * someone other than SYSTEM (a {@code QueueItemAuthenticator} such as Authorize Project is configured). Defence
     * in depth on top of the policy's job bindings: renaming a job into a bound folder is not enough then.
     * Implied by Overall/Administer.
     */
    public static final Permission USE = new Permission(GROUP, "Use", Messages._KubeconfigPermissions_Use(),
            Jenkins.ADMINISTER, PermissionScope.ITEM);

    private KubeconfigPermissions() {}

    /** Loads the class early, so that the authorization matrix and Configuration as Code know the permissions. */
    @Restricted(NoExternalUse.class)
    @Initializer(after = InitMilestone.PLUGINS_STARTED, before = InitMilestone.EXTENSIONS_AUGMENTED)
    public static void register() {
        Item.CONFIGURE.getId(); // the item permissions first, so the group sorts after them
        USE.getId();
    }
}
