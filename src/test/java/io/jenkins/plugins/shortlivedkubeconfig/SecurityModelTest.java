package io.jenkins.plugins.shortlivedkubeconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.CredentialsStore;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.cloudbees.plugins.credentials.domains.Domain;
import hudson.EnvVars;
import hudson.ExtensionList;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Item;
import hudson.model.Result;
import hudson.model.TaskListener;
import hudson.model.User;
import hudson.security.ACL;
import hudson.security.ACLContext;
import hudson.util.Secret;
import hudson.util.StreamTaskListener;
import io.jenkins.plugins.shortlivedkubeconfig.signer.CertificateAuthority;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KubeconfigRequest;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Requester;
import io.jenkins.plugins.shortlivedkubeconfig.signer.SigningService;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import jenkins.model.Jenkins;
import jenkins.tasks.SimpleBuildWrapper;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.LogRecorder;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** The trust model: who can make a build get a kubeconfig, and what one block can learn about another. */
@WithJenkins
class SecurityModelTest {
    private static final String BLOCK = """
            node {
              withShortLivedKubeconfig(user: 'jenkins') {
                echo "kubeconfig at ${env.KUBECONFIG}"
              }
            }
            """;

    private JenkinsRule j;
    private CertificateAuthority ca;

    @BeforeEach
    void setUp(JenkinsRule rule) throws Exception {
        j = rule;
        ca = SigningSetup.configure(j, SecurityModelTest.class, "deployers.yaml");
    }

    private WorkflowJob boundPipeline(String name) throws Exception {
        WorkflowJob p = SigningSetup.boundFolder(j).createProject(WorkflowJob.class, name);
        p.setDefinition(new CpsFlowDefinition(BLOCK, true));
        return p;
    }

    @Test
    void buildsRunningAsAUserNeedTheUsePermission() throws Exception {
        WorkflowJob p = boundPipeline("app");
        MockAuthorizationStrategy authorization = SigningSetup.buildsRunAs(j, p, "bob", Jenkins.READ, Item.READ, Item.BUILD);

        try (LogRecorder audit = new LogRecorder().record(AuditTrail.LOGGER_NAME, Level.INFO).capture(5)) {
            WorkflowRun refused = j.buildAndAssertStatus(Result.FAILURE, p);
            j.assertLogContains("bob, the authentication that builds of deploy/app run as, lacks the permission "
                    + "Short-lived kubeconfig/Use on this job", refused);
            j.assertLogNotContains(SigningSetup.PATH_MARKER, refused);
            assertTrue(audit.getMessages().get(0).contains("\"rule\":\"missing-use-permission\""),
                    audit.getMessages().toString());
        }

        authorization.grant(KubeconfigPermissions.USE).onItems(p).to("bob");
        WorkflowRun allowed = j.buildAndAssertSuccess(p);
        j.assertLogContains("robot user jenkins as Kubernetes user jenkins", allowed);
    }

