package io.jenkins.plugins.shortlivedkubeconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.FreeStyleBuild;
import hudson.model.TaskListener;
import hudson.slaves.DumbSlave;
import hudson.util.StreamTaskListener;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KeyDirectory;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KubeconfigSummary;
import io.jenkins.plugins.shortlivedkubeconfig.signer.LiveDirectories;
import io.jenkins.plugins.shortlivedkubeconfig.signer.LiveDirectory;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyRefusal;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Renewal;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Requester;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** Agent-side keys with a real agent JVM: the key is made and kept there; only the CSR and certificate cross. */
@WithJenkins
class AgentKubeconfigTest {
    private JenkinsRule j;
    private AgentKeySetup setup;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private TaskListener listener;

    @BeforeEach
    void setUp(JenkinsRule rule) throws Exception {
        j = rule;
        setup = new AgentKeySetup();
        listener = new StreamTaskListener(log, StandardCharsets.UTF_8);
    }

    private static byte[] serialized(Object o) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        return new String(haystack, StandardCharsets.ISO_8859_1).contains(new String(needle, StandardCharsets.ISO_8859_1));
    }

    @Test
    void theKeyIsMadeOnTheAgentAndOnlyTheCsrAndCertificateCross() throws Exception {
        DumbSlave agent = j.createOnlineSlave();
        FreeStyleBuild b = AgentKeySetup.buildOn(j, agent);
        AgentKubeconfig.Started started = start(b);

        Path kubeconfig = Path.of(started.file().path());
        Path directory = kubeconfig.getParent();
        assertEquals(agent.getNodeName(), started.file().node());
        assertTrue(kubeconfig.startsWith(agent.getRemoteFS()), "written under the agent's root");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(kubeconfig)));
        Path keyFile = directory.resolve(KeyDirectory.KEY);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));

        // The kubeconfig embeds the key the agent made, and the certificate is for it.
        String keyPem = Files.readString(keyFile, StandardCharsets.US_ASCII);
        assertEquals(keyPem, AgentKeySetup.keyIn(kubeconfig));
        KubeconfigSummary summary = KubeconfigSummary.read(Files.readAllBytes(kubeconfig), "kubeconfig");
        assertEquals(started.certificate().serialHex(), summary.serialHex());
        assertEquals("CN=jenkins,O=deployers", started.certificate().certificate().getSubjectX500Principal().getName());

        // What crosses the channel: the callables and what they return hold no key material.
        byte[] keyDer = Base64.getMimeDecoder().decode(keyPem.replaceAll("-----[A-Z ]+-----", ""));
        String keyBody = keyPem.lines().skip(1).findFirst().orElseThrow();
        AgentSideKey.InstallCertificate install = new AgentSideKey.InstallCertificate(started.certificate());
        assertEquals(started.certificate().certificatePem(), install.certificatePem());
        for (Object crossing : new Object[] {new AgentSideKey.MakeKey(), install, new AgentSideKey.DeleteDirectory(),
            started.file(), new AgentSideKey.Prepared(directory.getParent().toString(), directory.getFileName()
                    .toString(), "csr", null)}) {
            byte[] bytes = serialized(crossing);
            assertFalse(contains(bytes, keyDer), crossing + " carries the key");
            assertFalse(contains(bytes, keyBody.getBytes(StandardCharsets.US_ASCII)), crossing + " carries the key");
            assertFalse(contains(bytes, "PRIVATE KEY".getBytes(StandardCharsets.US_ASCII)), crossing + " carries a key");
        }
        assertFalse(started.certificate().toString().contains("PRIVATE"));
        assertTrue(KubeconfigRenewer.isRenewing(started.file().live()));
        assertTrue(LiveKubeconfigs.get().entries().contains(started.file().live()));

        started.file().dispose(AgentKeySetup.workspace(b), listener);
        assertFalse(Files.exists(directory));
        assertFalse(KubeconfigRenewer.isRenewing(started.file().live()));
        assertFalse(LiveKubeconfigs.get().entries().contains(started.file().live()));
    }

    @Test
    void aRefusalLeavesNothingOnTheAgent() throws Exception {
        DumbSlave agent = j.createOnlineSlave();
        FreeStyleBuild b = AgentKeySetup.buildOn(j, agent);
        setup.service = setup.service(AgentKeySetup.POLICY_WITHOUT_BINDING);
        assertThrows(PolicyRefusal.class, () -> AgentKubeconfig.create(b, AgentKeySetup.workspace(b),
                AgentKeySetup.request(b, "1h"), () -> setup.service, listener));
        Path tmp = Path.of(AgentKeySetup.workspace(b).getRemote() + "@tmp");
        assertTrue(!Files.exists(tmp) || Files.list(tmp).findAny().isEmpty(), "no directory left on the agent");
        assertTrue(LiveKubeconfigs.get().entries().isEmpty());
    }

    @Test
    void aNullWorkspaceWithTheAgentGoneNamesTheDirectoryAndLeavesItToTheSweep() throws Exception {
        DumbSlave agent = j.createOnlineSlave();
        FreeStyleBuild b = AgentKeySetup.buildOn(j, agent);
        AgentKubeconfig.Started started = start(b);
        Path directory = Path.of(started.file().path()).getParent();
        agent.toComputer().disconnect(null).get();
        j.waitUntilNoActivity();
        assertNull(agent.toComputer().getChannel());

        started.file().dispose(null, listener); // freestyle's tearDown when the agent is gone: no NullPointerException
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("Could not remove the kubeconfig directory " + started.file().live().describe()
                + ": the node is offline. It is deleted when the node is back online."), text);
        assertTrue(text.contains("on node \"" + agent.getNodeName() + "\""), text);
        assertTrue(Files.exists(directory), "left for the sweep");
        assertTrue(LiveKubeconfigs.get().entries().contains(started.file().live()));
        assertFalse(KubeconfigRenewer.isRenewing(started.file().live()));
    }

    @Test
    void neverTwoRenewersForOneDirectory() throws Exception {
        DumbSlave agent = j.createOnlineSlave();
        FreeStyleBuild b = AgentKeySetup.buildOn(j, agent);
        AgentKubeconfig.Started started = start(b);
        Renewal recorded = LiveKubeconfigs.get().renewal(started.file().live());
        assertNotNull(recorded, "the registry keeps what a restarted controller needs to resume renewing");
        assertEquals(started.certificate().notAfter(), recorded.notAfter());
        assertNull(KubeconfigRenewer.start(started.file().live(), recorded, () -> setup.service, listener),
                "a second renewer for the same directory is not started");
        assertTrue(KubeconfigRenewer.stop(started.file().live()));
        assertFalse(KubeconfigRenewer.stop(started.file().live()));
        started.file().dispose(AgentKeySetup.workspace(b), listener);
    }

    @Test
    void resumingAfterARestartSaysWhatHappensToEachDirectory() throws Exception {
        DumbSlave agent = j.createOnlineSlave();
        FreeStyleBuild b = AgentKeySetup.buildOn(j, agent);
        AgentKubeconfig.Started started = start(b);
        LiveDirectory live = started.file().live();
        Requester build = live.build();
        Renewal renewal = LiveKubeconfigs.get().renewal(live);
        assertNotNull(renewal);

        ResumedRenewals.resume(build, LiveKubeconfigs.get(), listener);
        assertFalse(log.toString(StandardCharsets.UTF_8).contains("again"), "a renewer runs already: none added");

        assertTrue(KubeconfigRenewer.stop(live)); // as after a restart: nothing renews it
        ResumedRenewals.resume(build, LiveKubeconfigs.get(), listener);
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("The controller restarted: renewing the short-lived kubeconfig " + live.describe()
                + " again; next renewal at "), text);
        assertTrue(KubeconfigRenewer.isRenewing(live));

        Instant past = Instant.now().minusSeconds(60);
        LiveDirectory other = new LiveDirectory(live.node(), live.parent(), "kubeconfig-1", build);
        LiveDirectories earlier = LiveDirectories.empty().with(other)
                .withRenewal(new LiveDirectory(live.node(), live.parent(), "kubeconfig-2", build),
                        renewal.renewed(past.minusSeconds(3600), past));
        ResumedRenewals.resume(build, earlier, listener);
        text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("the kubeconfig " + other.describe() + " of " + build + " is no longer renewed"),
                text);
        assertTrue(text.contains("kubeconfig-2 on node \"" + agent.getNodeName() + "\" expired at " + past), text);
        started.file().dispose(AgentKeySetup.workspace(b), listener);
        assertFalse(KubeconfigRenewer.isRenewing(live));
    }

    @Test
    void directoryNamesCarryNothingSecret() throws Exception {
        DumbSlave agent = j.createOnlineSlave();
        FreeStyleBuild b = AgentKeySetup.buildOn(j, agent);
        AgentKubeconfig.Started started = start(b);
        assertTrue(Pattern.matches("kubeconfig-[0-9]+", started.file().directoryName()));
        String registry = Files.readString(j.jenkins.getRootDir().toPath().resolve(LiveKubeconfigs.FILE));
        assertTrue(registry.contains(started.file().directoryName()));
        assertFalse(registry.contains("PRIVATE"));
        started.file().dispose(AgentKeySetup.workspace(b), listener);
    }

    /** A one-hour kubeconfig for the build's block, as the wrapper starts it. */
    private AgentKubeconfig.Started start(FreeStyleBuild b) throws Exception {
        return AgentKubeconfig.create(b, AgentKeySetup.workspace(b), AgentKeySetup.request(b, "1h"),
                () -> setup.service, listener);
    }
}
