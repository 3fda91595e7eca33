package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** The signing service's CSR entry point: the same resolution, checks and audit as a kubeconfig request. */
class SigningServiceCsrTest {
    /** The configuration and audit trail of {@link SigningServiceTest}, without re-running its tests. */
    final SigningServiceTest setup = new SigningServiceTest();
    final java.util.List<AuditEvent> audit = setup.audit;

    SigningServiceCsrTest() throws Exception {
    }

    SigningService oneCluster() throws Exception {
        return setup.oneCluster();
    }

    static KubeconfigRequest build(String job) {
        return SigningServiceTest.build(job);
    }

    @Test
    void issuesForACsrWithTheResolvedDefaults() throws Exception {
        KeyPair key = KeyAlgorithm.EC_P256.generate(new SecureRandom());
        IssuedCertificate issued = oneCluster().issue(build("apps/api"), ClientCsr.create(key));
        assertThat(issued.robotUser()).isEqualTo("jenkins");
        assertThat(issued.cluster().name()).isEqualTo("prod");
        assertThat(issued.notAfter()).isEqualTo(SigningServiceTest.NOW.plusSeconds(3600));
        assertThat(issued.certificate().getPublicKey()).isEqualTo(key.getPublic());
        assertThat(audit).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(AuditEvent.Outcome.ISSUED);
            assertThat(e.serialHex()).isEqualTo(issued.serialHex());
            assertThat(e.requester()).isEqualTo(new Requester("apps/api", 7));
        });
    }

    @Test
    void aRemovedBindingRefusesTheCsrAndAuditsOnce() throws Exception {
        ClientCsr csr = ClientCsr.create(KeyAlgorithm.EC_P256.generate(new SecureRandom()));
        assertThatThrownBy(() -> oneCluster().issue(build("other/job"), csr))
                .isInstanceOfSatisfying(PolicyRefusal.class, e -> assertThat(e.rule()).isEqualTo("no-job-binding"));
        assertThat(audit).singleElement().satisfies(e -> assertThat(e.outcome()).isEqualTo(AuditEvent.Outcome.REFUSED));
    }
}
