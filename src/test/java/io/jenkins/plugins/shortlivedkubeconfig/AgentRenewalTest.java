package io.jenkins.plugins.shortlivedkubeconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.FreeStyleBuild;
import hudson.slaves.DumbSlave;
import hudson.util.StreamTaskListener;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KubeconfigSummary;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The controller renews a live block's certificate on a real agent at two thirds of its one-minute lifetime, with
 * the key kept there; a binding removed meanwhile stops the renewals with a log line.
 */
@WithJenkins
class AgentRenewalTest {
    private static void await(BooleanSupplier condition, int seconds) throws InterruptedException {
        for (int i = 0; i < seconds * 10 && !condition.getAsBoolean(); i++) {
            Thread.sleep(100);
        }
    }

    @Test
    void renewsInPlaceThenStopsWhenTheBindingIsRemoved(JenkinsRule j) throws Exception {
        AgentKeySetup setup = new AgentKeySetup();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        StreamTaskListener listener = new StreamTaskListener(log, StandardCharsets.UTF_8);
        DumbSlave agent = j.createOnlineSlave();
        FreeStyleBuild b = AgentKeySetup.buildOn(j, agent);
        AgentKubeconfig.Started started = AgentKubeconfig.create(b, AgentKeySetup.workspace(b),
                AgentKeySetup.request(b, "1m"), () -> setup.service, listener);
        Path kubeconfig = Path.of(started.file().path());
        String key = AgentKeySetup.keyIn(kubeconfig);
        String firstSerial = started.certificate().serialHex();

        // 40 s in: renewed with the same agent-side key, one log line.
        await(() -> log.toString(StandardCharsets.UTF_8).contains("Renewed the short-lived kubeconfig"), 60);
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("Renewed the short-lived kubeconfig: robot user jenkins as Kubernetes user jenkins, "
                + "groups deployers, serial "), text);
        assertFalse(text.contains("PRIVATE"), text);
        KubeconfigSummary renewed = KubeconfigSummary.read(Files.readAllBytes(kubeconfig), "kubeconfig");
        assertNotEquals(firstSerial, renewed.serialHex());
        assertEquals(key, AgentKeySetup.keyIn(kubeconfig), "the key stays; only the certificate is new");

        // The administrator removes the binding: the next renewal is refused and renewing stops.
        setup.service = setup.service(AgentKeySetup.POLICY_WITHOUT_BINDING);
        await(() -> log.toString(StandardCharsets.UTF_8).contains("no longer allows"), 60);
        text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("The robot policy no longer allows this kubeconfig (no robot user of the policy may "
                + "be used by job \"apps-api\""), text);
        assertTrue(text.contains("renewals stop and the current one expires at " + renewed.notAfter()), text);
        assertFalse(KubeconfigRenewer.isRenewing(started.file().live()));
        assertEquals(renewed.serialHex(), KubeconfigSummary.read(Files.readAllBytes(kubeconfig), "kubeconfig")
                .serialHex(), "the current file is kept");
        started.file().dispose(AgentKeySetup.workspace(b), listener);
        assertFalse(Files.exists(kubeconfig));
    }
}
