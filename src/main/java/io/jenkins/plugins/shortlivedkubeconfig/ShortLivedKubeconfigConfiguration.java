package io.jenkins.plugins.shortlivedkubeconfig;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.CredentialsStore;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.cloudbees.plugins.credentials.common.IdCredentials;
import com.cloudbees.plugins.credentials.common.StandardCertificateCredentials;
import com.cloudbees.plugins.credentials.domains.Domain;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.BulkChange;
import hudson.Extension;
import hudson.ExtensionList;
import hudson.Util;
import hudson.security.ACL;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import hudson.util.Secret;
import io.jenkins.plugins.shortlivedkubeconfig.signer.AuditSink;
import io.jenkins.plugins.shortlivedkubeconfig.signer.CaUnavailableException;
import io.jenkins.plugins.shortlivedkubeconfig.signer.CertificateAuthority;
import io.jenkins.plugins.shortlivedkubeconfig.signer.ClusterTarget;
import io.jenkins.plugins.shortlivedkubeconfig.signer.InvalidInputException;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KeyAlgorithm;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyException;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyParser;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyProblem;
import io.jenkins.plugins.shortlivedkubeconfig.signer.RobotPolicy;
import io.jenkins.plugins.shortlivedkubeconfig.signer.SigningService;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Ttl;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import jenkins.model.GlobalConfiguration;
import jenkins.model.Jenkins;
import net.sf.json.JSONObject;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;
import org.kohsuke.stapler.verb.GET;
import org.kohsuke.stapler.verb.POST;

/**
 * Manage Jenkins » System » Short-lived kubeconfig: the clusters, the signing CA (a SYSTEM credential, by id, and
 * the fingerprint an administrator pinned), the robot policy and the default lifetime. Administrators only. Holds the
 * one {@link SigningService} every entry point signs with, built once per configuration change.
 */
@Extension
@Symbol("shortLivedKubeconfig")
public class ShortLivedKubeconfigConfiguration extends GlobalConfiguration {
    static final String DEFAULT_TTL = "1h";
    /** The id "Generate a new CA" uses when it is free; the demo configuration names it. */
    static final String GENERATED_CA_ID = "kubernetes-client-ca";
    static final String GENERATED_CA_NAME = "Jenkins short-lived kubeconfig CA";
    static final Duration GENERATED_CA_LIFETIME = Duration.ofHours(87600);
    /** How the policy is named in its problems, e.g. {@code policy:12: ...}. */
    static final String POLICY_SOURCE = "policy";
    /** A field our section always renders: a submission without it did not come from a page showing our section. */
    private static final String SECTION_MARKER_FIELD = "defaultTtl";

    private List<KubernetesCluster> clusters = new ArrayList<>();
    @CheckForNull
    private String caCredentialsId;
    @CheckForNull
    private String caFingerprint;
    @CheckForNull
    private String policy;
    private String defaultTtl = DEFAULT_TTL;

    /** The service for one state of this configuration; null until first used. */
    @CheckForNull
    private transient volatile Signing signing;

    /** What a service was built from, so that any change of it is noticed without a listener. */
    private record Signing(State state, SigningService service) { }

    /** Everything a service depends on; the clusters by identity (each save binds new objects). */
    private record State(@CheckForNull String policy, String defaultTtl, List<KubernetesCluster> clusters,
                         @CheckForNull String caCredentialsId, @CheckForNull String caFingerprint) { }

    public ShortLivedKubeconfigConfiguration() {
        load();
    }

    public static ShortLivedKubeconfigConfiguration get() {
        return ExtensionList.lookupSingleton(ShortLivedKubeconfigConfiguration.class);
    }

    @Override
    public String getDisplayName() {
        return Messages.Configuration_DisplayName();
    }

    public List<KubernetesCluster> getClusters() {
        return List.copyOf(clusters);
    }

    @DataBoundSetter
    public void setClusters(@CheckForNull List<KubernetesCluster> clusters) {
        this.clusters = clusters == null ? new ArrayList<>() : new ArrayList<>(clusters);
        save();
    }

    /** The id of the {@link KubernetesClientCaCredentials} that signs, in the Jenkins root store. */
    @CheckForNull
    public String getCaCredentialsId() {
        return caCredentialsId;
    }

    @DataBoundSetter
    public void setCaCredentialsId(@CheckForNull String caCredentialsId) {
        this.caCredentialsId = Util.fixEmptyAndTrim(caCredentialsId);
        save();
    }

    /**
     * The SHA-256 fingerprint of the CA certificate an administrator chose: a credential whose certificate differs
     * signs nothing. Set when the CA is chosen on this page; Configuration as Code sets it explicitly.
     */
    @CheckForNull
    public String getCaFingerprint() {
        return caFingerprint;
    }

