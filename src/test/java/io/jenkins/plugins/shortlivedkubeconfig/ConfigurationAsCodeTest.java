package io.jenkins.plugins.shortlivedkubeconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.CredentialsScope;
import hudson.security.ACL;
import io.jenkins.plugins.casc.ConfigurationContext;
import io.jenkins.plugins.casc.ConfiguratorRegistry;
import io.jenkins.plugins.casc.misc.ConfiguredWithCode;
import io.jenkins.plugins.casc.misc.JenkinsConfiguredWithCodeRule;
import io.jenkins.plugins.casc.misc.Util;
import io.jenkins.plugins.casc.misc.junit.jupiter.WithJenkinsConfiguredWithCode;
import io.jenkins.plugins.casc.model.CNode;
import io.jenkins.plugins.shortlivedkubeconfig.signer.CertificateAuthority;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KubeconfigRequest;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Requester;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyParser;
import java.util.List;
import java.util.Map;
import jenkins.model.Jenkins;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Configuration as Code: the whole configuration, the CA credential included, imports and exports. */
@WithJenkinsConfiguredWithCode
class ConfigurationAsCodeTest {
    private static final String CASC = "ConfigurationAsCodeTest/configuration-as-code.yaml";

    private static CertificateAuthority ca;

    /** Runs before Jenkins starts (the rule is created for each test method), so JCasC can read them. */
    @BeforeAll
    static void offerACaToTheYaml() throws Exception {
        ca = SigningSetup.newCa();
        System.setProperty("kubeCaCert", ca.certificatePem());
        System.setProperty("kubeCaKey", ca.privateKeyPem());
        System.setProperty("kubeCaFingerprint", ca.fingerprintSha256());
    }

    @AfterAll
    static void forgetTheCa() {
        System.clearProperty("kubeCaCert");
        System.clearProperty("kubeCaKey");
        System.clearProperty("kubeCaFingerprint");
    }

    @Test
    @ConfiguredWithCode(CASC)
    void importsClustersCaPolicyAndDefaultTtl(JenkinsConfiguredWithCodeRule j) throws Exception {
        ShortLivedKubeconfigConfiguration config = ShortLivedKubeconfigConfiguration.get();

        assertEquals(List.of("prod", "demo"), config.clusterNames());
        KubernetesCluster prod = config.getClusters().get(0);
        assertEquals("https://10.0.0.1:6443", prod.getServerUrl());
        assertEquals("kubernetes.default.svc", prod.getTlsServerName());
        assertEquals("deploy", prod.getNamespace());
        assertEquals("kubernetes-client-ca", config.getCaCredentialsId());
        assertEquals("30m", config.getDefaultTtl());
        String policy = config.getPolicy();
        assertNotNull(policy);
        assertEquals(List.of("jenkins"), new PolicyParser().parse(policy, "policy").usersForJob("deploy/api"));

        KubernetesClientCaCredentials credential = CredentialsMatchers.firstOrNull(
                CredentialsProvider.lookupCredentialsInItemGroup(KubernetesClientCaCredentials.class, Jenkins.get(),
                        ACL.SYSTEM2, List.of()), CredentialsMatchers.withId("kubernetes-client-ca"));
        assertNotNull(credential);
        assertEquals(CredentialsScope.SYSTEM, credential.getScope());
        assertEquals(ca.fingerprintSha256(), config.getCaFingerprint(), "the pin comes in with the CA");
        config.signingService().issue(KubeconfigRequest.by(new Requester("deploy/api", 1)).withCluster("demo"))
                .certificate().verify(ca.certificate().getPublicKey()); // the imported CA signs
    }

    @Test
    @ConfiguredWithCode(CASC)
    void exportsWhatItImported(JenkinsConfiguredWithCodeRule j) throws Exception {
        ConfigurationContext context = new ConfigurationContext(ConfiguratorRegistry.get());
        CNode node = Util.getUnclassifiedRoot(context).get("shortLivedKubeconfig");
        assertNotNull(node, "exported under unclassified.shortLivedKubeconfig");

        Object exported = new Yaml(new SafeConstructor(new LoaderOptions())).load(Util.toYamlString(node));

        Map<?, ?> config = assertInstanceOf(Map.class, exported);
        assertEquals("kubernetes-client-ca", config.get("caCredentialsId"));
        assertEquals("30m", config.get("defaultTtl"));
        assertEquals(ca.fingerprintSha256(), config.get("caFingerprint"));
        assertEquals(ShortLivedKubeconfigConfiguration.get().getPolicy(), config.get("policy"));
        List<?> clusters = assertInstanceOf(List.class, config.get("clusters"));
        assertEquals(2, clusters.size());
        Map<?, ?> prod = assertInstanceOf(Map.class, clusters.get(0));
        assertEquals("prod", prod.get("name"));
        assertEquals("https://10.0.0.1:6443", prod.get("serverUrl"));
        assertEquals("kubernetes.default.svc", prod.get("tlsServerName"));
        assertEquals("deploy", prod.get("namespace"));
        assertFalse(Util.toYamlString(node).contains("PRIVATE KEY"), "the global configuration holds no key");
    }
}
