package io.jenkins.plugins.shortlivedkubeconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.AbortException;
import hudson.model.Result;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.jenkinsci.plugins.workflow.test.steps.SemaphoreStep;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.LogRecorder;
import org.jvnet.hudson.test.MockFolder;
import org.jvnet.hudson.test.junit.jupiter.BuildWatcherExtension;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** {@code withShortLivedKubeconfig} in a Jenkinsfile. */
@WithJenkins
class PipelineKubeconfigTest {
    @RegisterExtension
    static final BuildWatcherExtension BUILD_WATCHER = new BuildWatcherExtension();

    /** Prints the path, then waits inside the block until the test lets it go on. */
    private static final String HOLD_INSIDE = """
            node {
              withShortLivedKubeconfig(cluster: 'demo', user: 'jenkins', ttl: '1h') {
                echo "kubeconfig at ${env.KUBECONFIG}"
                semaphore 'inside'
              }
            }
            """;

    private JenkinsRule j;

    @BeforeEach
    void setUp(JenkinsRule rule) throws Exception {
        j = rule;
        SigningSetup.configure(j, PipelineKubeconfigTest.class, "deployers.yaml");
    }

    @Test
    void fileIsPrivateDuringTheBlockAndGoneAfterSuccess() throws Exception {
        WorkflowRun b = startAndWaitInside(pipeline("deploy-app", HOLD_INSIDE));
        Path file = SigningSetup.printedPath(b);
        SigningSetup.assertPrivate(file);
        assertTrue(Files.readString(file, StandardCharsets.UTF_8).contains("current-context: \"demo\""));

        SemaphoreStep.success("inside/1", null);
        j.assertBuildStatusSuccess(j.waitForCompletion(b));

        SigningSetup.assertDeleted(file);
        j.assertLogContains("Short-lived kubeconfig for cluster demo in $KUBECONFIG: robot user jenkins as "
                + "Kubernetes user jenkins, groups system:masters", b);
    }

    @Test
    void fileIsGoneAfterTheBlockFails() throws Exception {
        WorkflowRun b = startAndWaitInside(pipeline("deploy-app", HOLD_INSIDE));
        Path file = SigningSetup.printedPath(b);
        SigningSetup.assertPrivate(file);

        SemaphoreStep.failure("inside/1", new AbortException("deployment failed"));
        j.assertBuildStatus(Result.FAILURE, j.waitForCompletion(b));

        SigningSetup.assertDeleted(file);
    }

    @Test
    void fileIsGoneAfterTheBuildIsAborted() throws Exception {
        WorkflowRun b = startAndWaitInside(pipeline("deploy-app", HOLD_INSIDE));
        Path file = SigningSetup.printedPath(b);
        SigningSetup.assertPrivate(file);

        b.doStop();
        j.assertBuildStatus(Result.ABORTED, j.waitForCompletion(b));

        SigningSetup.assertDeleted(file);
    }

    @Test
    void printingTheKubeconfigInStepsAndShellsShowsNoKeyAndMasksTheCertificate() throws Exception {
        WorkflowRun b = startAndWaitInside(pipeline("deploy-app", """
                node {
                  withShortLivedKubeconfig(user: 'jenkins') {
                    echo "kubeconfig at ${env.KUBECONFIG}"
                    semaphore 'inside'
                    echo readFile(env.KUBECONFIG)
                    if (isUnix()) {
                      sh 'cat "$KUBECONFIG"'
                    } else {
                      bat 'type "%KUBECONFIG%"'
                    }
                  }
                }
                """));
        String keyPem = SigningSetup.clientKeyPem(
                Files.readString(SigningSetup.printedPath(b), StandardCharsets.UTF_8));

        SemaphoreStep.success("inside/1", null);
        j.assertBuildStatusSuccess(j.waitForCompletion(b));

        j.assertLogNotContains(SigningSetup.firstBodyLine(keyPem), b);
        j.assertLogNotContains("PRIVATE KEY", b);
        String log = JenkinsRule.getLog(b);
        assertTrue(log.indexOf("client-certificate-data: ****") != log.lastIndexOf("client-certificate-data: ****"),
                "the certificate is masked in the echo and in the shell's output:\n" + log);
        assertTrue(log.contains("client-key: \""), "the kubeconfig names the key file instead of holding the key");
    }

    @Test
    void usesTheOnlyClusterAndTheOnlyRobotUserTheJobMayUseByDefault() throws Exception {
        WorkflowJob p = pipeline("deploy-defaults", """
                node {
                  withShortLivedKubeconfig {
                    echo "kubeconfig at ${env.KUBECONFIG}"
                  }
                }
                """);

        WorkflowRun b = j.buildAndAssertSuccess(p);

        j.assertLogContains("Short-lived kubeconfig for cluster demo in $KUBECONFIG: robot user jenkins", b);
        SigningSetup.assertDeleted(SigningSetup.printedPath(b));
    }

