package io.jenkins.plugins.shortlivedkubeconfig;

import hudson.Extension;
import hudson.model.Computer;
import hudson.model.TaskListener;
import hudson.model.listeners.ItemListener;
import hudson.slaves.ComputerListener;
import hudson.util.LogTaskListener;
import io.jenkins.plugins.shortlivedkubeconfig.signer.LiveDirectory;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;

/**
 * Deletes the private kubeconfig directories that faults left behind (an agent killed mid-block, a build aborted
 * while its agent was away): when a node comes online, and at start-up for every node online then. A directory is
 * deleted only once the build that made it is no longer running; a resumed Pipeline block deletes its own.
 */
final class LeftoverSweep {
    private static final Logger LOGGER = Logger.getLogger(LeftoverSweep.class.getName());

    private LeftoverSweep() {}

    /** An agent (re)connected: its leftovers can be reached again. */
    @Extension
    public static final class OnOnline extends ComputerListener {
        @Override
        public void onOnline(Computer c, TaskListener listener) throws InterruptedException {
            LiveKubeconfigs.sweep(c.getName(), c.getChannel(), listener);
        }
    }

    /**
     * After the jobs are loaded: the built-in node and any agent already online. Renewals do not survive a restart:
     * a resumed block keeps its current certificate until it expires, and says so here.
     */
    @Extension
    public static final class AtStartup extends ItemListener {
        @Override
        public void onLoaded() {
            TaskListener log = new LogTaskListener(LOGGER, Level.INFO);
            for (LiveDirectory directory : LiveKubeconfigs.get().entries()) {
                // onLoaded also follows "Reload Configuration from Disk", when renewers still run.
                if (LiveKubeconfigs.isRunning(directory.build()) && !KubeconfigRenewer.isRenewing(directory)) {
                    LOGGER.info(Messages.Renewer_StoppedByRestart(directory.describe(), directory.build()));
                }
            }
            try {
                for (Computer computer : Jenkins.get().getComputers()) {
                    if (computer.isOnline()) {
                        LiveKubeconfigs.sweep(computer.getName(), computer.getChannel(), log);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
