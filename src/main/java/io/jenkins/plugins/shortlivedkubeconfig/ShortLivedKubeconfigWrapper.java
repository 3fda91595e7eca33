package io.jenkins.plugins.shortlivedkubeconfig;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.Util;
import hudson.console.ConsoleLogFilter;
import hudson.model.AbstractBuild;
import hudson.model.AbstractProject;
import hudson.model.Item;
import hudson.model.Job;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.security.ACL;
import hudson.tasks.BuildWrapperDescriptor;
import hudson.util.ComboBoxModel;
import hudson.util.FormValidation;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Grant;
import io.jenkins.plugins.shortlivedkubeconfig.signer.InvalidInputException;
import io.jenkins.plugins.shortlivedkubeconfig.signer.IssuedCertificate;
import io.jenkins.plugins.shortlivedkubeconfig.signer.IssuedKubeconfig;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KubeconfigRequest;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyRefusal;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Requester;
import io.jenkins.plugins.shortlivedkubeconfig.signer.RobotPolicy;
import io.jenkins.plugins.shortlivedkubeconfig.signer.SigningService;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Ttl;
import java.io.IOException;
import java.util.List;
import jenkins.model.Jenkins;
import jenkins.tasks.SimpleBuildWrapper;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;
import org.springframework.security.core.Authentication;

/**
 * Gives the wrapped part of a build a short-lived kubeconfig: {@code withShortLivedKubeconfig(...) { ... }} in
 * Pipeline, "Short-lived Kubernetes credentials" under Build Environment in a freestyle job.
 *
 * <p>Everything here is chosen by whoever configures the job or pushes the Jenkinsfile, so none of it is trusted:
 * the core's policy decides, for this job's full name, what the chosen robot user may get. The controller signs; the
 * agent only receives the kubeconfig, in a private file that is deleted when the block ends, however it ends.
 */
public class ShortLivedKubeconfigWrapper extends SimpleBuildWrapper {
    static final String DEFAULT_VARIABLE = "KUBECONFIG";

    @CheckForNull
    private String cluster;
    @CheckForNull
    private String user;
    @CheckForNull
    private String ttl;
    @CheckForNull
    private String variable;
    @CheckForNull
    private String kubernetesUser;
    /**
     * Pipeline only: what this block's log must mask, from {@code setUp} to {@code createLoggerDecorator}, which
     * {@code CoreWrapperStep} calls right after it on this same object (one per step). Never saved.
     */
    @CheckForNull
    private transient List<String> blockSecrets;

    /** Every parameter is optional: the defaults come from the global configuration and the policy. */
    @DataBoundConstructor
    public ShortLivedKubeconfigWrapper() {}

    /** The configured cluster's name; null for the only one configured. */
    @CheckForNull
    public String getCluster() {
        return cluster;
    }

    @DataBoundSetter
    public void setCluster(@CheckForNull String cluster) {
        this.cluster = Util.fixEmptyAndTrim(cluster);
    }

    /** The robot user of the policy; null for the only one this job may use. */
    @CheckForNull
    public String getUser() {
        return user;
    }

    @DataBoundSetter
    public void setUser(@CheckForNull String user) {
        this.user = Util.fixEmptyAndTrim(user);
    }

    /** The certificate's lifetime as a Go duration; null for the global default. */
    @CheckForNull
    public String getTtl() {
        return ttl;
    }

    @DataBoundSetter
    public void setTtl(@CheckForNull String ttl) {
        this.ttl = Util.fixEmptyAndTrim(ttl);
    }

    /** The environment variable that holds the kubeconfig's path. */
    public String getVariable() {
        return variable == null ? DEFAULT_VARIABLE : variable;
    }

    @DataBoundSetter
    public void setVariable(@CheckForNull String variable) {
        this.variable = Util.fixEmptyAndTrim(variable);
    }

