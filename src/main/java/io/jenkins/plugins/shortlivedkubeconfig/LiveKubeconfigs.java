package io.jenkins.plugins.shortlivedkubeconfig;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.FilePath;
import hudson.model.Computer;
import hudson.model.Job;
import hudson.model.Node;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import hudson.security.ACL;
import hudson.security.ACLContext;
import io.jenkins.plugins.shortlivedkubeconfig.signer.InvalidInputException;
import io.jenkins.plugins.shortlivedkubeconfig.signer.LiveDirectories;
import io.jenkins.plugins.shortlivedkubeconfig.signer.LiveDirectory;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PrivateFiles;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Renewal;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Requester;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;

/**
 * The controller's list of the private kubeconfig directories that blocks have on nodes (the core's
 * {@link LiveDirectories}), kept in {@code JENKINS_HOME} so that it survives a restart, and the sweep that deletes
 * the directories of builds no longer running. The decisions are the core's; this keeps the file and talks to nodes.
 */
final class LiveKubeconfigs {
    static final String FILE = "io.jenkins.plugins.shortlivedkubeconfig.LiveDirectories.txt";
    private static final Logger LOGGER = Logger.getLogger(LiveKubeconfigs.class.getName());

    @CheckForNull
    private static LiveDirectories current; // guarded by LiveKubeconfigs.class
    /** The JENKINS_HOME {@link #current} was read from: a test JVM runs several controllers, one after another. */
    @CheckForNull
    private static Path currentHome; // guarded by LiveKubeconfigs.class

    private LiveKubeconfigs() {}

    static synchronized LiveDirectories get() {
        LiveDirectories registry = current;
        Path home = Jenkins.get().getRootDir().toPath();
        if (registry == null || !home.equals(currentHome)) {
            registry = load();
            current = registry;
            currentHome = home;
        }
        return registry;
    }

    static synchronized void add(LiveDirectory directory) {
        current = get().with(directory);
        save();
    }

    /**
     * Records how a directory's kubeconfig is renewed (its first certificate, or the one a renewal just installed),
     * so that a restarted controller can resume. Nothing happens when the directory is no longer listed: its block
     * ended meanwhile.
     */
    static synchronized void renewing(LiveDirectory directory, Renewal renewal) {
        LiveDirectories before = get();
        if (!before.entries().contains(directory)) {
            return;
        }
        current = before.withRenewal(directory, renewal);
        save();
    }

    static synchronized void remove(LiveDirectory directory) {
        LiveDirectories before = get();
        current = before.without(directory);
        if (current != before) {
            save();
        }
    }

    /** Forgets the in-memory copy, so that the next use reads the file (a restarted controller). For tests. */
    static synchronized void reload() {
        current = null;
    }

    private static Path file() {
        return Jenkins.get().getRootDir().toPath().resolve(FILE);
    }

    private static LiveDirectories load() {
        Path file = file();
        try {
            return LiveDirectories.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString(),
                    problem -> LOGGER.log(Level.WARNING, "{0}; that directory is no longer renewed, and still swept",
                            problem));
        } catch (NoSuchFileException e) {
            return LiveDirectories.empty();
        } catch (InvalidInputException | IOException | RuntimeException e) {
            LOGGER.log(Level.WARNING, "Cannot read the list of live kubeconfig directories ({0}); starting with an "
                    + "empty one: directories it named are no longer swept", e.getMessage());
            return LiveDirectories.empty();
        }
    }

    private static void save() {
        try {
            PrivateFiles.replace(file(), get().toText().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOGGER.log(Level.WARNING, "Cannot save the list of live kubeconfig directories to " + file(), e);
        }
    }

    /** The channel to a node by name ({@code ""} for the built-in node); null when it is offline or gone. */
    @CheckForNull
    static VirtualChannel channel(String nodeName) {
        Jenkins jenkins = Jenkins.get();
        Node node = nodeName.isEmpty() ? jenkins : jenkins.getNode(nodeName);
        Computer computer = node == null ? null : node.toComputer();
        return computer == null ? null : computer.getChannel();
    }

    /** The directory on its node, through that node's channel. */
    static FilePath onNode(VirtualChannel channel, LiveDirectory directory) {
        return new FilePath(channel, directory.parent()).child(directory.name());
    }

    /** Whether the build that owns a directory is still running (then its block may still use it). */
    static boolean isRunning(Requester build) {
        try (ACLContext ignored = ACL.as2(ACL.SYSTEM2)) {
            Job<?, ?> job = Jenkins.get().getItemByFullName(build.jobFullName(), Job.class);
            Run<?, ?> run = job == null ? null : job.getBuildByNumber(build.buildNumber());
            return run != null && run.isBuilding();
        }
    }

    /**
     * Deletes the directories on a node whose builds are no longer running, and forgets them. Failures are logged
     * and the directory kept in the list for the next sweep.
     *
     * @return how many directories were deleted
     */
    static int sweep(String nodeName, @CheckForNull VirtualChannel channel, TaskListener listener)
            throws InterruptedException {
        if (channel == null) {
            return 0;
        }
        List<LiveDirectory> leftovers = get().leftovers(nodeName, LiveKubeconfigs::isRunning);
        int deleted = 0;
        for (LiveDirectory directory : leftovers) {
            try {
                onNode(channel, directory).act(new AgentSideKey.DeleteDirectory());
                remove(directory);
                deleted++;
                String line = Messages.Sweep_Deleted(directory.describe(), directory.build());
                listener.getLogger().println(line);
                LOGGER.info(line);
            } catch (IOException e) {
                LOGGER.log(Level.WARNING, Messages.Sweep_Failed(directory.describe(), directory.build(),
                        e.getMessage()));
            }
        }
        return deleted;
    }
}
