package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SecretMaskerTest {
    /** Shaped like the values we mask: base64 text of at least 16 characters. */
    static final String KEY = "MHcCAQEEIBkg4LVWM9nuwNSk3yhHm6T2";
    static final String CERT = "MIIBhTCCASugAwIBAgIQIRi6zePL6mKjOipn";

    static String mask(String line, String... values) {
        return SecretMasker.of(List.of(values)).mask(line);
    }

    /** The byte method, on a buffer longer than the line as a log stream hands it. */
    static byte[] maskBytes(SecretMasker masker, byte[] line) throws IOException {
        byte[] buffer = Arrays.copyOf(line, line.length + 7);
        Arrays.fill(buffer, line.length, buffer.length, (byte) 'Z');
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        masker.mask(buffer, line.length, out);
        return out.toByteArray();
    }

    static String maskUtf8(String line, String... values) throws IOException {
        return new String(maskBytes(SecretMasker.of(List.of(values)), line.getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8);
    }

    @Test
    void aLineWithoutASecretIsLeftAsItIsWithoutACopy() {
        SecretMasker masker = SecretMasker.of(List.of(KEY, CERT));
        String line = "[INFO] Downloading from central: https://repo.maven.apache.org/maven2/org/x/1.0/x-1.0.pom\n";
        assertThat(masker.mask(line)).isSameAs(line);
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        assertThat(masker.maskedOrNull(bytes, bytes.length)).isNull();
        assertThat(masker.maskedOrNull(new byte[0], 0)).isNull();
        assertThat(masker.mask("")).isEmpty();
    }

    @Test
    void masksOneSecret() throws IOException {
        assertThat(mask("client-key-data: " + KEY + "\n", KEY)).isEqualTo("client-key-data: ****\n");
        assertThat(maskUtf8("client-key-data: " + KEY + "\n", KEY)).isEqualTo("client-key-data: ****\n");
    }

    @Test
    void masksEveryOccurrenceOfSeveralSecrets() throws IOException {
        String line = "a " + KEY + " b " + CERT + " c " + KEY + " d";
        assertThat(mask(line, KEY, CERT)).isEqualTo("a **** b **** c **** d");
        assertThat(maskUtf8(line, KEY, CERT)).isEqualTo("a **** b **** c **** d");
    }

    @Test
    void ofOverlappingSecretsTheOneThatStartsFirstIsMasked() throws IOException {
        String first = "ABCDEFGHIJKLMNOP";
        String second = "KLMNOPQRSTUVWXYZ";
        // The second starts inside the first: the scan resumes after the first, as the alternation regex does.
        assertThat(mask("xx" + first + "QRSTUVWXYZyy", first, second)).isEqualTo("xx****QRSTUVWXYZyy");
        assertThat(maskUtf8("xx" + first + "QRSTUVWXYZyy", first, second)).isEqualTo("xx****QRSTUVWXYZyy");
        assertThat(mask("xxABCDE" + second, first, second)).isEqualTo("xxABCDE****");
    }

    @Test
    void adjacentSecretsAreEachMasked() throws IOException {
        assertThat(mask(KEY + CERT + KEY, KEY, CERT)).isEqualTo("************");
        assertThat(maskUtf8(KEY + CERT + KEY, KEY, CERT)).isEqualTo("************");
    }

    @Test
    void aSecretThatIsAPrefixOfAnotherLeavesNoTailOfTheLongerOne() throws IOException {
        String longer = KEY + "3pXQ";
        assertThat(mask("x" + longer + "y", KEY, longer)).isEqualTo("x****y");
        assertThat(mask("x" + longer + "y", longer, KEY)).isEqualTo("x****y");
        assertThat(maskUtf8("x" + longer + "y", KEY, longer)).isEqualTo("x****y");
        assertThat(mask("x" + KEY + "3pX", KEY, longer)).isEqualTo("x****3pX");
    }

    @Test
    void masksAtTheStartAndTheEndOfALine() throws IOException {
        assertThat(mask(KEY, KEY)).isEqualTo("****");
        assertThat(mask(KEY + " then " + KEY, KEY)).isEqualTo("**** then ****");
        assertThat(maskUtf8(KEY, KEY)).isEqualTo("****");
        assertThat(maskUtf8(KEY + " then " + KEY, KEY)).isEqualTo("**** then ****");
        // One character short of the secret at either end: nothing to mask.
        assertThat(mask(KEY.substring(1) + " " + KEY.substring(0, KEY.length() - 1), KEY))
                .isEqualTo(KEY.substring(1) + " " + KEY.substring(0, KEY.length() - 1));
    }

    @Test
    void multiByteUtf8AroundAndInsideASecret() throws IOException {
        String line = "é€😀日本" + KEY + "ü😀\n";
        assertThat(maskUtf8(line, KEY)).isEqualTo("é€😀日本****ü😀\n");
        String unicodeSecret = "pässwörd-€-😀-日本語-0123456789";
        assertThat(maskUtf8("→" + unicodeSecret + "←", unicodeSecret)).isEqualTo("→****←");
        assertThat(mask("→" + unicodeSecret + "←", unicodeSecret)).isEqualTo("→****←");
    }

    @Test
    void malformedUtf8AroundASecretIsWrittenUnchanged() throws IOException {
        byte[] key = KEY.getBytes(StandardCharsets.UTF_8);
        byte[] line = concat(new byte[] {(byte) 0xff, (byte) 0xc3}, key, new byte[] {(byte) 0x80, '\n'});
        assertThat(maskBytes(SecretMasker.of(List.of(KEY)), line))
                .isEqualTo(concat(new byte[] {(byte) 0xff, (byte) 0xc3}, "****".getBytes(StandardCharsets.UTF_8),
                        new byte[] {(byte) 0x80, '\n'}));
    }

    @Test
    void crlfAndLfLineEndingsAreKept() throws IOException {
        assertThat(maskUtf8("token " + KEY + "\r\n", KEY)).isEqualTo("token ****\r\n");
        assertThat(maskUtf8(KEY + "\r\n", KEY)).isEqualTo("****\r\n");
        assertThat(mask("token " + KEY + "\r\n", KEY)).isEqualTo("token ****\r\n");
        assertThat(maskUtf8("\r\n", KEY)).isEqualTo("\r\n");
    }

    @Test
    void shortSecretsAreMaskedToo() throws IOException {
        assertThat(mask("aab", "a", "ab")).isEqualTo("********");
        assertThat(mask("xyz", "y")).isEqualTo("x****z");
        assertThat(maskUtf8("xyz", "y")).isEqualTo("x****z");
        assertThat(maskUtf8("abcab", "ab", "abc")).isEqualTo("********");
    }

    @Test
    void emptyAndDuplicateValuesAreIgnored() {
        assertThat(SecretMasker.of(List.of("", "")).isEmpty()).isTrue();
        assertThat(SecretMasker.of(List.of("", "")).mask("anything")).isEqualTo("anything");
        SecretMasker masker = SecretMasker.of(List.of("", KEY, KEY));
        assertThat(masker.isEmpty()).isFalse();
        assertThat(masker.mask("=" + KEY + "=")).isEqualTo("=****=");
        assertThat(masker.toString()).contains("1 values");
    }

    @Test
    void refusesANullValueWithoutShowingTheOthers() {
        List<String> values = new ArrayList<>(List.of(KEY));
        values.add(null);
        assertThatThrownBy(() -> SecretMasker.of(values)).isInstanceOf(NullPointerException.class)
                .hasMessage("a secret value is null");
    }

    @Test
    void refusesACharsetThatCannotEncode() {
        Charset decodeOnly = Charset.availableCharsets().values().stream().filter(c -> !c.canEncode()).findFirst()
                .orElseThrow();
        assertThatThrownBy(() -> SecretMasker.of(List.of(KEY), decodeOnly))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(decodeOnly.name());
    }

    @Test
    void toStringShowsNoValue() {
        SecretMasker masker = SecretMasker.of(List.of(KEY, CERT));
        assertThat(masker.toString()).isEqualTo("SecretMasker[2 values, UTF-8, byte-level]")
                .doesNotContain(KEY.substring(0, 4), CERT.substring(0, 4));
    }

    @Test
    void singleByteCharsetsAreMaskedInBytes() throws IOException {
        Charset cp1252 = Charset.forName("windows-1252");
        String secret = "Grüße-€-" + KEY;
        SecretMasker masker = SecretMasker.of(List.of(secret), cp1252);
        assertThat(masker.toString()).endsWith("byte-level]");
        assertThat(new String(maskBytes(masker, ("» " + secret + " «\r\n").getBytes(cp1252)), cp1252))
                .isEqualTo("» **** «\r\n");
    }

    @Test
    void aValueTheCharsetCannotEncodeIsNotLookedForInItsBytes() throws IOException {
        // In ISO-8859-1 "€" would encode as "?": matching those bytes would mask text that is not the secret.
        String secret = "price-€-" + KEY;
        SecretMasker masker = SecretMasker.of(List.of(secret), StandardCharsets.ISO_8859_1);
        byte[] line = ("price-?-" + KEY).getBytes(StandardCharsets.ISO_8859_1);
        assertThat(masker.maskedOrNull(line, line.length)).isNull();
        assertThat(masker.mask(secret)).isEqualTo("****");
    }

    @Test
    void otherCharsetsAreDecodedSoThatNoMatchCrossesACharacter() throws IOException {
        Charset utf16 = StandardCharsets.UTF_16LE;
        SecretMasker masker = SecretMasker.of(List.of("AB", KEY), utf16);
        assertThat(masker.toString()).endsWith("decoding each line]");
        // Bytes 20 41 00 42 00 20: "AB" in UTF-16LE (41 00 42 00) at an odd offset, inside other characters.
        byte[] misaligned = "\u4120\u4200\u2000".getBytes(utf16);
        assertThat(new String(misaligned, utf16).getBytes(utf16)).containsSubsequence(0x41, 0, 0x42, 0);
        assertThat(masker.maskedOrNull(misaligned, misaligned.length)).isNull();
        assertThat(new String(maskBytes(masker, ("x" + KEY + "AB\r\n").getBytes(utf16)), utf16))
                .isEqualTo("x********\r\n");
    }

    @Test
    void theByteMethodWritesTheLineOnceAndNothingBeyondItsLength() throws IOException {
        SecretMasker masker = SecretMasker.of(List.of(KEY));
        List<String> writes = new ArrayList<>();
        OutputStream recorder = new OutputStream() {
            @Override
            public void write(int b) {
                throw new AssertionError("one byte at a time");
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writes.add(new String(b, off, len, StandardCharsets.UTF_8));
            }
        };
        byte[] buffer = ("a " + KEY + " b " + KEY + "\nleftover from a longer line").getBytes(StandardCharsets.UTF_8);
        int length = ("a " + KEY + " b " + KEY + "\n").length();
        masker.mask(buffer, length, recorder);
        masker.mask(buffer, 2, recorder);
        assertThat(writes).containsExactly("a **** b ****\n", "a ");
        assertThatThrownBy(() -> masker.mask(buffer, buffer.length + 1, recorder))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void masksARealKubeconfigAsTheAlternationRegexDoes() throws Exception {
        Clock clock = Clock.systemUTC();
        CertificateAuthority ca = CertificateAuthority.generate("masker CA", Duration.ofDays(1), KeyAlgorithm.EC_P256, clock);
        Issuer issuer = new Issuer(ca, new PolicyParser().parse(PolicyParserTest.SEED, "robots.yaml"), clock,
                AuditSink.NONE);
        List<String> secrets = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        for (KeyAlgorithm algorithm : List.of(KeyAlgorithm.EC_P256, KeyAlgorithm.RSA_2048)) {
            IssuedKubeconfig issued = issuer.issue(IssueRequest.of("jenkins", Duration.ofHours(1),
                    ClusterEndpoint.of("prod", "https://10.0.0.1:6443", ca.certificatePem(), null, null))
                    .withKeyAlgorithm(algorithm));
            secrets.addAll(issued.secretValues());
            String yaml = new String(issued.kubeconfig(), StandardCharsets.UTF_8);
            yaml.lines().forEach(l -> lines.add("+ cat kubeconfig: " + l + "\n")); // what `cat` prints
            for (String data : List.of("client-certificate-data: ", "client-key-data: ")) {
                String base64 = yaml.lines().filter(l -> l.contains(data)).findFirst().orElseThrow()
                        .replaceAll(".*: ", "");
                new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8).lines()
                        .forEach(l -> lines.add(l + "\r\n")); // what `base64 -d` prints
            }
        }
        Pattern alternation = Pattern.compile(secrets.stream().distinct()
                .sorted(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()))
                .map(Pattern::quote).collect(Collectors.joining("|")));
        SecretMasker masker = SecretMasker.of(secrets);
        StringBuilder all = new StringBuilder();
        for (String line : lines) {
            String expected = alternation.matcher(line).replaceAll("****");
            assertThat(masker.mask(line)).isEqualTo(expected);
            assertThat(new String(maskBytes(masker, line.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8))
                    .isEqualTo(expected);
            all.append(masker.mask(line));
        }
        assertThat(all.toString()).contains("client-key-data: ****\n", "client-certificate-data: ****\n");
        for (String secret : secrets) {
            assertThat(all.toString()).doesNotContain(secret);
        }
    }

    @Test
    void oneMaskerServesParallelStreams() throws Exception {
        SecretMasker masker = SecretMasker.of(List.of(KEY, CERT, KEY + "3pXQ"));
        List<byte[]> lines = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            String line = i % 3 == 0 ? "line " + i + " " + KEY + (i % 2 == 0 ? "3pXQ" : "") + "\n"
                    : i % 3 == 1 ? "line " + i + " " + CERT + CERT + "\r\n" : "line " + i + " nothing here\n";
            lines.add(line.getBytes(StandardCharsets.UTF_8));
        }
        List<byte[]> sequential = new ArrayList<>();
        for (byte[] line : lines) {
            sequential.add(maskBytes(masker, line));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<byte[]>>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> {
                    List<byte[]> out = new ArrayList<>();
                    for (byte[] line : lines) {
                        out.add(maskBytes(masker, line));
                    }
                    return out;
                }));
            }
            for (Future<List<byte[]>> result : results) {
                List<byte[]> out = result.get();
                for (int i = 0; i < lines.size(); i++) {
                    assertThat(out.get(i)).isEqualTo(sequential.get(i));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(new String(sequential.get(0), StandardCharsets.UTF_8)).isEqualTo("line 0 ****\n");
        assertThat(new String(sequential.get(1), StandardCharsets.UTF_8)).isEqualTo("line 1 ********\r\n");
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.write(p, 0, p.length);
        }
        return out.toByteArray();
    }
}