    /** One of the Kubernetes users the robot user's roles allow; null for its default. */
    @CheckForNull
    public String getKubernetesUser() {
        return kubernetesUser;
    }

    @DataBoundSetter
    public void setKubernetesUser(@CheckForNull String kubernetesUser) {
        this.kubernetesUser = Util.fixEmptyAndTrim(kubernetesUser);
    }

    /**
     * Issues the block's kubeconfig. For client-certificate clusters the key pair is made on the block's node and
     * only its request (CSR) and the certificate cross the channel ({@link AgentKubeconfig}, which also renews the
     * certificate while the block runs); where the node cannot make keys, and for service-account-token clusters,
     * the controller issues the whole kubeconfig and writes it there ({@link KubeconfigFile}), as the log says.
     */
    @Override
    public void setUp(Context context, Run<?, ?> build, FilePath workspace, Launcher launcher, TaskListener listener,
                      EnvVars initialEnvironment) throws IOException, InterruptedException {
        Job<?, ?> job = build.getParent();
        KubeconfigRequest request = request(job.getFullName(), build.getNumber());
        SigningService service = ShortLivedKubeconfigConfiguration.get().signingService();
        String variableName = getVariable();
        try {
            checkUsePermission(job, service, request);
            if (service.issuesCertificates(request)) {
                try {
                    AgentKubeconfig.Started started = AgentKubeconfig.create(build, workspace, request,
                            () -> ShortLivedKubeconfigConfiguration.get().signingService(), listener);
                    IssuedCertificate issued = started.certificate();
                    mask(build, issued.serialHex(), issued.secretValues());
                    IssuedKubeconfigsAction.record(build, issued);
                    listener.getLogger().println(Messages.Wrapper_Issued(issued.cluster().name(), variableName,
                            issued.summary()));
                    context.setDisposer(new DisposeAgentKubeconfig(started.file(), build.getExternalizableId(),
                            issued.serialHex()));
                    context.env(variableName, started.file().path());
                    return;
                } catch (AgentKubeconfig.KeysUnavailableException e) {
                    listener.getLogger().println(e.getMessage()); // and the controller makes the key, below
                }
            }
            IssuedKubeconfig issued = service.issue(request);
            mask(build, issued.serialHex(), issued.secretValues());
            IssuedKubeconfigsAction.record(build, issued);
            listener.getLogger().println(Messages.Wrapper_Issued(issued.cluster(), variableName, issued.summary()));
            KubeconfigFile file = KubeconfigFile.write(workspace, issued.kubeconfig());
            AgentKubeconfig written = AgentKubeconfig.written(build, workspace, file);
            context.setDisposer(new DisposeAgentKubeconfig(written, build.getExternalizableId(),
                    issued.serialHex()));
            context.env(variableName, file.path());
        } catch (PolicyRefusal e) {
            throw new AbortException(Messages.Wrapper_Refused(job.getFullName(), e.getMessage()));
        } catch (InvalidInputException e) {
            throw new AbortException(Messages.Wrapper_Invalid(e.getMessage()));
        }
    }

    /** Before anything can print them: the log filter reads what is registered here. */
    private void mask(Run<?, ?> build, String serial, List<String> values) {
        if (build instanceof AbstractBuild) {
            KubeconfigMasking.register(build, serial, values);
        } else {
            blockSecrets = values;
        }
    }

    /** What this job asks for, as configured; every default and every decision is the core's. */
    private KubeconfigRequest request(String jobFullName, int buildNumber) {
        return KubeconfigRequest.by(new Requester(jobFullName, buildNumber))
                .withCluster(cluster)
                .withRobotUser(user)
                .withTtl(ttl)
                .withKubernetesUser(kubernetesUser)
                .withVariable(getVariable());
    }

