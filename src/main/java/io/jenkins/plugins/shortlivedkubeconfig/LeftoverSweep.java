package io.jenkins.plugins.shortlivedkubeconfig;

import hudson.Extension;
import hudson.model.Computer;
import hudson.model.TaskListener;
import hudson.model.listeners.ItemListener;
import hudson.slaves.ComputerListener;
import hudson.util.LogTaskListener;
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
     * After the jobs are loaded: the built-in node and any agent already online. The directories of resumed
     * Pipeline blocks are theirs (their renewals resume with them: {@link ResumedRenewals}).
     */
    @Extension
    public static final class AtStartup extends ItemListener {
        @Override
        public void onLoaded() {
            TaskListener log = new LogTaskListener(LOGGER, Level.INFO);
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