    @DataBoundSetter
    public void setCaFingerprint(@CheckForNull String caFingerprint) {
        this.caFingerprint = Util.fixEmptyAndTrim(caFingerprint);
        save();
    }

    /** The robot policy: Teleport roles and users plus job bindings, as YAML. */
    @CheckForNull
    public String getPolicy() {
        return policy;
    }

    @DataBoundSetter
    public void setPolicy(@CheckForNull String policy) {
        // Browsers submit a textarea with CRLF line ends and YAML block scalars add a final newline: keep one
        // form, so that a round trip through the form or Configuration as Code changes nothing. Lines keep their
        // numbers, which the policy's messages refer to.
        this.policy = policy == null || policy.isBlank() ? null : policy.replace("\r\n", "\n").stripTrailing();
        save();
    }

    /** The lifetime builds get when they ask for none, as a Go duration. */
    public String getDefaultTtl() {
        return defaultTtl;
    }

    @DataBoundSetter
    public void setDefaultTtl(@CheckForNull String defaultTtl) {
        String ttl = Util.fixEmptyAndTrim(defaultTtl);
        this.defaultTtl = ttl == null ? DEFAULT_TTL : ttl;
        save();
    }

    @Override
    public boolean configure(StaplerRequest2 req, JSONObject json) throws FormException {
        if (!json.has(SECTION_MARKER_FIELD)) {
            // Our section was not on the page that was saved (it failed to render, or another view posted the
            // form): keep every stored value instead of taking the absence of clusters for "all deleted".
            return true;
        }
        Object submitted = json.opt("clusters");
        List<KubernetesCluster> newClusters = submitted == null ? List.of()
                : req.bindJSONToList(KubernetesCluster.class, submitted);
        String duplicate = firstDuplicateName(newClusters);
        if (duplicate != null) {
            throw new FormException(Messages.Configuration_DuplicateCluster(duplicate), "clusters");
        }
        String previousCa = caCredentialsId;
        Map<String, KubernetesCluster> previousClusters = new HashMap<>();
        clusters.forEach(c -> previousClusters.put(c.getName(), c));
        try (BulkChange bc = new BulkChange(this)) {
            // A repeatable list with no entries is not submitted at all, and bindJSON leaves absent fields alone.
            clusters = new ArrayList<>();
            caFingerprint = null;
            req.bindJSON(this, json);
            // An administrator choosing a CA here pins what that credential holds now.
            Clock clock = Clock.systemUTC();
            caFingerprint = pin(caCredentialsId, previousCa, caFingerprint, clock);
            for (KubernetesCluster cluster : clusters) {
                KubernetesCluster before = previousClusters.get(cluster.getName());
                cluster.setCaFingerprint(pin(cluster.getCaCredentialsId(),
                        before == null ? null : before.getCaCredentialsId(), cluster.getCaFingerprint(), clock));
            }
            bc.commit();
        } catch (IOException e) {
            throw new FormException(e, "clusters");
        } finally {
            // The clusters were pinned after binding, in place: a service built meanwhile must not outlive the save.
            synchronized (this) {
                signing = null;
            }
        }
        return true;
    }

    /**
     * The pin to keep after a save: none without a CA; the chosen credential's current fingerprint when the CA was
     * changed or the pin left empty; otherwise the pin as submitted (an administrator may paste a known one).
     */
    @CheckForNull
    static String pin(@CheckForNull String id, @CheckForNull String previousId, @CheckForNull String submitted,
                      Clock clock) {
        if (id == null) {
            return null;
        }
        if (!id.equals(previousId) || submitted == null) {
            try {
                return CaCredential.load(id, clock).fingerprintSha256();
            } catch (CaUnavailableException e) {
                return null; // nothing to pin: issuance says why until an administrator fixes the credential
            }
        }
        return submitted;
    }

    @CheckForNull
    private static String firstDuplicateName(List<KubernetesCluster> clusters) {
        Set<String> seen = new HashSet<>();
        for (KubernetesCluster c : clusters) {
            if (!seen.add(c.getName())) {
                return c.getName();
            }
        }
        return null;
    }

    /**
     * The signing service for every entry point. Rebuilt only when this configuration changes; the CA credentials
     * are looked up per issuance by their {@link CaCredential#source} and parsed once per content change. An
     * unconfigured or broken configuration gives a service that refuses (and audits) every request with the reason.
     */
    public SigningService signingService() {
        State state = new State(policy, defaultTtl, clusters, caCredentialsId, caFingerprint);
        Signing current = signing;
        if (current != null && current.state().equals(state)) {
            return current.service();
        }
        synchronized (this) {
            current = signing;
            if (current != null && current.state().equals(state)) {
                return current.service();
            }
            SigningService service = build(state, Clock.systemUTC(), AuditTrail.get());
            signing = new Signing(state, service);
            return service;
        }
    }

