package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.io.ByteArrayOutputStream;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.Tuple.Tuple3;

/**
 * For generated secret sets and lines full of their pieces (whole values, overlapping and adjacent ones, prefixes
 * and tails, multi-byte and unpaired UTF-16, malformed bytes, CR and LF), {@link SecretMasker} gives exactly what a
 * slow reference of its definition gives: scan left to right, at each position replace the longest value that starts
 * there with {@code ****} and go on after it, else keep one character (or byte). Every call is time-bounded.
 */
class SecretMaskerPropertiesTest {
    private static final Duration BOUND = Duration.ofSeconds(10);

    // ---- the reference: the definition, written as plainly as possible -------------------------------------------

    static String reference(String line, Collection<String> values) {
        List<String> longestFirst = values.stream().filter(v -> !v.isEmpty()).distinct()
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
        StringBuilder out = new StringBuilder();
        int i = 0;
        scan:
        while (i < line.length()) {
            for (String v : longestFirst) {
                if (line.startsWith(v, i)) {
                    out.append("****");
                    i += v.length();
                    continue scan;
                }
            }
            out.append(line.charAt(i++));
        }
        return out.toString();
    }

    static byte[] reference(byte[] line, Collection<byte[]> values) {
        List<byte[]> longestFirst = values.stream().filter(v -> v.length > 0)
                .sorted(Comparator.comparingInt((byte[] v) -> v.length).reversed()).toList();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        scan:
        while (i < line.length) {
            for (byte[] v : longestFirst) {
                if (i + v.length <= line.length && Arrays.equals(line, i, i + v.length, v, 0, v.length)) {
                    out.write('*');
                    out.write('*');
                    out.write('*');
                    out.write('*');
                    i += v.length;
                    continue scan;
                }
            }
            out.write(line[i++]);
        }
        return out.toByteArray();
    }

