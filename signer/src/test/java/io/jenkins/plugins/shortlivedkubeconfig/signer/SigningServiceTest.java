package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every decision an entry point leaves to the core: defaults, the configured clusters, the CA pin; all audited. */
class SigningServiceTest {
    static final Instant NOW = Instant.parse("2026-12-01T09:00:00Z");
    static final String POLICY = PolicyParserTest.SEED + """
            ---
            kind: user
            version: v2
            metadata: {name: deployer}
            spec: {roles: [robot]}
            ---
            kind: job_binding
            version: v1
            metadata: {name: apps}
            spec: {users: [jenkins], jobs: ['apps/**']}
            ---
            kind: job_binding
            version: v1
            metadata: {name: releases}
            spec: {users: [jenkins, deployer], jobs: ['releases/**']}
            """;

    final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    final List<AuditEvent> audit = Collections.synchronizedList(new ArrayList<>());
    final CertificateAuthority ca;
    final CertificateAuthority otherCa;

    SigningServiceTest() throws Exception {
        ca = IssuerTest.ca(clock, Duration.ofDays(365));
        otherCa = IssuerTest.ca(clock, Duration.ofDays(365));
    }

    ClusterTarget target(String name, CertificateAuthority authority, String pin) throws Exception {
        return new ClusterTarget(ClusterEndpoint.of(name, "https://127.0.0.1:6443", null, null, null),
                () -> authority, pin, "credential \"ca\"");
    }

    SigningService service(ClusterTarget... clusters) throws Exception {
        return new SigningService(new PolicyParser().parse(POLICY, "policy"), List.of(clusters), Duration.ofHours(1),
                clock, audit::add);
    }

    SigningService oneCluster() throws Exception {
        return service(target("prod", ca, ca.fingerprintSha256()));
    }

    static KubeconfigRequest build(String job) {
        return KubeconfigRequest.by(new Requester(job, 7));
    }

    /** The refusal's rule, and the one audit record it left, which holds no key material. */
    private AuditEvent refusedOnce(SigningService service, KubeconfigRequest request, String rule) {
        assertThatThrownBy(() -> service.issue(request)).isInstanceOfSatisfying(SignerException.class, e -> {
            if (e instanceof PolicyRefusal refusal) {
                assertThat(refusal.rule()).isEqualTo(rule);
            }
        });
        assertThat(audit).hasSize(1);
        AuditEvent event = audit.get(0);
        assertThat(event.outcome()).isEqualTo(AuditEvent.Outcome.REFUSED);
        assertThat(event.rule()).isEqualTo(rule);
        assertThat(event.serialHex()).isNull();
        assertThat(event.requester()).isEqualTo(request.requester());
        assertThat(event.toJson()).doesNotContain("PRIVATE", "client-key-data", "BEGIN");
        return event;
    }

