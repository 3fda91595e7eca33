package io.jenkins.plugins.shortlivedkubeconfig;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.CredentialsStore;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.cloudbees.plugins.credentials.common.IdCredentials;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import com.cloudbees.plugins.credentials.domains.Domain;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.BulkChange;
import hudson.Extension;
import hudson.ExtensionList;
import hudson.Util;
import hudson.model.User;
import hudson.security.ACL;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import hudson.util.Secret;
import io.jenkins.plugins.shortlivedkubeconfig.signer.CertificateAuthority;
import io.jenkins.plugins.shortlivedkubeconfig.signer.InvalidInputException;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Issuer;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KeyAlgorithm;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyException;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyParser;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyProblem;
import io.jenkins.plugins.shortlivedkubeconfig.signer.RobotPolicy;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Ttl;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
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
 * Manage Jenkins » System » Short-lived kubeconfig: the clusters, the signing CA (a SYSTEM credential, by id), the
 * robot policy and the default lifetime. Administrators only. Holds the one {@link Issuer} every build signs with,
 * built once per change of the CA or the policy.
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

    private List<KubernetesCluster> clusters = new ArrayList<>();
    @CheckForNull
    private String caCredentialsId;
    @CheckForNull
    private String policy;
    private String defaultTtl = DEFAULT_TTL;

    /** The issuer for one CA content and policy text; null until first used. */
    @CheckForNull
    private transient volatile Signing signing;

    /** What an issuer was built from, so that a change of either is noticed without any listener. */
    private record Signing(String caCredentialsId, byte[] caDigest, String policy, Issuer issuer) {
        boolean isFor(String caCredentialsId, byte[] caDigest, String policy) {
            return this.caCredentialsId.equals(caCredentialsId) && Arrays.equals(this.caDigest, caDigest)
                    && this.policy.equals(policy);
        }
    }

    public ShortLivedKubeconfigConfiguration() {
        load();
    }

    public static ShortLivedKubeconfigConfiguration get() {
        return ExtensionList.lookupSingleton(ShortLivedKubeconfigConfiguration.class);
    }

    /**
     * STUB (branch audit, issue 15): the lead's configuration rewrite replaces this with the configured service.
     * Until then every request outside a build is refused with rule {@code not-configured}.
     */
    public io.jenkins.plugins.shortlivedkubeconfig.signer.SigningService signingService() {
        return io.jenkins.plugins.shortlivedkubeconfig.signer.SigningService.notConfigured(
                "the signing service is not wired in yet", Clock.systemUTC(), AuditTrail.get());
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
        Object submitted = json.opt("clusters");
        List<KubernetesCluster> newClusters = submitted == null ? List.of()
                : req.bindJSONToList(KubernetesCluster.class, submitted);
        String duplicate = firstDuplicateName(newClusters);
        if (duplicate != null) {
            throw new FormException(Messages.Configuration_DuplicateCluster(duplicate), "clusters");
        }
        try (BulkChange bc = new BulkChange(this)) {
            // A repeatable list with no entries is not submitted at all, and bindJSON leaves absent fields alone.
            clusters = new ArrayList<>();
            req.bindJSON(this, json);
            bc.commit();
        } catch (IOException e) {
            throw new FormException(e, "clusters");
        }
        return true;
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
     * The issuer for builds. Looks the CA credential up on every call (cheap) and compares its content digest and
     * the policy text with what the cached issuer was built from, so the CA and the policy are parsed once per
     * change, never per build, and a change made through the UI, Configuration as Code or the credentials store is
     * picked up by the next build.
     *
     * @throws AbortException saying what an administrator has to configure
     */
    Issuer issuer() throws AbortException {
        String id = caCredentialsId;
        if (id == null) {
            throw new AbortException(Messages.Configuration_NoCa());
        }
        String text = policy;
        if (text == null) {
            throw new AbortException(Messages.Configuration_NoPolicy());
        }
        KubernetesClientCaCredentials ca = systemCa(id);
        byte[] digest = ca.contentDigest();
        Signing current = signing;
        if (current != null && current.isFor(id, digest, text)) {
            return current.issuer();
        }
        synchronized (this) {
            current = signing;
            if (current != null && current.isFor(id, digest, text)) {
                return current.issuer();
            }
            Clock clock = Clock.systemUTC();
            CertificateAuthority authority;
            try {
                authority = ca.load(clock);
            } catch (InvalidInputException e) {
                throw new AbortException(Messages.Configuration_CaUnusable(id, e.getMessage()));
            }
            Issuer issuer = new Issuer(authority, parsePolicy(text), clock, new AuditLog());
            signing = new Signing(id, digest, text, issuer);
            return issuer;
        }
    }

    private static RobotPolicy parsePolicy(String text) throws AbortException {
        try {
            return new PolicyParser().parse(text, POLICY_SOURCE);
        } catch (PolicyException e) {
            throw new AbortException(Messages.Configuration_PolicyInvalid(e.getMessage()));
        }
    }

    /** The CA credential with this id, which must be SYSTEM-scoped in the Jenkins root store. */
    private static KubernetesClientCaCredentials systemCa(String id) throws AbortException {
        KubernetesClientCaCredentials ca = findCa(id);
        if (ca == null) {
            throw new AbortException(Messages.Configuration_CaMissing(id));
        }
        if (ca.getScope() != CredentialsScope.SYSTEM) {
            throw new AbortException(Messages.Configuration_CaNotSystem(id));
        }
        return ca;
    }

    @CheckForNull
    private static KubernetesClientCaCredentials findCa(String id) {
        return CredentialsMatchers.firstOrNull(CredentialsProvider.lookupCredentialsInItemGroup(
                KubernetesClientCaCredentials.class, Jenkins.get(), ACL.SYSTEM2, List.of()),
                CredentialsMatchers.withId(id));
    }

    /**
     * The cluster a build asked for; with no name, the only one configured.
     *
     * @throws AbortException naming the clusters there are
     */
    KubernetesCluster cluster(@CheckForNull String name) throws AbortException {
        List<KubernetesCluster> all = getClusters();
        if (all.isEmpty()) {
            throw new AbortException(Messages.Configuration_NoClusters());
        }
        if (name == null) {
            if (all.size() == 1) {
                return all.get(0);
            }
            throw new AbortException(Messages.Configuration_ChooseCluster(clusterNames(all)));
        }
        List<KubernetesCluster> matching = all.stream().filter(c -> c.getName().equals(name)).toList();
        if (matching.isEmpty()) {
            throw new AbortException(Messages.Configuration_UnknownCluster(name, clusterNames(all)));
        }
        if (matching.size() > 1) {
            throw new AbortException(Messages.Configuration_DuplicateCluster(name));
        }
        return matching.get(0);
    }

    /** The cluster names, for messages and the job form. */
    List<String> clusterNames() {
        return getClusters().stream().map(KubernetesCluster::getName).toList();
    }

    private static String clusterNames(List<KubernetesCluster> clusters) {
        return clusters.stream().map(KubernetesCluster::getName).collect(Collectors.joining(", "));
    }

    @POST
    public ListBoxModel doFillCaCredentialsIdItems(@QueryParameter @CheckForNull String caCredentialsId) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        return new StandardListBoxModel()
                .includeEmptyValue()
                .includeMatchingAs(ACL.SYSTEM2, Jenkins.get(), KubernetesClientCaCredentials.class, List.of(),
                        CredentialsMatchers.withScope(CredentialsScope.SYSTEM))
                .includeCurrentValue(Util.fixNull(caCredentialsId));
    }

    @POST
    public FormValidation doCheckCaCredentialsId(@QueryParameter @CheckForNull String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        String id = Util.fixEmptyAndTrim(value);
        if (id == null) {
            return FormValidation.warning(Messages.Configuration_NoCaYet());
        }
        try {
            CertificateAuthority ca = systemCa(id).load(Clock.systemUTC());
            return FormValidation.ok(Messages.Configuration_CaOk(ca.subject(), ca.notAfter(), ca.fingerprintSha256()));
        } catch (AbortException e) {
            return FormValidation.error(e.getMessage());
        } catch (InvalidInputException e) {
            return FormValidation.error(Messages.Configuration_CaUnusable(id, e.getMessage()));
        }
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
     * configuration is not changed: the form on the page would overwrite it. When the id the demo configuration
     * names is free, the new CA takes it, so that a fresh {@code mvn hpi:run} is ready after one click.
     */
    @POST
    public FormValidation doGenerateCa() throws IOException {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        CertificateAuthority ca;
        try {
            ca = CertificateAuthority.generate(GENERATED_CA_NAME, GENERATED_CA_LIFETIME, KeyAlgorithm.EC_P256,
                    Clock.systemUTC());
        } catch (InvalidInputException e) {
            throw new IllegalStateException("the built-in CA name and lifetime are valid", e);
        }
        String id = freeCaId();
        User user = User.current();
        String description = Messages.Configuration_GeneratedCaDescription(
                DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC).format(Clock.systemUTC().instant()),
                user == null ? ACL.SYSTEM_USERNAME : user.getId());
        KubernetesClientCaCredentials credentials = new KubernetesClientCaCredentials(CredentialsScope.SYSTEM, id,
                description, ca.certificatePem(), Secret.fromString(ca.privateKeyPem()));
        CredentialsStore store = ExtensionList.lookupSingleton(SystemCredentialsProvider.ProviderImpl.class)
                .getStore(Jenkins.get());
        if (store == null) {
            throw new IllegalStateException("the credentials plugin has no store for the Jenkins root");
        }
        store.addCredentials(Domain.global(), credentials);
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
     * link, hence GET; it changes nothing and is still for administrators only, like everything on this page.
     */
    @GET
    public void doCaCertificate(StaplerResponse2 rsp) throws IOException {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        String id = caCredentialsId;
        KubernetesClientCaCredentials ca = id == null ? null : findCa(id);
        if (ca == null || ca.getScope() != CredentialsScope.SYSTEM) {
            rsp.sendError(404, id == null ? Messages.Configuration_NoCa() : Messages.Configuration_CaMissing(id));
            return;
        }
        rsp.setContentType("application/x-pem-file");
        rsp.setHeader("Content-Disposition", "attachment; filename=\"" + GENERATED_CA_ID + ".crt\"");
        rsp.getWriter().write(ca.getCertificatePem() + "\n");
    }
}
