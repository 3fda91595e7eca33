package io.jenkins.plugins.shortlivedkubeconfig;

import io.jenkins.plugins.shortlivedkubeconfig.testing.TokenApiStub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SecretBytes;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.cloudbees.plugins.credentials.common.IdCredentials;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import hudson.ExtensionList;
import hudson.Launcher;
import hudson.model.AbstractBuild;
import hudson.model.BuildListener;
import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Result;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import hudson.util.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jenkinsci.plugins.plaincredentials.impl.FileCredentialsImpl;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.TestBuilder;
import org.jvnet.hudson.test.junit.jupiter.BuildWatcherExtension;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * A cluster in service-account-token mode: the form (mode, minter credential, validation) and freestyle and
 * Pipeline builds that get a minted token, against a local HTTPS stub of a managed cluster's TokenRequest API.
 */
@WithJenkins
class ServiceAccountTokenModeTest {
    @RegisterExtension
    static final BuildWatcherExtension BUILD_WATCHER = new BuildWatcherExtension();

    static final String CLUSTER = "eks";
    static final String MINTER_ID = "eks-minter";
    static final String MINTER = "minter-bearer-token-0123456789abcdef";
    static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6Y2k6ZGVwbG95ZXIifQ."
            + "c2lnbmF0dXJlLWZvci1qZW5raW5zLXRlc3RzLTAxMjM0NTY3";
    private static final Pattern SECONDS = Pattern.compile("\"expirationSeconds\":(\\d+)");

    private JenkinsRule j;
    private TokenApiStub stub;

    @BeforeEach
    void setUp(JenkinsRule rule) throws Exception {
        j = rule;
        stub = new TokenApiStub(seen -> {
            Matcher m = SECONDS.matcher(seen.body());
            long seconds = m.find() ? Long.parseLong(m.group(1)) : 0;
            return TokenApiStub.Answer.of(201, TokenApiStub.tokenResponse(TOKEN, Instant.now().plusSeconds(seconds)));
        });
        addCredential(new StringCredentialsImpl(CredentialsScope.SYSTEM, MINTER_ID, "minter",
                Secret.fromString(MINTER)));
        ShortLivedKubeconfigConfiguration config = ShortLivedKubeconfigConfiguration.get();
        config.setClusters(List.of(tokenCluster(MINTER_ID)));
        config.setPolicy(SigningSetup.fixture(getClass(), "token.yaml"));
    }

    @AfterEach
    void stopStub() {
        stub.close();
    }

    KubernetesCluster tokenCluster(String minterId) {
        KubernetesCluster cluster = new KubernetesCluster(CLUSTER, stub.url());
        cluster.setServerCaPem(stub.caPem);
        cluster.setNamespace("ci");
        cluster.setMode("service-account-token");
        cluster.setMinterCredentialsId(minterId);
        return cluster;
    }

    static void addCredential(StandardCredentials credentials) throws IOException {
        SystemCredentialsProvider provider = SystemCredentialsProvider.getInstance();
        provider.getCredentials().add(credentials);
        provider.save();
    }

    static KubernetesCluster.DescriptorImpl descriptor() {
        return ExtensionList.lookupSingleton(KubernetesCluster.DescriptorImpl.class);
    }

    @Test
    void theFormKeepsTheModeAndTheMinterCredential() throws Exception {
        j.configRoundtrip();
        KubernetesCluster saved = ShortLivedKubeconfigConfiguration.get().getClusters().get(0);
        assertEquals("service-account-token", saved.getMode());
        assertEquals(MINTER_ID, saved.getMinterCredentialsId());
        assertEquals(stub.url(), saved.getServerUrl());
        assertEquals("client-certificate", new KubernetesCluster("k", "https://k").getMode(), "the default");
    }

