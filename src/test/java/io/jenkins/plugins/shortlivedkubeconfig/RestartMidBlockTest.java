package io.jenkins.plugins.shortlivedkubeconfig;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
 * The controller restarts while a block holds a kubeconfig: the resumed block still deletes its directory when it
 * ends, no renewer runs twice, and the list of live directories survives the restart. Needs the wrapper wired to
 * {@link AgentKubeconfig}.
 */
class RestartMidBlockTest {
    @RegisterExtension
    static final BuildWatcherExtension BUILD_WATCHER = new BuildWatcherExtension();

    @RegisterExtension
    private final JenkinsSessionExtension sessions = new JenkinsSessionExtension();

    private Path file;

    @Test
    void aResumedBlockDeletesItsFile() throws Throwable {
        sessions.then(j -> {
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
            assertTrue(LiveKubeconfigs.get().entries().size() == 1);
        });
        sessions.then(j -> {
            assertTrue(Files.exists(file), "kept across the restart: the block is still running");
            assertTrue(LiveKubeconfigs.get().entries().size() == 1, "the list survived the restart");
            assertFalse(KubeconfigRenewer.isRenewing(LiveKubeconfigs.get().entries().get(0)),
                    "renewals stop at a restart; never two renewers");
            WorkflowJob p = j.jenkins.getItemByFullName("deploy-app", WorkflowJob.class);
            WorkflowRun b = p.getBuildByNumber(1);
            SemaphoreStep.success("inside/1", null);
            j.assertBuildStatusSuccess(j.waitForCompletion(b));
            assertFalse(Files.exists(file.getParent()), "the resumed block deleted its directory");
            assertTrue(LiveKubeconfigs.get().entries().isEmpty());
            JenkinsRule.getLog(b);
        });
    }
}
