package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateProfileTest {
    @Test
    void backDatesNotBeforeByTheClockSkewInWholeSeconds() {
        assertThat(CertificateProfile.notBefore(Instant.parse("2026-01-01T12:00:30.987Z")))
                .isEqualTo(Instant.parse("2026-01-01T11:59:30Z"));
    }

    @Test
    void serialsArePositiveAndAtMost128Bits() {
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 200; i++) {
            BigInteger serial = CertificateProfile.serial(random);
            assertThat(serial.signum()).isPositive();
            assertThat(serial.bitLength()).isLessThanOrEqualTo(128);
        }
    }

    @Test
    void aClientSubjectHasOneOrganisationPerGroupAndTheUserAsCommonName() {
        assertThat(CertificateProfile.clientSubject("jenkins", List.of("system:masters", "view")))
                .hasToString("O=system:masters,O=view,CN=jenkins");
        assertThat(CertificateProfile.caSubject("my CA")).hasToString("CN=my CA");
    }
}
