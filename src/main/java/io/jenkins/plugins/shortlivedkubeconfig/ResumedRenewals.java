package io.jenkins.plugins.shortlivedkubeconfig;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Queue;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.shortlivedkubeconfig.signer.LiveDirectories;
import io.jenkins.plugins.shortlivedkubeconfig.signer.LiveDirectory;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Renewal;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Requester;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.util.Timer;
import org.jenkinsci.plugins.workflow.flow.FlowExecution;
import org.jenkinsci.plugins.workflow.flow.FlowExecutionListener;
import org.jenkinsci.plugins.workflow.flow.FlowExecutionOwner;

/**
 * A Pipeline resumed after a controller restart: the renewals of its blocks' kubeconfigs start again where
 * {@link LiveKubeconfigs} says they stood (a renewal that fell due during the restart runs at once), and the build
 * log says so, for each block. A kubeconfig that expired during the restart is said to be expired, and one without a
 * recorded renewal (listed by an earlier version of the plugin) to be no longer renewed. A renewer already running
 * for a directory is left alone: never two for one file. Freestyle builds do not survive a restart; the sweep
 * deletes their directories.
 */
@Extension(optional = true) // workflow-api is an optional dependency: without Pipeline there is nothing to resume
public final class ResumedRenewals extends FlowExecutionListener {
    private static final Logger LOGGER = Logger.getLogger(ResumedRenewals.class.getName());

    @Override
    public void onResumed(@NonNull FlowExecution execution) {
        // Called while the build is being loaded: look it up and write its log once loading is over.
        FlowExecutionOwner owner = execution.getOwner();
        Timer.get().submit(() -> resume(owner));
    }

    private static void resume(FlowExecutionOwner owner) {
        try {
            Queue.Executable executable = owner.getExecutable();
            if (!(executable instanceof Run<?, ?> run)) {
                return;
            }
            Requester build = new Requester(run.getParent().getFullName(), run.getNumber());
            LiveDirectories registry = LiveKubeconfigs.get();
            if (registry.of(build).isEmpty()) {
                return;
            }
            resume(build, registry, owner.getListener());
        } catch (IOException | RuntimeException e) {
            LOGGER.log(Level.WARNING, "Cannot resume the kubeconfig renewals of " + owner, e);
        }
    }

    /** Resumes the renewals of one build's directories, saying what happened to each in its log. */
    static void resume(Requester build, LiveDirectories registry, TaskListener listener) {
        PrintStream log = listener.getLogger();
        Instant now = Instant.now();
        for (LiveDirectory directory : registry.of(build)) {
            Renewal renewal = registry.renewal(directory);
            if (renewal == null) {
                log.println(Messages.Renewer_StoppedByRestart(directory.describe(), build));
            } else if (renewal.expiredAt(now)) {
                log.println(Messages.Renewer_ExpiredDuringRestart(directory.describe(), renewal.notAfter()));
            } else {
                Instant next = KubeconfigRenewer.start(directory, renewal,
                        () -> ShortLivedKubeconfigConfiguration.get().signingService(), listener);
                if (next != null) {
                    log.println(Messages.Renewer_Resumed(directory.describe(), next));
                }
            }
        }
    }
}