    /** The documented rule: a value takes part in byte matching when the charset encodes it and decodes it back. */
    static List<byte[]> encodable(Collection<String> values, Charset charset) {
        List<byte[]> out = new ArrayList<>();
        for (String v : values) {
            try {
                var b = charset.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(v));
                byte[] bytes = Arrays.copyOf(b.array(), b.limit());
                if (new String(bytes, charset).equals(v)) {
                    out.add(bytes);
                }
            } catch (CharacterCodingException e) {
                // cannot occur in text of this charset
            }
        }
        return out;
    }

    static boolean wellFormed(String s) {
        return StandardCharsets.UTF_8.newEncoder().canEncode(s);
    }

    /** The call's result, failing the try if it threw or took longer than {@link #BOUND} (a hang). */
    static <T> T bounded(Callable<T> call) {
        Outcome<T> outcome = Outcome.within(BOUND, call);
        if (outcome.thrown() != null) {
            throw new AssertionError("the masker threw", outcome.thrown());
        }
        return outcome.value();
    }

    @CheckForNull
    static byte[] bytesOf(SecretMasker masker, byte[] line) {
        return bounded(() -> Optional.ofNullable(masker.maskedOrNull(line, line.length))).orElse(null);
    }

    // ---- the properties -------------------------------------------------------------------------------------------

    /** Text: the String method, UTF-8 bytes, and another charset's bytes all agree with the reference. */
    @Property(tries = 10_000)
    void masksTextExactlyAsTheReference(@ForAll("textCases") Tuple3<List<String>, String, Charset> c) {
        List<String> values = c.get1();
        String line = c.get2();
        Charset charset = c.get3();
        String expected = reference(line, values);

        SecretMasker utf8 = SecretMasker.of(values);
        String masked = bounded(() -> utf8.mask(line));
        assertThat(masked).isEqualTo(expected);
        if (expected.equals(line)) {
            assertThat(masked).isSameAs(line);
        }

        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        byte[] maskedBytes = bytesOf(utf8, bytes);
        if (wellFormed(line) && values.stream().allMatch(SecretMaskerPropertiesTest::wellFormed)) {
            assertThat(maskedBytes == null ? bytes : maskedBytes).isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
            // credentials-binding's alternation agrees too (on well-formed text: java.util.regex steps by code point)
            List<String> nonEmpty = values.stream().filter(v -> !v.isEmpty()).toList();
            if (!nonEmpty.isEmpty()) {
                Pattern alternation = Pattern.compile(nonEmpty.stream().distinct()
                        .sorted(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()))
                        .map(Pattern::quote).collect(Collectors.joining("|")));
                assertThat(alternation.matcher(line).replaceAll("****")).isEqualTo(expected);
            }
        } else {
            assertThat(maskedBytes == null ? bytes : maskedBytes)
                    .isEqualTo(reference(bytes, encodable(values, StandardCharsets.UTF_8)));
        }
        assertThat(maskedBytes == null).isEqualTo(Arrays.equals(bytes, reference(bytes,
                encodable(values, StandardCharsets.UTF_8))));

        // A line the other charset holds exactly: its bytes, masked, are the masked text's bytes.
        byte[] encoded = line.getBytes(charset);
        if (new String(encoded, charset).equals(line)) {
            SecretMasker other = SecretMasker.of(values, charset);
            byte[] otherMasked = bytesOf(other, encoded);
            assertThat(otherMasked == null ? encoded : otherMasked).as(charset.name())
                    .isEqualTo(expected.getBytes(charset));
        }
    }

    /** Bytes, malformed ones included, in charsets matched byte for byte: the byte reference. */
    @Property(tries = 10_000)
    void masksBytesExactlyAsTheByteReference(@ForAll("byteCases") Tuple3<List<String>, byte[], Charset> c) {
        List<String> values = c.get1();
        byte[] line = c.get2();
        Charset charset = c.get3();
        byte[] expected = reference(line, encodable(values, charset));
        SecretMasker masker = SecretMasker.of(values, charset);
        assertThat(masker.toString()).endsWith("byte-level]");
        byte[] masked = bytesOf(masker, line);
        assertThat(masked == null ? line : masked).isEqualTo(expected);
        assertThat(masked == null).isEqualTo(Arrays.equals(line, expected));
    }

    // ---- generators -----------------------------------------------------------------------------------------------

    /** A small alphabet, so that values overlap, share prefixes and sit next to each other often. */
    static final String[] TINY = {"A", "B", "+", "é"};
    static final String[] BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=".split("");
    static final String[] NOISE = {"A", "B", "+", "é", "x", " ", "-", "€", "😀", "日", "\r", "\n", "\r\n", "*", "\ud800",
        "\udc00"};
    static final List<Charset> OTHER_CHARSETS = List.of(StandardCharsets.ISO_8859_1, StandardCharsets.US_ASCII,
            Charset.forName("windows-1252"), StandardCharsets.UTF_16LE, StandardCharsets.UTF_16,
            Charset.forName("Shift_JIS"), Charset.forName("GB18030"));
    static final List<Charset> BYTE_CHARSETS = List.of(StandardCharsets.UTF_8, StandardCharsets.ISO_8859_1,
            Charset.forName("windows-1252"), StandardCharsets.US_ASCII);

    static Arbitrary<String> joined(String[] pieces, int min, int max) {
        return Arbitraries.of(pieces).list().ofMinSize(min).ofMaxSize(max).map(l -> String.join("", l));
    }

    static Arbitrary<List<String>> valueSets() {
        Arbitrary<String> shortOnes = joined(new String[] {"A", "B", "+", "é", "€", "😀", "\r", "\ud800"}, 1, 4);
        Arbitrary<String> tinyLong = joined(TINY, 3, 40);
        Arbitrary<String> base64Long = joined(BASE64, 16, 48);
        return Arbitraries.frequencyOf(
                Tuple.of(3, tinyLong.list().ofMinSize(1).ofMaxSize(6)),
                Tuple.of(3, base64Long.list().ofMinSize(1).ofMaxSize(8)),
                Tuple.of(3, Arbitraries.frequencyOf(Tuple.of(2, shortOnes), Tuple.of(2, tinyLong),
                        Tuple.of(1, base64Long), Tuple.of(1, Arbitraries.just(""))).list().ofMinSize(0).ofMaxSize(6)));
    }

    /** Cuts between code points (a cut inside a surrogate pair is what the noise's unpaired halves are for). */
    static int cut(String v, int i) {
        return i > 0 && i < v.length() && Character.isHighSurrogate(v.charAt(i - 1)) ? i - 1 : i;
    }

    static Arbitrary<String> lines(List<String> values) {
        List<String> nonEmpty = values.stream().filter(v -> !v.isEmpty()).toList();
        Arbitrary<String> noise = joined(NOISE, 0, 5);
        if (nonEmpty.isEmpty()) {
            return noise.list().ofMaxSize(8).map(l -> String.join("", l));
        }
        Arbitrary<String> value = Arbitraries.of(nonEmpty);
        Arbitrary<String> prefix = Combinators.combine(value, Arbitraries.integers().between(0, 64))
                .as((v, i) -> v.substring(0, cut(v, i % (v.length() + 1))));
        Arbitrary<String> suffix = Combinators.combine(value, Arbitraries.integers().between(0, 64))
                .as((v, i) -> v.substring(cut(v, i % (v.length() + 1))));
        Arbitrary<String> part = Arbitraries.frequencyOf(Tuple.of(4, value), Tuple.of(2, prefix), Tuple.of(2, suffix),
                Tuple.of(3, noise));
        return part.list().ofMaxSize(10).map(l -> String.join("", l));
    }

    @Provide
    Arbitrary<Tuple3<List<String>, String, Charset>> textCases() {
        return valueSets().flatMap(values -> Combinators.combine(lines(values), Arbitraries.of(OTHER_CHARSETS))
                .as((line, charset) -> Tuple.of(values, line, charset)));
    }

    @Provide
    Arbitrary<Tuple3<List<String>, byte[], Charset>> byteCases() {
        return Combinators.combine(valueSets(), Arbitraries.of(BYTE_CHARSETS)).as((v, cs) -> Tuple.of(v, cs))
                .flatMap((Tuple2<List<String>, Charset> vc) -> byteLines(vc.get1(), vc.get2())
                        .map(line -> Tuple.of(vc.get1(), line, vc.get2())));
    }

    /** Lines of encoded values, byte slices of them (which may cut a character) and random bytes. */
    static Arbitrary<byte[]> byteLines(List<String> values, Charset charset) {
        List<byte[]> encoded = values.stream().filter(v -> !v.isEmpty()).map(v -> v.getBytes(charset)).toList();
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(4);
        Arbitrary<byte[]> part;
        if (encoded.isEmpty()) {
            part = random;
        } else {
            Arbitrary<byte[]> value = Arbitraries.of(encoded);
            Arbitrary<byte[]> slice = Combinators.combine(value, Arbitraries.integers().between(0, 96),
                    Arbitraries.integers().between(0, 96)).as((v, a, b) -> {
                        int from = a % (v.length + 1);
                        return Arrays.copyOfRange(v, from, from + b % (v.length - from + 1));
                    });
            part = Arbitraries.frequencyOf(Tuple.of(4, value), Tuple.of(3, slice), Tuple.of(2, random),
                    Tuple.of(1, Arbitraries.of(new byte[] {'\r', '\n'}, new byte[] {'\n'})));
        }
        return part.list().ofMaxSize(10).map(parts -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            parts.forEach(p -> out.write(p, 0, p.length));
            return out.toByteArray();
        });
    }

    // ---- the reference checked against hand-worked cases, so that the properties compare with the definition ----

    @Example
    void theReferenceFollowsTheDefinition() {
        assertThat(reference("xxABCDyy", List.of("ABCD", "CDyy"))).isEqualTo("xx****yy");
        assertThat(reference("ABCDEF", List.of("ABC", "ABCDE", "DEF"))).isEqualTo("****F");
        assertThat(reference("ABAB", List.of("AB", ""))).isEqualTo("********");
        assertThat(reference("abc", List.of())).isEqualTo("abc");
        assertThat(reference("xABCDy".getBytes(StandardCharsets.US_ASCII),
                List.of("ABC".getBytes(StandardCharsets.US_ASCII), "CDy".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("x****Dy".getBytes(StandardCharsets.US_ASCII));
    }
}
