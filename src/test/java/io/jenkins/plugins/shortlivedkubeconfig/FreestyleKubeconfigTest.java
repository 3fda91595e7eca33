package io.jenkins.plugins.shortlivedkubeconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.Launcher;
import hudson.model.AbstractBuild;
import hudson.model.BuildListener;
import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Result;
import hudson.util.OneShotEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.htmlunit.html.HtmlPage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockFolder;
import org.jvnet.hudson.test.TestBuilder;
import org.jvnet.hudson.test.junit.jupiter.BuildWatcherExtension;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** The Build Environment checkbox of a freestyle job. */
@WithJenkins
class FreestyleKubeconfigTest {
    @RegisterExtension
    static final BuildWatcherExtension BUILD_WATCHER = new BuildWatcherExtension();

    private JenkinsRule j;

    @BeforeEach
    void setUp(JenkinsRule rule) throws Exception {
        j = rule;
        SigningSetup.configure(j, FreestyleKubeconfigTest.class, "deployers.yaml");
    }

    @Test
    void fileIsPrivateDuringTheBuildAndGoneAfterSuccess() throws Exception {
        LookAtKubeconfig step = new LookAtKubeconfig(LookAtKubeconfig.Then.SUCCEED);
        FreeStyleProject p = project("deploy-app", step);

        FreeStyleBuild b = j.buildAndAssertSuccess(p);

        assertNotNull(step.file);
        assertTrue(step.wasPrivate, "mode 0600 in a 0700 directory under the workspace's @tmp while the build ran");
        assertTrue(step.content.contains("server: \"" + SigningSetup.SERVER + "\""), step.file.toString());
        SigningSetup.assertDeleted(step.file);
        j.assertLogContains("Short-lived kubeconfig for cluster demo in $KUBECONFIG: robot user jenkins", b);
    }

    @Test
    void fileIsGoneAfterAFailedBuild() throws Exception {
        LookAtKubeconfig step = new LookAtKubeconfig(LookAtKubeconfig.Then.FAIL);
        FreeStyleProject p = project("deploy-app", step);

        j.buildAndAssertStatus(Result.FAILURE, p);

        assertTrue(step.wasPrivate);
        SigningSetup.assertDeleted(step.file);
    }

    @Test
    void fileIsGoneAfterAnAbortedBuild() throws Exception {
        LookAtKubeconfig step = new LookAtKubeconfig(LookAtKubeconfig.Then.WAIT);
        FreeStyleProject p = project("deploy-app", step);

        FreeStyleBuild b = p.scheduleBuild2(0).waitForStart();
        step.inside.block(TimeUnit.MINUTES.toMillis(1));
        Path file = step.file;
        assertNotNull(file, "the build step started");
        SigningSetup.assertPrivate(file);
        b.getExecutor().interrupt();
        j.assertBuildStatus(Result.ABORTED, j.waitForCompletion(b));

        SigningSetup.assertDeleted(file);
    }

    /**
     * The key is made on the block's node and stays in a file of its own that the kubeconfig names: printing the
     * kubeconfig shows no key (the controller never has it, so it could not mask it), and the certificate is masked.
     */
    @Test
    void printingTheKubeconfigShowsNoKeyAndMasksTheCertificate() throws Exception {
        LookAtKubeconfig step = new LookAtKubeconfig(LookAtKubeconfig.Then.PRINT);
        FreeStyleProject p = project("deploy-app", step);

        FreeStyleBuild b = j.buildAndAssertSuccess(p);

        String keyPem = step.keyPem;
        assertTrue(keyPem.contains("PRIVATE KEY"), "the step read the key file the kubeconfig names");
        j.assertLogNotContains(SigningSetup.firstBodyLine(keyPem), b);
        j.assertLogNotContains("PRIVATE KEY", b);
        j.assertLogNotContains("client-key-data", b);
        j.assertLogContains("client-key: \"", b);
        j.assertLogContains("client-certificate-data: ****", b);
    }

