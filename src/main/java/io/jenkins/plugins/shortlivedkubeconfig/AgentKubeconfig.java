package io.jenkins.plugins.shortlivedkubeconfig;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.FilePath;
import hudson.model.Computer;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.remoting.ChannelClosedException;
import hudson.remoting.VirtualChannel;
import io.jenkins.plugins.shortlivedkubeconfig.signer.ClientCsr;
import io.jenkins.plugins.shortlivedkubeconfig.signer.InvalidInputException;
import io.jenkins.plugins.shortlivedkubeconfig.signer.IssuedCertificate;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KubeconfigRequest;
import io.jenkins.plugins.shortlivedkubeconfig.signer.LiveDirectory;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyRefusal;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Renewal;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Requester;
import io.jenkins.plugins.shortlivedkubeconfig.signer.SigningService;
import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * A block's kubeconfig with an agent-side key: the key pair is made on the block's node ({@link AgentSideKey}), the
 * controller signs its CSR through the {@link SigningService}, the node writes the kubeconfig beside the key, and a
 * {@link KubeconfigRenewer} keeps it fresh. The private key never crosses the channel and never exists on the
 * controller. The directory is in {@link LiveKubeconfigs} from before the key exists until it is deleted, so that a
 * fault at any point leaves it to the {@link LeftoverSweep}.
 *
 * <p>Kubeconfigs the controller makes ({@link #written}) are listed and disposed of the same way.
 *
 * <p>This record is what the block's disposer keeps (Strings and an int: it serializes with a Pipeline's program and
 * survives a restart).
 *
 * @param node the node's name, {@code ""} for the built-in node
 * @param parent the path on that node of the directory that holds the private directory ({@code <workspace>@tmp})
 * @param directoryName the private directory's name (random, nothing secret)
 * @param path the kubeconfig's path on that node, for the environment variable
 */
record AgentKubeconfig(String node, String parent, String directoryName, String path, String job, int buildNumber)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /** A kubeconfig just written on the node, and the certificate in it (for the log, the masking and the action). */
    record Started(AgentKubeconfig file, IssuedCertificate certificate) { }

    /** The node could not make a key; the caller falls back to a controller-made key and says so in the build log. */
    static final class KeysUnavailableException extends Exception {
        private static final long serialVersionUID = 1L;

        KeysUnavailableException(String message) {
            super(message);
        }
    }

    /**
     * Makes the key on the workspace's node, has it signed, writes the kubeconfig there and starts renewing it.
     * Nothing is left behind when anything fails: the directory is deleted (or, when the node went away, left to the
     * sweep).
     *
     * @throws PolicyRefusal, InvalidInputException as the signing service refuses; audited there
     * @throws KeysUnavailableException when the node cannot make keys; nothing was written
     */
    static Started create(Run<?, ?> build, FilePath workspace, KubeconfigRequest request,
                          Supplier<SigningService> services, TaskListener listener)
            throws IOException, InterruptedException, PolicyRefusal, InvalidInputException, KeysUnavailableException {
        FilePath tmp = KubeconfigFile.parent(workspace);
        String node = nodeOf(workspace);
        SigningService service = services.get();
        service.checkBeforeIssue(request); // refused (and audited) before anything is made on the node
        tmp.mkdirs();
        AgentSideKey.Prepared prepared = tmp.act(new AgentSideKey.MakeKey());
        String name = prepared.directoryName();
        String csrPem = prepared.csrPem();
        if (name == null || csrPem == null) {
            throw new KeysUnavailableException(Messages.AgentKubeconfig_NoKeys(node.isEmpty() ? "(built-in)" : node,
                    String.valueOf(prepared.unavailable())));
        }
        LiveDirectory live = new LiveDirectory(node, prepared.parent(), name,
                new Requester(build.getParent().getFullName(), build.getNumber()));
        LiveKubeconfigs.add(live);
        try {
            ClientCsr csr = ClientCsr.readPem(csrPem, "the request from node " + live.describe());
            IssuedCertificate issued = service.issue(request, csr);
            String path = tmp.child(name).act(new AgentSideKey.InstallCertificate(issued));
            Renewal renewal = new Renewal(request, csr, Instant.now(), issued.notAfter());
            LiveKubeconfigs.renewing(live, renewal); // a restarted controller resumes from here
            KubeconfigRenewer.start(live, renewal, services, listener);
            return new Started(new AgentKubeconfig(node, prepared.parent(), name, path, live.build().jobFullName(),
                    live.build().buildNumber()), issued);
        } catch (IOException | InterruptedException | PolicyRefusal | InvalidInputException | RuntimeException e) {
            try {
                tmp.child(name).act(new AgentSideKey.DeleteDirectory());
                LiveKubeconfigs.remove(live);
            } catch (IOException | InterruptedException | RuntimeException suppressed) {
                e.addSuppressed(suppressed); // left to the sweep
            }
            throw e;
        }
    }

    /**
     * A kubeconfig the controller made and wrote on the node ({@link KubeconfigFile}: the node could not make keys,
     * or a service-account-token cluster): listed like an agent-side one, so that the same disposer deletes it and
     * the sweep finds it when the node went away first. It holds a private key or a token, so it must not be left.
     */
    static AgentKubeconfig written(Run<?, ?> build, FilePath workspace, KubeconfigFile file)
            throws IOException, InterruptedException {
        String parent = KubeconfigFile.parent(workspace).getRemote();
        LiveDirectory live = new LiveDirectory(nodeOf(workspace), parent, file.directoryName(),
                new Requester(build.getParent().getFullName(), build.getNumber()));
        LiveKubeconfigs.add(live);
        return new AgentKubeconfig(live.node(), parent, file.directoryName(), file.path(), live.build().jobFullName(),
                build.getNumber());
    }

    private static String nodeOf(FilePath workspace) throws AbortException {
        Computer computer = workspace.toComputer();
        if (computer == null) {
            throw new AbortException(Messages.AgentKubeconfig_NodeGone(workspace.getRemote()));
        }
        return computer.getName();
    }

    /** The directory as the core's registry knows it. */
    LiveDirectory live() {
        return new LiveDirectory(node, parent, directoryName, new Requester(job, buildNumber));
    }

    /**
     * The end of the block, however it ended: stops renewing and deletes the directory with the key and the
     * kubeconfig. When the node is offline (freestyle then passes a null workspace), or the channel closes during
     * the delete, says which directory on which node could not be removed and leaves it to the sweep that runs when
     * the node comes back.
     *
     * @param workspace the block's workspace when known; only its channel is used, the node's is used otherwise
     */
    void dispose(@CheckForNull FilePath workspace, TaskListener listener) throws IOException, InterruptedException {
        LiveDirectory live = live();
        KubeconfigRenewer.stop(live);
        VirtualChannel channel = workspace != null && workspace.getChannel() != null ? workspace.getChannel()
                : LiveKubeconfigs.channel(node);
        if (channel == null) {
            listener.getLogger().println(Messages.AgentKubeconfig_LeftForSweep(live.describe()));
            return;
        }
        try {
            LiveKubeconfigs.onNode(channel, live).act(new AgentSideKey.DeleteDirectory());
        } catch (IOException e) {
            if (e instanceof ChannelClosedException || LiveKubeconfigs.channel(node) == null) {
                // The agent went away during the delete (or its workspace's channel was already a closed one).
                listener.getLogger().println(Messages.AgentKubeconfig_LeftForSweep(live.describe()));
                return;
            }
            listener.getLogger().println(Messages.AgentKubeconfig_NotRemoved(live.describe(), e.getMessage()));
            throw e;
        }
        LiveKubeconfigs.remove(live);
    }
}
