package io.jenkins.plugins.shortlivedkubeconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import hudson.security.ACL;
import io.jenkins.plugins.casc.ConfigurationAsCode;
import io.jenkins.plugins.casc.misc.ConfiguredWithCode;
import io.jenkins.plugins.casc.misc.JenkinsConfiguredWithCodeRule;
import io.jenkins.plugins.casc.misc.junit.jupiter.WithJenkinsConfiguredWithCode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jenkins.model.Jenkins;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Configuration as Code for the kubeconfig credential minted per use: import, export, and import of the export. */
@WithJenkinsConfiguredWithCode
class MintedKubeconfigCasCTest {
    private static final String CASC = "MintedKubeconfigCasCTest/configuration-as-code.yaml";

    private static MintedKubeconfigCredentials find(String id) {
        return CredentialsMatchers.firstOrNull(CredentialsProvider.lookupCredentialsInItemGroup(
                MintedKubeconfigCredentials.class, Jenkins.get(), ACL.SYSTEM2, List.of()),
                CredentialsMatchers.withId(id));
    }

    private static void assertImported() {
        MintedKubeconfigCredentials prod = find("k8s-prod");
        assertNotNull(prod);
        assertEquals(CredentialsScope.GLOBAL, prod.getScope());
        assertEquals("Production, minted per build", prod.getDescription());
        assertEquals("prod", prod.getCluster());
        assertEquals("deployer", prod.getRobotUser());
        assertEquals("30m", prod.getTtl());
        MintedKubeconfigCredentials defaults = find("k8s-defaults");
        assertNotNull(defaults);
        assertNull(defaults.getCluster());
        assertNull(defaults.getRobotUser());
        assertNull(defaults.getTtl());
    }

    /** The exported {@code mintedKubeconfig} entries, by id. */
    private static Map<?, ?> exported(String yaml, String id) {
        Map<?, ?> root = assertInstanceOf(Map.class, new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml));
        Map<?, ?> credentials = assertInstanceOf(Map.class, root.get("credentials"));
        Map<?, ?> system = assertInstanceOf(Map.class, credentials.get("system"));
        List<?> domains = assertInstanceOf(List.class, system.get("domainCredentials"));
        for (Object domain : domains) {
            List<?> entries = assertInstanceOf(List.class, assertInstanceOf(Map.class, domain).get("credentials"));
            for (Object entry : entries) {
                Object minted = assertInstanceOf(Map.class, entry).get("mintedKubeconfig");
                if (minted instanceof Map<?, ?> m && id.equals(m.get("id"))) {
                    return m;
                }
            }
        }
        throw new AssertionError("no mintedKubeconfig " + id + " in the export:\n" + yaml);
    }

    @Test
    @ConfiguredWithCode(CASC)
    void importsExportsAndReimportsTheSame(JenkinsConfiguredWithCodeRule j) throws Exception {
        assertImported();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ConfigurationAsCode.get().export(out);
        String yaml = out.toString(StandardCharsets.UTF_8);

        Map<?, ?> prod = exported(yaml, "k8s-prod");
        assertEquals("GLOBAL", prod.get("scope"));
        assertEquals("prod", prod.get("cluster"));
        assertEquals("deployer", prod.get("robotUser"));
        assertEquals("30m", prod.get("ttl"));
        Map<?, ?> defaults = exported(yaml, "k8s-defaults");
        assertFalse(defaults.containsKey("cluster"), "unset fields are not exported: " + defaults);
        assertFalse(yaml.contains("client-key-data"), "no kubeconfig in the export");

        // Import the exported credentials section into an emptied store: the same credentials come back.
        Map<?, ?> root = assertInstanceOf(Map.class, new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml));
        String credentialsOnly = new Yaml().dump(Map.of("credentials", root.get("credentials")));
        SystemCredentialsProvider.getInstance().getCredentials().clear();
        assertNull(find("k8s-prod"));
        Path file = Files.createTempFile(j.jenkins.getRootDir().toPath(), "exported", ".yaml");
        Files.writeString(file, credentialsOnly, StandardCharsets.UTF_8);
        ConfigurationAsCode.get().configure(file.toString());
        assertImported();
    }
}
