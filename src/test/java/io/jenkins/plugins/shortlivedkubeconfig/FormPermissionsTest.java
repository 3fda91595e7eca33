package io.jenkins.plugins.shortlivedkubeconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import hudson.model.FreeStyleProject;
import hudson.model.Item;
import hudson.security.ACL;
import java.net.URL;
import java.util.List;
import jenkins.model.Jenkins;
import org.htmlunit.HttpMethod;
import org.htmlunit.Page;
import org.htmlunit.WebRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * Every form action checks its permission before doing anything: Administer for the global configuration and the
 * CA credential, Configure on the job for the job's form. "reader" may read and build the job; "configurer" may
 * also configure it; "admin" may do everything.
 */
@WithJenkins
class FormPermissionsTest {
    private static final String GLOBAL = "descriptorByName/" + ShortLivedKubeconfigConfiguration.class.getName() + "/";
    private static final String CREDENTIAL = "descriptorByName/" + KubernetesClientCaCredentials.class.getName() + "/";
    private static final String CLUSTER = "descriptorByName/" + KubernetesCluster.class.getName() + "/";
    private static final String WRAPPER = "descriptorByName/" + ShortLivedKubeconfigWrapper.class.getName() + "/";

    private JenkinsRule j;

    @BeforeEach
    void setUp(JenkinsRule rule) throws Exception {
        j = rule;
        SigningSetup.configure(j, FormPermissionsTest.class, "seed.yaml");
        FreeStyleProject p = j.createFreeStyleProject("deploy-app");
        j.jenkins.setSecurityRealm(j.createDummySecurityRealm());
        Jenkins.SYSTEM_READ.setEnabled(true);
        j.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.ADMINISTER).everywhere().to("admin")
                .grant(Jenkins.READ, Jenkins.SYSTEM_READ).everywhere().to("auditor")
                .grant(Jenkins.READ).everywhere().to("reader", "configurer")
                .grant(Item.READ, Item.BUILD).onItems(p).to("reader", "configurer")
                .grant(Item.CONFIGURE).onItems(p).to("configurer"));
    }

    @AfterEach
    void disableSystemRead() {
        Jenkins.SYSTEM_READ.setEnabled(false); // off by default in Jenkins; keep other tests' world as it was
    }

    @Test
    void generatingACaNeedsAdminister() throws Exception {
        assertEquals(403, post("configurer", GLOBAL + "generateCa"));
        assertEquals(1, caCount(), "only the CA of the setup exists");

        assertEquals(200, post("admin", GLOBAL + "generateCa"));
        assertEquals(2, caCount());
    }

    @Test
    void generatingACaNeedsAPost() throws Exception {
        JenkinsRule.WebClient wc = j.createWebClient().withThrowExceptionOnFailingStatusCode(false).login("admin");
        Page page = wc.goTo(GLOBAL + "generateCa", null);
        assertTrue(page.getWebResponse().getStatusCode() >= 400, "a GET does not reach the action");
        assertEquals(1, caCount());
    }

    @Test
    void globalFormChecksNeedAdminister() throws Exception {
        for (String action : List.of(GLOBAL + "checkPolicy", GLOBAL + "checkDefaultTtl", GLOBAL + "checkCaCredentialsId",
                GLOBAL + "fillCaCredentialsIdItems", CLUSTER + "checkName", CLUSTER + "checkServerUrl",
                CLUSTER + "checkServerCaPem", CREDENTIAL + "checkCertificatePem", CREDENTIAL + "checkPrivateKey")) {
            assertEquals(403, post("configurer", action), action);
            assertEquals(200, post("admin", action), action);
        }
    }

    /** Overall/SystemRead sees the configuration read-only, the policy included, and can change nothing. */
    @Test
    void systemReadViewsTheConfigurationButCannotChangeIt() throws Exception {
        JenkinsRule.WebClient wc = j.createWebClient().withThrowExceptionOnFailingStatusCode(false).login("auditor");

        Page page = wc.goTo("manage/configure", null);

        assertEquals(200, page.getWebResponse().getStatusCode());
        String html = page.getWebResponse().getContentAsString();
        assertTrue(html.contains("Short-lived kubeconfig (Kubernetes credentials for builds)"), "our section is shown");
        assertTrue(html.contains("system:masters"), "the policy is shown");
        assertFalse(html.contains("PRIVATE KEY"), "never the key");
        assertEquals(200, post("auditor", GLOBAL + "fillCaCredentialsIdItems"));
        assertEquals(403, post("auditor", GLOBAL + "generateCa"));
        assertEquals(403, post("auditor", GLOBAL + "checkPolicy"));
        assertEquals(1, caCount());
        assertEquals(200, wc.goTo(GLOBAL + "caCertificate", null).getWebResponse().getStatusCode());
    }

    @Test
    void caCertificateDownloadNeedsAdminister() throws Exception {
        JenkinsRule.WebClient wc = j.createWebClient().withThrowExceptionOnFailingStatusCode(false);
        assertEquals(403, wc.login("configurer").goTo(GLOBAL + "caCertificate", null).getWebResponse()
                .getStatusCode());

        Page page = j.createWebClient().login("admin").goTo(GLOBAL + "caCertificate", null);

        assertEquals(200, page.getWebResponse().getStatusCode());
        String pem = page.getWebResponse().getContentAsString();
        assertTrue(pem.startsWith("-----BEGIN CERTIFICATE-----"), pem);
        assertFalse(pem.contains("PRIVATE KEY"), "only the certificate");
    }

    @Test
    void jobFormActionsNeedConfigureOnTheJob() throws Exception {
        for (String action : List.of("fillClusterItems", "fillUserItems", "checkCluster", "checkUser", "checkTtl",
                "checkVariable")) {
            String url = "job/deploy-app/" + WRAPPER + action;
            assertEquals(403, post("reader", url), url);
            assertEquals(200, post("configurer", url), url);
        }
    }

    private int post(String user, String relative) throws Exception {
        JenkinsRule.WebClient wc = j.createWebClient().withThrowExceptionOnFailingStatusCode(false).login(user);
        WebRequest request = new WebRequest(new URL(j.getURL(), relative), HttpMethod.POST);
        wc.addCrumb(request);
        return wc.getPage(request).getWebResponse().getStatusCode();
    }

    private static int caCount() {
        return CredentialsProvider.lookupCredentialsInItemGroup(KubernetesClientCaCredentials.class, Jenkins.get(),
                ACL.SYSTEM2, List.of()).size();
    }
}
