package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.LongRange;

/**
 * Generated TTL strings: {@link Ttl#parse} returns a duration that is never negative, or throws
 * {@link InvalidInputException} whose one-line message starts with the flag or field named; a Go duration is read
 * exactly as Go reads it, a role maximum as Teleport reads it, with its d, mo and y units (checked against an
 * independent computation); {@link Ttl#format} reads back.
 */
class TtlPropertiesTest {
    static final String SOURCE = "--ttl";

    static void parsesOrRefusesNamingTheSource(String text) {
        for (boolean days : new boolean[] {false, true}) {
            Outcome<Duration> o = Outcome.within(() -> days ? Ttl.parseRoleMaximum(text, SOURCE) : Ttl.parse(text, SOURCE))
                    .isValueOrDocumentedError(InvalidInputException.class, SOURCE + ": ");
            if (o.returned()) {
                assertThat(o.value().isNegative()).as("negative duration").isFalse();
                assertThat(o.value()).isEqualTo(reference(text, days));
            } else {
                assertThat(o.thrown().getMessage()).hasSizeLessThan(400);
                assertThat(reference(text, days)).as("Go would accept %s", text).isNull();
            }
        }
    }

    static final Map<String, BigInteger> UNITS = Map.ofEntries(Map.entry("ns", BigInteger.ONE),
            Map.entry("us", BigInteger.valueOf(1_000L)), Map.entry("µs", BigInteger.valueOf(1_000L)),
            Map.entry("μs", BigInteger.valueOf(1_000L)), Map.entry("ms", BigInteger.valueOf(1_000_000L)),
            Map.entry("s", BigInteger.valueOf(1_000_000_000L)), Map.entry("m", BigInteger.valueOf(60_000_000_000L)),
            Map.entry("h", BigInteger.valueOf(3_600_000_000_000L)), Map.entry("d", BigInteger.valueOf(86_400_000_000_000L)),
            Map.entry("mo", BigInteger.valueOf(30 * 86_400_000_000_000L)),
            Map.entry("y", BigInteger.valueOf(365 * 86_400_000_000_000L)));

    /**
     * Go's {@code time.ParseDuration} grammar, written independently with a regular expression: an optional sign,
     * then one or more decimal numbers each followed by a unit, or the single "0"; at most 64 characters after
     * trimming; negative refused; capped below 2^63 ns. Returns null when it is not such a duration.
     */
    static Duration reference(String text, boolean days) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String s = text.strip();
        if (s.length() > 64 || s.startsWith("-")) {
            return null;
        }
        if (s.startsWith("+")) {
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|μs|ms|mo|s|m|h|d|y)").matcher(s);
        BigDecimal total = BigDecimal.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            if (List.of("d", "mo", "y").contains(m.group(2)) && !days) {
                return null;
            }
            total = total.add(new BigDecimal(m.group(1).endsWith(".") ? m.group(1) + "0" : m.group(1))
                    .multiply(new BigDecimal(UNITS.get(m.group(2)))));
            if (total.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                return null;
            }
            end = m.end();
        }
        if (end != s.length() || end == 0) {
            return null;
        }
        return Duration.ofNanos(total.longValue());
    }

    @Property(tries = 10_000)
    void anyTextIsParsedOrRefusedNamingTheSource(@ForAll("ttls") String text) {
        parsesOrRefusesNamingTheSource(text);
    }

    @Provide
    Arbitrary<String> ttls() {
        Arbitrary<String> number = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.longs().between(0, 100_000).map(String::valueOf)),
                Tuple.of(2, Combinators.combine(Arbitraries.longs().between(0, 1000), Arbitraries.strings().numeric()
                        .ofMaxLength(12)).as((a, b) -> a + "." + b)),
                Tuple.of(1, Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(12).map(b -> "." + b)),
                Tuple.of(1, Arbitraries.strings().numeric().ofMinLength(15).ofMaxLength(40)),
                Tuple.of(1, Arbitraries.of("", ".", "1.", "١", "１", "1e3", "0x1", "1_0", "٫5", "-1", "+1", "NaN")));
        Arbitrary<String> unit = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.of("ns", "us", "µs", "μs", "ms", "s", "m", "h", "d")),
                Tuple.of(1, Arbitraries.of("", "H", "hr", "min", "sec", "y", "w", " h", "h ", "mm", "µ", "\u0000",
                        "\n", "\u001b[2J", "\u2028", "é", "\ud800")),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(3)));
        Arbitrary<String> goLike = Combinators.combine(number, unit).as(String::concat).list().ofMinSize(1).ofMaxSize(5)
                .map(parts -> String.join("", parts));
        Arbitrary<String> signed = Combinators.combine(Arbitraries.of("", "", "", "+", "-", " ", "\t", "--", "+-"), goLike,
                Arbitraries.of("", "", "", " ", "\n", "\r\n", "\u00a0")).as((a, b, c) -> a + b + c);
        return Arbitraries.frequencyOf(
                Tuple.of(12, signed),
                Tuple.of(2, Arbitraries.strings().withChars("0123456789.hmsunµd+- ").ofMaxLength(20)),
                Tuple.of(2, Arbitraries.strings().all().ofMaxLength(30)),
                Tuple.of(1, Arbitraries.strings().withChars("9").ofMinLength(60).ofMaxLength(200).map(s -> s + "h")),
                Tuple.of(1, Arbitraries.of("0", "+0", "-0", "0s", "00", "0.0h", "1m", "30h", "2562047h47m16.854775807s",
                        "2562047h47m16.854775808s", "9223372036854775807ns", "9223372036854775808ns", "106751d",
                        "106752d", "h", "", " ", "1h30", "1.5.5h", "1h-1m")));
    }

    @Property(tries = 2_000)
    void formatReadsBack(@ForAll @LongRange(min = 0, max = 9_000_000_000_000L) long millis) throws Exception {
        Duration d = Duration.ofMillis(millis);
        assertThat(Ttl.parse(Ttl.format(d), SOURCE)).isEqualTo(d);
    }

    @Property(tries = 1_000)
    void aRoleMaximumInDaysIsTwentyFourHoursEach(@ForAll @LongRange(min = 1, max = 100_000) long days) throws Exception {
        assertThat(Ttl.parseRoleMaximum(days + "d", "max_session_ttl")).isEqualTo(Duration.ofHours(24 * days));
        assertThat(List.of(days)).isNotEmpty();
    }
}