    @Test
    void theFormOffersSystemSecretTextsAndFilesOnlyAndChecksTheChoice() throws Exception {
        addCredential(new StringCredentialsImpl(CredentialsScope.GLOBAL, "global-text", "", Secret.fromString(MINTER)));
        addCredential(new FileCredentialsImpl(CredentialsScope.SYSTEM, "minter-kubeconfig", "", "kubeconfig",
                SecretBytes.fromRawBytes(("users:\n- name: m\n  user: {token: " + MINTER + "}\n")
                        .getBytes(StandardCharsets.UTF_8))));
        addCredential(new FileCredentialsImpl(CredentialsScope.SYSTEM, "cert-kubeconfig", "", "kubeconfig",
                SecretBytes.fromRawBytes("users:\n- name: m\n  user: {client-certificate-data: QUJD}\n"
                        .getBytes(StandardCharsets.UTF_8))));
        KubernetesCluster.DescriptorImpl d = descriptor();

        List<String> offered = d.doFillMinterCredentialsIdItems(null).stream().map(o -> o.value).toList();
        assertTrue(offered.containsAll(List.of(MINTER_ID, "minter-kubeconfig", "cert-kubeconfig")), offered.toString());
        assertFalse(offered.contains("global-text"), "a build could bind a Global credential");
        ListBoxModel modes = d.doFillModeItems();
        assertEquals(List.of("client-certificate", "service-account-token"),
                modes.stream().map(o -> o.value).toList());

        String token = "service-account-token";
        assertEquals(FormValidation.Kind.OK, d.doCheckMinterCredentialsId(MINTER_ID, token).kind);
        assertEquals(FormValidation.Kind.OK, d.doCheckMinterCredentialsId("minter-kubeconfig", token).kind);
        FormValidation required = d.doCheckMinterCredentialsId("", token);
        assertEquals(FormValidation.Kind.ERROR, required.kind);
        FormValidation global = d.doCheckMinterCredentialsId("global-text", token);
        assertEquals(FormValidation.Kind.ERROR, global.kind);
        assertTrue(global.getMessage().contains("must have System scope"), global.getMessage());
        FormValidation noToken = d.doCheckMinterCredentialsId("cert-kubeconfig", token);
        assertEquals(FormValidation.Kind.ERROR, noToken.kind);
        assertTrue(noToken.getMessage().contains("has no token"), noToken.getMessage());
        assertEquals(FormValidation.Kind.OK, d.doCheckMinterCredentialsId("", "client-certificate").kind);
        assertEquals(FormValidation.Kind.WARNING, d.doCheckMinterCredentialsId(MINTER_ID, "client-certificate").kind);
        assertEquals(FormValidation.Kind.WARNING, d.doCheckMode(token, "kube.internal").kind);
        for (FormValidation v : List.of(required, global, noToken)) {
            assertFalse(String.valueOf(v.getMessage()).contains(MINTER), "never shows the token");
        }
        assertTrue(stub.seen.isEmpty(), "checking the form asks the cluster nothing");
    }

    @Test
    void aFreestyleBuildGetsAMintedTokenMaskedInItsLog() throws Exception {
        PrintKubeconfig step = new PrintKubeconfig();
        FreeStyleProject p = SigningSetup.boundFolder(j).createProject(FreeStyleProject.class, "deploy-app");
        ShortLivedKubeconfigWrapper wrapper = new ShortLivedKubeconfigWrapper();
        wrapper.setTtl("15m");
        p.getBuildWrappersList().add(wrapper);
        p.getBuildersList().add(step);

        FreeStyleBuild b = j.buildAndAssertSuccess(p);

        assertTrue(step.content.contains("    token: \"" + TOKEN + "\""), "the kubeconfig holds the token");
        assertFalse(step.content.contains("client-key-data"));
        SigningSetup.assertDeleted(step.file);
        assertTrue(step.listed, "a controller-made kubeconfig (it holds the token) is listed for the sweep too");
        assertTrue(LiveKubeconfigs.get().entries().isEmpty(), "and forgotten once deleted");
        j.assertLogContains("robot user deployer as service account system:serviceaccount:ci:deployer, token sha256:", b);
        j.assertLogNotContains(TOKEN, b);
        j.assertLogNotContains(MINTER, b);
        j.assertLogContains("token: \"****\"", b);
        assertEquals(1, stub.seen.size());
        assertEquals("Bearer " + MINTER, stub.seen.get(0).authorization());
        assertTrue(stub.seen.get(0).body().contains("\"expirationSeconds\":900"), stub.seen.get(0).body());
        assertEquals("/api/v1/namespaces/ci/serviceaccounts/deployer/token", stub.seen.get(0).path());
        IssuedKubeconfigsAction action = b.getAction(IssuedKubeconfigsAction.class);
        assertTrue(action.getEntries().get(0).getSerial().startsWith("sha256:"), "the build page names the token by hash");
        assertEquals("system:serviceaccount:ci:deployer", action.getEntries().get(0).getKubernetesUser());
    }