    @Test
    void refusesAJobOutsideTheUsersPatternsWithoutShowingOtherJobsPatterns() throws Exception {
        LookAtKubeconfig step = new LookAtKubeconfig(LookAtKubeconfig.Then.SUCCEED);
        FreeStyleProject p = j.createFreeStyleProject("other-app");
        ShortLivedKubeconfigWrapper wrapper = new ShortLivedKubeconfigWrapper();
        wrapper.setUser("jenkins");
        p.getBuildWrappersList().add(wrapper);
        p.getBuildersList().add(step);

        FreeStyleBuild b = j.buildAndAssertStatus(Result.FAILURE, p);

        j.assertLogContains("No kubeconfig for job other-app: job \"other-app\" may not act as robot user "
                + "\"jenkins\": no job_binding for this user matches this job; no robot user is bound to this job", b);
        j.assertLogNotContains("deploy/**", b); // other jobs' patterns are for the audit record only
        assertNull(step.file, "no build step ran with a kubeconfig");
        assertNull(b.getAction(IssuedKubeconfigsAction.class));
    }

    @Test
    void refusesAJobThatNoBindingNamesWhenItNamesNoRobotUser() throws Exception {
        LookAtKubeconfig step = new LookAtKubeconfig(LookAtKubeconfig.Then.SUCCEED);
        FreeStyleProject p = j.createFreeStyleProject("other-app");
        p.getBuildWrappersList().add(new ShortLivedKubeconfigWrapper());
        p.getBuildersList().add(step);

        FreeStyleBuild b = j.buildAndAssertStatus(Result.FAILURE, p);

        j.assertLogContains("No kubeconfig for job other-app: no robot user of the policy may be used by job "
                + "\"other-app\": no job_binding matches it", b);
        assertNull(step.file);
    }

    /**
     * Job names are chosen by whoever may create or rename items: a job renamed to the bound folder's name inside
     * another folder has another full name, and the anchored pattern does not match it.
     */
    @Test
    void aJobRenamedToABoundNameInAnotherFolderIsRefused() throws Exception {
        LookAtKubeconfig step = new LookAtKubeconfig(LookAtKubeconfig.Then.SUCCEED);
        MockFolder team = j.createFolder("team");
        FreeStyleProject p = team.createProject(FreeStyleProject.class, "app");
        ShortLivedKubeconfigWrapper wrapper = new ShortLivedKubeconfigWrapper();
        wrapper.setUser("jenkins");
        p.getBuildWrappersList().add(wrapper);
        p.getBuildersList().add(step);
        p.renameTo(SigningSetup.BOUND_FOLDER);
        assertEquals("team/deploy", p.getFullName());

        FreeStyleBuild b = j.buildAndAssertStatus(Result.FAILURE, p);

        j.assertLogContains("job \"team/deploy\" may not act as robot user \"jenkins\"", b);
        assertNull(step.file);
    }

    @Test
    void aFreestyleFilterCarriesNoValuesAndTheRegistryIsEmptiedAfterTheBuild() throws Exception {
        LookAtKubeconfig step = new LookAtKubeconfig(LookAtKubeconfig.Then.SUCCEED);
        FreeStyleProject p = project("deploy-app", step);

        FreeStyleBuild b = j.buildAndAssertSuccess(p);

        KubeconfigMasking.Filter filter = (KubeconfigMasking.Filter) p.getBuildWrappersList()
                .get(ShortLivedKubeconfigWrapper.class).createLoggerDecorator(b);
        assertTrue(filter.carriedValues().isEmpty(), "a freestyle filter looks its values up by build id");
        assertTrue(KubeconfigMasking.registered(b.getExternalizableId()).isEmpty(), "forgotten after the build");
        assertEquals(0, KubeconfigMasking.registeredRuns());
    }

    @Test
    void refusesATtlAboveTheRoleMaximum() throws Exception {
        LookAtKubeconfig step = new LookAtKubeconfig(LookAtKubeconfig.Then.SUCCEED);
        FreeStyleProject p = project("deploy-app", step);
        p.getBuildWrappersList().get(ShortLivedKubeconfigWrapper.class).setTtl("3h");

        FreeStyleBuild b = j.buildAndAssertStatus(Result.FAILURE, p);

        j.assertLogContains("ttl: 3h is above the maximum of 2h", b);
        j.assertLogContains("role \"robot\" spec.options.max_session_ttl", b);
        assertNull(step.file);
    }

