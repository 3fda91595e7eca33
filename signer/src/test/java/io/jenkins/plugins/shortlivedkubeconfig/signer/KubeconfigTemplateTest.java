package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A minted credential's use: a request by the build's job, decided and audited as the wrapper's are. */
class KubeconfigTemplateTest {
    final Clock clock = Clock.fixed(SigningServiceTest.NOW, ZoneOffset.UTC);
    final List<AuditEvent> audit = Collections.synchronizedList(new ArrayList<>());
    final SigningService service;

    KubeconfigTemplateTest() throws Exception {
        CertificateAuthority ca = IssuerTest.ca(clock, Duration.ofDays(365));
        List<ClusterTarget> clusters = List.of(
                new ClusterTarget(ClusterEndpoint.of("prod", "https://10.0.0.1:6443", null, null, null), () -> ca,
                        ca.fingerprintSha256(), "credential \"ca\""),
                new ClusterTarget(ClusterEndpoint.of("test", "https://10.0.0.2:6443", null, null, null), () -> ca,
                        ca.fingerprintSha256(), "credential \"ca\""));
        service = new SigningService(new PolicyParser().parse(SigningServiceTest.POLICY, "policy"), clusters,
                Duration.ofHours(1), clock, audit::add);
    }

    @Test
    void eachUseIsANewCertificateForTheBuildsJobAndIsAudited() throws Exception {
        KubeconfigTemplate template = new KubeconfigTemplate("prod", "jenkins", "30m");
        IssuedKubeconfig first = service.issue(template.requestBy(new Requester("apps/api", 41)));
        IssuedKubeconfig second = service.issue(template.requestBy(new Requester("apps/api", 42)));
        assertThat(first.serialHex()).isNotEqualTo(second.serialHex());
        assertThat(first.cluster()).isEqualTo("prod");
        assertThat(Duration.between(SigningServiceTest.NOW, first.notAfter())).isEqualTo(Duration.ofMinutes(30));
        assertThat(audit).extracting(AuditEvent::outcome, AuditEvent::requester, AuditEvent::serialHex)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(AuditEvent.Outcome.ISSUED, new Requester("apps/api", 41),
                                first.serialHex()),
                        org.assertj.core.groups.Tuple.tuple(AuditEvent.Outcome.ISSUED, new Requester("apps/api", 42),
                                second.serialHex()));
    }

    @Test
    void aJobOutsideTheBindingsIsRefusedAndAuditedWithItsBuild() {
        KubeconfigTemplate template = new KubeconfigTemplate("prod", "deployer", null);
        assertThatThrownBy(() -> service.issue(template.requestBy(new Requester("apps/api", 7))))
                .isInstanceOfSatisfying(PolicyRefusal.class, e -> assertThat(e.getMessage())
                        .contains("\"apps/api\"", "\"deployer\""));
        assertThat(audit).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(AuditEvent.Outcome.REFUSED);
            assertThat(e.requester()).isEqualTo(new Requester("apps/api", 7));
            assertThat(e.robotUser()).isEqualTo("deployer");
            assertThat(e.serialHex()).isNull();
        });
        audit.clear();
        // With no robot user named, a job that no binding names gets none
        assertThatThrownBy(() -> service.issue(new KubeconfigTemplate("prod", null, null)
                .requestBy(new Requester("website/app", 3))))
                .isInstanceOfSatisfying(PolicyRefusal.class, e -> assertThat(e.rule()).isEqualTo("no-job-binding"));
        assertThat(audit).singleElement().satisfies(e -> assertThat(e.rule()).isEqualTo("no-job-binding"));
    }

    @Test
    void blankFieldsMeanTheDefaults() throws Exception {
        KubeconfigTemplate template = new KubeconfigTemplate(" ", "", null);
        assertThat(template).isEqualTo(new KubeconfigTemplate(null, null, null));
        KubeconfigRequest request = template.requestBy(new Requester("apps/api", 1));
        assertThat(request.variable()).isNull();
        assertThat(request.kubernetesUser()).isNull();
        // two clusters: the credential has to name one
        assertThatThrownBy(() -> service.issue(request))
                .isInstanceOfSatisfying(PolicyRefusal.class, e -> assertThat(e.rule()).isEqualTo("choose-cluster"));
        assertThat(service.issue(template.requestBy(new Requester("apps/api", 1)).withCluster("test")).cluster())
                .isEqualTo("test");
    }
}
