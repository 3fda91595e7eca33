package io.jenkins.plugins.shortlivedkubeconfig;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.FreeStyleBuild;
import hudson.slaves.DumbSlave;
import hudson.util.StreamTaskListener;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.jenkinsci.plugins.workflow.test.steps.SemaphoreStep;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.LogRecorder;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** Leftovers of an agent that went away mid-block are deleted when it comes back, and only those. */
@WithJenkins
class LeftoverSweepTest {
    private JenkinsRule j;
    private AgentKeySetup setup;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void setUp(JenkinsRule rule) throws Exception {
        j = rule;
        setup = new AgentKeySetup();
    }

    private static void waitUntilGone(Path directory) throws InterruptedException {
        for (int i = 0; i < 300 && Files.exists(directory); i++) {
            Thread.sleep(100);
        }
    }

    @Test
    void aReconnectingAgentLosesTheDirectoriesOfFinishedBuilds() throws Exception {
        LogRecorder logs = new LogRecorder().record(LiveKubeconfigs.class, Level.INFO).capture(20);
        DumbSlave agent = j.createOnlineSlave();
        FreeStyleBuild b = AgentKeySetup.buildOn(j, agent);
        AgentKubeconfig.Started started = AgentKubeconfig.create(b, AgentKeySetup.workspace(b),
                AgentKeySetup.request(b, "1h"), () -> setup.service, new StreamTaskListener(log, StandardCharsets.UTF_8));
        Path directory = Path.of(started.file().path()).getParent();
        agent.toComputer().disconnect(null).get();
        started.file().dispose(null, new StreamTaskListener(log, StandardCharsets.UTF_8));
        assertTrue(Files.exists(directory));

        agent.toComputer().connect(false).get();
        j.waitOnline(agent);
        waitUntilGone(directory);
        assertFalse(Files.exists(directory), "deleted when the agent came back");
        assertFalse(LiveKubeconfigs.get().entries().contains(started.file().live()));
        assertTrue(logs.getMessages().stream().anyMatch(m -> m.equals("Deleted the leftover kubeconfig directory "
                + started.file().live().describe() + " of " + AgentKeySetup.JOB + " #" + b.getNumber()
                + ", which is no longer running.")), logs.getMessages().toString());
    }

    @Test
    void aRunningBuildsDirectoryIsLeftAlone() throws Exception {
        DumbSlave agent = j.createOnlineSlave();
        WorkflowJob p = j.createProject(WorkflowJob.class, "apps-running");
        p.setDefinition(new CpsFlowDefinition("semaphore 'hold'", true));
        WorkflowRun running = p.scheduleBuild2(0).waitForStart();
        SemaphoreStep.waitForStart("hold/1", running);
        FreeStyleBuild b = AgentKeySetup.buildOn(j, agent);
        // The directory is the running Pipeline build's, on the agent.
        AgentKubeconfig.Started started = AgentKubeconfig.create(running, AgentKeySetup.workspace(b),
                io.jenkins.plugins.shortlivedkubeconfig.signer.KubeconfigRequest.by(
                        new io.jenkins.plugins.shortlivedkubeconfig.signer.Requester("apps-running", 1)),
                () -> setup.service, new StreamTaskListener(log, StandardCharsets.UTF_8));
        Path directory = Path.of(started.file().path()).getParent();
        KubeconfigRenewer.stop(started.file().live());
        agent.toComputer().disconnect(null).get();
        agent.toComputer().connect(false).get();
        j.waitOnline(agent);
        assertTrue(Files.exists(directory), "its build still runs");
        assertTrue(LiveKubeconfigs.get().entries().contains(started.file().live()));

        SemaphoreStep.success("hold/1", null);
        j.assertBuildStatusSuccess(j.waitForCompletion(running));
        agent.toComputer().disconnect(null).get();
        agent.toComputer().connect(false).get();
        j.waitOnline(agent);
        waitUntilGone(directory);
        assertFalse(Files.exists(directory), "swept once its build ended");
    }

    @Test
    void aDamagedRegistryFileIsReportedAndReplaced() throws Exception {
        Path file = j.jenkins.getRootDir().toPath().resolve(LiveKubeconfigs.FILE);
        Files.writeString(file, "garbage\n");
        LiveKubeconfigs.reload();
        LogRecorder logs = new LogRecorder().record(LiveKubeconfigs.class, Level.WARNING).capture(5);
        assertTrue(LiveKubeconfigs.get().entries().isEmpty());
        assertTrue(logs.getMessages().stream().anyMatch(m -> m.contains("line 1: not a live directories file")),
                logs.getMessages().toString());
    }
}
