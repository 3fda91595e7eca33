package io.jenkins.plugins.shortlivedkubeconfig;

import hudson.FilePath;
import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Node;
import io.jenkins.plugins.shortlivedkubeconfig.signer.AuditSink;
import io.jenkins.plugins.shortlivedkubeconfig.signer.CertificateAuthority;
import io.jenkins.plugins.shortlivedkubeconfig.signer.ClusterEndpoint;
import io.jenkins.plugins.shortlivedkubeconfig.signer.ClusterTarget;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KubeconfigRequest;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyParser;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Requester;
import io.jenkins.plugins.shortlivedkubeconfig.signer.SigningService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.jvnet.hudson.test.JenkinsRule;

/** A signing service of its own (CA, one cluster, a policy binding job {@code apps-api}), for the glue tests. */
final class AgentKeySetup {
    static final String JOB = "apps-api";
    static final String POLICY = """
            kind: role
            version: v7
            metadata: {name: deployer}
            spec:
              allow:
                kubernetes_groups: [deployers]
              options:
                max_session_ttl: 2h
            ---
            kind: user
            version: v2
            metadata: {name: jenkins}
            spec: {roles: [deployer]}
            ---
            kind: job_binding
            version: v1
            metadata: {name: apps}
            spec: {users: [jenkins], jobs: ['apps-*']}
            """;
    /** The same policy without the job binding: what an administrator removing it leaves. */
    static final String POLICY_WITHOUT_BINDING = POLICY.substring(0, POLICY.indexOf("---\nkind: job_binding"));

    final CertificateAuthority ca;
    volatile SigningService service;

    AgentKeySetup() throws Exception {
        ca = SigningSetup.newCa();
        service = service(POLICY);
    }

    SigningService service(String policy) throws Exception {
        ClusterTarget target = new ClusterTarget(ClusterEndpoint.of(SigningSetup.CLUSTER, SigningSetup.SERVER, null,
                null, null), () -> ca, ca.fingerprintSha256(), "test CA");
        return new SigningService(new PolicyParser().parse(policy, "policy"), List.of(target), Duration.ofHours(1),
                Clock.systemUTC(), AuditSink.NONE);
    }

    /** A finished build of job {@value #JOB} on {@code node}, and its workspace there. */
    static FreeStyleBuild buildOn(JenkinsRule j, Node node) throws Exception {
        FreeStyleProject p = j.jenkins.getItemByFullName(JOB, FreeStyleProject.class);
        if (p == null) {
            p = j.createFreeStyleProject(JOB);
        }
        p.setAssignedNode(node);
        return j.buildAndAssertSuccess(p);
    }

    static FilePath workspace(FreeStyleBuild b) {
        FilePath ws = b.getWorkspace();
        if (ws == null) {
            throw new AssertionError("the build has a workspace");
        }
        return ws;
    }

    static KubeconfigRequest request(FreeStyleBuild b, String ttl) {
        return KubeconfigRequest.by(new Requester(b.getParent().getFullName(), b.getNumber())).withTtl(ttl);
    }

    /** The client key PEM inside a kubeconfig file (read from the agent's disk: the test runs on the same host). */
    static String keyIn(Path kubeconfig) throws Exception {
        return SigningSetup.clientKeyPem(Files.readString(kubeconfig, StandardCharsets.UTF_8));
    }
}
