package io.jenkins.plugins.shortlivedkubeconfig.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.shortlivedkubeconfig.signer.AuditEvent;
import io.jenkins.plugins.shortlivedkubeconfig.signer.ClusterTarget;
import io.jenkins.plugins.shortlivedkubeconfig.signer.IssuedKubeconfig;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KubeconfigRequest;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyParser;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyRefusal;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Requester;
import io.jenkins.plugins.shortlivedkubeconfig.signer.SigningService;
import io.jenkins.plugins.shortlivedkubeconfig.signer.TokenMinter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.yaml.snakeyaml.Yaml;

/**
 * Service-account-token clusters against the real kube-apiserver v1.20.2 of the test bed (its service-account
 * issuer and signing key make the TokenRequest API available): the minter's restricted Role, tokens that kubectl
 * uses as RBAC allows, the minter's refusal without a resourceNames entry, and revocation by deleting the service
 * account.
 */
@ExtendWith(KubeApiServerExtension.class)
class ServiceAccountTokenEndToEndIT {
    /** The README's set-up: the service account builds get, and a minter that may only create its tokens. */
    static String setUp(String ns, String mintable) {
        return """
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: deployer, namespace: %1$s}
                ---
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: jenkins-token-minter, namespace: %1$s}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: jenkins-token-minter, namespace: %1$s}
                rules:
                - apiGroups: [""]
                  resources: [serviceaccounts/token]
                  verbs: [create]
                  resourceNames: [%2$s]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: jenkins-token-minter, namespace: %1$s}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: jenkins-token-minter}
                subjects:
                - {kind: ServiceAccount, name: jenkins-token-minter, namespace: %1$s}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: pod-reader, namespace: %1$s}
                rules:
                - apiGroups: [""]
                  resources: [pods]
                  verbs: [get, list]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: deployer-reads-pods, namespace: %1$s}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}
                subjects:
                - {kind: ServiceAccount, name: deployer, namespace: %1$s}
                """.formatted(ns, mintable);
    }

    static String policy(String ns) {
        return """
                kind: role
                version: v7
                metadata: {name: deploy-sa}
                spec:
                  allow:
                    kubernetes_users: ["system:serviceaccount:%s:deployer"]
                  options: {max_session_ttl: 2h}
                ---
                kind: user
                version: v2
                metadata: {name: deployer}
                spec: {roles: [deploy-sa]}
                ---
                kind: job_binding
                version: v1
                metadata: {name: ci}
                spec: {users: [deployer], jobs: ['ci/**']}
                """.formatted(ns);
    }

    final List<AuditEvent> audit = Collections.synchronizedList(new ArrayList<>());

    /** The minter's own token, as an administrator gets it once for the credential (here: ten minutes). */
    static String minterToken(KubeApiServer k8s, String ns) throws Exception {
        KubeApiServer.Result r = k8s.kubectlWithInput(k8s.adminKubeconfig(),
                "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"spec\":{\"expirationSeconds\":600}}",
                "create", "--raw", "/api/v1/namespaces/" + ns + "/serviceaccounts/jenkins-token-minter/token", "-f", "-");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        Map<String, Object> answer = new Yaml().load(r.stdout());
        @SuppressWarnings("unchecked")
        String token = (String) ((Map<String, Object>) answer.get("status")).get("token");
        return token;
    }

    SigningService service(KubeApiServer k8s, String ns, String minterToken) throws Exception {
        TokenMinter minter = new TokenMinter(k8s.cluster("e2e"), () -> minterToken, "credential \"minter\"",
                Clock.systemUTC());
        return new SigningService(new PolicyParser().parse(policy(ns), "policy.yaml"),
                List.of(ClusterTarget.serviceAccountTokens(minter)), Duration.ofMinutes(30), Clock.systemUTC(),
                audit::add);
    }

    static KubeconfigRequest build() {
        return KubeconfigRequest.by(new Requester("ci/deploy", 1));
    }

