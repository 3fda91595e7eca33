package io.jenkins.plugins.shortlivedkubeconfig;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.init.Terminator;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import io.jenkins.plugins.shortlivedkubeconfig.signer.ClientCsr;
import io.jenkins.plugins.shortlivedkubeconfig.signer.InvalidInputException;
import io.jenkins.plugins.shortlivedkubeconfig.signer.IssuedCertificate;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KubeconfigRequest;
import io.jenkins.plugins.shortlivedkubeconfig.signer.LiveDirectory;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyRefusal;
import io.jenkins.plugins.shortlivedkubeconfig.signer.RenewalSchedule;
import io.jenkins.plugins.shortlivedkubeconfig.signer.SigningService;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import jenkins.util.Timer;

/**
 * Renews the certificate of one live block's kubeconfig on the controller, when the core's {@link RenewalSchedule}
 * says so: the signing service checks the policy again for the same request and CSR, and the node replaces the
 * kubeconfig atomically with the key it kept. One build-log line per renewal, failure or stop; no secrets. At most
 * one renewer per directory; it stops when the block's disposer calls {@link #stop}, on a refusal, or when the
 * certificate expires. Renewers live in memory only: after a controller restart a resumed block keeps its current
 * certificate (the start-up sweep logs it).
 */
final class KubeconfigRenewer {
    private static final Map<String, KubeconfigRenewer> ACTIVE = new ConcurrentHashMap<>();

    private final LiveDirectory directory;
    private final KubeconfigRequest request;
    private final ClientCsr csr;
    private final Supplier<SigningService> services;
    private final TaskListener listener;
    private final RenewalSchedule schedule; // guarded by this
    @CheckForNull
    private ScheduledFuture<?> next; // guarded by this

    private KubeconfigRenewer(LiveDirectory directory, KubeconfigRequest request, ClientCsr csr,
                              IssuedCertificate issued, Supplier<SigningService> services, TaskListener listener,
                              Clock clock) {
        this.directory = directory;
        this.request = request;
        this.csr = csr;
        this.services = services;
        this.listener = listener;
        this.schedule = new RenewalSchedule(clock.instant(), issued.notAfter(), clock);
    }

    /**
     * Starts renewing a block's kubeconfig, unless a renewer for that directory already runs.
     *
     * @return whether this call started one
     */
    static boolean start(LiveDirectory directory, KubeconfigRequest request, ClientCsr csr, IssuedCertificate issued,
                         Supplier<SigningService> services, TaskListener listener) {
        KubeconfigRenewer renewer = new KubeconfigRenewer(directory, request, csr, issued, services, listener,
                Clock.systemUTC());
        if (ACTIVE.putIfAbsent(key(directory), renewer) != null) {
            return false;
        }
        renewer.scheduleNext();
        return true;
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
        return true;
    }

    /** The controller shuts down: renewers do not survive it (the start-up sweep says so for resumed blocks). */
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

    private synchronized void scheduleNext() {
        Duration delay = schedule.delay();
        if (delay == null) {
            ACTIVE.remove(key(directory), this);
            return;
        }
        next = Timer.get().schedule(this::renew, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized boolean renewing() {
        return schedule.state() == RenewalSchedule.State.RENEWING;
    }

    private void renew() {
        if (!renewing()) {
            return;
        }
        String failure;
        try {
            IssuedCertificate issued = services.get().issue(request, csr);
            VirtualChannel channel = LiveKubeconfigs.channel(directory.node());
            if (channel == null) {
                failure = Messages.Renewer_NodeOffline(directory.describe());
            } else {
                LiveKubeconfigs.onNode(channel, directory).act(new AgentSideKey.InstallCertificate(issued));
                synchronized (this) {
                    if (schedule.state() != RenewalSchedule.State.RENEWING) {
                        return;
                    }
                    schedule.renewed(issued.notAfter());
                }
                listener.getLogger().println(Messages.Renewer_Renewed(issued.summary()));
                scheduleNext();
                return;
            }
        } catch (PolicyRefusal e) {
            if (e.rule().equals("ca-unavailable")) {
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
