package io.jenkins.plugins.shortlivedkubeconfig.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.shortlivedkubeconfig.signer.AuditPage;
import io.jenkins.plugins.shortlivedkubeconfig.signer.AuditQuery;
import io.jenkins.plugins.shortlivedkubeconfig.signer.ClusterTarget;
import io.jenkins.plugins.shortlivedkubeconfig.signer.IssuedKubeconfig;
import io.jenkins.plugins.shortlivedkubeconfig.signer.JsonLinesAuditLog;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KubeconfigRequest;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyParser;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyRefusal;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Requester;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Requester.EntryPoint;
import io.jenkins.plugins.shortlivedkubeconfig.signer.SigningService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issuance outside builds, end to end: the core call that the plugin's {@code sign-kubeconfig} CLI command and its
 * REST endpoint share ({@code SigningService.issue} with a caller requester), audited to a real audit file, and the
 * kubeconfig it returns used by the real kubectl against the real kube-apiserver.
 */
@ExtendWith(KubeApiServerExtension.class)
class CallerSigningEndToEndIT {
    static final String POLICY = KubectlEndToEndIT.role("deployer", "    kubernetes_groups: [deployers]\n", "")
            + KubectlEndToEndIT.user("deployer", "deployer")
            + """
            kind: caller_binding
            version: v1
            metadata: {name: operators}
            spec:
              users: [deployer]
              groups: [ops]
            """;

    /** What the plugin builds from its configuration: the test bed's cluster, its client CA pinned. */
    static SigningService service(KubeApiServer k8s, JsonLinesAuditLog audit) throws Exception {
        ClusterTarget target = new ClusterTarget(k8s.cluster("e2e"), k8s::clientCa,
                k8s.clientCa().fingerprintSha256(), "test bed client CA");
        return new SigningService(new PolicyParser().parse(POLICY, "policy.yaml"), List.of(target),
                Duration.ofHours(1), Clock.systemUTC(), audit);
    }

    @Test
    void aCallersKubeconfigIsAcceptedByTheApiServerInTheRequestedNamespace(KubeApiServer k8s) throws Exception {
        String ns = k8s.newNamespace("callers");
        k8s.apply(KubectlEndToEndIT.podReader(ns, "Group", "deployers"));
        Path dir = k8s.newDirectory("caller-audit-");
        JsonLinesAuditLog audit = new JsonLinesAuditLog(dir.resolve("audit.jsonl"));
        SigningService service = service(k8s, audit);

        for (EntryPoint entryPoint : List.of(EntryPoint.CLI, EntryPoint.REST)) {
            // As JenkinsCaller.request builds it: no robot user, cluster or TTL named, so the defaults apply.
            IssuedKubeconfig issued = service.issue(KubeconfigRequest.by(
                    Requester.caller("alice", List.of("authenticated", "ops"), entryPoint)).withNamespace(ns));
            assertThat(issued.robotUser()).isEqualTo("deployer");
            Path kubeconfig = k8s.write(issued);

            KubeApiServer.Result ok = k8s.kubectl(kubeconfig, "get", "pods");
            assertThat(ok.exitCode()).as(ok.toString()).isZero();
            assertThat(ok.stderr()).contains("No resources found in " + ns + " namespace.");
            KubeApiServer.Result denied = k8s.kubectl(kubeconfig, "-n", "default", "get", "pods");
            assertThat(denied.exitCode()).as(denied.toString()).isEqualTo(1);
            assertThat(denied.stderr()).contains(KubectlEndToEndIT.FORBIDDEN.formatted("deployer", "default"));
        }

        assertThatThrownBy(() -> service.issue(KubeconfigRequest.by(
                Requester.caller("mallory", List.of("authenticated"), EntryPoint.REST))))
                .isInstanceOfSatisfying(PolicyRefusal.class, e -> assertThat(e.rule()).isEqualTo("no-caller-binding"));

        AuditPage page = audit.read(AuditQuery.newest(10));
        assertThat(page.entries()).extracting(e -> e.outcome() + " " + e.requester())
                .containsExactly("refused mallory (rest)", "issued alice (rest)", "issued alice (cli)");
        assertThat(Files.readString(audit.file())).doesNotContain("PRIVATE", "client-key-data");
    }
}
