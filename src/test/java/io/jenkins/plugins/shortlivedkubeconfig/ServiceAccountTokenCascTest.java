package io.jenkins.plugins.shortlivedkubeconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.jenkins.plugins.casc.ConfigurationContext;
import io.jenkins.plugins.casc.ConfiguratorRegistry;
import io.jenkins.plugins.casc.misc.ConfiguredWithCode;
import io.jenkins.plugins.casc.misc.JenkinsConfiguredWithCodeRule;
import io.jenkins.plugins.casc.misc.Util;
import io.jenkins.plugins.casc.misc.junit.jupiter.WithJenkinsConfiguredWithCode;
import io.jenkins.plugins.casc.model.CNode;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Grant;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KubeconfigRequest;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Requester;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Configuration as Code for a service-account-token cluster: mode and minter credential in, and out again. */
@WithJenkinsConfiguredWithCode
class ServiceAccountTokenCascTest {
    private static final String CASC = "ServiceAccountTokenCascTest/configuration-as-code.yaml";
    private static final String MINTER = "minter-token-from-a-secret-source-0123456789";

    @BeforeAll
    static void offerTheMinterTokenToTheYaml() {
        System.setProperty("minterToken", MINTER);
    }

    @AfterAll
    static void forgetIt() {
        System.clearProperty("minterToken");
    }

    @Test
    @ConfiguredWithCode(CASC)
    void importsTheModeAndTheMinterCredential(JenkinsConfiguredWithCodeRule j) throws Exception {
        ShortLivedKubeconfigConfiguration config = ShortLivedKubeconfigConfiguration.get();
        KubernetesCluster eks = config.getClusters().get(0);
        assertEquals("service-account-token", eks.getMode());
        assertEquals("eks-minter", eks.getMinterCredentialsId());
        assertEquals(MINTER, new CredentialMinterSource("eks-minter").bearerToken());
        // No client CA is configured, and none is needed: the dry run names the service account.
        Grant grant = config.signingService().check(KubeconfigRequest.by(new Requester("deploy/app", 1)));
        assertEquals("system:serviceaccount:ci:deployer", grant.kubernetesUser());
        assertEquals(List.of(), grant.groups());
    }

    @Test
    @ConfiguredWithCode(CASC)
    void exportsTheModeAndTheMinterCredentialIdButNotTheToken(JenkinsConfiguredWithCodeRule j) throws Exception {
        ConfigurationContext context = new ConfigurationContext(ConfiguratorRegistry.get());
        CNode node = Util.getUnclassifiedRoot(context).get("shortLivedKubeconfig");
        String yaml = Util.toYamlString(node);

        Map<?, ?> config = assertInstanceOf(Map.class, new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml));
        Map<?, ?> eks = assertInstanceOf(Map.class, assertInstanceOf(List.class, config.get("clusters")).get(0));
        assertEquals("service-account-token", eks.get("mode"));
        assertEquals("eks-minter", eks.get("minterCredentialsId"));
        assertFalse(yaml.contains(MINTER), "the global configuration holds no token");
    }
}
