package io.jenkins.plugins.shortlivedkubeconfig;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.Extension;
import hudson.Util;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import io.jenkins.plugins.shortlivedkubeconfig.signer.ClusterEndpoint;
import io.jenkins.plugins.shortlivedkubeconfig.signer.InvalidInputException;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
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

    /** The endpoint for the issuer. The server CA is public, so checking it per build costs little and keeps nothing stale. */
    ClusterEndpoint toEndpoint() throws InvalidInputException {
        return ClusterEndpoint.of(name, serverUrl, serverCaPem, tlsServerName, namespace);
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
            return check(name, SOME_SERVER, null, null, null);
        }

        @POST
        public FormValidation doCheckServerUrl(@QueryParameter @CheckForNull String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            String url = Util.fixEmptyAndTrim(value);
            if (url == null) {
                return FormValidation.error(Messages.KubernetesCluster_ServerUrlRequired());
            }
            return check(SOME_NAME, url, null, null, null);
        }

        @POST
        public FormValidation doCheckServerCaPem(@QueryParameter @CheckForNull String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            if (Util.fixEmptyAndTrim(value) == null) {
                return FormValidation.ok(Messages.KubernetesCluster_SystemRoots());
            }
            return check(SOME_NAME, SOME_SERVER, value, null, null);
        }

        @POST
        public FormValidation doCheckTlsServerName(@QueryParameter @CheckForNull String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return check(SOME_NAME, SOME_SERVER, null, value, null);
        }

        @POST
        public FormValidation doCheckNamespace(@QueryParameter @CheckForNull String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return check(SOME_NAME, SOME_SERVER, null, null, value);
        }

        private static FormValidation check(String name, String server, @CheckForNull String serverCa,
                                            @CheckForNull String tlsServerName, @CheckForNull String namespace) {
            try {
                ClusterEndpoint.of(name, server, serverCa, tlsServerName, namespace);
                return FormValidation.ok();
            } catch (InvalidInputException e) {
                return FormValidation.error(e.getMessage());
            }
        }
    }
}