    private static SigningService build(State state, Clock clock, AuditSink audit) {
        String text = state.policy();
        if (text == null) {
            return SigningService.notConfigured(Messages.Configuration_NoPolicy(), clock, audit);
        }
        RobotPolicy parsed;
        Duration ttl;
        List<ClusterTarget> targets = new ArrayList<>();
        try {
            parsed = new PolicyParser().parse(text, POLICY_SOURCE);
        } catch (PolicyException e) {
            return SigningService.notConfigured(Messages.Configuration_PolicyInvalid(e.getMessage()), clock, audit);
        }
        try {
            ttl = Ttl.parse(state.defaultTtl(), Messages.Configuration_DefaultTtlField());
            for (KubernetesCluster cluster : state.clusters()) {
                targets.add(cluster.toTarget(state.caCredentialsId(), state.caFingerprint(), clock));
            }
        } catch (InvalidInputException e) {
            return SigningService.notConfigured(Messages.Configuration_Invalid(e.getMessage()), clock, audit);
        }
        return new SigningService(parsed, targets, ttl, clock, audit);
    }

    /** The cluster names, for the job form. */
    List<String> clusterNames() {
        return getClusters().stream().map(KubernetesCluster::getName).toList();
    }

    @POST
    public ListBoxModel doFillCaCredentialsIdItems(@QueryParameter @CheckForNull String caCredentialsId) {
        Jenkins.get().checkPermission(Jenkins.SYSTEM_READ); // the read-only page of Overall/SystemRead shows it too
        return caItems(caCredentialsId);
    }

    /**
     * The SYSTEM-scoped CA credentials of the root context (ours, and certificate credentials holding a PKCS#12
     * keystore, as credentials providers supply them), for this page and each cluster's optional own CA.
     */
    static ListBoxModel caItems(@CheckForNull String current) {
        return SystemCredentials.items(current, KubernetesClientCaCredentials.class,
                StandardCertificateCredentials.class);
    }