    @Test
    void aMintedTokenDoesWhatRbacAllowsAndNothingElse(KubeApiServer k8s) throws Exception {
        String ns = k8s.newNamespace("sa");
        k8s.apply(setUp(ns, "deployer"));
        IssuedKubeconfig issued = service(k8s, ns, minterToken(k8s, ns)).issue(build().withTtl("20m"));
        assertThat(issued.kubernetesUser()).isEqualTo("system:serviceaccount:" + ns + ":deployer");
        assertThat(issued.notAfter()).isBetween(Instant.now().plus(Duration.ofMinutes(18)),
                Instant.now().plus(Duration.ofMinutes(21)));
        Path kubeconfig = k8s.write(issued);

        KubeApiServer.Result ok = k8s.kubectl(kubeconfig, "-n", ns, "get", "pods");
        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        assertThat(ok.stderr()).contains("No resources found in " + ns + " namespace.");
        KubeApiServer.Result denied = k8s.kubectl(kubeconfig, "-n", "default", "get", "pods");
        assertThat(denied.exitCode()).as(denied.toString()).isEqualTo(1);
        assertThat(denied.stderr()).contains(KubectlEndToEndIT.FORBIDDEN.formatted(
                "system:serviceaccount:" + ns + ":deployer", "default"));
        KubeApiServer.Result secrets = k8s.kubectl(kubeconfig, "-n", ns, "get", "secrets");
        assertThat(secrets.exitCode()).as(secrets.toString()).isEqualTo(1);
        assertThat(secrets.stderr()).contains("(Forbidden)");

        assertThat(audit).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(AuditEvent.Outcome.ISSUED);
            assertThat(e.toJson()).contains("\"kubernetes_user\":\"system:serviceaccount:" + ns + ":deployer\"",
                    "\"token_sha256\":\"" + issued.serialHex().substring("sha256:".length()) + "\"");
            issued.secretValues().forEach(secret -> assertThat(e.toJson()).doesNotContain(secret));
        });
    }

    @Test
    void aMinterWithoutTheResourceNamesEntryIsRefusedClearly(KubeApiServer k8s) throws Exception {
        String ns = k8s.newNamespace("sa-other");
        k8s.apply(setUp(ns, "someone-else"));
        SigningService service = service(k8s, ns, minterToken(k8s, ns));
        assertThatThrownBy(() -> service.issue(build())).isInstanceOfSatisfying(PolicyRefusal.class, e -> {
            assertThat(e.rule()).isEqualTo("minter-forbidden");
            assertThat(e.getMessage()).startsWith("the minter may not create tokens for " + ns + "/deployer (HTTP 403: "
                    + "serviceaccounts \"deployer\" is forbidden: User \"system:serviceaccount:" + ns
                    + ":jenkins-token-minter\" cannot create resource \"serviceaccounts/token\" in API group \"\" in "
                    + "the namespace \"" + ns + "\")");
            assertThat(e.getMessage()).endsWith("; an administrator grants the minter's service account create on "
                    + "serviceaccounts/token with resourceNames: [deployer] in namespace " + ns);
        });
        assertThat(audit).singleElement().satisfies(e -> assertThat(e.rule()).isEqualTo("minter-forbidden"));
    }

    @Test
    void aServiceAccountThatDoesNotExistIsNamed(KubeApiServer k8s) throws Exception {
        String ns = k8s.newNamespace("sa-gone");
        k8s.apply(setUp(ns, "deployer"));
        String minter = minterToken(k8s, ns);
        k8s.admin("-n", ns, "delete", "serviceaccount", "deployer");
        assertThatThrownBy(() -> service(k8s, ns, minter).issue(build())).isInstanceOfSatisfying(PolicyRefusal.class,
                e -> {
                    assertThat(e.rule()).isEqualTo("no-such-service-account");
                    assertThat(e.getMessage()).isEqualTo("no such service account " + ns + "/deployer on cluster "
                            + "\"e2e\" (HTTP 404: serviceaccounts \"deployer\" not found); create it, or correct "
                            + "kubernetes_users in the policy");
                });
    }

    @Test
    void deletingTheServiceAccountEndsItsTokensAtOnce(KubeApiServer k8s) throws Exception {
        String ns = k8s.newNamespace("sa-revoke");
        k8s.apply(setUp(ns, "deployer"));
        Path kubeconfig = k8s.write(service(k8s, ns, minterToken(k8s, ns)).issue(build()));
        KubeApiServer.Result before = k8s.kubectl(kubeconfig, "-n", ns, "get", "pods");
        assertThat(before.exitCode()).as(before.toString()).isZero();

        k8s.admin("-n", ns, "delete", "serviceaccount", "deployer");
        // The API server caches a successful token check for 10 s (kube-apiserver's token success cache TTL).
        Instant deleted = Instant.now();
        Instant deadline = deleted.plus(Duration.ofSeconds(40));
        KubeApiServer.Result after = k8s.kubectl(kubeconfig, "-n", ns, "get", "pods");
        while (after.exitCode() == 0 && Instant.now().isBefore(deadline)) {
            Thread.sleep(1000);
            after = k8s.kubectl(kubeconfig, "-n", ns, "get", "pods");
        }
        assertThat(after.exitCode()).as(after.toString()).isEqualTo(1);
        assertThat(after.stderr()).contains(KubectlEndToEndIT.UNAUTHORIZED);
        System.out.println("[kube-testbed] the token was refused " + Duration.between(deleted, Instant.now()).toSeconds()
                + " s after its service account was deleted");

        k8s.apply(setUp(ns, "deployer")); // a new service account of the same name has a new UID
        KubeApiServer.Result recreated = k8s.kubectl(kubeconfig, "-n", ns, "get", "pods");
        assertThat(recreated.exitCode()).as(recreated.toString()).isEqualTo(1);
        assertThat(recreated.stderr()).contains(KubectlEndToEndIT.UNAUTHORIZED);
    }
}
