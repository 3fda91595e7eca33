package io.jenkins.plugins.shortlivedkubeconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import hudson.ExtensionList;
import hudson.util.FormValidation;
import io.jenkins.plugins.shortlivedkubeconfig.signer.CertificateAuthority;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KubeconfigRequest;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyRefusal;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Requester;
import io.jenkins.plugins.shortlivedkubeconfig.signer.SigningService;
import java.util.List;
import net.sf.json.JSONObject;
import org.htmlunit.html.HtmlPage;
import org.junit.jupiter.api.Test;
import org.kohsuke.stapler.StaplerRequest2;
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
    void buildsTheServiceOncePerChangeOfTheConfiguration(JenkinsRule j) throws Exception {
        SigningSetup.configure(j, getClass(), "seed.yaml");
        ShortLivedKubeconfigConfiguration config = ShortLivedKubeconfigConfiguration.get();

        SigningService first = config.signingService();
        assertSame(first, config.signingService(), "the policy is not parsed again while nothing changed");

        config.setPolicy(config.getPolicy() + "\n# a comment changes the text\n");
        SigningService afterPolicyChange = config.signingService();
        assertNotSame(first, afterPolicyChange);
        assertSame(afterPolicyChange, config.signingService());

        config.setDefaultTtl("20m");
        assertNotSame(afterPolicyChange, config.signingService());
    }

    @Test
    void aRotatedCaCredentialReachesTheNextIssuanceOnceItIsPinned(JenkinsRule j) throws Exception {
        SigningSetup.configure(j, getClass(), "seed.yaml");
        ShortLivedKubeconfigConfiguration config = ShortLivedKubeconfigConfiguration.get();
        SystemCredentialsProvider provider = SystemCredentialsProvider.getInstance();
        provider.getCredentials().removeIf(c -> c instanceof KubernetesClientCaCredentials);
        CertificateAuthority rotated = SigningSetup.newCa();
        SigningSetup.addCa(SigningSetup.CA_ID, CredentialsScope.SYSTEM, rotated);

        PolicyRefusal unpinned = assertThrows(PolicyRefusal.class, () -> config.signingService().issue(request()));
        assertEquals("ca-fingerprint-mismatch", unpinned.rule());

        config.setCaFingerprint(rotated.fingerprintSha256());
        config.signingService().issue(request()).certificate().verify(rotated.certificate().getPublicKey());
    }

    @Test
    void savingThePagePinsTheChosenCa(JenkinsRule j) throws Exception {
        CertificateAuthority ca = SigningSetup.configure(j, getClass(), "seed.yaml");
        ShortLivedKubeconfigConfiguration config = ShortLivedKubeconfigConfiguration.get();
        config.setCaFingerprint(null);

        j.configRoundtrip();

        assertEquals(ca.fingerprintSha256(), config.getCaFingerprint());
        config.signingService().issue(request()).certificate().verify(ca.certificate().getPublicKey());
    }

    @Test
    void theCaCheckSaysWhenTheCredentialNoLongerMatchesItsPin(JenkinsRule j) throws Exception {
        CertificateAuthority ca = SigningSetup.configure(j, getClass(), "seed.yaml");
        ShortLivedKubeconfigConfiguration config = ShortLivedKubeconfigConfiguration.get();

        FormValidation matches = config.doCheckCaCredentialsId(SigningSetup.CA_ID, ca.fingerprintSha256());
        FormValidation other = config.doCheckCaCredentialsId(SigningSetup.CA_ID,
                SigningSetup.newCa().fingerprintSha256());

        assertEquals(FormValidation.Kind.OK, matches.kind, matches.renderHtml());
        assertTrue(matches.renderHtml().contains("matches the pinned fingerprint"), matches.renderHtml());
        assertEquals(FormValidation.Kind.ERROR, other.kind, other.renderHtml());
        assertTrue(other.renderHtml().contains("does NOT match the pinned fingerprint"), other.renderHtml());
    }

    @Test
    void refusesACaCredentialThatIsNotSystemScoped(JenkinsRule j) throws Exception {
        SigningSetup.configure(j, getClass(), "seed.yaml");
        CertificateAuthority global = SigningSetup.newCa();
        SigningSetup.addCa("global-ca", CredentialsScope.GLOBAL, global);
        ShortLivedKubeconfigConfiguration config = ShortLivedKubeconfigConfiguration.get();
        config.setCaCredentialsId("global-ca");
        config.setCaFingerprint(global.fingerprintSha256());

        PolicyRefusal e = assertThrows(PolicyRefusal.class, () -> config.signingService().issue(request()));

        assertEquals("ca-unavailable", e.rule());
        assertTrue(e.getMessage().startsWith("cluster \"demo\": no usable signing CA: The signing CA credential "
                + "\"global-ca\" has the scope GLOBAL, so builds could bind it; it must have the scope System."),
                e.getMessage());
        assertEquals(FormValidation.Kind.ERROR, config.doCheckCaCredentialsId("global-ca", null).kind);
        assertEquals(FormValidation.Kind.OK, config.doCheckCaCredentialsId(SigningSetup.CA_ID, null).kind);
    }

    @Test
    void saysWhatIsMissingBeforeAnythingIsConfigured(JenkinsRule j) throws Exception {
        ShortLivedKubeconfigConfiguration config = ShortLivedKubeconfigConfiguration.get();

        PolicyRefusal noPolicy = assertThrows(PolicyRefusal.class, () -> config.signingService().issue(request()));
        assertEquals("not-configured", noPolicy.rule());
        assertTrue(noPolicy.getMessage().startsWith("No robot policy is configured"), noPolicy.getMessage());

        config.setPolicy(SigningSetup.fixture(getClass(), "seed.yaml"));
        PolicyRefusal noCluster = assertThrows(PolicyRefusal.class, () -> config.signingService().issue(request()));
        assertEquals("no-clusters", noCluster.rule());

        config.setClusters(List.of(new KubernetesCluster(SigningSetup.CLUSTER, SigningSetup.SERVER)));
        PolicyRefusal noCa = assertThrows(PolicyRefusal.class, () -> config.signingService().issue(request()));
        assertEquals("ca-unavailable", noCa.rule());
        assertTrue(noCa.getMessage().contains("No signing CA is configured."), noCa.getMessage());

        config.setCaCredentialsId(SigningSetup.CA_ID);
        PolicyRefusal noCredential = assertThrows(PolicyRefusal.class,
                () -> config.signingService().issue(request()));
        assertTrue(noCredential.getMessage().contains("The signing CA credential \"kube-ca\" does not exist"),
                noCredential.getMessage());
    }

    @Test
    void asksForAClusterByNameWhenSeveralAreConfigured(JenkinsRule j) throws Exception {
        SigningSetup.configure(j, getClass(), "seed.yaml");
        ShortLivedKubeconfigConfiguration config = ShortLivedKubeconfigConfiguration.get();
        config.setClusters(List.of(new KubernetesCluster("a", "https://a.example:6443"),
                new KubernetesCluster("b", "https://b.example:6443")));

        PolicyRefusal e = assertThrows(PolicyRefusal.class, () -> config.signingService().issue(request()));

        assertEquals("cluster: several clusters are configured (a, b); choose one", e.getMessage());
        assertEquals("b", config.signingService().issue(request().withCluster("b")).cluster());
        assertEquals("unknown-cluster", assertThrows(PolicyRefusal.class,
                () -> config.signingService().issue(request().withCluster("c"))).rule());
    }

    /** A cluster may name its own CA: its certificates then chain to that CA only. */
    @Test
    void aClusterWithItsOwnCaSignsWithIt(JenkinsRule j) throws Exception {
        CertificateAuthority global = SigningSetup.configure(j, getClass(), "seed.yaml");
        CertificateAuthority prodCa = SigningSetup.newCa();
        SigningSetup.addCa("prod-ca", CredentialsScope.SYSTEM, prodCa);
        KubernetesCluster prod = new KubernetesCluster("prod", "https://10.0.0.1:6443");
        prod.setCaCredentialsId("prod-ca");
        prod.setCaFingerprint(prodCa.fingerprintSha256());
        ShortLivedKubeconfigConfiguration config = ShortLivedKubeconfigConfiguration.get();
        config.setClusters(List.of(new KubernetesCluster(SigningSetup.CLUSTER, SigningSetup.SERVER), prod));

        config.signingService().issue(request().withCluster("prod")).certificate()
                .verify(prodCa.certificate().getPublicKey());
        config.signingService().issue(request().withCluster(SigningSetup.CLUSTER)).certificate()
                .verify(global.certificate().getPublicKey());

        j.configRoundtrip();
        KubernetesCluster saved = config.getClusters().get(1);
        assertEquals("prod-ca", saved.getCaCredentialsId());
        assertEquals(prodCa.fingerprintSha256(), saved.getCaFingerprint());
    }

    /**
     * The page must render whole: a view that fails to compile cuts off every section after it and the Save
     * button, and saving such a page used to delete every cluster.
     */
    @Test
    void theSystemPageShowsOurSectionAndItsSaveButton(JenkinsRule j) throws Exception {
        SigningSetup.configure(j, getClass(), "seed.yaml");

        HtmlPage page = j.createWebClient().goTo("manage/configure");

        String html = page.getWebResponse().getContentAsString();
        assertTrue(html.contains("Short-lived kubeconfig (Kubernetes credentials for builds)"), "section title");
        for (String field : List.of("_.caCredentialsId", "_.caFingerprint", "_.policy", "_.defaultTtl", "_.serverUrl")) {
            assertFalse(page.getElementsByName(field).isEmpty(), field);
        }
        assertTrue(html.contains("Robot policy (YAML)"), "labels keep their parentheses");
        assertTrue(html.contains("Default lifetime (TTL)"), "labels keep their parentheses");
        assertNotNull(j.getButtonByCaption(page.getFormByName("config"), "Save"), "the Save button");
    }

    @Test
    void aSubmissionWithoutOurSectionKeepsEverything(JenkinsRule j) throws Exception {
        SigningSetup.configure(j, getClass(), "seed.yaml");
        ShortLivedKubeconfigConfiguration config = ShortLivedKubeconfigConfiguration.get();
        String pin = config.getCaFingerprint();

        assertTrue(config.configure((StaplerRequest2) null, new JSONObject()));

        assertEquals(List.of(SigningSetup.CLUSTER), config.clusterNames());
        assertEquals(SigningSetup.CA_ID, config.getCaCredentialsId());
        assertEquals(pin, config.getCaFingerprint());
        assertNotNull(config.getPolicy());
    }

    @Test
    void clusterFieldMessagesUseTheFieldsLabels(JenkinsRule j) {
        KubernetesCluster.DescriptorImpl descriptor =
                ExtensionList.lookupSingleton(KubernetesCluster.DescriptorImpl.class);

        FormValidation url = descriptor.doCheckServerUrl("http://10.0.0.1:6443");
        FormValidation ca = descriptor.doCheckServerCaPem("not a certificate");

        assertTrue(url.renderHtml().startsWith("API server URL: "), url.renderHtml());
        assertTrue(ca.renderHtml().startsWith("API server CA certificate: "), ca.renderHtml());
    }

    private static KubeconfigRequest request() {
        return KubeconfigRequest.by(new Requester("deploy/app", 1));
    }
}
