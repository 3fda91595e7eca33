package io.jenkins.plugins.shortlivedkubeconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.cloudbees.plugins.credentials.common.IdCredentials;
import hudson.AbortException;
import hudson.model.Result;
import hudson.security.ACL;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import hudson.model.Item;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.BuildWatcherExtension;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The kubeconfig credential minted per use, through credentials-binding's file binding as existing Jenkinsfiles
 * use a static kubeconfig: a fresh certificate per build, a refusal for jobs outside the bindings, and nothing of it
 * in the credentials store.
 */
@WithJenkins
class MintedKubeconfigCredentialsTest {
    @RegisterExtension
    static final BuildWatcherExtension BUILD_WATCHER = new BuildWatcherExtension();

    static final String ID = "k8s-prod";

    /** The Jenkinsfile of a static kubeconfig, unchanged; it reads the file but never prints it. */
    static final String JENKINSFILE = """
            node {
              withCredentials([file(credentialsId: 'k8s-prod', variable: 'KUBECONFIG')]) {
                def kubeconfig = readFile(env.KUBECONFIG)
                if (kubeconfig.contains('current-context: "demo"') && kubeconfig.contains('client-key-data')) {
                  echo 'a kubeconfig for cluster demo'
                }
              }
            }
            """;

    private JenkinsRule j;

    @BeforeEach
    void setUp(JenkinsRule rule) throws Exception {
        j = rule;
        SigningSetup.configure(j, MintedKubeconfigCredentialsTest.class, "deployers.yaml");
        MintedKubeconfigCredentials minted = new MintedKubeconfigCredentials(CredentialsScope.GLOBAL, ID,
                "production, minted per build");
        minted.setCluster(SigningSetup.CLUSTER);
        minted.setRobotUser("jenkins");
        minted.setTtl("1h");
        SystemCredentialsProvider provider = SystemCredentialsProvider.getInstance();
        provider.getCredentials().add(minted);
        provider.save();
    }