    @Test
    void recordsWhatWasIssuedOnTheBuildWithoutKeyMaterial() throws Exception {
        LookAtKubeconfig step = new LookAtKubeconfig(LookAtKubeconfig.Then.SUCCEED);
        FreeStyleProject p = project("deploy-app", step);

        FreeStyleBuild b = j.buildAndAssertSuccess(p);

        IssuedKubeconfigsAction action = b.getAction(IssuedKubeconfigsAction.class);
        assertNotNull(action);
        assertEquals(1, action.getEntries().size());
        IssuedKubeconfigsAction.Entry entry = action.getEntries().get(0);
        assertEquals(SigningSetup.CLUSTER, entry.getCluster());
        assertEquals("jenkins", entry.getRobotUser());
        assertEquals("jenkins", entry.getKubernetesUser());
        assertEquals(List.of("system:masters"), entry.getGroups());
        assertFalse(entry.getSerial().isEmpty());
        String buildXml = Files.readString(b.getRootDir().toPath().resolve("build.xml"), StandardCharsets.UTF_8);
        assertTrue(buildXml.contains(entry.getSerial()), "the action is saved with the build");
        assertFalse(buildXml.contains(SigningSetup.firstBodyLine(step.keyPem)), "no key in build.xml");
        String page = j.createWebClient().getPage(b, "kubeconfigs/").getWebResponse().getContentAsString();
        assertTrue(page.contains(entry.getSerial()), "the build page lists the serial");
        assertTrue(page.contains("manage/short-lived-kubeconfig-audit/?job=" + AuditTrailLink.urlFor(
                p.getFullName(), b.getNumber()).split("\\?job=", 2)[1].replace("&", "&amp;")),
                "and links to the build's audit records");
    }

    @Test
    void configRoundtripKeepsTheWrapper() throws Exception {
        FreeStyleProject p = SigningSetup.boundFolder(j).createProject(FreeStyleProject.class, "deploy-app");
        ShortLivedKubeconfigWrapper before = new ShortLivedKubeconfigWrapper();
        before.setCluster(SigningSetup.CLUSTER);
        before.setUser("jenkins");
        before.setTtl("90m");
        before.setVariable("KUBE_CONFIG");
        before.setKubernetesUser("jenkins");
        p.getBuildWrappersList().add(before);

        j.configRoundtrip(p);

        j.assertEqualDataBoundBeans(before, p.getBuildWrappersList().get(ShortLivedKubeconfigWrapper.class));
    }

    @Test
    void theJobConfigurePageRendersTheWrapperWithItsLabels() throws Exception {
        FreeStyleProject p = project("deploy-app", new LookAtKubeconfig(LookAtKubeconfig.Then.SUCCEED));

        HtmlPage page = j.createWebClient().getPage(p, "configure");

        String html = page.getWebResponse().getContentAsString();
        assertTrue(html.contains("Lifetime (TTL)"), "the label keeps its parentheses");
        for (String field : List.of("_.cluster", "_.user", "_.ttl", "_.variable", "_.kubernetesUser")) {
            assertFalse(page.getElementsByName(field).isEmpty(), field);
        }
        assertNotNull(j.getButtonByCaption(page.getFormByName("config"), "Save"), "the page rendered whole");
    }

    /** A job in the bound folder with the wrapper and the step. */
    private FreeStyleProject project(String name, LookAtKubeconfig step) throws IOException {
        FreeStyleProject p = SigningSetup.boundFolder(j).createProject(FreeStyleProject.class, name);
        ShortLivedKubeconfigWrapper wrapper = new ShortLivedKubeconfigWrapper();
        wrapper.setTtl("1h");
        p.getBuildWrappersList().add(wrapper);
        p.getBuildersList().add(step);
        return p;
    }

    /** A build step that looks at the kubeconfig as a build would: through $KUBECONFIG, while the build runs. */
    static final class LookAtKubeconfig extends TestBuilder {
        enum Then { SUCCEED, FAIL, WAIT, PRINT }

        private final Then then;
        transient volatile Path file;
        transient volatile String content = "";
        transient volatile String keyPem = "";
        transient volatile boolean wasPrivate;
        final transient OneShotEvent inside = new OneShotEvent();

        LookAtKubeconfig(Then then) {
            this.then = then;
        }

        @Override
        public boolean perform(AbstractBuild<?, ?> build, Launcher launcher, BuildListener listener)
                throws InterruptedException, IOException {
            String path = build.getEnvironment(listener).get("KUBECONFIG");
            assertNotNull(path, "$KUBECONFIG is set");
            file = Path.of(path);
            content = Files.readString(file, StandardCharsets.UTF_8);
            keyPem = SigningSetup.clientKeyPem(content);
            SigningSetup.assertPrivate(file);
            wasPrivate = true;
            inside.signal();
            switch (then) {
                case FAIL:
                    return false;
                case WAIT:
                    new OneShotEvent().block(); // until the test aborts the build
                    return true;
                case PRINT:
                    listener.getLogger().println(content);
                    return true;
                default:
                    return true;
            }
        }
    }
}
