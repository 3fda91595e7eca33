package io.jenkins.plugins.shortlivedkubeconfig;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.init.Terminator;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import io.jenkins.plugins.shortlivedkubeconfig.signer.InvalidInputException;
import io.jenkins.plugins.shortlivedkubeconfig.signer.IssuedCertificate;
import io.jenkins.plugins.shortlivedkubeconfig.signer.LiveDirectory;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyRefusal;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Renewal;
import io.jenkins.plugins.shortlivedkubeconfig.signer.RenewalSchedule;
import io.jenkins.plugins.shortlivedkubeconfig.signer.SigningService;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import jenkins.util.Timer;

/**
 * Renews the certificate of one live block's kubeconfig on the controller, when the core's {@link RenewalSchedule}
 * says so: the signing service checks the policy again for the same request and CSR, and the node replaces the
 * kubeconfig atomically with the key it kept. One build-log line per renewal, failure or stop; no secrets. At most
 * one renewer per directory, in this controller's memory; it stops when the block's disposer calls {@link #stop}, on
 * a refusal, or when the certificate expires. Each renewal is recorded in {@link LiveKubeconfigs}, from which
 * {@link ResumedRenewals} starts the renewer again when a Pipeline resumes after a controller restart.
 */
final class KubeconfigRenewer {
    private static final Map<String, KubeconfigRenewer> ACTIVE = new ConcurrentHashMap<>();

    private final LiveDirectory directory;
    private final Supplier<SigningService> services;
    private final TaskListener listener;
    /** Held while a certificate is installed on the node, so that {@link #stop} can wait for it. */
    private final ReentrantLock installing = new ReentrantLock();
    private Renewal renewal; // guarded by this
    private final RenewalSchedule schedule; // guarded by this
    @CheckForNull
    private ScheduledFuture<?> next; // guarded by this

    private KubeconfigRenewer(LiveDirectory directory, Renewal renewal, Supplier<SigningService> services,
                              TaskListener listener, Clock clock) {
        this.directory = directory;
        this.renewal = renewal;
        this.services = services;
        this.listener = listener;
        this.schedule = renewal.schedule(clock);
    }

    /**
     * Starts renewing a block's kubeconfig where {@code renewal} stands (a new block's first certificate, or, after a
     * restart, the last one installed), unless a renewer for that directory already runs.
     *
     * @return the next attempt when this call started a renewer; null when one already ran
     */
    @CheckForNull
    static Instant start(LiveDirectory directory, Renewal renewal, Supplier<SigningService> services,
                         TaskListener listener) {
        KubeconfigRenewer renewer = new KubeconfigRenewer(directory, renewal, services, listener, Clock.systemUTC());
        if (ACTIVE.putIfAbsent(key(directory), renewer) != null) {
            return null;
        }
        return renewer.scheduleNext();
    }

    /**
     * Stops renewing (the block ended). Waits for nothing: a renewal under way finds the schedule ended and neither
     * writes a log line nor schedules another.
     *
     * @return whether a renewer was running
     */
    static boolean stop(LiveDirectory directory) {
        KubeconfigRenewer renewer = ACTIVE.remove(key(directory));
        if (renewer == null) {
            return false;
        }
        renewer.end();
        // An install under way finishes before the block deletes the directory it writes into.
        renewer.installing.lock();
        renewer.installing.unlock();
        return true;
    }

    /** The controller shuts down: renewers end with it ({@link ResumedRenewals} starts them again). */
    @Terminator
    public static void stopAll() {
        for (String key : ACTIVE.keySet()) {
            KubeconfigRenewer renewer = ACTIVE.remove(key);
            if (renewer != null) {
                renewer.end();
            }
        }
    }

    /** Whether a renewer runs for that directory. */
    static boolean isRenewing(LiveDirectory directory) {
        return ACTIVE.containsKey(key(directory));
    }

    private static String key(LiveDirectory directory) {
        return directory.node() + '\n' + directory.parent() + '\n' + directory.name();
    }

    private synchronized void end() {
        schedule.end();
        ScheduledFuture<?> pending = next;
        if (pending != null) {
            pending.cancel(false);
        }
    }

    @CheckForNull
    private synchronized Instant scheduleNext() {
        Duration delay = schedule.delay();
        if (delay == null) {
            ACTIVE.remove(key(directory), this);
            return null;
        }
        next = Timer.get().schedule(this::renew, delay.toMillis(), TimeUnit.MILLISECONDS);
        return schedule.nextAttempt();
    }

    private void renew() {
        Renewal current;
        synchronized (this) {
            if (schedule.state() != RenewalSchedule.State.RENEWING) {
                return;
            }
            current = renewal;
        }
        String failure;
        try {
            IssuedCertificate issued = services.get().issue(current.request(), current.csr());
            VirtualChannel channel = LiveKubeconfigs.channel(directory.node());
            if (channel == null) {
                failure = Messages.Renewer_NodeOffline(directory.describe());
            } else {
                installing.lock();
                try {
                    synchronized (this) {
                        if (schedule.state() != RenewalSchedule.State.RENEWING) {
                            return; // the block ended: its directory is being deleted
                        }
                    }
                    LiveKubeconfigs.onNode(channel, directory).act(new AgentSideKey.InstallCertificate(issued));
                    synchronized (this) {
                        if (schedule.state() != RenewalSchedule.State.RENEWING) {
                            return;
                        }
                        schedule.renewed(issued.notAfter());
                        renewal = current.renewed(schedule.issuedAt(), schedule.notAfter());
                        // Under this lock, so that a block ending meanwhile cannot be listed again.
                        LiveKubeconfigs.renewing(directory, renewal);
                    }
                } finally {
                    installing.unlock();
                }
                listener.getLogger().println(Messages.Renewer_Renewed(issued.summary()));
                scheduleNext();
                return;
            }
        } catch (PolicyRefusal e) {
            if (e.isTransient()) {
                failure = e.getMessage(); // the CA credential may come back: retry
            } else {
                refused(e.getMessage());
                return;
            }
        } catch (InvalidInputException e) {
            refused(e.getMessage());
            return;
        } catch (IOException | RuntimeException e) {
            failure = e.getClass().getSimpleName() + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted";
        }
        RenewalSchedule.State state;
        String until;
        String retryAt;
        synchronized (this) {
            if (schedule.state() != RenewalSchedule.State.RENEWING) {
                return;
            }
            state = schedule.failed(failure);
            until = String.valueOf(schedule.notAfter());
            retryAt = String.valueOf(schedule.nextAttempt());
        }
        if (state == RenewalSchedule.State.RENEWING) {
            listener.getLogger().println(Messages.Renewer_Failed(failure, until, retryAt));
        } else {
            listener.getLogger().println(Messages.Renewer_Expired(failure, until));
        }
        scheduleNext();
    }

    private void refused(String reason) {
        String until;
        synchronized (this) {
            if (schedule.state() != RenewalSchedule.State.RENEWING) {
                return;
            }
            schedule.refused(reason);
            until = String.valueOf(schedule.notAfter());
        }
        ACTIVE.remove(key(directory), this);
        listener.getLogger().println(Messages.Renewer_Refused(reason, until));
    }
}
