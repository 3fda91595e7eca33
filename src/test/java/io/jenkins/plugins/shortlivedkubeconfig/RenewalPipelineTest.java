package io.jenkins.plugins.shortlivedkubeconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.slaves.DumbSlave;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.BuildWatcherExtension;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * A Pipeline block that outlives its one-minute certificate on a real agent: renewed in place once, with one log
 * line, and the file deleted and the renewer gone when the block ends. Needs the wrapper wired to
 * {@link AgentKubeconfig}.
 */
@WithJenkins
class RenewalPipelineTest {
    @RegisterExtension
    static final BuildWatcherExtension BUILD_WATCHER = new BuildWatcherExtension();

    private static final Pattern SERIAL = Pattern.compile("serial ([0-9a-f]+)");

    @Test
    void aLongBlockIsRenewedInPlace(JenkinsRule j) throws Exception {
        SigningSetup.configure(j, RenewalPipelineTest.class, "deployers.yaml");
        DumbSlave agent = j.createOnlineSlave(hudson.model.Label.get("kube"));
        WorkflowJob p = j.createProject(WorkflowJob.class, "deploy-soak");
        p.setDefinition(new CpsFlowDefinition("""
                node('kube') {
                  withShortLivedKubeconfig(cluster: 'demo', user: 'jenkins', ttl: '1m') {
                    echo "kubeconfig at ${env.KUBECONFIG}"
                    sleep 50
                    sh 'grep -c client-certificate-data "$KUBECONFIG"'
                  }
                }
                """, true));
        WorkflowRun b = j.buildAndAssertSuccess(p);
        String log = JenkinsRule.getLog(b);
        Path file = SigningSetup.printedPath(b);
        assertTrue(file.startsWith(agent.getRemoteFS()), "the key and file are on the agent");
        assertEquals(1, count(log, "Renewed the short-lived kubeconfig: "), log);
        Matcher serials = SERIAL.matcher(log);
        assertTrue(serials.find());
        String first = serials.group(1);
        assertTrue(serials.find());
        assertFalse(first.equals(serials.group(1)), "a new certificate");
        assertFalse(log.contains("PRIVATE"), log);
        assertFalse(Files.exists(file.getParent()), "deleted when the block ended");
        assertTrue(LiveKubeconfigs.get().entries().isEmpty());
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