    /**
     * Defence in depth when builds run as someone other than SYSTEM (a {@code QueueItemAuthenticator} is
     * configured): that authentication also needs {@link KubeconfigPermissions#USE} on the job. The refusal is
     * audited like the policy's. The build's authentication is the thread's: the executor (freestyle) and the
     * Pipeline program (CPS VM thread, and the step's own thread) both run as the queue item's authentication.
     */
    static void checkUsePermission(Job<?, ?> job, SigningService service, KubeconfigRequest request)
            throws PolicyRefusal {
        Authentication auth = Jenkins.getAuthentication2();
        if (ACL.SYSTEM2.equals(auth) || job.getACL().hasPermission2(auth, KubeconfigPermissions.USE)) {
            return;
        }
        throw service.refuse(request, "missing-use-permission", Messages.Wrapper_NeedsUse(auth.getName(),
                job.getFullName(), KubeconfigPermissions.GROUP.title + "/" + KubeconfigPermissions.USE.name));
    }

    /**
     * See {@link KubeconfigMasking}: a freestyle build's filter looks its values up by the build's id, a Pipeline
     * block's filter carries its own block's values and nothing else.
     */
    @Override
    public ConsoleLogFilter createLoggerDecorator(Run<?, ?> build) {
        if (build instanceof AbstractBuild) {
            return new KubeconfigMasking.Filter(build, null);
        }
        List<String> secrets = blockSecrets;
        blockSecrets = null;
        return new KubeconfigMasking.Filter(build, secrets);
    }

    /**
     * The disposer of controller-made kubeconfigs before they were listed for the sweep: no longer made, kept so
     * that a Pipeline started by an earlier version and resumed after the upgrade still deletes its directory.
     */
    static final class DeleteKubeconfig extends Disposer {
        private static final long serialVersionUID = 2L;

        private final String directoryName;
        @CheckForNull
        private final String runId;
        @CheckForNull
        private final String serial;

        DeleteKubeconfig(String directoryName, String runId, String serial) {
            this.directoryName = directoryName;
            this.runId = runId;
            this.serial = serial;
        }

        @Override
        public void tearDown(Run<?, ?> build, @CheckForNull FilePath workspace, Launcher launcher,
                             TaskListener listener) throws IOException, InterruptedException {
            if (runId != null && serial != null) {
                KubeconfigMasking.forget(runId, serial);
            }
            if (workspace == null) {
                // Freestyle calls tearDown without a workspace when the agent is gone.
                listener.getLogger().println(Messages.Wrapper_NotDeleted(directoryName));
                return;
            }
            KubeconfigFile.delete(workspace, directoryName);
        }
    }

    /**
     * The end of a block (key made on its node, or kubeconfig made by the controller): stops renewing the
     * certificate and deletes the directory with the key and the kubeconfig, on success, failure and abort alike;
     * when the node is gone, says which directory on which node is left to the sweep that runs when it comes back. Keeps only names (a serializable
     * record), so Pipeline saves it with the build and runs it after a controller restart too.
     */
    static final class DisposeAgentKubeconfig extends Disposer {
        private static final long serialVersionUID = 1L;

        private final AgentKubeconfig file;
        private final String runId;
        private final String serial;

        DisposeAgentKubeconfig(AgentKubeconfig file, String runId, String serial) {
            this.file = file;
            this.runId = runId;
            this.serial = serial;
        }

        @Override
        public void tearDown(Run<?, ?> build, @CheckForNull FilePath workspace, Launcher launcher,
                             TaskListener listener) throws IOException, InterruptedException {
            KubeconfigMasking.forget(runId, serial);
            file.dispose(workspace, listener);
        }
    }

    @Extension
    @Symbol("withShortLivedKubeconfig")
    public static final class DescriptorImpl extends BuildWrapperDescriptor {
        @Override
        public String getDisplayName() {
            return Messages.Wrapper_DisplayName();
        }

        @Override
        public boolean isApplicable(AbstractProject<?, ?> item) {
            return true;
        }

        @POST
        public ComboBoxModel doFillClusterItems(@AncestorInPath @CheckForNull Item item) {
            checkConfigure(item);
            return new ComboBoxModel(ShortLivedKubeconfigConfiguration.get().signingService().clusterNames());
        }