    private WorkflowJob pipeline(String name) throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class, name);
        p.setDefinition(new CpsFlowDefinition(JENKINSFILE, true));
        return p;
    }

    private static String serialOf(WorkflowRun b) {
        IssuedKubeconfigsAction action = b.getAction(IssuedKubeconfigsAction.class);
        assertNotNull(action, "the build records what it was issued");
        assertEquals(1, action.getEntries().size());
        return action.getEntries().get(0).getSerial();
    }

    @Test
    void eachBuildGetsAFreshCertificateThroughTheFileBinding() throws Exception {
        WorkflowJob p = pipeline("deploy-app");

        WorkflowRun first = j.buildAndAssertSuccess(p);
        WorkflowRun second = j.buildAndAssertSuccess(p);

        j.assertLogContains("a kubeconfig for cluster demo", first);
        j.assertLogContains("a kubeconfig for cluster demo", second);
        assertNotEquals(serialOf(first), serialOf(second));
        for (WorkflowRun b : List.of(first, second)) {
            j.assertLogNotContains("client-key-data", b);
            j.assertLogNotContains("PRIVATE KEY", b);
        }
    }

    /** As with the wrapper: a build running as a user also needs ShortLivedKubeconfig/Use on its job. */
    @Test
    void buildsRunningAsAUserNeedTheUsePermission() throws Exception {
        WorkflowJob p = pipeline("deploy-app");
        MockAuthorizationStrategy authorization = SigningSetup.buildsRunAs(j, p, "bob", Jenkins.READ, Item.READ, Item.BUILD, CredentialsProvider.USE_ITEM);

        WorkflowRun refused = j.buildAndAssertStatus(Result.FAILURE, p);
        j.assertLogContains("bob, the authentication that builds of deploy-app run as, lacks the permission "
                + "Short-lived kubeconfig/Use on this job", refused);
        j.assertLogNotContains("a kubeconfig for cluster demo", refused);
        assertNull(refused.getAction(IssuedKubeconfigsAction.class), "nothing was issued");

        authorization.grant(KubeconfigPermissions.USE).onItems(p).to("bob");
        j.assertLogContains("a kubeconfig for cluster demo", j.buildAndAssertSuccess(p));
    }

    @Test
    void aJobOutsideTheBindingsGetsARefusalAndNoFile() throws Exception {
        WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, pipeline("website"));

        j.assertLogContains(Messages.MintedKubeconfig_Refused("website", ID, ""), b);
        j.assertLogNotContains("a kubeconfig for cluster demo", b);
        j.assertLogNotContains("\tat ", b); // a refusal is one line, not a stack trace
        assertNull(b.getAction(IssuedKubeconfigsAction.class), "nothing was issued");
    }

    @Test
    void theKubeconfigIsNeverStoredInCredentialsXml() throws Exception {
        WorkflowRun b = j.buildAndAssertSuccess(pipeline("deploy-app"));
        String serial = serialOf(b);
        SystemCredentialsProvider.getInstance().save();

        String stored = Files.readString(j.jenkins.getRootDir().toPath().resolve("credentials.xml"),
                StandardCharsets.UTF_8);

        assertTrue(stored.contains("<id>" + ID + "</id>"), stored);
        assertTrue(stored.contains("<cluster>demo</cluster>"), stored);
        assertTrue(stored.contains("<robotUser>jenkins</robotUser>"), stored);
        assertTrue(stored.contains("<ttl>1h</ttl>"), stored);
        for (String secret : List.of("client-key-data", "client-certificate-data", "BEGIN", "apiVersion", serial)) {
            assertFalse(stored.contains(secret), secret + " in credentials.xml");
        }
        // nor anywhere in the build's own files
        try (Stream<Path> files = Files.walk(b.getRootDir().toPath())) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                assertFalse(content.contains("client-key-data"), file.toString());
            }
        }
    }

    @Test
    void outsideABuildThereIsNoContentAndItSaysWhy() throws Exception {
        FileCredentials stored = CredentialsMatchers.firstOrNull(CredentialsProvider.lookupCredentialsInItemGroup(
                FileCredentials.class, Jenkins.get(), ACL.SYSTEM2, List.of()), CredentialsMatchers.withId(ID));
        assertNotNull(stored);
        assertEquals("kubeconfig", stored.getFileName());

        AbortException e = assertThrows(AbortException.class, stored::getContent);

        assertEquals(Messages.MintedKubeconfig_OnlyForBuilds(ID), e.getMessage());
    }

    @Test
    void aFinishedBuildGetsNothing() throws Exception {
        WorkflowRun b = j.buildAndAssertSuccess(pipeline("deploy-app"));
        MintedKubeconfigCredentials stored = assertInstanceOf(MintedKubeconfigCredentials.class,
                CredentialsMatchers.firstOrNull(CredentialsProvider.lookupCredentialsInItemGroup(
                        IdCredentials.class, Jenkins.get(), ACL.SYSTEM2, List.of()), CredentialsMatchers.withId(ID)));

        MintedKubeconfigCredentials.Refused refused = assertInstanceOf(MintedKubeconfigCredentials.Refused.class,
                stored.forRun(b));

        assertEquals(Messages.MintedKubeconfig_Finished(ID, b.getFullDisplayName()), refused.getReason());
        assertThrows(AbortException.class, refused::getContent);
        assertEquals(1, b.getAction(IssuedKubeconfigsAction.class).getEntries().size(), "nothing more was issued");
    }

    @Test
    void aResolvedKubeconfigIsNotCarriedThroughSerialization() throws Exception {
        MintedKubeconfigCredentials from = new MintedKubeconfigCredentials(CredentialsScope.GLOBAL, "x", null);
        MintedKubeconfigCredentials.Minted minted = new MintedKubeconfigCredentials.Minted(from,
                "apiVersion: v1\n".getBytes(StandardCharsets.UTF_8));
        try (InputStream in = minted.getContent()) {
            assertEquals("apiVersion: v1\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }

        String xml = Jenkins.XSTREAM2.toXML(minted);
        assertFalse(xml.contains("apiVersion"), xml);
        MintedKubeconfigCredentials.Minted copy = (MintedKubeconfigCredentials.Minted) Jenkins.XSTREAM2.fromXML(xml);
        IOException gone = assertThrows(IOException.class, copy::getContent);
        assertEquals(Messages.MintedKubeconfig_Gone("x"), gone.getMessage());
        assertEquals("x", copy.getId());
    }
}
