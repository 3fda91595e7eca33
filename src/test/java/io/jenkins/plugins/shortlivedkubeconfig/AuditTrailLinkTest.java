package io.jenkins.plugins.shortlivedkubeconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.cli.CLICommandInvoker;
import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Item;
import io.jenkins.plugins.shortlivedkubeconfig.signer.AuditEvent;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Requester;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import jenkins.model.Jenkins;
import org.htmlunit.html.DomElement;
import org.htmlunit.html.HtmlPage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** Manage Jenkins » Short-lived kubeconfig audit: lists the audit file newest first, filters, pages, admins only. */
@WithJenkins
class AuditTrailLinkTest {
    private static final String PAGE = "manage/" + AuditTrailLink.URL_NAME + "/";

    private JenkinsRule j;

    @BeforeEach
    void setUp(JenkinsRule rule) throws Exception {
        j = rule;
        SigningSetup.configure(j, AuditTrailLinkTest.class, "callers.yaml");
        j.jenkins.setSecurityRealm(j.createDummySecurityRealm());
        j.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.ADMINISTER).everywhere().to("admin")
                .grant(Jenkins.READ, KubeconfigPermissions.SIGN).everywhere().to("alice", "bob")
                .grant(Item.READ).everywhere().to("alice"));
    }

    /** Records written through the audit sink every entry point uses. */
    private static void record(int second, AuditEvent.Outcome outcome, Requester requester, String serial) {
        boolean issued = outcome == AuditEvent.Outcome.ISSUED;
        AuditTrail.get().record(new AuditEvent(Instant.parse("2026-12-01T09:00:00Z").plusSeconds(second), outcome,
                requester, "deployer", issued ? "deployer" : null, List.of(), SigningSetup.CLUSTER,
                Duration.ofHours(1), issued ? serial : null, null, issued ? null : "caller-not-allowed",
                issued ? null : "refused in the test"));
    }

    private static List<String> rows(HtmlPage page) {
        DomElement table = page.getElementById("short-lived-kubeconfig-audit");
        if (table == null) {
            return List.of();
        }
        return table.getElementsByTagName("tr").stream().skip(1).map(r -> r.asNormalizedText()).toList();
    }

    @Test
    void listsTheNewestRecordFirstAndKeepsTheFileOwnerOnly() throws Exception {
        record(1, AuditEvent.Outcome.ISSUED, new Requester("deploy/api", 7), "a1");
        record(2, AuditEvent.Outcome.REFUSED, Requester.caller("bob", List.of(), Requester.EntryPoint.REST), null);
        record(3, AuditEvent.Outcome.ISSUED, Requester.caller("alice", List.of(), Requester.EntryPoint.CLI), "c3");
        HtmlPage page = j.createWebClient().login("admin").goTo(PAGE);
        List<String> rows = rows(page);
        assertEquals(3, rows.size(), rows.toString());
        assertTrue(rows.get(0).contains("alice (cli)") && rows.get(0).contains("c3"), rows.get(0));
        assertTrue(rows.get(1).contains("bob (rest)") && rows.get(1).contains("caller-not-allowed"), rows.get(1));
        assertTrue(rows.get(2).contains("deploy/api #7"), rows.get(2));
        if (Files.getFileStore(AuditTrail.get().file()).supportsFileAttributeView("posix")) {
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(AuditTrail.get().file())));
        }
    }

    @Test
    void filtersByOutcomeRobotUserCallerSerialAndABuild() throws Exception {
        record(1, AuditEvent.Outcome.ISSUED, new Requester("deploy/api", 7), "a1");
        record(2, AuditEvent.Outcome.ISSUED, new Requester("deploy/api", 8), "a2");
        record(3, AuditEvent.Outcome.REFUSED, Requester.caller("bob", List.of(), Requester.EntryPoint.REST), null);
        JenkinsRule.WebClient wc = j.createWebClient().login("admin");
        assertEquals(1, rows(wc.goTo(PAGE + "?outcome=refused")).size());
        assertEquals(3, rows(wc.goTo(PAGE + "?robotUser=deployer")).size());
        assertEquals(0, rows(wc.goTo(PAGE + "?robotUser=jenkins")).size());
        assertEquals(1, rows(wc.goTo(PAGE + "?caller=bob")).size());
        assertEquals(1, rows(wc.goTo(PAGE + "?serial=A2")).size());
        // The link a build's "Short-lived kubeconfigs" page uses.
        List<String> build = rows(wc.goTo(AuditTrailLink.urlFor("deploy/api", 7)));
        assertEquals(1, build.size(), build.toString());
        assertTrue(build.get(0).contains("a1"), build.get(0));
        HtmlPage bad = wc.goTo(PAGE + "?build=x&job=deploy/api");
        assertNotNull(bad.getElementById("audit-error"));
        assertTrue(bad.getElementById("audit-error").asNormalizedText().contains("build: \"x\" is not a number"));
    }

    @Test
    void pagesFiftyRecordsAtATime() throws Exception {
        for (int i = 1; i <= AuditTrailLink.PAGE_SIZE + 5; i++) {
            record(i, AuditEvent.Outcome.ISSUED, new Requester("deploy/api", i), Integer.toHexString(i));
        }
        JenkinsRule.WebClient wc = j.createWebClient().login("admin");
        HtmlPage first = wc.goTo(PAGE);
        assertEquals(AuditTrailLink.PAGE_SIZE, rows(first).size());
        assertNull(first.getElementById("audit-newer"));
        assertNotNull(first.getElementById("audit-older"));
        HtmlPage second = wc.goTo(PAGE + "?page=2");
        assertEquals(5, rows(second).size());
        assertTrue(rows(second).get(4).contains("deploy/api #1"), rows(second).get(4));
        assertNull(second.getElementById("audit-older"));
    }

    @Test
    void recordsWhatTheEntryPointsDoAndListsIt() throws Exception {
        new CLICommandInvoker(j, "sign-kubeconfig").asUser("bob").invokeWithArgs("--user", "deployer");
        List<String> rows = rows(j.createWebClient().login("admin").goTo(PAGE + "?caller=bob"));
        assertEquals(1, rows.size(), rows.toString());
        assertTrue(rows.get(0).contains("refused"), rows.get(0));
    }

    @Test
    void refusesUsersWhoAreNotAdministrators() throws Exception {
        record(1, AuditEvent.Outcome.ISSUED, new Requester("deploy/api", 7), "a1");
        JenkinsRule.WebClient wc = j.createWebClient().withThrowExceptionOnFailingStatusCode(false).login("alice");
        assertEquals(403, wc.goTo(PAGE).getWebResponse().getStatusCode());
        assertEquals(403, wc.goTo(PAGE + "?job=deploy/api").getWebResponse().getStatusCode());
        assertFalse(wc.goTo(PAGE).getWebResponse().getContentAsString().contains("deploy/api #7"));
        JenkinsRule.WebClient anonymous = j.createWebClient().withThrowExceptionOnFailingStatusCode(false);
        assertTrue(anonymous.goTo(PAGE).getWebResponse().getStatusCode() >= 400
                || anonymous.goTo(PAGE).getUrl().toString().contains("login"), "anonymous is sent to log in");
    }

    @Test
    void aBuildsLinkFiltersByItsJobAndNumber() throws Exception {
        FreeStyleProject p = j.createFreeStyleProject("app");
        FreeStyleBuild b = j.buildAndAssertSuccess(p);
        assertEquals("manage/" + AuditTrailLink.URL_NAME + "/?job=app&build=" + b.getNumber(),
                AuditTrailLink.urlFor(p.getFullName(), b.getNumber()));
        assertEquals("manage/" + AuditTrailLink.URL_NAME + "/?job=folder%2Fmy+app&build=3",
                AuditTrailLink.urlFor("folder/my app", 3));
    }
}