    @Test
    void aPipelineGetsAMintedTokenMaskedInItsLog() throws Exception {
        WorkflowJob p = SigningSetup.boundFolder(j).createProject(WorkflowJob.class, "deploy-pipeline");
        p.setDefinition(new CpsFlowDefinition("""
                node {
                  withShortLivedKubeconfig(cluster: 'eks', user: 'deployer', ttl: '20m') {
                    echo readFile(env.KUBECONFIG)
                  }
                }
                """, true));

        WorkflowRun b = j.buildAndAssertSuccess(p);

        j.assertLogContains("Short-lived kubeconfig for cluster eks in $KUBECONFIG: robot user deployer as service "
                + "account system:serviceaccount:ci:deployer", b);
        j.assertLogContains("token: \"****\"", b);
        j.assertLogNotContains(TOKEN, b);
        j.assertLogNotContains(MINTER, b);
        assertTrue(stub.seen.get(0).body().contains("\"expirationSeconds\":1200"), stub.seen.get(0).body());
    }

    @Test
    void aRefusalByTheClusterFailsTheBuildWithTheReason() throws Exception {
        stub.answer(seen -> TokenApiStub.Answer.of(403, TokenApiStub.status(403, "Forbidden",
                "serviceaccounts \\\"deployer\\\" is forbidden")));
        WorkflowJob p = SigningSetup.boundFolder(j).createProject(WorkflowJob.class, "deploy-refused");
        p.setDefinition(new CpsFlowDefinition("""
                withShortLivedKubeconfig(user: 'deployer', ttl: '20m') {
                  echo 'inside'
                }
                """, true));

        WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, p);

        j.assertLogContains("the minter may not create tokens for ci/deployer (HTTP 403: serviceaccounts "
                + "\"deployer\" is forbidden)", b);
        j.assertLogNotContains("inside", b);
        j.assertLogNotContains(MINTER, b);
    }

    @Test
    void groupsAndShortTtlsAreRefusedBeforeAskingTheCluster() throws Exception {
        WorkflowJob p = SigningSetup.boundFolder(j).createProject(WorkflowJob.class, "deploy-grouped");
        p.setDefinition(new CpsFlowDefinition("withShortLivedKubeconfig(user: 'grouped') { echo 'inside' }", true));
        WorkflowRun grouped = j.buildAndAssertStatus(Result.FAILURE, p);
        j.assertLogContains("bind RBAC to the service account instead", grouped);

        p.setDefinition(new CpsFlowDefinition("withShortLivedKubeconfig(user: 'deployer', ttl: '5m') { echo 'inside' }",
                true));
        WorkflowRun shortTtl = j.buildAndAssertStatus(Result.FAILURE, p);
        j.assertLogContains("ttl: 5m is below 10m, the shortest token the Kubernetes TokenRequest API issues", shortTtl);
        assertTrue(stub.seen.isEmpty());
    }

    @Test
    void aBuildCannotBindTheMinterCredential() throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class, "steal-the-minter");
        p.setDefinition(new CpsFlowDefinition("""
                node {
                  withCredentials([string(credentialsId: 'eks-minter', variable: 'T')]) {
                    echo 'bound the minter'
                  }
                }
                """, true));

        WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, p);

        j.assertLogContains("Could not find credentials entry with ID '" + MINTER_ID + "'", b);
        j.assertLogNotContains("bound the minter", b);
        assertNull(CredentialsProvider.findCredentialById(MINTER_ID, IdCredentials.class, b));
    }

    @Test
    void aMissingMinterCredentialIsRefusedAndAudited() throws Exception {
        ShortLivedKubeconfigConfiguration.get().setClusters(List.of(tokenCluster("gone")));
        WorkflowJob p = SigningSetup.boundFolder(j).createProject(WorkflowJob.class, "deploy-no-minter");
        p.setDefinition(new CpsFlowDefinition("withShortLivedKubeconfig(user: 'deployer') { echo 'inside' }", true));

        WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, p);

        j.assertLogContains("cluster \"eks\": no usable minter credential: credential \"gone\" does not exist", b);
        assertTrue(stub.seen.isEmpty());
    }

    /** Prints the kubeconfig to the build log, as a careless build step would. */
    static final class PrintKubeconfig extends TestBuilder {
        transient volatile Path file;
        transient volatile String content = "";
        /** Whether the controller listed the directory for the sweep while the block ran. */
        transient volatile boolean listed;

        @Override
        public boolean perform(AbstractBuild<?, ?> build, Launcher launcher, BuildListener listener)
                throws InterruptedException, IOException {
            file = Path.of(build.getEnvironment(listener).get("KUBECONFIG"));
            content = Files.readString(file, StandardCharsets.UTF_8);
            listed = LiveKubeconfigs.get().entries().stream()
                    .anyMatch(d -> file.getParent().getFileName().toString().equals(d.name()));
            listener.getLogger().println(content);
            return true;
        }
    }
}