    @POST
    public FormValidation doCheckCaCredentialsId(@QueryParameter @CheckForNull String value,
                                                 @QueryParameter @CheckForNull String caFingerprint) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        String id = Util.fixEmptyAndTrim(value);
        if (id == null) {
            return FormValidation.warning(Messages.Configuration_NoCaYet());
        }
        return checkCa(id, caFingerprint, id.equals(caCredentialsId));
    }

    /**
     * What the chosen CA is, and what its pin will be after a save: kept when it matches, replaced when the CA is
     * chosen anew or the pin is emptied, and a mismatch said loudly (nothing is signed with it).
     */
    static FormValidation checkCa(String id, @CheckForNull String submittedPin, boolean sameAsSaved) {
        CertificateAuthority ca;
        try {
            ca = CaCredential.load(id, Clock.systemUTC());
        } catch (CaUnavailableException e) {
            return FormValidation.error(e.getMessage());
        }
        String info = Messages.Configuration_CaOk(ca.subject(), ca.notAfter(), ca.fingerprintSha256());
        String pin = Util.fixEmptyAndTrim(submittedPin);
        if (pin == null || !sameAsSaved) {
            return FormValidation.ok(info + " " + Messages.Configuration_WillPin());
        }
        if (!ClusterTarget.pinMatches(pin, ca)) {
            return FormValidation.error(info + " " + Messages.Configuration_PinMismatch(pin));
        }
        return FormValidation.ok(info + " " + Messages.Configuration_Pinned());
    }

    /** Shows every error and warning of the policy, each with its line, as the core's validator reports them. */
    @POST
    public FormValidation doCheckPolicy(@QueryParameter @CheckForNull String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        if (value == null || value.isBlank()) {
            return FormValidation.warning(Messages.Configuration_NoPolicy());
        }
        PolicyParser parser = new PolicyParser();
        List<PolicyProblem> problems = parser.check(value, POLICY_SOURCE);
        boolean errors = problems.stream().anyMatch(p -> p.severity() == PolicyProblem.Severity.ERROR);
        List<FormValidation> shown = new ArrayList<>();
        for (PolicyProblem problem : problems) {
            shown.add(problem.severity() == PolicyProblem.Severity.ERROR
                    ? FormValidation.error(problem.toString()) : FormValidation.warning(problem.toString()));
        }
        if (!errors) {
            try {
                RobotPolicy parsed = parser.parse(value, POLICY_SOURCE);
                shown.add(0, FormValidation.ok(Messages.Configuration_PolicyOk(parsed.roles().size(),
                        parsed.users().size(), parsed.bindings().size())));
            } catch (PolicyException e) {
                shown.add(FormValidation.error(e.getMessage()));
            }
        }
        return FormValidation.aggregate(shown);
    }

    @POST
    public FormValidation doCheckDefaultTtl(@QueryParameter @CheckForNull String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        String ttl = Util.fixEmptyAndTrim(value);
        if (ttl == null) {
            return FormValidation.ok(Messages.Configuration_DefaultTtlUnset(DEFAULT_TTL));
        }
        try {
            Ttl.parse(ttl, Messages.Configuration_DefaultTtlField());
            return FormValidation.ok();
        } catch (InvalidInputException e) {
            return FormValidation.error(e.getMessage());
        }
    }

    /**
     * Generates a new CA with the core and stores it as a SYSTEM credential in the Jenkins root store. The
     * configuration itself is changed by the form's Save, as always: the response tells the page (through Jenkins'
     * validate-button callback) to add the new credential to the CA drop-down and select it, so no unsaved edit is
     * lost; saving then pins its fingerprint. When the id the demo configuration names is free, the new CA takes
     * it, so that a fresh {@code mvn hpi:run} is ready after one click and a save.
     */
    @POST
    public FormValidation doGenerateCa(StaplerResponse2 rsp) throws IOException {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        CertificateAuthority ca;
        try {
            ca = CertificateAuthority.generate(GENERATED_CA_NAME, GENERATED_CA_LIFETIME, KeyAlgorithm.EC_P256,
                    Clock.systemUTC());
        } catch (InvalidInputException e) {
            throw new IllegalStateException("the built-in CA name and lifetime are valid", e);
        }
        String id = freeCaId();
        String description = Messages.Configuration_GeneratedCaDescription(
                DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC).format(Clock.systemUTC().instant()),
                Jenkins.getAuthentication2().getName());
        KubernetesClientCaCredentials credentials = new KubernetesClientCaCredentials(CredentialsScope.SYSTEM, id,
                description, ca.certificatePem(), Secret.fromString(ca.privateKeyPem()));
        CredentialsStore store = ExtensionList.lookupSingleton(SystemCredentialsProvider.ProviderImpl.class)
                .getStore(Jenkins.get());
        if (store == null) {
            throw new IllegalStateException("the credentials plugin has no store for the Jenkins root");
        }
        store.addCredentials(Domain.global(), credentials);
        JSONObject callback = new JSONObject();
        callback.put("callback", "shortLivedKubeconfigCaGenerated");
        callback.put("arguments", List.of(id, credentials.getDescription(), ca.fingerprintSha256()));
        rsp.setHeader("X-Jenkins-ValidateButton-Callback", callback.toString());
        return FormValidation.ok(Messages.Configuration_CaGenerated(id, ca.fingerprintSha256()));
    }

    private static String freeCaId() {
        Set<String> taken = CredentialsProvider.lookupCredentialsInItemGroup(IdCredentials.class, Jenkins.get(),
                ACL.SYSTEM2, List.of()).stream().map(IdCredentials::getId).collect(Collectors.toSet());
        if (!taken.contains(GENERATED_CA_ID)) {
            return GENERATED_CA_ID;
        }
        String stamped = GENERATED_CA_ID + "-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .withZone(ZoneOffset.UTC).format(Clock.systemUTC().instant());
        String id = stamped;
        for (int i = 2; taken.contains(id); i++) {
            id = stamped + "-" + i;
        }
        return id;
    }

    /**
     * The configured CA's certificate as a PEM download, for the API server's {@code --client-ca-file}. A plain
     * link, hence GET; it changes nothing, shows nothing secret, and is for those who may see this page
     * (Overall/Administer, or Overall/SystemRead read-only).
     */
    @GET
    public void doCaCertificate(StaplerResponse2 rsp) throws IOException {
        Jenkins.get().checkPermission(Jenkins.SYSTEM_READ);
        String id = caCredentialsId;
        if (id == null) {
            rsp.sendError(404, Messages.Configuration_NoCa());
            return;
        }
        CertificateAuthority ca;
        try {
            ca = CaCredential.load(id, Clock.systemUTC());
        } catch (CaUnavailableException e) {
            rsp.sendError(404, e.getMessage());
            return;
        }
        rsp.setContentType("application/x-pem-file");
        rsp.setHeader("Content-Disposition", "attachment; filename=\"" + GENERATED_CA_ID + ".crt\"");
        rsp.getWriter().write(ca.certificatePem().strip() + "\n");
    }
}