    @Test
    void refusesAJobOutsideTheUsersPatterns() throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class, "other-app");
        p.setDefinition(new CpsFlowDefinition(HOLD_INSIDE, true));

        WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, p);

        j.assertLogContains("No kubeconfig for job other-app: job \"other-app\" may not act as robot user "
                + "\"jenkins\": no job_binding for this user matches this job", b);
        j.assertLogNotContains("deploy/**", b);
        j.assertLogNotContains(SigningSetup.PATH_MARKER, b);
    }

    /**
     * A branch job of a multibranch project is {@code folder/project/branch} by full name. The multibranch plugin
     * is not a dependency (and not on the type-checker's source path), so nested {@link MockFolder}s stand in for
     * the organization folder and the multibranch project: the policy sees the same full names.
     */
    @Test
    void refusesABranchWhoseNameDoesNotMatchAndAllowsTheOneThatDoes() throws Exception {
        MockFolder org = j.createFolder("org");
        MockFolder repo = org.createProject(MockFolder.class, "repo");
        String script = """
                node {
                  withShortLivedKubeconfig(user: 'jenkins') {
                    echo "kubeconfig at ${env.KUBECONFIG}"
                  }
                }
                """;
        WorkflowJob feature = repo.createProject(WorkflowJob.class, "feature");
        feature.setDefinition(new CpsFlowDefinition(script, true));
        WorkflowJob main = repo.createProject(WorkflowJob.class, "main");
        main.setDefinition(new CpsFlowDefinition(script, true));

        try (LogRecorder audit = new LogRecorder().record(AuditTrail.LOGGER_NAME, Level.INFO).capture(10)) {
            WorkflowRun refused = j.buildAndAssertStatus(Result.FAILURE, feature);
            j.assertLogContains("No kubeconfig for job org/repo/feature: job \"org/repo/feature\" may not act "
                    + "as robot user \"jenkins\"", refused);
            WorkflowRun allowed = j.buildAndAssertSuccess(main);
            j.assertLogContains("robot user jenkins as Kubernetes user jenkins", allowed);

            List<String> records = audit.getMessages();
            assertEquals(2, records.size(), records.toString());
            assertTrue(records.get(0).contains("\"outcome\":\"refused\",\"job\":\"org/repo/feature\",\"build\":1"),
                    records.get(0));
            assertTrue(records.get(0).contains("\"rule\":\"job-not-allowed\""), records.get(0));
            assertTrue(records.get(1).contains("\"outcome\":\"issued\",\"job\":\"org/repo/main\",\"build\":1"),
                    records.get(1));
        }
    }

    @Test
    void refusesATtlAboveTheRoleMaximum() throws Exception {
        WorkflowJob p = pipeline("deploy-long", """
                node {
                  withShortLivedKubeconfig(user: 'jenkins', ttl: '3h') {
                    echo "kubeconfig at ${env.KUBECONFIG}"
                  }
                }
                """);

        WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, p);

        j.assertLogContains("ttl: 3h is above the maximum of 2h", b);
        j.assertLogContains("role \"robot\" spec.options.max_session_ttl", b);
        j.assertLogNotContains(SigningSetup.PATH_MARKER, b);
    }

    @Test
    void recordsEachBlockOnTheBuild() throws Exception {
        WorkflowJob p = pipeline("deploy-twice", """
                node {
                  withShortLivedKubeconfig(user: 'jenkins', ttl: '10m') { echo 'first' }
                  withShortLivedKubeconfig(user: 'jenkins', ttl: '20m', variable: 'OTHER_KUBECONFIG') {
                    echo "kubeconfig at ${env.OTHER_KUBECONFIG}"
                  }
                }
                """);

        WorkflowRun b = j.buildAndAssertSuccess(p);

        IssuedKubeconfigsAction action = b.getAction(IssuedKubeconfigsAction.class);
        assertNotNull(action);
        assertEquals(2, action.getEntries().size());
        j.assertLogContains("in $OTHER_KUBECONFIG", b);
        SigningSetup.assertDeleted(SigningSetup.printedPath(b));
    }

    /** A Pipeline job in the bound folder. */
    private WorkflowJob pipeline(String name, String script) throws Exception {
        WorkflowJob p = SigningSetup.boundFolder(j).createProject(WorkflowJob.class, name);
        p.setDefinition(new CpsFlowDefinition(script, true));
        return p;
    }

    private WorkflowRun startAndWaitInside(WorkflowJob p) throws Exception {
        WorkflowRun b = p.scheduleBuild2(0).waitForStart();
        SemaphoreStep.waitForStart("inside/1", b);
        j.waitForMessage(SigningSetup.PATH_MARKER, b);
        return b;
    }
}