    @Test
    void buildsRunningAsSystemNeedNoExtraPermission() throws Exception {
        j.jenkins.setSecurityRealm(j.createDummySecurityRealm());
        j.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.ADMINISTER).everywhere().to("admin"));

        j.buildAndAssertSuccess(boundPipeline("app"));
    }

    /** Credentials/Update on the root store is not Overall/Administer: replacing the CA must not let anyone sign. */
    @Test
    void aCredentialManagerWhoReplacesTheCaGetsNothingSigned() throws Exception {
        WorkflowJob p = boundPipeline("app");
        j.jenkins.setSecurityRealm(j.createDummySecurityRealm());
        j.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.ADMINISTER).everywhere().to("admin")
                .grant(Jenkins.READ, CredentialsProvider.VIEW, CredentialsProvider.UPDATE).everywhere()
                .to("manager"));
        assertFalse(j.jenkins.getACL().hasPermission2(User.getById("manager", true).impersonate2(),
                Jenkins.ADMINISTER));
        CertificateAuthority rogue = SigningSetup.newCa();
        CredentialsStore store = ExtensionList.lookupSingleton(SystemCredentialsProvider.ProviderImpl.class)
                .getStore(j.jenkins);
        assertNotNull(store);
        KubernetesClientCaCredentials original = CredentialsMatchers.firstOrNull(
                CredentialsProvider.lookupCredentialsInItemGroup(KubernetesClientCaCredentials.class, j.jenkins,
                        ACL.SYSTEM2, List.of()), CredentialsMatchers.withId(SigningSetup.CA_ID));
        assertNotNull(original);
        try (ACLContext ignored = ACL.as2(User.getById("manager", true).impersonate2())) {
            assertTrue(store.updateCredentials(Domain.global(), original, new KubernetesClientCaCredentials(
                    CredentialsScope.SYSTEM, SigningSetup.CA_ID, "replaced", rogue.certificatePem(),
                    Secret.fromString(rogue.privateKeyPem()))));
        }

        WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, p);

        j.assertLogContains("the signing CA (credential \"" + SigningSetup.CA_ID + "\") was replaced: its "
                + "certificate's SHA-256 fingerprint is " + rogue.fingerprintSha256() + ", but an administrator chose "
                + "the CA with fingerprint " + ca.fingerprintSha256(), b);
        j.assertLogNotContains(SigningSetup.PATH_MARKER, b);
    }

    /**
     * A Pipeline block's log filter travels with the block, possibly to the agent that runs its steps: it must hold
     * its own block's values and nothing of another block's.
     */
    @Test
    void eachPipelineBlocksFilterCarriesOnlyItsOwnValues() throws Exception {
        WorkflowJob p = boundPipeline("two-blocks");
        WorkflowRun run = j.buildAndAssertSuccess(p);
        FilePath workspace = j.jenkins.getRootPath().child("two-blocks-workspace");
        workspace.mkdirs();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TaskListener listener = new StreamTaskListener(log, StandardCharsets.UTF_8);
        Launcher launcher = j.jenkins.createLauncher(listener);

        List<String> first = blockValues(run, workspace, launcher, listener);
        List<String> second = blockValues(run, workspace, launcher, listener);

        assertFalse(first.isEmpty());
        assertFalse(second.isEmpty());
        Set<String> shared = new HashSet<>(first);
        shared.retainAll(second);
        assertTrue(shared.isEmpty(), "no value of one block in the other's filter");
        IssuedKubeconfigsAction action = run.getAction(IssuedKubeconfigsAction.class);
        assertNotNull(action);
        assertEquals(3, action.getEntries().size(), "the build's own block and the two set up here");
        assertEquals(0, KubeconfigMasking.registeredRuns(), "Pipeline blocks register nothing globally");
    }

    /** A loop of blocks in one build must not grow the build (and the controller's memory) without limit. */
    @Test
    void aLoopOfBlocksListsABoundedNumberOnTheBuild() throws Exception {
        WorkflowRun run = j.buildAndAssertSuccess(boundPipeline("loop"));
        SigningService service = ShortLivedKubeconfigConfiguration.get().signingService();
        for (int i = 0; i < IssuedKubeconfigsAction.MAX_ENTRIES + 10; i++) {
            IssuedKubeconfigsAction.record(run, service.issue(KubeconfigRequest.by(new Requester("deploy/loop", 1))));
        }

        IssuedKubeconfigsAction action = run.getAction(IssuedKubeconfigsAction.class);
        assertNotNull(action);
        assertEquals(IssuedKubeconfigsAction.MAX_ENTRIES, action.getEntries().size());
        assertEquals(11, action.getNotListed(), "the build's own block and the ten past the limit");
        assertEquals(IssuedKubeconfigsAction.MAX_ENTRIES + 11, action.getIssuedCount());
        j.createWebClient().getPage(run, "kubeconfigs/");
    }

    private static List<String> blockValues(WorkflowRun run, FilePath workspace, Launcher launcher,
                                            TaskListener listener) throws Exception {
        ShortLivedKubeconfigWrapper wrapper = new ShortLivedKubeconfigWrapper();
        wrapper.setUser("jenkins");
        SimpleBuildWrapper.Context context = wrapper.createContext();
        wrapper.setUp(context, run, workspace, launcher, listener, new EnvVars());
        KubeconfigMasking.Filter filter = (KubeconfigMasking.Filter) wrapper.createLoggerDecorator(run);
        List<String> values = filter.carriedValues();
        SimpleBuildWrapper.Disposer disposer = context.getDisposer();
        assertNotNull(disposer);
        disposer.tearDown(run, workspace, launcher, listener);
        return values;
    }
}
