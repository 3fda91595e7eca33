package io.jenkins.plugins.shortlivedkubeconfig;

import com.cloudbees.plugins.credentials.Credentials;
import com.cloudbees.plugins.credentials.CredentialsDescriptor;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.impl.BaseStandardCredentials;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.ExtensionList;
import hudson.Util;
import hudson.model.Item;
import hudson.model.Run;
import hudson.util.ComboBoxModel;
import hudson.util.FormValidation;
import io.jenkins.plugins.shortlivedkubeconfig.signer.InvalidInputException;
import io.jenkins.plugins.shortlivedkubeconfig.signer.IssuedKubeconfig;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KubeconfigRequest;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KubeconfigTemplate;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyRefusal;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Requester;
import io.jenkins.plugins.shortlivedkubeconfig.signer.RobotPolicy;
import io.jenkins.plugins.shortlivedkubeconfig.signer.SigningService;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Ttl;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * A secret file credential whose content is a kubeconfig newly issued for each build that uses it, so that
 * Jenkinsfiles written for a static kubeconfig ({@code withCredentials([file(credentialsId: ..., variable:
 * 'KUBECONFIG')])}, kubernetes-cli's {@code withKubeConfig(credentialsId: ...)}) get a short-lived, policy-checked
 * certificate by changing nothing but the credential.
 *
 * <p>It names a cluster, a robot user and a lifetime, and holds no secret. When a build resolves it
 * ({@link CredentialsProvider#findCredentialById(String, Class, Run, java.util.List)} calls {@link #forRun}), the
 * plugin's {@link SigningService} issues a kubeconfig for that build's job, checked against the job bindings and
 * audited exactly like the wrapper's; the result is a {@link Minted} snapshot that holds it for that one use. A
 * refusal becomes a {@link Refused} snapshot whose {@link #getContent()} fails the binding with the reason (as an
 * {@link AbortException}: one line in the build log, no stack trace). Read outside a build, the credential has no
 * content and says why.
 */
public final class MintedKubeconfigCredentials extends BaseStandardCredentials implements FileCredentials {
    private static final long serialVersionUID = 1L;
    /** The file name that bindings may use for the file they write. */
    static final String FILE_NAME = "kubeconfig";

    @CheckForNull
    private String cluster;
    @CheckForNull
    private String robotUser;
    @CheckForNull
    private String ttl;

    @DataBoundConstructor
    public MintedKubeconfigCredentials(@CheckForNull CredentialsScope scope, @CheckForNull String id,
                                       @CheckForNull String description) {
        super(scope, id, description);
    }

    /** The configured cluster's name; null for the only one. */
    @CheckForNull
    public String getCluster() {
        return cluster;
    }

    @DataBoundSetter
    public void setCluster(@CheckForNull String cluster) {
        this.cluster = Util.fixEmptyAndTrim(cluster);
    }

    /** The policy's robot user; null for the only one the using job may act as. */
    @CheckForNull
    public String getRobotUser() {
        return robotUser;
    }

    @DataBoundSetter
    public void setRobotUser(@CheckForNull String robotUser) {
        this.robotUser = Util.fixEmptyAndTrim(robotUser);
    }

    /** The certificate lifetime as a Go duration; null for the global default. */
    @CheckForNull
    public String getTtl() {
        return ttl;
    }

    @DataBoundSetter
    public void setTtl(@CheckForNull String ttl) {
        this.ttl = Util.fixEmptyAndTrim(ttl);
    }

    KubeconfigTemplate template() {
        return new KubeconfigTemplate(cluster, robotUser, ttl);
    }

    @NonNull
    @Override
    public String getFileName() {
        return FILE_NAME;
    }

    /** Outside a build there is nothing to read: a kubeconfig exists only for a build's job. */
    @NonNull
    @Override
    public InputStream getContent() throws AbortException {
        throw new AbortException(Messages.MintedKubeconfig_OnlyForBuilds(getId()));
    }

    /**
     * Issues a kubeconfig for the build's job. Never throws: a refusal is a snapshot that fails when read, so that
     * the binding reports it where the build uses the credential, and code that only resolves credentials is not
     * broken by it. The core audits the issuance or refusal with the job and build number.
     */
    @NonNull
    @Override
    public Credentials forRun(@NonNull Run<?, ?> context) {
        String job = context.getParent().getFullName();
        if (!context.isLogUpdated()) {
            return new Refused(this, Messages.MintedKubeconfig_Finished(getId(), context.getFullDisplayName()));
        }
        try {
            SigningService service = ShortLivedKubeconfigConfiguration.get().signingService();
            KubeconfigRequest request = template().requestBy(new Requester(job, context.getNumber()));
            // As the wrapper: a build running as a user also needs ShortLivedKubeconfig/Use on its job.
            ShortLivedKubeconfigWrapper.checkUsePermission(context.getParent(), service, request);
            IssuedKubeconfig issued = service.issue(request);
            IssuedKubeconfigsAction.record(context, issued);
            return new Minted(this, issued.kubeconfig());
        } catch (PolicyRefusal e) {
            return new Refused(this, Messages.MintedKubeconfig_Refused(job, getId(), e.getMessage()));
        } catch (InvalidInputException e) {
            return new Refused(this, Messages.MintedKubeconfig_Invalid(getId(), e.getMessage()));
        }
    }

    /** A snapshot shows itself as the credential it came from (kind, id, scope, description). */
    private static CredentialsDescriptor descriptor() {
        return ExtensionList.lookupSingleton(DescriptorImpl.class);
    }

    /**
     * The credential as one build resolved it: holds the kubeconfig issued for that build. The kubeconfig is
     * transient, so it is in nothing that XStream writes (not even the usage fingerprint's digest) and is not
     * carried through serialization: bindings read it on the controller, right after resolving the credential.
     */
    public static final class Minted extends BaseStandardCredentials implements FileCredentials {
        private static final long serialVersionUID = 1L;

        @CheckForNull
        private final transient byte[] kubeconfig;

        Minted(MintedKubeconfigCredentials from, byte[] kubeconfig) {
            super(from.getScope(), from.getId(), from.getDescription());
            this.kubeconfig = kubeconfig.clone();
        }

        @NonNull
        @Override
        public String getFileName() {
            return FILE_NAME;
        }

        @NonNull
        @Override
        public InputStream getContent() throws AbortException {
            byte[] content = kubeconfig;
            if (content == null) {
                throw new AbortException(Messages.MintedKubeconfig_Gone(getId()));
            }
            return new ByteArrayInputStream(content.clone());
        }

        @NonNull
        @Override
        public CredentialsDescriptor getDescriptor() {
            return descriptor();
        }
    }

    /** The credential as a build that may not have a kubeconfig resolved it: reading it fails with the reason. */
    public static final class Refused extends BaseStandardCredentials implements FileCredentials {
        private static final long serialVersionUID = 1L;

        private final String reason;

        Refused(MintedKubeconfigCredentials from, String reason) {
            super(from.getScope(), from.getId(), from.getDescription());
            this.reason = reason;
        }

        /** Why there is no kubeconfig: what the build log shows when a binding reads the file. */
        public String getReason() {
            return reason;
        }

        @NonNull
        @Override
        public String getFileName() {
            return FILE_NAME;
        }

        @NonNull
        @Override
        public InputStream getContent() throws AbortException {
            throw new AbortException(reason);
        }

        @NonNull
        @Override
        public CredentialsDescriptor getDescriptor() {
            return descriptor();
        }
    }

    @Extension
    @Symbol("mintedKubeconfig")
    public static final class DescriptorImpl extends BaseStandardCredentialsDescriptor {
        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.MintedKubeconfig_DisplayName();
        }

        @POST
        public ComboBoxModel doFillClusterItems(@AncestorInPath @CheckForNull Item item) {
            checkCredentialsForm(item);
            return new ComboBoxModel(ShortLivedKubeconfigConfiguration.get().signingService().clusterNames());
        }

        @POST
        public ComboBoxModel doFillRobotUserItems(@AncestorInPath @CheckForNull Item item) {
            checkCredentialsForm(item);
            RobotPolicy policy = ShortLivedKubeconfigConfiguration.get().signingService().policy();
            return policy == null ? new ComboBoxModel()
                    : new ComboBoxModel(policy.users().keySet().stream().sorted().toList());
        }

        @POST
        public FormValidation doCheckCluster(@AncestorInPath @CheckForNull Item item,
                                             @QueryParameter @CheckForNull String value) {
            checkCredentialsForm(item);
            String name = Util.fixEmptyAndTrim(value);
            SigningService service = ShortLivedKubeconfigConfiguration.get().signingService();
            try {
                service.checkCluster(name); // the core's rule, as each use will apply it
            } catch (PolicyRefusal e) {
                // A warning: the credential may be defined before its cluster is.
                return FormValidation.warning(e.getMessage());
            }
            return name == null ? FormValidation.ok(Messages.MintedKubeconfig_OnlyCluster(
                    service.clusterNames().get(0))) : FormValidation.ok();
        }

        @POST
        public FormValidation doCheckRobotUser(@AncestorInPath @CheckForNull Item item,
                                               @QueryParameter @CheckForNull String value) {
            checkCredentialsForm(item);
            if (Util.fixEmptyAndTrim(value) == null) {
                return FormValidation.ok(Messages.MintedKubeconfig_DefaultRobotUser());
            }
            return FormValidation.ok();
        }

        @POST
        public FormValidation doCheckTtl(@AncestorInPath @CheckForNull Item item,
                                         @QueryParameter @CheckForNull String value) {
            checkCredentialsForm(item);
            String text = Util.fixEmptyAndTrim(value);
            if (text == null) {
                return FormValidation.ok(Messages.MintedKubeconfig_DefaultTtl(
                        Ttl.format(ShortLivedKubeconfigConfiguration.get().signingService().defaultTtl())));
            }
            try {
                Ttl.parse(text, "ttl");
                return FormValidation.ok();
            } catch (InvalidInputException e) {
                return FormValidation.error(e.getMessage());
            }
        }

        /** Whoever may add or change credentials where the form is (the Jenkins root or a folder's store). */
        private static void checkCredentialsForm(@CheckForNull Item item) {
            if (item == null) {
                Jenkins.get().checkAnyPermission(CredentialsProvider.CREATE, CredentialsProvider.UPDATE);
            } else {
                item.checkAnyPermission(CredentialsProvider.CREATE, CredentialsProvider.UPDATE);
            }
        }
    }
}
