package io.jenkins.plugins.shortlivedkubeconfig.signer;

import io.jenkins.plugins.shortlivedkubeconfig.testing.TokenApiStub;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Service-account-token clusters: the policy rules, the TokenRequest as sent, and every answer a real API server
 * cannot be made to give (those it can give are in {@code ServiceAccountTokenEndToEndIT}), against a local HTTPS
 * stub.
 */
class ServiceAccountTokenTest {
    static final Instant NOW = Instant.parse("2026-12-01T09:00:00Z");
    static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6Y2k6ZGVwbG95ZXIifQ."
            + "c2lnbmF0dXJlLW9mLXRoZS1hcGktc2VydmVyLWZvci10ZXN0cw";
    static final String MINTER = "minter-token-0123456789";
    static final String POLICY = """
            kind: role
            version: v7
            metadata: {name: deploy-sa}
            spec:
              allow:
                kubernetes_users: ["system:serviceaccount:ci:deployer"]
              options: {max_session_ttl: 2h}
            ---
            kind: role
            version: v7
            metadata: {name: grouped}
            spec:
              allow:
                kubernetes_groups: [deployers]
                kubernetes_users: ["system:serviceaccount:ci:deployer"]
            ---
            kind: role
            version: v7
            metadata: {name: plain}
            spec:
              allow:
                kubernetes_users: [jenkins]
            ---
            kind: user
            version: v2
            metadata: {name: deployer}
            spec: {roles: [deploy-sa]}
            ---
            kind: user
            version: v2
            metadata: {name: grouped}
            spec: {roles: [grouped]}
            ---
            kind: user
            version: v2
            metadata: {name: plain}
            spec: {roles: [plain]}
            ---
            kind: job_binding
            version: v1
            metadata: {name: ci}
            spec: {users: [deployer, grouped, plain], jobs: ['ci/**']}
            """;
    private static final Pattern SECONDS = Pattern.compile("\"expirationSeconds\":(\\d+)");

    final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    final List<AuditEvent> audit = Collections.synchronizedList(new ArrayList<>());
    final List<TokenApiStub> stubs = new ArrayList<>();

    @AfterEach
    void stopStubs() {
        stubs.forEach(TokenApiStub::close);
    }

    /** A stub that grants what is asked, from NOW. */
    TokenApiStub grantingStub() throws Exception {
        return stub(seen -> TokenApiStub.Answer.of(201, TokenApiStub.tokenResponse(TOKEN, NOW.plusSeconds(seconds(seen)))));
    }

    TokenApiStub stub(java.util.function.Function<TokenApiStub.Seen, TokenApiStub.Answer> answers) throws Exception {
        TokenApiStub stub = new TokenApiStub(answers);
        stubs.add(stub);
        return stub;
    }