    @Test
    void fillsEveryDefaultForABuildThatNamesNothing() throws Exception {
        IssuedKubeconfig issued = oneCluster().issue(build("apps/api"));
        assertThat(issued.robotUser()).isEqualTo("jenkins");
        assertThat(issued.cluster()).isEqualTo("prod");
        assertThat(Duration.between(NOW, issued.notAfter())).isEqualTo(Duration.ofHours(1));
        assertThat(audit).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(AuditEvent.Outcome.ISSUED);
            assertThat(e.requester()).isEqualTo(new Requester("apps/api", 7));
        });
    }

    @Test
    void refusesAnUnknownClusterNamingTheConfiguredOnes() throws Exception {
        AuditEvent e = refusedOnce(oneCluster(), build("apps/api").withCluster("staging"), "unknown-cluster");
        assertThat(e.cluster()).isEqualTo("staging");
        assertThat(e.reason()).isEqualTo("cluster: \"staging\" is not configured (configured: prod)");
    }

    @Test
    void refusesWhenNoClusterIsConfigured() throws Exception {
        refusedOnce(service(), build("apps/api"), "no-clusters");
    }

    @Test
    void asksToChooseAClusterWhenSeveralAreConfigured() throws Exception {
        SigningService two = service(target("prod", ca, ca.fingerprintSha256()),
                target("test", ca, ca.fingerprintSha256()));
        AuditEvent e = refusedOnce(two, build("apps/api"), "choose-cluster");
        assertThat(e.reason()).isEqualTo("cluster: several clusters are configured (prod, test); choose one");
        audit.clear();
        assertThat(two.issue(build("apps/api").withCluster("test")).cluster()).isEqualTo("test");
    }

    @Test
    void refusesEverythingWhileNotConfigured() throws Exception {
        SigningService none = SigningService.notConfigured("no robot policy is configured", clock, audit::add);
        AuditEvent e = refusedOnce(none, build("apps/api"), "not-configured");
        assertThat(e.reason()).isEqualTo("no robot policy is configured");
        assertThatThrownBy(() -> none.check(build("apps/api"))).hasMessage("no robot policy is configured");
        assertThat(audit).hasSize(1); // a dry run records nothing
    }

    @Test
    void refusesATtlThatDoesNotParseAsInvalidInput() throws Exception {
        assertThatThrownBy(() -> oneCluster().issue(build("apps/api").withTtl("1 hour")))
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("ttl: ");
        assertThat(audit).singleElement().satisfies(e -> {
            assertThat(e.rule()).isEqualTo("invalid-request");
            assertThat(e.reason()).startsWith("ttl: ");
            assertThat(e.ttl()).isNull();
        });
    }

    @Test
    void refusesAnInvalidVariableNameAsInvalidInput() throws Exception {
        assertThatThrownBy(() -> oneCluster().issue(build("apps/api").withVariable("KUBE CONFIG")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("variable: \"KUBE CONFIG\" is not an environment variable name (letters, digits and "
                        + "'_', not starting with a digit, at most 128 characters)");
        assertThat(audit).singleElement().satisfies(e -> assertThat(e.rule()).isEqualTo("invalid-request"));
    }

    @Test
    void refusesAJobThatNoBindingNames() throws Exception {
        AuditEvent e = refusedOnce(oneCluster(), build("website/app"), "no-job-binding");
        assertThat(e.robotUser()).isNull();
        assertThat(e.reason()).startsWith("no robot user of the policy may be used by job \"website/app\"");
    }

    @Test
    void asksToChooseARobotUserWhenTheJobMayUseSeveral() throws Exception {
        AuditEvent e = refusedOnce(oneCluster(), build("releases/app"), "choose-user");
        assertThat(e.reason()).isEqualTo("user: job \"releases/app\" may act as several robot users "
                + "(deployer, jenkins); choose one");
        audit.clear();
        assertThat(oneCluster().issue(build("releases/app").withRobotUser("deployer")).robotUser())
                .isEqualTo("deployer");
    }

    @Test
    void auditsAPolicyRefusalOnceWithTheAdministratorsDetail() throws Exception {
        AuditEvent e = refusedOnce(oneCluster(), build("website/app").withRobotUser("jenkins"), "job-not-allowed");
        assertThat(e.robotUser()).isEqualTo("jenkins");
        assertThat(e.reason()).contains("apps/**, releases/**"); // the detail, for administrators
    }

    @Test
    void refusesWhenTheCaCannotBeLoaded() throws Exception {
        ClusterTarget broken = new ClusterTarget(ClusterEndpoint.of("prod", "https://127.0.0.1:6443", null, null,
                null), () -> {
                    throw new CaUnavailableException("credential \"ca\" is not in the SYSTEM scope");
                }, ca.fingerprintSha256(), "credential \"ca\"");
        AuditEvent e = refusedOnce(service(broken), build("apps/api"), "ca-unavailable");
        assertThatThrownBy(() -> service(broken).issue(build("apps/api")))
                .isInstanceOfSatisfying(PolicyRefusal.class, r -> assertThat(r.isTransient())
                        .as("a renewal retries while the CA cannot be read").isTrue());
        assertThat(e.reason()).isEqualTo("cluster \"prod\": no usable signing CA: credential \"ca\" is not in the "
                + "SYSTEM scope");
    }

    @Test
    void aPinMatchesHoweverAnAdministratorWroteIt() {
        String hex = ca.fingerprintSha256().replace(":", "");
        StringBuilder spaced = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 2) {
            spaced.append(i == 0 ? "" : i % 8 == 0 ? " " : ":").append(hex, i, i + 2);
        }
        assertThat(ClusterTarget.pinMatches(ca.fingerprintSha256(), ca)).isTrue();
        assertThat(ClusterTarget.pinMatches(" " + hex.toLowerCase(java.util.Locale.ROOT) + " ", ca)).isTrue();
        assertThat(ClusterTarget.pinMatches(spaced.toString(), ca)).as(spaced.toString()).isTrue();
        assertThat(ClusterTarget.pinMatches(otherCa.fingerprintSha256(), ca)).isFalse();
    }

    @Test
    void refusesACaWhoseCertificateDoesNotMatchThePin() throws Exception {
        SigningService swapped = service(target("prod", otherCa, ca.fingerprintSha256()));
        AuditEvent e = refusedOnce(swapped, build("apps/api"), "ca-fingerprint-mismatch");
        assertThatThrownBy(() -> swapped.issue(build("apps/api")))
                .isInstanceOfSatisfying(PolicyRefusal.class, r -> assertThat(r.isTransient())
                        .as("a replaced CA stops renewals").isFalse());
        assertThat(e.reason()).contains("was replaced", otherCa.fingerprintSha256(), ca.fingerprintSha256());
    }

    @Test
    void refusesAnUnpinnedCa() throws Exception {
        refusedOnce(service(target("prod", ca, null)), build("apps/api"), "ca-not-pinned");
    }

    @Test
    void thePinIgnoresCaseAndColons() throws Exception {
        String bare = ca.fingerprintSha256().replace(":", "").toLowerCase(java.util.Locale.ROOT);
        assertThat(service(target("prod", ca, bare)).issue(build("apps/api")).cluster()).isEqualTo("prod");
    }

    @Test
    void eachClusterSignsWithItsOwnCa() throws Exception {
        SigningService two = service(target("prod", ca, ca.fingerprintSha256()),
                target("test", otherCa, otherCa.fingerprintSha256()));
        IssuedKubeconfig prod = two.issue(build("apps/api").withCluster("prod"));
        IssuedKubeconfig test = two.issue(build("apps/api").withCluster("test"));
        prod.certificate().verify(ca.certificate().getPublicKey());
        test.certificate().verify(otherCa.certificate().getPublicKey());
        assertThatThrownBy(() -> test.certificate().verify(ca.certificate().getPublicKey()))
                .isInstanceOf(java.security.SignatureException.class);
    }

    @Test
    void aDryRunDecidesLikeIssuanceButRecordsNothing() throws Exception {
        Grant grant = oneCluster().check(build("apps/api"));
        assertThat(grant.robotUser()).isEqualTo("jenkins");
        assertThatThrownBy(() -> oneCluster().check(build("website/app"))).isInstanceOf(PolicyRefusal.class);
        assertThat(audit).isEmpty();
    }

    @Test
    void aCheckBeforeIssuingAuditsItsRefusalOnce() throws Exception {
        AuditEvent e = refusedOnceBy(() -> oneCluster().checkBeforeIssue(build("website/app")), "no-job-binding");
        assertThat(e.requester()).isEqualTo(new Requester("website/app", 7));
        audit.clear();
        assertThat(oneCluster().checkBeforeIssue(build("apps/api")).robotUser()).isEqualTo("jenkins");
        assertThat(audit).isEmpty(); // an allowed check records nothing: the issuance that follows does
    }

    @Test
    void tellsWhetherTheRequestedClusterIssuesCertificates() throws Exception {
        assertThat(oneCluster().issuesCertificates(build("apps/api"))).isTrue();
        assertThat(oneCluster().issuesCertificates(build("apps/api").withCluster("nowhere"))).isFalse();
    }

    private AuditEvent refusedOnceBy(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String rule) {
        assertThatThrownBy(call).isInstanceOfSatisfying(PolicyRefusal.class, r -> assertThat(r.rule()).isEqualTo(rule));
        assertThat(audit).hasSize(1);
        assertThat(audit.get(0).rule()).isEqualTo(rule);
        return audit.get(0);
    }
}
