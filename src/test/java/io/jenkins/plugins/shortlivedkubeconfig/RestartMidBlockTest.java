package io.jenkins.plugins.shortlivedkubeconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.shortlivedkubeconfig.signer.LiveDirectory;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Renewal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.jenkinsci.plugins.workflow.test.steps.SemaphoreStep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.BuildWatcherExtension;
import org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension;

/**
 * The controller restarts while a block holds a kubeconfig: the resumed block's renewals start again where they stood
 * (one renewer, said in the build log), a renewal that fell due during the restart runs at once, a certificate that
 * expired meanwhile is said to be expired, the list of live directories survives, and the block still deletes its
 * directory when it ends.
 */
class RestartMidBlockTest {
    @RegisterExtension
    static final BuildWatcherExtension BUILD_WATCHER = new BuildWatcherExtension();

    @RegisterExtension
    private final JenkinsSessionExtension sessions = new JenkinsSessionExtension();

    private Path file;

    @Test
    void aResumedBlockRenewsAgainAndDeletesItsFile() throws Throwable {
        sessions.then(j -> {
            startBlock(j);
            assertTrue(KubeconfigRenewer.isRenewing(onlyDirectory()));
        });
        sessions.then(j -> {
            assertTrue(Files.exists(file), "kept across the restart: the block is still running");
            assertEquals(1, LiveKubeconfigs.get().entries().size(), "the list survived the restart");
            WorkflowRun b = build(j);
            j.waitForMessage("renewing the short-lived kubeconfig " + onlyDirectory().describe() + " again", b);
            assertTrue(KubeconfigRenewer.isRenewing(onlyDirectory()), "renewals resumed with the Pipeline");
            assertEquals(1, count(JenkinsRule.getLog(b), "renewing the short-lived kubeconfig"),
                    "one renewer, said once");
            LiveDirectory directory = onlyDirectory();
            SemaphoreStep.success("inside/1", null);
            j.assertBuildStatusSuccess(j.waitForCompletion(b));
            assertFalse(KubeconfigRenewer.isRenewing(directory), "stopped when the block ended");
            assertFalse(Files.exists(file.getParent()), "the resumed block deleted its directory");
            assertTrue(LiveKubeconfigs.get().entries().isEmpty());
        });
    }

    @Test
    void aRenewalThatFellDueDuringTheRestartRunsAtOnce() throws Throwable {
        sessions.then(j -> {
            startBlock(j);
            // As if the controller had been down for most of the certificate's lifetime: the renewal is due.
            changeRenewal(r -> r.renewed(r.notAfter().minus(Duration.ofMinutes(5)), r.notAfter()));
        });
        sessions.then(j -> {
            String before = Files.readString(file, StandardCharsets.UTF_8);
            WorkflowRun b = build(j);
            j.waitForMessage("Renewed the short-lived kubeconfig: ", b);
            assertNotEquals(before, Files.readString(file, StandardCharsets.UTF_8), "a new certificate in place");
            Renewal renewed = LiveKubeconfigs.get().renewal(onlyDirectory());
            assertNotNull(renewed);
            assertTrue(renewed.issuedAt().isAfter(Instant.now().minus(Duration.ofMinutes(1))),
                    "the registry records the new certificate");
            SemaphoreStep.success("inside/1", null);
            j.assertBuildStatusSuccess(j.waitForCompletion(b));
            assertFalse(Files.exists(file.getParent()));
        });
    }

    @Test
    void aCertificateThatExpiredDuringTheRestartIsNotRenewed() throws Throwable {
        sessions.then(j -> {
            startBlock(j);
            Instant past = Instant.now().minus(Duration.ofMinutes(1));
            changeRenewal(r -> r.renewed(past.minus(Duration.ofHours(1)), past));
        });
        sessions.then(j -> {
            WorkflowRun b = build(j);
            j.waitForMessage("it is not renewed, and commands that use it are refused as unauthorized", b);
            assertFalse(KubeconfigRenewer.isRenewing(onlyDirectory()));
            SemaphoreStep.success("inside/1", null);
            j.assertBuildStatusSuccess(j.waitForCompletion(b));
            assertFalse(Files.exists(file.getParent()), "still deleted when the block ends");
            assertTrue(LiveKubeconfigs.get().entries().isEmpty());
        });
    }

    private void startBlock(JenkinsRule j) throws Exception {
        SigningSetup.configure(j, RestartMidBlockTest.class, "deployers.yaml");
        WorkflowJob p = j.createProject(WorkflowJob.class, "deploy-app");
        p.setDefinition(new CpsFlowDefinition("""
                node {
                  withShortLivedKubeconfig(cluster: 'demo', user: 'jenkins', ttl: '1h') {
                    echo "kubeconfig at ${env.KUBECONFIG}"
                    semaphore 'inside'
                  }
                }
                """, true));
        WorkflowRun b = p.scheduleBuild2(0).waitForStart();
        SemaphoreStep.waitForStart("inside/1", b);
        file = SigningSetup.printedPath(b);
        assertTrue(Files.exists(file));
        assertEquals(1, LiveKubeconfigs.get().entries().size());
        assertNotNull(LiveKubeconfigs.get().renewal(onlyDirectory()), "what a restarted controller needs is kept");
    }

    /** Changes what the registry says of the block's renewal, as a longer outage would have left it. */
    private static void changeRenewal(UnaryOperator<Renewal> change) {
        LiveDirectory directory = onlyDirectory();
        Renewal renewal = LiveKubeconfigs.get().renewal(directory);
        assertNotNull(renewal);
        LiveKubeconfigs.renewing(directory, change.apply(renewal));
    }

    private static WorkflowRun build(JenkinsRule j) {
        WorkflowJob p = j.jenkins.getItemByFullName("deploy-app", WorkflowJob.class);
        assertNotNull(p);
        WorkflowRun b = p.getBuildByNumber(1);
        assertNotNull(b);
        return b;
    }

    private static LiveDirectory onlyDirectory() {
        assertEquals(1, LiveKubeconfigs.get().entries().size());
        return LiveKubeconfigs.get().entries().get(0);
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
