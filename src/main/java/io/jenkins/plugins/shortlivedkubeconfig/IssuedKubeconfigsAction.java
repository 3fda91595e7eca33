package io.jenkins.plugins.shortlivedkubeconfig;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.model.Run;
import hudson.util.CopyOnWriteList;
import io.jenkins.plugins.shortlivedkubeconfig.signer.IssuedCertificate;
import io.jenkins.plugins.shortlivedkubeconfig.signer.IssuedKubeconfig;
import java.util.ArrayList;
import java.util.List;
import jenkins.model.RunAction2;

/**
 * "Short-lived kubeconfigs" on a build's page: what was issued to this build, one row per kubeconfig (cluster,
 * robot user, Kubernetes user, groups, serial, validity). Saved with the build; holds no key material.
 */
public final class IssuedKubeconfigsAction implements RunAction2 {
    /**
     * A Pipeline may open blocks in a loop: the build keeps the first this many rows (saved with the build, held in
     * the controller's memory) and counts the rest. Every issuance is in the audit trail regardless.
     */
    static final int MAX_ENTRIES = 500;

    private final CopyOnWriteList<Entry> entries = new CopyOnWriteList<>();
    /** Issued to this build but not listed, past {@link #MAX_ENTRIES}. */
    private int notListed;
    @CheckForNull
    private transient Run<?, ?> run;

    /** Adds what was just issued to the build's action, creating the action on first use. */
    static void record(Run<?, ?> run, IssuedKubeconfig issued) {
        record(run, new Entry(issued.cluster(), issued.robotUser(), issued.kubernetesUser(), issued.groups(),
                issued.serialHex(), issued.notBefore().toString(), issued.notAfter().toString()));
    }

    /** The same for a certificate signed for a key made on the block's node. */
    static void record(Run<?, ?> run, IssuedCertificate issued) {
        record(run, new Entry(issued.cluster().name(), issued.robotUser(), issued.kubernetesUser(), issued.groups(),
                issued.serialHex(), issued.notBefore().toString(), issued.notAfter().toString()));
    }

    private static void record(Run<?, ?> run, Entry entry) {
        IssuedKubeconfigsAction action;
        synchronized (IssuedKubeconfigsAction.class) {
            action = run.getAction(IssuedKubeconfigsAction.class);
            if (action == null) {
                action = new IssuedKubeconfigsAction();
                run.addAction(action);
            }
        }
        action.add(entry);
    }

    private synchronized void add(Entry entry) {
        if (entries.size() < MAX_ENTRIES) {
            entries.add(entry);
        } else {
            notListed++;
        }
    }

    /** How many kubeconfigs were issued to this build beyond those listed. */
    public synchronized int getNotListed() {
        return notListed;
    }

    /** Every kubeconfig issued to this build, listed or not. */
    public synchronized int getIssuedCount() {
        return entries.size() + notListed;
    }

    public List<Entry> getEntries() {
        return entries.getView();
    }

    @CheckForNull
    public Run<?, ?> getRun() {
        return run;
    }

    /** This build's records on the audit page, relative to the Jenkins root URL; null before the action is attached. */
    @CheckForNull
    public String getAuditUrl() {
        Run<?, ?> r = run;
        return r == null ? null : AuditTrailLink.urlFor(r.getParent().getFullName(), r.getNumber());
    }

    @Override
    public void onAttached(Run<?, ?> r) {
        this.run = r;
    }

    @Override
    public void onLoad(Run<?, ?> r) {
        this.run = r;
    }

    @Override
    public String getIconFileName() {
        return "symbol-key";
    }

    @Override
    public String getDisplayName() {
        return Messages.IssuedKubeconfigsAction_DisplayName();
    }

    @Override
    public String getUrlName() {
        return "kubeconfigs";
    }

    /** One issued kubeconfig, described without secrets. Times are ISO-8601 UTC. */
    public static final class Entry {
        private final String cluster;
        private final String robotUser;
        private final String kubernetesUser;
        private final ArrayList<String> groups;
        private final String serial;
        private final String notBefore;
        private final String notAfter;

        Entry(String cluster, String robotUser, String kubernetesUser, List<String> groups, String serial,
              String notBefore, String notAfter) {
            this.cluster = cluster;
            this.robotUser = robotUser;
            this.kubernetesUser = kubernetesUser;
            this.groups = new ArrayList<>(groups); // a plain list, for the build's XML
            this.serial = serial;
            this.notBefore = notBefore;
            this.notAfter = notAfter;
        }

        public String getCluster() {
            return cluster;
        }

        public String getRobotUser() {
            return robotUser;
        }

        public String getKubernetesUser() {
            return kubernetesUser;
        }

        public List<String> getGroups() {
            return List.copyOf(groups);
        }

        public String getSerial() {
            return serial;
        }

        public String getNotBefore() {
            return notBefore;
        }

        public String getNotAfter() {
            return notAfter;
        }
    }
}
