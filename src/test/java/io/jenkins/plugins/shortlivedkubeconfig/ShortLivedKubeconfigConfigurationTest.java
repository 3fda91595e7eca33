package io.jenkins.plugins.shortlivedkubeconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import hudson.AbortException;
import hudson.util.FormValidation;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Issuer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** Manage Jenkins » System » Short-lived kubeconfig. */
@WithJenkins
class ShortLivedKubeconfigConfigurationTest {

    @Test
    void configRoundtripKeepsEverything(JenkinsRule j) throws Exception {
        SigningSetup.configure(j, getClass(), "seed.yaml");
        ShortLivedKubeconfigConfiguration config = ShortLivedKubeconfigConfiguration.get();
        KubernetesCluster prod = new KubernetesCluster("prod", "https://10.0.0.1:6443");
        prod.setTlsServerName("kubernetes.default.svc");
        prod.setNamespace("deploy");
        prod.setServerCaPem(SigningSetup.newCa().certificatePem());
        List<KubernetesCluster> clusters = List.of(new KubernetesCluster("demo", SigningSetup.SERVER), prod);
        config.setClusters(clusters);
        config.setDefaultTtl("45m");
        String policy = config.getPolicy();

        j.configRoundtrip();

        j.assertEqualDataBoundBeans(clusters, config.getClusters());
        assertEquals(SigningSetup.CA_ID, config.getCaCredentialsId());
        assertEquals(policy, config.getPolicy());
        assertEquals("45m", config.getDefaultTtl());
    }

    @Test
    void policyCheckShowsEveryErrorAndWarningWithItsLine(JenkinsRule j) throws Exception {
        String broken = SigningSetup.fixture(getClass(), "two-errors-one-warning.yaml");

        FormValidation check = ShortLivedKubeconfigConfiguration.get().doCheckPolicy(broken);

        assertEquals(FormValidation.Kind.ERROR, check.kind);
        String html = check.renderHtml();
        assertTrue(html.contains("policy:8: warning: role &quot;robot&quot;: spec.allow.node_labels: is ignored"), html);
        assertTrue(html.contains("policy:16: user &quot;jenkins&quot;: spec.roles[1]: role &quot;missing&quot; is not "
                + "defined in this policy"), html);
        assertTrue(html.contains("policy:24: job_binding &quot;all-jobs&quot;: spec.jobs[0]"), html);
    }

    @Test
    void policyCheckSaysWhatAValidPolicyHolds(JenkinsRule j) throws Exception {
        FormValidation check = ShortLivedKubeconfigConfiguration.get()
                .doCheckPolicy(SigningSetup.fixture(getClass(), "seed.yaml"));

        assertEquals(FormValidation.Kind.OK, check.kind, check.renderHtml());
        assertTrue(check.renderHtml().contains("Valid: 1 roles, 1 users, 1 job bindings."), check.renderHtml());
    }

    @Test
    void buildsTheIssuerOncePerChangeOfCaOrPolicy(JenkinsRule j) throws Exception {
        SigningSetup.configure(j, getClass(), "seed.yaml");
        ShortLivedKubeconfigConfiguration config = ShortLivedKubeconfigConfiguration.get();

        Issuer first = config.issuer();
        assertSame(first, config.issuer(), "the CA is not parsed again while nothing changed");

        config.setPolicy(config.getPolicy() + "\n# a comment changes the text\n");
        Issuer afterPolicyChange = config.issuer();
        assertNotSame(first, afterPolicyChange);
        assertSame(afterPolicyChange, config.issuer());

        SystemCredentialsProvider provider = SystemCredentialsProvider.getInstance();
        provider.getCredentials().removeIf(c -> c instanceof KubernetesClientCaCredentials);
        SigningSetup.addCa(SigningSetup.CA_ID, CredentialsScope.SYSTEM, SigningSetup.newCa());
        Issuer afterCaRotation = config.issuer();
        assertNotSame(afterPolicyChange, afterCaRotation, "a replaced CA is used by the next build");
        assertSame(afterCaRotation, config.issuer());
    }

    @Test
    void refusesACaCredentialThatIsNotSystemScoped(JenkinsRule j) throws Exception {
        SigningSetup.configure(j, getClass(), "seed.yaml");
        SigningSetup.addCa("global-ca", CredentialsScope.GLOBAL, SigningSetup.newCa());
        ShortLivedKubeconfigConfiguration config = ShortLivedKubeconfigConfiguration.get();
        config.setCaCredentialsId("global-ca");

        AbortException e = assertThrows(AbortException.class, config::issuer);

        assertEquals("The signing CA credential \"global-ca\" must have the scope System, so that no build can use it "
                + "directly. Recreate it with the scope System.", e.getMessage());
        assertEquals(FormValidation.Kind.ERROR, config.doCheckCaCredentialsId("global-ca").kind);
        assertEquals(FormValidation.Kind.OK, config.doCheckCaCredentialsId(SigningSetup.CA_ID).kind);
    }

    @Test
    void saysWhatIsMissingBeforeAnythingIsConfigured(JenkinsRule j) throws Exception {
        ShortLivedKubeconfigConfiguration config = ShortLivedKubeconfigConfiguration.get();

        AbortException noCa = assertThrows(AbortException.class, config::issuer);
        assertTrue(noCa.getMessage().startsWith("No signing CA is configured."), noCa.getMessage());

        config.setCaCredentialsId(SigningSetup.CA_ID);
        AbortException noPolicy = assertThrows(AbortException.class, config::issuer);
        assertTrue(noPolicy.getMessage().startsWith("No robot policy is configured"), noPolicy.getMessage());

        config.setPolicy(SigningSetup.fixture(getClass(), "seed.yaml"));
        AbortException noCredential = assertThrows(AbortException.class, config::issuer);
        assertTrue(noCredential.getMessage().startsWith("The signing CA credential \"kube-ca\" does not exist"),
                noCredential.getMessage());

        AbortException noCluster = assertThrows(AbortException.class, () -> config.cluster(null));
        assertTrue(noCluster.getMessage().startsWith("No Kubernetes cluster is configured."), noCluster.getMessage());
    }

    @Test
    void asksForAClusterByNameWhenSeveralAreConfigured(JenkinsRule j) throws Exception {
        ShortLivedKubeconfigConfiguration config = ShortLivedKubeconfigConfiguration.get();
        config.setClusters(List.of(new KubernetesCluster("a", "https://a.example:6443"),
                new KubernetesCluster("b", "https://b.example:6443")));

        AbortException e = assertThrows(AbortException.class, () -> config.cluster(null));

        assertEquals("Several clusters are configured (a, b); choose one with cluster: 'NAME'.", e.getMessage());
        assertEquals("b", config.cluster("b").getName());
        assertEquals("No cluster is named \"c\"; the configured clusters are: a, b",
                assertThrows(AbortException.class, () -> config.cluster("c")).getMessage());
    }
}
