package io.jenkins.plugins.shortlivedkubeconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.cli.CLICommandInvoker;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import jenkins.model.Jenkins;
import net.sf.json.JSONObject;
import org.htmlunit.HttpMethod;
import org.htmlunit.WebRequest;
import org.htmlunit.WebResponse;
import org.htmlunit.util.NameValuePair;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The two entry points outside builds, {@code sign-kubeconfig} and {@code POST short-lived-kubeconfig/sign}: the
 * Sign permission first, then the policy's caller bindings. "alice" is bound by name, "dave" through the group
 * "deployers"; "bob" has the permission but no binding; "carol" may only read; "admin" administers Jenkins but the
 * policy does not name it.
 */
@WithJenkins
class SignOutsideBuildsTest {
    private static final String SIGN = "short-lived-kubeconfig/sign";

    private JenkinsRule j;

    @BeforeEach
    void setUp(JenkinsRule rule) throws Exception {
        j = rule;
        SigningSetup.configure(j, SignOutsideBuildsTest.class, "callers.yaml");
        JenkinsRule.DummySecurityRealm realm = j.createDummySecurityRealm();
        realm.addGroups("dave", "deployers");
        j.jenkins.setSecurityRealm(realm);
        j.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.ADMINISTER).everywhere().to("admin")
                .grant(Jenkins.READ).everywhere().to("alice", "bob", "carol", "dave")
                .grant(KubeconfigPermissions.SIGN).everywhere().to("alice", "bob", "dave"));
    }

    // ---- sign-kubeconfig -----------------------------------------------------------------------------------

    @Test
    void cliPrintsAKubeconfigForABoundCallerAndNoKeyOnStderr() throws Exception {
        CLICommandInvoker.Result r = new CLICommandInvoker(j, "sign-kubeconfig").asUser("alice")
                .invokeWithArgs("--user", "deployer", "--ttl", "30m", "--namespace", "team-a");
        assertEquals(0, r.returnCode(), r.stderr());
        assertTrue(r.stdout().startsWith("apiVersion: v1"), r.stdout());
        assertTrue(r.stdout().contains("client-key-data"), "the key is in the kubeconfig");
        assertTrue(r.stdout().contains("namespace: \"team-a\""), r.stdout());
        assertFalse(r.stderr().contains("client-key-data"), r.stderr());
        assertFalse(r.stderr().contains(SigningSetup.clientKeyData(r.stdout())), "no key material on stderr");
        assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
        assertTrue(auditFile().contains("\"caller\":\"alice\",\"entry_point\":\"cli\",\"robot_user\":\"deployer\""),
                auditFile());
    }

    @Test
    void cliDefaultsToTheOnlyRobotUserBoundToTheCallersGroup() throws Exception {
        CLICommandInvoker.Result r = new CLICommandInvoker(j, "sign-kubeconfig").asUser("dave").invokeWithArgs();
        assertEquals(0, r.returnCode(), r.stderr());
        assertTrue(r.stderr().contains("robot user deployer"), r.stderr());
    }

    @Test
    void cliRefusesACallerNoBindingNamesWithExitCode1AndOneLine() throws Exception {
        CLICommandInvoker.Result r = new CLICommandInvoker(j, "sign-kubeconfig").asUser("bob")
                .invokeWithArgs("--user", "deployer");
        assertEquals(1, r.returnCode(), r.stderr());
        assertEquals("", r.stdout());
        assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
        assertTrue(r.stderr().startsWith("refused (caller-not-allowed): Jenkins user \"bob\" may not act as robot "
                + "user \"deployer\""), r.stderr());
        assertTrue(auditFile().contains("\"caller\":\"bob\",\"entry_point\":\"cli\""), auditFile());
    }

    @Test
    void cliRefusesAnAdministratorThePolicyDoesNotName() throws Exception {
        CLICommandInvoker.Result r = new CLICommandInvoker(j, "sign-kubeconfig").asUser("admin").invokeWithArgs();
        assertEquals(1, r.returnCode(), r.stderr());
        assertTrue(r.stderr().startsWith("refused (no-caller-binding): "), r.stderr());
    }

    @Test
    void cliReportsBadInputWithExitCode2() throws Exception {
        CLICommandInvoker.Result r = new CLICommandInvoker(j, "sign-kubeconfig").asUser("alice")
                .invokeWithArgs("--ttl", "soon");
        assertEquals(2, r.returnCode(), r.stderr());
        assertEquals("", r.stdout());
        assertTrue(r.stderr().startsWith("bad input: ttl: "), r.stderr());
        assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
    }

    @Test
    void cliNeedsTheSignPermissionBeforeAnythingElse() throws Exception {
        CLICommandInvoker.Result r = new CLICommandInvoker(j, "sign-kubeconfig").asUser("carol")
                .invokeWithArgs("--user", "deployer");
        assertEquals(6, r.returnCode(), r.stderr()); // CLICommand's exit code for AccessDeniedException
        assertTrue(r.stderr().contains("Sign"), r.stderr());
        assertEquals("", r.stdout());
        assertFalse(auditFile().contains("carol"), "nothing reached the signing service");
    }

    // ---- POST short-lived-kubeconfig/sign -------------------------------------------------------------------

    @Test
    void restReturnsTheKubeconfigAsYamlWithAnApiTokenAndNoCrumb() throws Exception {
        WebResponse r = post("alice", List.of(new NameValuePair("user", "deployer"),
                new NameValuePair("ttl", "15m")));
        assertEquals(200, r.getStatusCode(), r.getContentAsString());
        assertTrue(r.getContentType().startsWith("application/yaml"), r.getContentType());
        assertEquals("no-store", r.getResponseHeaderValue("Cache-Control"));
        assertTrue(r.getContentAsString().startsWith("apiVersion: v1"), "a kubeconfig");
        assertTrue(auditFile().contains("\"caller\":\"alice\",\"entry_point\":\"rest\""), auditFile());
    }

    @Test
    void restTakesAJsonBody() throws Exception {
        WebResponse r = postJson("dave", new JSONObject().element("cluster", SigningSetup.CLUSTER)
                .element("namespace", "team-b"));
        assertEquals(200, r.getStatusCode(), r.getContentAsString());
        assertTrue(r.getContentAsString().contains("namespace: \"team-b\""), "the requested namespace");
    }

    @Test
    void restAnswers400ForBadInput() throws Exception {
        assertError(post("alice", List.of(new NameValuePair("ttl", "soon"))), 400, "invalid-request");
        assertError(post("alice", List.of(new NameValuePair("group", "system:masters"))), 400, "invalid-request");
        assertError(postJson("alice", new JSONObject().element("ttl", 30)), 400, "invalid-request");
    }

    @Test
    void restAnswers403WithoutThePermissionOrABinding() throws Exception {
        assertError(post("carol", List.of()), 403, "permission");
        assertError(post("bob", List.of(new NameValuePair("user", "deployer"))), 403, "caller-not-allowed");
        assertError(post("admin", List.of()), 403, "no-caller-binding");
        assertError(post("alice", List.of(new NameValuePair("user", "jenkins"))), 403, "caller-not-allowed");
    }

    @Test
    void restAnswers404ForAnUnknownCluster() throws Exception {
        JSONObject body = assertError(post("alice", List.of(new NameValuePair("cluster", "nope"))), 404,
                "unknown-cluster");
        assertTrue(body.getString("error").contains("\"nope\" is not configured"), body.toString());
    }

    @Test
    void restAnswers405ToAGet() throws Exception {
        JenkinsRule.WebClient wc = j.createWebClient().withThrowExceptionOnFailingStatusCode(false)
                .withBasicApiToken("alice");
        WebResponse r = wc.getPage(new WebRequest(new URL(j.getURL(), SIGN), HttpMethod.GET)).getWebResponse();
        assertError(r, 405, "method-not-allowed");
        assertEquals("POST", r.getResponseHeaderValue("Allow"));
    }

    @Test
    void aBrowserSessionStillNeedsTheCrumb() throws Exception {
        JenkinsRule.WebClient wc = j.createWebClient().withThrowExceptionOnFailingStatusCode(false).login("alice");
        WebRequest request = new WebRequest(new URL(j.getURL(), SIGN), HttpMethod.POST);
        assertEquals(403, wc.getPage(request).getWebResponse().getStatusCode(), "refused by Jenkins' CrumbFilter");
        assertFalse(auditFile().contains("alice"), "the request never reached the endpoint");
    }

    private WebResponse post(String user, List<NameValuePair> fields) throws IOException {
        JenkinsRule.WebClient wc = j.createWebClient().withThrowExceptionOnFailingStatusCode(false)
                .withBasicApiToken(user);
        WebRequest request = new WebRequest(new URL(j.getURL(), SIGN), HttpMethod.POST);
        request.setRequestParameters(fields);
        // Deliberately no wc.addCrumb(request): an API token needs none.
        return wc.getPage(request).getWebResponse();
    }

    private WebResponse postJson(String user, JSONObject body) throws IOException {
        JenkinsRule.WebClient wc = j.createWebClient().withThrowExceptionOnFailingStatusCode(false)
                .withBasicApiToken(user);
        WebRequest request = new WebRequest(new URL(j.getURL(), SIGN), HttpMethod.POST);
        request.setAdditionalHeader("Content-Type", "application/json");
        request.setRequestBody(body.toString());
        return wc.getPage(request).getWebResponse();
    }

    private static JSONObject assertError(WebResponse r, int status, String rule) {
        assertEquals(status, r.getStatusCode(), r.getContentAsString());
        assertTrue(r.getContentType().startsWith("application/json"), r.getContentType());
        JSONObject body = JSONObject.fromObject(r.getContentAsString());
        assertEquals(rule, body.getString("rule"), body.toString());
        assertFalse(body.getString("error").isBlank(), body.toString());
        return body;
    }

    private static String auditFile() throws IOException {
        java.nio.file.Path file = AuditTrail.get().file();
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }
}
