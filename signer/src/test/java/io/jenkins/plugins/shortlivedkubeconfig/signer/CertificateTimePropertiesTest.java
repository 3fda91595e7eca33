package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Date;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.bouncycastle.asn1.x509.Time;

/**
 * {@link CertificateAuthority#time}, which writes certificate validity times without {@code SimpleDateFormat}, encodes
 * every instant exactly as Bouncy Castle's {@code Time(Date)} did before it: UTCTime from 1950 to 2049,
 * GeneralizedTime otherwise, to the second (milliseconds dropped).
 */
class CertificateTimePropertiesTest {
    /** 1583 (the first whole Gregorian year, where SimpleDateFormat's calendar stops being Julian) to 9999. */
    private static final long FIRST = Instant.parse("1583-01-01T00:00:00Z").toEpochMilli();
    private static final long LAST = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();

    @Property(tries = 10_000)
    void encodesAsBouncyCastlesTimeOfDate(@ForAll("instants") Instant instant) throws Exception {
        assertThat(CertificateAuthority.time(instant).getEncoded())
                .isEqualTo(new Time(Date.from(instant)).getEncoded());
    }

    @Provide
    Arbitrary<Instant> instants() {
        Arbitrary<Long> anyMillis = Arbitraries.longs().between(FIRST, LAST);
        // Around the UTCTime/GeneralizedTime switches, and the years a certificate is usually issued in.
        Arbitrary<Long> nearSwitch = Arbitraries.of("1950-01-01T00:00:00Z", "2050-01-01T00:00:00Z")
                .flatMap(t -> Arbitraries.longs().between(-86_400_000L, 86_400_000L)
                        .map(d -> Instant.parse(t).toEpochMilli() + d));
        Arbitrary<Long> nowish = Arbitraries.longs().between(Instant.parse("2020-01-01T00:00:00Z").toEpochMilli(),
                Instant.parse("2040-01-01T00:00:00Z").toEpochMilli());
        return Arbitraries.oneOf(anyMillis, nearSwitch, nowish).map(Instant::ofEpochMilli);
    }

    @Example
    void writesUtcTimeAndGeneralizedTimeAsRfc5280Says() {
        assertThat(CertificateAuthority.time(Instant.parse("2026-12-03T15:04:05.999Z")).getTime())
                .isEqualTo("20261203150405GMT+00:00");
        assertThat(CertificateAuthority.time(Instant.parse("2026-12-03T15:04:05Z")).toASN1Primitive())
                .isInstanceOf(org.bouncycastle.asn1.ASN1UTCTime.class);
        assertThat(CertificateAuthority.time(Instant.parse("2050-01-01T00:00:00Z")).toASN1Primitive())
                .isInstanceOf(org.bouncycastle.asn1.ASN1GeneralizedTime.class);
        assertThat(CertificateAuthority.time(Instant.parse("1949-12-31T23:59:59Z")).toASN1Primitive())
                .isInstanceOf(org.bouncycastle.asn1.ASN1GeneralizedTime.class);
    }
}
