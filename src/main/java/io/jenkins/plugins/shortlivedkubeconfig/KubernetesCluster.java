package io.jenkins.plugins.shortlivedkubeconfig;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.Extension;
import hudson.Util;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.shortlivedkubeconfig.signer.CaUnavailableException;
import io.jenkins.plugins.shortlivedkubeconfig.signer.ClusterEndpoint;
import io.jenkins.plugins.shortlivedkubeconfig.signer.ClusterTarget;
import io.jenkins.plugins.shortlivedkubeconfig.signer.InvalidInputException;
import io.jenkins.plugins.shortlivedkubeconfig.signer.IssuanceMode;
import io.jenkins.plugins.shortlivedkubeconfig.signer.MinterUnavailableException;
import io.jenkins.plugins.shortlivedkubeconfig.signer.TokenMinter;
import java.time.Clock;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * A Kubernetes API server that builds may get a kubeconfig for, as an administrator configured it. The core's
 * {@link ClusterEndpoint#of} checks every field; this class only holds what the form or Configuration as Code set.
 */
public final class KubernetesCluster implements Describable<KubernetesCluster> {
    private final String name;
    private final String serverUrl;
    @CheckForNull
    private String serverCaPem;
    @CheckForNull
    private String tlsServerName;
    @CheckForNull
    private String namespace;
    @CheckForNull
    private String caCredentialsId;
    @CheckForNull
    private String caFingerprint;
    /** The {@link IssuanceMode} id; null for the default, client certificates (and for configurations saved before). */
    @CheckForNull
    private String mode;
    @CheckForNull
    private String minterCredentialsId;

    @DataBoundConstructor
    public KubernetesCluster(String name, String serverUrl) {
        this.name = Util.fixNull(name).strip();
        this.serverUrl = Util.fixNull(serverUrl).strip();
    }

    /** The cluster's name: what jobs ask for, and the cluster, user and context name in the kubeconfig. */
    public String getName() {
        return name;
    }

    /** The API server's https URL. */
    public String getServerUrl() {
        return serverUrl;
    }

    /** The PEM of the CA that signed the API server's serving certificate; null to trust the system's roots. */
    @CheckForNull
    public String getServerCaPem() {
        return serverCaPem;
    }

    @DataBoundSetter
    public void setServerCaPem(@CheckForNull String serverCaPem) {
        String pem = Util.fixEmptyAndTrim(serverCaPem);
        this.serverCaPem = pem == null ? null : pem.replace("\r\n", "\n"); // a textarea submits CRLF
    }

    /** The server name to verify instead of the URL's host, or null. */
    @CheckForNull
    public String getTlsServerName() {
        return tlsServerName;
    }

    @DataBoundSetter
    public void setTlsServerName(@CheckForNull String tlsServerName) {
        this.tlsServerName = Util.fixEmptyAndTrim(tlsServerName);
    }

    /** The kubeconfig context's default namespace, or null. */
    @CheckForNull
    public String getNamespace() {
        return namespace;
    }

    @DataBoundSetter
    public void setNamespace(@CheckForNull String namespace) {
        this.namespace = Util.fixEmptyAndTrim(namespace);
    }

    /**
     * The id of this cluster's own signing CA credential, or null for the global one. A CA of its own keeps this
     * cluster's trust apart: certificates signed for other clusters do not work here, and the other way round.
     */
    @CheckForNull
    public String getCaCredentialsId() {
        return caCredentialsId;
    }

    @DataBoundSetter
    public void setCaCredentialsId(@CheckForNull String caCredentialsId) {
        this.caCredentialsId = Util.fixEmptyAndTrim(caCredentialsId);
    }

    /** The pinned SHA-256 fingerprint of this cluster's own CA; unused without one. */
    @CheckForNull
    public String getCaFingerprint() {
        return caFingerprint;
    }

    @DataBoundSetter
    public void setCaFingerprint(@CheckForNull String caFingerprint) {
        this.caFingerprint = Util.fixEmptyAndTrim(caFingerprint);
    }

    /** How this cluster's kubeconfigs authenticate: {@code client-certificate} (the default) or {@code service-account-token}. */
    public String getMode() {
        return mode == null ? IssuanceMode.CLIENT_CERTIFICATE.id() : mode;
    }

    @DataBoundSetter
    public void setMode(@CheckForNull String mode) {
        String id = Util.fixEmptyAndTrim(mode);
        this.mode = id == null || id.equals(IssuanceMode.CLIENT_CERTIFICATE.id()) ? null : id;
    }

    /**
     * The id of the minter credential of a service-account-token cluster (a System-scoped Secret text with the
     * minter's bearer token, or a Secret file with a kubeconfig whose user has one); null when unset.
     */
    @CheckForNull
    public String getMinterCredentialsId() {
        return minterCredentialsId;
    }

    @DataBoundSetter
    public void setMinterCredentialsId(@CheckForNull String minterCredentialsId) {
        this.minterCredentialsId = Util.fixEmptyAndTrim(minterCredentialsId);
    }

    /**
     * The cluster as the core signs for it: the endpoint (checked by the core) and its CA, its own or the global
     * one, with the matching pin; or, in service-account-token mode, the minter that asks its API server for tokens.
     */
    ClusterTarget toTarget(@CheckForNull String globalCaId, @CheckForNull String globalFingerprint, Clock clock)
            throws InvalidInputException {
        ClusterEndpoint endpoint = ClusterEndpoint.of(name, serverUrl, serverCaPem, tlsServerName, namespace);
        if (IssuanceMode.parse(mode, Messages.KubernetesCluster_ModeLabel()) == IssuanceMode.SERVICE_ACCOUNT_TOKEN) {
            CredentialMinterSource minter = new CredentialMinterSource(minterCredentialsId);
            return ClusterTarget.serviceAccountTokens(new TokenMinter(endpoint, minter, minter.describe(), clock));
        }
        String id = caCredentialsId != null ? caCredentialsId : globalCaId;
        String pin = caCredentialsId != null ? caFingerprint : globalFingerprint;
        if (id == null) {
            return new ClusterTarget(endpoint, () -> {
                throw new CaUnavailableException(Messages.Configuration_NoCa());
            }, pin, Messages.KubernetesCluster_NoCaName());
        }
        return new ClusterTarget(endpoint, CaCredential.source(id, clock), pin, Messages.CredentialCaSource_Name(id));
    }

    @Override
    public String toString() {
        return "KubernetesCluster[" + name + ", " + serverUrl + "]";
    }

    @Extension
    @Symbol("kubernetesCluster")
    public static final class DescriptorImpl extends Descriptor<KubernetesCluster> {
        /*
         * ClusterEndpoint.of checks all fields at once. To show each message under its own field, check one field
         * with known-good values for the others; the rules themselves stay in the core.
         */
        private static final String SOME_NAME = "cluster";
        private static final String SOME_SERVER = "https://kubernetes.invalid";

        @Override
        public String getDisplayName() {
            return Messages.KubernetesCluster_DisplayName();
        }

        @POST
        public FormValidation doCheckName(@QueryParameter @CheckForNull String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            String name = Util.fixEmptyAndTrim(value);
            if (name == null) {
                return FormValidation.error(Messages.KubernetesCluster_NameRequired());
            }
            return check(ClusterEndpoint.NAME_FIELD, Messages.KubernetesCluster_NameLabel(), name, SOME_SERVER, null,
                    null, null);
        }

        @POST
        public FormValidation doCheckServerUrl(@QueryParameter @CheckForNull String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            String url = Util.fixEmptyAndTrim(value);
            if (url == null) {
                return FormValidation.error(Messages.KubernetesCluster_ServerUrlRequired());
            }
            return check(ClusterEndpoint.SERVER_FIELD, Messages.KubernetesCluster_ServerUrlLabel(), SOME_NAME, url,
                    null, null, null);
        }

        @POST
        public FormValidation doCheckServerCaPem(@QueryParameter @CheckForNull String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            if (Util.fixEmptyAndTrim(value) == null) {
                return FormValidation.ok(Messages.KubernetesCluster_SystemRoots());
            }
            return check(ClusterEndpoint.SERVER_CA_FIELD, Messages.KubernetesCluster_ServerCaLabel(), SOME_NAME,
                    SOME_SERVER, value, null, null);
        }

        @POST
        public FormValidation doCheckTlsServerName(@QueryParameter @CheckForNull String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return check(ClusterEndpoint.TLS_SERVER_NAME_FIELD, Messages.KubernetesCluster_TlsServerNameLabel(),
                    SOME_NAME, SOME_SERVER, null, value, null);
        }

        @POST
        public FormValidation doCheckNamespace(@QueryParameter @CheckForNull String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return check(ClusterEndpoint.NAMESPACE_FIELD, Messages.KubernetesCluster_NamespaceLabel(), SOME_NAME,
                    SOME_SERVER, null, null, value);
        }

        @POST
        public ListBoxModel doFillModeItems() {
            Jenkins.get().checkPermission(Jenkins.SYSTEM_READ); // shown read-only to Overall/SystemRead
            ListBoxModel items = new ListBoxModel();
            items.add(Messages.KubernetesCluster_ModeClientCertificate(), IssuanceMode.CLIENT_CERTIFICATE.id());
            items.add(Messages.KubernetesCluster_ModeServiceAccountToken(), IssuanceMode.SERVICE_ACCOUNT_TOKEN.id());
            return items;
        }

        @POST
        public FormValidation doCheckMode(@QueryParameter @CheckForNull String value,
                                          @QueryParameter @CheckForNull String tlsServerName) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            try {
                IssuanceMode chosen = IssuanceMode.parse(value, Messages.KubernetesCluster_ModeLabel());
                if (chosen == IssuanceMode.SERVICE_ACCOUNT_TOKEN && Util.fixEmptyAndTrim(tlsServerName) != null) {
                    return FormValidation.warning(Messages.KubernetesCluster_TokenWithTlsServerName());
                }
                return FormValidation.ok();
            } catch (InvalidInputException e) {
                return FormValidation.error(String.valueOf(e.getMessage()));
            }
        }

        /** The System-scoped Secret texts and Secret files of the root store: what a minter credential can be. */
        @POST
        public ListBoxModel doFillMinterCredentialsIdItems(@QueryParameter @CheckForNull String minterCredentialsId) {
            Jenkins.get().checkPermission(Jenkins.SYSTEM_READ); // shown read-only to Overall/SystemRead
            return SystemCredentials.items(minterCredentialsId, StringCredentials.class, FileCredentials.class);
        }

        /** Whether the chosen credential holds a bearer token; the token itself is never shown or sent anywhere. */
        @POST
        public FormValidation doCheckMinterCredentialsId(@QueryParameter @CheckForNull String value,
                                                         @QueryParameter @CheckForNull String mode) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            boolean tokens = IssuanceMode.SERVICE_ACCOUNT_TOKEN.id().equals(Util.fixEmptyAndTrim(mode));
            String id = Util.fixEmptyAndTrim(value);
            if (!tokens) {
                return id == null ? FormValidation.ok() : FormValidation.warning(Messages.KubernetesCluster_MinterUnused());
            }
            if (id == null) {
                return FormValidation.error(Messages.KubernetesCluster_MinterRequired());
            }
            try {
                new CredentialMinterSource(id).bearerToken();
                return FormValidation.ok(Messages.KubernetesCluster_MinterOk());
            } catch (MinterUnavailableException e) {
                return FormValidation.error(String.valueOf(e.getMessage()));
            }
        }

        @POST
        public ListBoxModel doFillCaCredentialsIdItems(@QueryParameter @CheckForNull String caCredentialsId) {
            Jenkins.get().checkPermission(Jenkins.SYSTEM_READ); // shown read-only to Overall/SystemRead
            return ShortLivedKubeconfigConfiguration.caItems(caCredentialsId);
        }

        @POST
        public FormValidation doCheckCaCredentialsId(@QueryParameter @CheckForNull String value,
                                                     @QueryParameter @CheckForNull String caFingerprint) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            String id = Util.fixEmptyAndTrim(value);
            if (id == null) {
                return FormValidation.ok(Messages.KubernetesCluster_GlobalCa());
            }
            // Whether the id is the saved one is not known per cluster here: say what saving will do.
            return ShortLivedKubeconfigConfiguration.checkCa(id, caFingerprint, caFingerprint != null);
        }

        /**
         * Checks one field with the core's rules and shows the message under the field's own label (the core names
         * the CLI's field, e.g. {@code server}, where the form says "API server URL").
         */
        private static FormValidation check(String coreField, String label, String name, String server,
                                            @CheckForNull String serverCa, @CheckForNull String tlsServerName,
                                            @CheckForNull String namespace) {
            try {
                ClusterEndpoint.of(name, server, serverCa, tlsServerName, namespace);
                return FormValidation.ok();
            } catch (InvalidInputException e) {
                String message = String.valueOf(e.getMessage());
                String prefix = coreField + ": ";
                return FormValidation.error(message.startsWith(prefix)
                        ? label + ": " + message.substring(prefix.length()) : message);
            }
        }
    }
}