        /** The robot users this job may use: the policy's answer for its full name. */
        @POST
        public ComboBoxModel doFillUserItems(@AncestorInPath @CheckForNull Item item) {
            checkConfigure(item);
            RobotPolicy policy = ShortLivedKubeconfigConfiguration.get().signingService().policy();
            if (policy == null) {
                return new ComboBoxModel();
            }
            if (item == null) {
                return new ComboBoxModel(policy.users().keySet().stream().sorted().toList());
            }
            return new ComboBoxModel(policy.usersForJob(item.getFullName()));
        }

        @POST
        public FormValidation doCheckCluster(@AncestorInPath @CheckForNull Item item,
                                             @QueryParameter @CheckForNull String value) {
            checkConfigure(item);
            try {
                ShortLivedKubeconfigConfiguration.get().signingService().checkCluster(value);
                return FormValidation.ok();
            } catch (PolicyRefusal e) {
                return FormValidation.error(e.getMessage());
            }
        }

        /**
         * A dry run of the core's decision for this job: what the robot user would get, or which rule refuses.
         * Nothing is signed or audited.
         */
        @POST
        public FormValidation doCheckUser(@AncestorInPath @CheckForNull Item item,
                                          @QueryParameter @CheckForNull String value,
                                          @QueryParameter @CheckForNull String cluster,
                                          @QueryParameter @CheckForNull String ttl,
                                          @QueryParameter @CheckForNull String kubernetesUser) {
            checkConfigure(item);
            if (item == null) {
                return FormValidation.ok();
            }
            ShortLivedKubeconfigWrapper wrapper = new ShortLivedKubeconfigWrapper();
            wrapper.setCluster(cluster);
            wrapper.setUser(value);
            wrapper.setTtl(ttl);
            wrapper.setKubernetesUser(kubernetesUser);
            try {
                Grant grant = ShortLivedKubeconfigConfiguration.get().signingService()
                        .check(wrapper.request(item.getFullName(), 0).withVariable(null));
                return FormValidation.ok(Messages.Wrapper_WouldGrant(grant.robotUser(), grant.kubernetesUser(),
                        grant.groups().isEmpty() ? "-" : String.join(", ", grant.groups()),
                        Ttl.format(grant.maxTtl())));
            } catch (PolicyRefusal e) {
                return FormValidation.error(Messages.Wrapper_Refused(item.getFullName(), e.getMessage()));
            } catch (InvalidInputException e) {
                return FormValidation.error(e.getMessage());
            }
        }

        @POST
        public FormValidation doCheckTtl(@AncestorInPath @CheckForNull Item item,
                                         @QueryParameter @CheckForNull String value) {
            checkConfigure(item);
            String ttl = Util.fixEmptyAndTrim(value);
            if (ttl == null) {
                return FormValidation.ok(Messages.Wrapper_DefaultTtl(
                        ShortLivedKubeconfigConfiguration.get().getDefaultTtl()));
            }
            try {
                Ttl.parse(ttl, "ttl");
                return FormValidation.ok();
            } catch (InvalidInputException e) {
                return FormValidation.error(e.getMessage());
            }
        }

        @POST
        public FormValidation doCheckVariable(@AncestorInPath @CheckForNull Item item,
                                              @QueryParameter @CheckForNull String value) {
            checkConfigure(item);
            try {
                KubeconfigRequest.checkVariable(Util.fixEmptyAndTrim(value));
                return FormValidation.ok();
            } catch (InvalidInputException e) {
                return FormValidation.error(e.getMessage());
            }
        }

        /** Job forms need the job's Configure permission; outside a job (global snippet generator), Administer. */
        private static void checkConfigure(@CheckForNull Item item) {
            if (item == null) {
                Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            } else {
                item.checkPermission(Item.CONFIGURE);
            }
        }
    }
}