    static long seconds(TokenApiStub.Seen seen) {
        Matcher m = SECONDS.matcher(seen.body());
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    TokenMinter minter(TokenApiStub stub, MinterCredential credential, Duration requestTimeout) throws Exception {
        return new TokenMinter(ClusterEndpoint.of("eks", stub.url(), stub.caPem, null, "ci"), credential,
                "credential \"minter\"", clock, Duration.ofSeconds(5), requestTimeout);
    }

    SigningService service(TokenMinter minter) throws Exception {
        return new SigningService(new PolicyParser().parse(POLICY, "policy"),
                List.of(ClusterTarget.serviceAccountTokens(minter)), Duration.ofHours(1), clock, audit::add);
    }

    SigningService service(TokenApiStub stub) throws Exception {
        return service(minter(stub, () -> MINTER, Duration.ofSeconds(10)));
    }

    static KubeconfigRequest build(String user) {
        return KubeconfigRequest.by(new Requester("ci/deploy", 3)).withRobotUser(user);
    }

    private PolicyRefusal refused(SigningService service, KubeconfigRequest request, String rule) {
        PolicyRefusal[] caught = new PolicyRefusal[1];
        assertThatThrownBy(() -> service.issue(request)).isInstanceOfSatisfying(PolicyRefusal.class, e -> {
            assertThat(e.rule()).isEqualTo(rule);
            caught[0] = e;
        });
        assertThat(audit).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(AuditEvent.Outcome.REFUSED);
            assertThat(e.rule()).isEqualTo(rule);
            assertThat(e.toJson()).doesNotContain(MINTER).doesNotContain(TOKEN);
        });
        assertThat(caught[0].getMessage()).doesNotContain(MINTER);
        return caught[0];
    }

    @Test
    void mintsAKubeconfigWithTheTokenAndAuditsItByItsHash() throws Exception {
        TokenApiStub stub = grantingStub();
        IssuedKubeconfig issued = service(stub).issue(build("deployer"));

        String yaml = new String(issued.kubeconfig(), StandardCharsets.UTF_8);
        assertThat(yaml).contains("    token: \"" + TOKEN + "\"\n").doesNotContain("client-certificate-data",
                "client-key-data", MINTER);
        assertThat(yaml).contains("server: \"" + stub.url() + "\"", "namespace: \"ci\"", "certificate-authority-data");
        assertThat(issued.isToken()).isTrue();
        assertThat(issued.kubernetesUser()).isEqualTo("system:serviceaccount:ci:deployer");
        assertThat(issued.groups()).isEmpty();
        assertThat(issued.notAfter()).isEqualTo(NOW.plus(Duration.ofHours(1)));
        String hash = MintedToken.sha256Prefix(TOKEN);
        assertThat(issued.serialHex()).isEqualTo("sha256:" + hash);
        assertThat(issued.secretValues()).contains(TOKEN, TOKEN.substring(TOKEN.lastIndexOf('.') + 1));
        assertThat(issued.summary()).isEqualTo("robot user deployer as service account "
                + "system:serviceaccount:ci:deployer, token sha256:" + hash + ", valid until 2026-12-01T10:00:00Z");
        assertThat(issued.toString()).doesNotContain(TOKEN);

        assertThat(audit).singleElement().satisfies(e -> assertThat(e.toJson()).isEqualTo("{\"time\":\"" + NOW
                + "\",\"outcome\":\"issued\",\"job\":\"ci/deploy\",\"build\":3,\"robot_user\":\"deployer\","
                + "\"kubernetes_user\":\"system:serviceaccount:ci:deployer\",\"groups\":[],\"cluster\":\"eks\","
                + "\"ttl\":\"1h\",\"token_sha256\":\"" + hash + "\",\"not_after\":\"2026-12-01T10:00:00Z\"}"));
    }

    @Test
    void sendsOneTokenRequestForTheServiceAccountWithTheTtlAsExpirationSeconds() throws Exception {
        TokenApiStub stub = grantingStub();
        service(stub).issue(build("deployer").withTtl("90m"));
        assertThat(stub.seen).singleElement().satisfies(s -> {
            assertThat(s.method()).isEqualTo("POST");
            assertThat(s.path()).isEqualTo("/api/v1/namespaces/ci/serviceaccounts/deployer/token");
            assertThat(s.authorization()).isEqualTo("Bearer " + MINTER);
            assertThat(s.body()).isEqualTo("{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\","
                    + "\"spec\":{\"expirationSeconds\":5400}}");
        });
    }

    @Test
    void recordsAShorterExpiryThanAskedAsGranted() throws Exception {
        TokenApiStub stub = stub(seen -> TokenApiStub.Answer.of(201,
                TokenApiStub.tokenResponse(TOKEN, NOW.plus(Duration.ofMinutes(20)))));
        IssuedKubeconfig issued = service(stub).issue(build("deployer"));
        assertThat(issued.notAfter()).isEqualTo(NOW.plus(Duration.ofMinutes(20)));
        assertThat(audit.get(0).notAfter()).isEqualTo(NOW.plus(Duration.ofMinutes(20)));
    }

    @Test
    void refusesATokenLongerThanAsked() throws Exception {
        TokenApiStub stub = stub(seen -> TokenApiStub.Answer.of(201,
                TokenApiStub.tokenResponse(TOKEN, NOW.plus(Duration.ofHours(2)))));
        PolicyRefusal e = refused(service(stub), build("deployer"), "token-longer-than-asked");
        assertThat(e.getMessage()).contains("granted a token for ci/deployer until 2026-12-01T11:00:00Z, longer "
                + "than the 1h asked for").doesNotContain(TOKEN);
    }

    @Test
    void refusesGroupsOnATokenClusterSayingToBindRbacToTheServiceAccount() throws Exception {
        TokenApiStub stub = grantingStub();
        PolicyRefusal e = refused(service(stub), build("grouped"), "groups-on-token-cluster");
        assertThat(e.getMessage()).isEqualTo("robot user \"grouped\" cannot get a service-account token on cluster "
                + "\"eks\": its roles (grouped) grant kubernetes_groups (deployers), which a token cannot carry (a "
                + "service account's groups are fixed); remove kubernetes_groups from its roles and bind RBAC to the "
                + "service account instead");
        assertThat(stub.seen).isEmpty();
    }

    @Test
    void refusesAKubernetesUserThatIsNotAServiceAccount() throws Exception {
        TokenApiStub stub = grantingStub();
        PolicyRefusal e = refused(service(stub), build("plain"), "not-a-service-account");
        assertThat(e.getMessage()).isEqualTo("robot user \"plain\" cannot get a service-account token on cluster "
                + "\"eks\": its Kubernetes user (jenkins) is not a service account; a token-mode cluster needs "
                + "kubernetes_users: [\"system:serviceaccount:<namespace>:<name>\"] in a role");
        assertThat(stub.seen).isEmpty();
    }

    @Test
    void refusesATtlBelowTenMinutesWithTheReason() throws Exception {
        TokenApiStub stub = grantingStub();
        PolicyRefusal e = refused(service(stub), build("deployer").withTtl("9m59s"), "ttl-below-token-minimum");
        assertThat(e.getMessage()).isEqualTo("ttl: 9m59s is below 10m, the shortest token the Kubernetes "
                + "TokenRequest API issues (cluster \"eks\" uses service-account tokens); ask for 10m or more");
        assertThat(stub.seen).isEmpty();
        audit.clear();
        assertThat(service(stub).issue(build("deployer").withTtl("10m")).notAfter())
                .isEqualTo(NOW.plus(Duration.ofMinutes(10)));
    }

    @Test
    void keepsTheRoleMaximumAsARefusal() throws Exception {
        TokenApiStub stub = grantingStub();
        PolicyRefusal e = refused(service(stub), build("deployer").withTtl("3h"), "ttl-above-maximum");
        assertThat(e.getMessage()).startsWith("ttl: 3h is above the maximum of 2h");
        assertThat(stub.seen).isEmpty();
    }

    @Test
    void aDryRunNamesTheServiceAccountAndMintsNothing() throws Exception {
        TokenApiStub stub = grantingStub();
        Grant grant = service(stub).check(build("deployer"));
        assertThat(grant.kubernetesUser()).isEqualTo("system:serviceaccount:ci:deployer");
        assertThat(grant.groups()).isEmpty();
        assertThat(stub.seen).isEmpty();
        assertThat(audit).isEmpty();
    }

    @Test
    void mapsForbiddenToTheMinterMayNotCreateTokensWithTheApiServersMessage() throws Exception {
        TokenApiStub stub = stub(seen -> TokenApiStub.Answer.of(403, TokenApiStub.status(403, "Forbidden",
                "serviceaccounts \\\"deployer\\\" is forbidden: User \\\"system:serviceaccount:ci:minter\\\" cannot "
                        + "create resource \\\"serviceaccounts/token\\\" in API group \\\"\\\" in the namespace \\\"ci\\\"")));
        PolicyRefusal e = refused(service(stub), build("deployer"), "minter-forbidden");
        assertThat(e.getMessage()).isEqualTo("the minter may not create tokens for ci/deployer (HTTP 403: "
                + "serviceaccounts \"deployer\" is forbidden: User \"system:serviceaccount:ci:minter\" cannot create "
                + "resource \"serviceaccounts/token\" in API group \"\" in the namespace \"ci\"); an administrator "
                + "grants the minter's service account create on serviceaccounts/token with resourceNames: "
                + "[deployer] in namespace ci");
    }

    @Test
    void mapsUnauthorizedToTheMinterMayNotCreateTokens() throws Exception {
        TokenApiStub stub = stub(seen -> TokenApiStub.Answer.of(401, TokenApiStub.status(401, "Unauthorized",
                "Unauthorized")));
        PolicyRefusal e = refused(service(stub), build("deployer"), "minter-unauthorized");
        assertThat(e.getMessage()).startsWith("the minter may not create tokens for ci/deployer: the API server of "
                + "cluster \"eks\" (" + stub.url() + ") does not accept the minter's token from credential \"minter\""
                + " (HTTP 401: Unauthorized)");
    }

    @Test
    void mapsNotFoundToNoSuchServiceAccount() throws Exception {
        TokenApiStub stub = stub(seen -> TokenApiStub.Answer.of(404, TokenApiStub.status(404, "NotFound",
                "serviceaccounts \\\"deployer\\\" not found")));
        PolicyRefusal e = refused(service(stub), build("deployer"), "no-such-service-account");
        assertThat(e.getMessage()).isEqualTo("no such service account ci/deployer on cluster \"eks\" (HTTP 404: "
                + "serviceaccounts \"deployer\" not found); create it, or correct kubernetes_users in the policy");
    }

    @Test
    void aServerErrorIsRefusedOnceAndNotRetried() throws Exception {
        TokenApiStub stub = stub(seen -> TokenApiStub.Answer.of(503, "upstream connect error"));
        PolicyRefusal e = refused(service(stub), build("deployer"), "token-api-unavailable");
        assertThat(e.getMessage()).endsWith("did not issue a token for ci/deployer (HTTP 503); nothing was issued "
                + "(not retried)");
        assertThat(stub.seen).hasSize(1);
    }

    @Test
    void aSilentServerTimesOutWithinTheBound() throws Exception {
        TokenApiStub stub = stub(seen -> new TokenApiStub.Answer(201,
                TokenApiStub.tokenResponse(TOKEN, NOW.plusSeconds(3600)), Duration.ofSeconds(5)));
        PolicyRefusal e = refused(service(minter(stub, () -> MINTER, Duration.ofMillis(500))), build("deployer"),
                "api-server-unreachable");
        assertThat(e.getMessage()).endsWith(": no answer within 0.5s; nothing was issued (not retried)");
    }

    @Test
    void anAnswerThatIsNotATokenRequestIsRefused() throws Exception {
        TokenApiStub stub = stub(seen -> TokenApiStub.Answer.of(201, "<html>login</html>"));
        PolicyRefusal e = refused(service(stub), build("deployer"), "token-response-invalid");
        assertThat(e.getMessage()).contains("without a status; is the server URL a Kubernetes API server?");
        audit.clear();
        stub.answer(seen -> TokenApiStub.Answer.of(201, TokenApiStub.tokenResponse("a token with spaces",
                NOW.plusSeconds(600))));
        PolicyRefusal bad = refused(service(stub), build("deployer"), "token-response-invalid");
        assertThat(bad.getMessage()).endsWith("without a usable token (status.token)").doesNotContain("spaces");
    }

    @Test
    void aServerCertificateTheClusterCaDidNotSignFailsTls() throws Exception {
        TokenApiStub stub = grantingStub();
        TokenApiStub other = grantingStub();
        TokenMinter wrongCa = new TokenMinter(ClusterEndpoint.of("eks", stub.url(), other.caPem, null, null),
                () -> MINTER, "credential \"minter\"", clock);
        PolicyRefusal e = refused(service(wrongCa), build("deployer"), "api-server-unreachable");
        assertThat(e.getMessage()).contains("TLS failed").contains("check the cluster's server CA");
        assertThat(stub.seen).isEmpty(); // the minter's token never left
    }

    @Test
    void aMissingMinterCredentialIsRefusedBeforeAnyRequest() throws Exception {
        TokenApiStub stub = grantingStub();
        SigningService service = service(minter(stub, () -> {
            throw new MinterUnavailableException("credential \"minter\" does not exist");
        }, Duration.ofSeconds(10)));
        PolicyRefusal e = refused(service, build("deployer"), "minter-unavailable");
        assertThat(e.getMessage()).isEqualTo("cluster \"eks\": no usable minter credential: credential \"minter\" "
                + "does not exist");
        assertThat(stub.seen).isEmpty();
    }

    @Test
    void readsTheMinterTokenFromAKubeconfigsCurrentUser() throws Exception {
        byte[] kubeconfig = """
                apiVersion: v1
                kind: Config
                users:
                - name: admin
                  user: {token: not-this-one}
                - name: minter
                  user: {token: %s}
                contexts:
                - name: eks
                  context: {cluster: eks, user: minter}
                current-context: eks
                """.formatted(MINTER).getBytes(StandardCharsets.UTF_8);
        assertThat(MinterCredential.tokenFromKubeconfig(kubeconfig, "credential \"k\"")).isEqualTo(MINTER);
        byte[] certOnly = "users:\n- name: u\n  user: {client-certificate-data: abc}\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> MinterCredential.tokenFromKubeconfig(certOnly, "credential \"k\""))
                .hasMessage("credential \"k\": the kubeconfig's user has no token (users[].user.token); the minter "
                        + "needs a service account's bearer token");
        assertThatThrownBy(() -> MinterCredential.checkToken("two words", "--minter-token-file t"))
                .hasMessageStartingWith("--minter-token-file t: is not one bearer token").hasMessageNotContaining("two");
        assertThat(MinterCredential.checkToken(MINTER + "\n", "f")).isEqualTo(MINTER);
    }

    @Test
    void policyCheckSaysWhichRobotUsersATokenClusterCanServe() throws Exception {
        RobotPolicy policy = new PolicyParser().parse(POLICY, "policy");
        assertThat(ServiceAccountTokenPolicy.whyNot(policy.profile("deployer"))).isNull();
        assertThat(ServiceAccountTokenPolicy.whyNot(policy.profile("grouped"))).startsWith("its roles (grouped) "
                + "grant kubernetes_groups (deployers)");
        assertThat(ServiceAccountTokenPolicy.whyNot(policy.profile("plain"))).startsWith("its Kubernetes user "
                + "(jenkins) is not a service account");
    }

    @Test
    void parsesTheModeByItsName() throws Exception {
        assertThat(IssuanceMode.parse(null, "mode")).isEqualTo(IssuanceMode.CLIENT_CERTIFICATE);
        assertThat(IssuanceMode.parse("service-account-token", "mode")).isEqualTo(IssuanceMode.SERVICE_ACCOUNT_TOKEN);
        assertThatThrownBy(() -> IssuanceMode.parse("token", "--cluster-mode")).hasMessage("--cluster-mode: "
                + "\"token\" is not an issuance mode (use client-certificate or service-account-token)");
        assertThat(ServiceAccount.fromUserName("system:serviceaccount:ci:deployer"))
                .isEqualTo(new ServiceAccount("ci", "deployer"));
        assertThat(ServiceAccount.fromUserName("system:serviceaccount:ci")).isNull();
        assertThat(ServiceAccount.fromUserName("system:serviceaccount:CI:x")).isNull();
        assertThat(ServiceAccount.fromUserName("jenkins")).isNull();
    }
}
