package io.jenkins.plugins.shortlivedkubeconfig;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.Util;
import hudson.console.ConsoleLogFilter;
import hudson.model.AbstractProject;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.tasks.BuildWrapperDescriptor;
import hudson.util.ComboBoxModel;
import hudson.util.FormValidation;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Grant;
import io.jenkins.plugins.shortlivedkubeconfig.signer.InvalidInputException;
import io.jenkins.plugins.shortlivedkubeconfig.signer.IssueRequest;
import io.jenkins.plugins.shortlivedkubeconfig.signer.IssuedKubeconfig;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Issuer;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyRefusal;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Requester;
import io.jenkins.plugins.shortlivedkubeconfig.signer.RobotPolicy;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Ttl;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import jenkins.model.Jenkins;
import jenkins.tasks.SimpleBuildWrapper;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

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
    private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

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

    @Override
    public void setUp(Context context, Run<?, ?> build, FilePath workspace, Launcher launcher, TaskListener listener,
                      EnvVars initialEnvironment) throws IOException, InterruptedException {
        String variableName = getVariable();
        if (!VARIABLE_NAME.matcher(variableName).matches()) {
            throw new AbortException(Messages.Wrapper_BadVariable(variableName));
        }
        ShortLivedKubeconfigConfiguration config = ShortLivedKubeconfigConfiguration.get();
        Issuer issuer = config.issuer();
        String job = build.getParent().getFullName();
        IssueRequest request = request(config, issuer.policy(), job, build.getNumber());

        IssuedKubeconfig issued;
        try {
            issued = issuer.issue(request);
        } catch (PolicyRefusal e) {
            throw new AbortException(Messages.Wrapper_Refused(job, e.getMessage()));
        } catch (InvalidInputException e) {
            throw new AbortException(Messages.Wrapper_Invalid(e.getMessage()));
        }
        byte[] kubeconfig = issued.kubeconfig();
        // Before anything can print the key: the log filter reads what is registered here.
        KubeconfigMasking.register(build, issued);
        IssuedKubeconfigsAction.record(build, issued);
        listener.getLogger().println(Messages.Wrapper_Issued(issued.cluster(), variableName, issued.summary()));

        KubeconfigFile file = KubeconfigFile.write(workspace, kubeconfig);
        context.setDisposer(new DeleteKubeconfig(file.directoryName()));
        context.env(variableName, file.path());
    }

    /** The request for this job; the defaults (cluster, robot user, TTL) are filled in here, the decision is the core's. */
    private IssueRequest request(ShortLivedKubeconfigConfiguration config, RobotPolicy policy, String job,
                                 int buildNumber) throws AbortException {
        KubernetesCluster target = config.cluster(cluster);
        String robotUser = user != null ? user : defaultUser(policy, job);
        try {
            Duration lifetime = Ttl.parse(ttl != null ? ttl : config.getDefaultTtl(), "ttl");
            return IssueRequest.of(robotUser, lifetime, target.toEndpoint())
                    .withRequester(new Requester(job, buildNumber))
                    .withKubernetesUser(kubernetesUser);
        } catch (InvalidInputException e) {
            throw new AbortException(Messages.Wrapper_Invalid(e.getMessage()));
        }
    }

    /** The robot user when the job names none: the only one the policy lets this job use. */
    private static String defaultUser(RobotPolicy policy, String job) throws AbortException {
        List<String> users = policy.usersForJob(job);
        if (users.isEmpty()) {
            throw new AbortException(Messages.Wrapper_NoUserForJob(job));
        }
        if (users.size() > 1) {
            throw new AbortException(Messages.Wrapper_ChooseUser(job, String.join(", ", users)));
        }
        return users.get(0);
    }

    /** See {@link KubeconfigMasking} for why one filter serves both freestyle and Pipeline. */
    @Override
    public ConsoleLogFilter createLoggerDecorator(Run<?, ?> build) {
        return new KubeconfigMasking.Filter(build);
    }

    /**
     * Deletes the kubeconfig's directory at the end of the block, on success, failure and abort alike. Keeps only
     * the directory's name: Pipeline saves it with the build and runs it after a controller restart too.
     */
    static final class DeleteKubeconfig extends Disposer {
        private static final long serialVersionUID = 1L;

        private final String directoryName;

        DeleteKubeconfig(String directoryName) {
            this.directoryName = directoryName;
        }

        @Override
        public void tearDown(Run<?, ?> build, FilePath workspace, Launcher launcher, TaskListener listener)
                throws IOException, InterruptedException {
            KubeconfigFile.delete(workspace, directoryName);
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
            return new ComboBoxModel(ShortLivedKubeconfigConfiguration.get().clusterNames());
        }

        /** The robot users this job may use: the policy's answer for its full name. */
        @POST
        public ComboBoxModel doFillUserItems(@AncestorInPath @CheckForNull Item item) {
            checkConfigure(item);
            RobotPolicy policy = policyOrNull();
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
                ShortLivedKubeconfigConfiguration.get().cluster(Util.fixEmptyAndTrim(value));
                return FormValidation.ok();
            } catch (AbortException e) {
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
            ShortLivedKubeconfigConfiguration config = ShortLivedKubeconfigConfiguration.get();
            try {
                Issuer issuer = config.issuer();
                Grant grant = issuer.check(wrapper.request(config, issuer.policy(), item.getFullName(), 0));
                return FormValidation.ok(Messages.Wrapper_WouldGrant(grant.robotUser(), grant.kubernetesUser(),
                        grant.groups().isEmpty() ? "-" : String.join(", ", grant.groups()),
                        Ttl.format(grant.maxTtl())));
            } catch (AbortException e) {
                return FormValidation.warning(e.getMessage());
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
            String name = Util.fixEmptyAndTrim(value);
            if (name != null && !VARIABLE_NAME.matcher(name).matches()) {
                return FormValidation.error(Messages.Wrapper_BadVariable(name));
            }
            return FormValidation.ok();
        }

        /** Job forms need the job's Configure permission; outside a job (global snippet generator), Administer. */
        private static void checkConfigure(@CheckForNull Item item) {
            if (item == null) {
                Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            } else {
                item.checkPermission(Item.CONFIGURE);
            }
        }

        @CheckForNull
        private static RobotPolicy policyOrNull() {
            try {
                return ShortLivedKubeconfigConfiguration.get().issuer().policy();
            } catch (AbortException e) {
                return null;
            }
        }
    }
}
