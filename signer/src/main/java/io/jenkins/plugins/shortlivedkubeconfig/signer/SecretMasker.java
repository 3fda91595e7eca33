package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.IntUnaryOperator;

/**
 * Replaces secret values in build log lines with {@code ****}: what a console log filter calls for every line.
 *
 * <p><b>What is replaced.</b> A line is scanned from left to right. At each position, the longest value that starts
 * there is replaced with {@code ****} and the scan goes on right after it; where no value starts, the character (or
 * byte) is kept and the scan moves on by one. So of overlapping values the one that starts first wins (values
 * {@code abcd} and {@code cdef} turn {@code abcdef} into {@code ****ef}), of values starting at the same place the
 * longest wins (a value that is a prefix of another does not leave the other's tail readable), and adjacent values
 * each become {@code ****}. This is exactly what {@link java.util.regex.Matcher#replaceAll} does with an alternation
 * of the quoted values, longest first, as credentials-binding builds it. Lines are the unit: a value split across two
 * lines is not found, and line terminators ({@code \n}, {@code \r\n}) are kept as they are.
 *
 * <p><b>Values.</b> Empty values are ignored and duplicates count once. Any other value is masked however short it
 * is: what is worth masking is the caller's decision ({@link IssuedKubeconfig#secretValues()} leaves out fragments
 * under 16 characters, which would mask innocent output). Short values cost speed, never correctness.
 *
 * <p><b>Bytes and charsets.</b> The byte methods ({@link #mask(byte[], int, OutputStream)},
 * {@link #maskedOrNull(byte[], int)}) take a line in the charset the masker was made for. For UTF-8 and for
 * single-byte charsets (ISO-8859-1, windows-1252, US-ASCII, ...) they match the values' encoded bytes directly and
 * give exactly the bytes of "decode, {@link #mask(String)}, encode" for any line that is well-formed in the charset.
 * Bytes that are not (malformed UTF-8, a byte the charset does not map) are never part of a match and are written
 * unchanged, where decoding would have replaced them with U+FFFD; a value the charset cannot encode (an unpaired
 * surrogate, a character outside ISO-8859-1) cannot occur in its output and is not looked for in bytes. For any other
 * charset (UTF-16, Shift_JIS, GB18030, ...), where a value's bytes could also match across character boundaries,
 * the byte methods decode the line, mask the text and encode it again only when something was masked: just as
 * exact, but it allocates for every line.
 *
 * <p><b>Speed.</b> A Wu-Manber scan: the masker looks at the last three bytes of a window as long as the shortest
 * value (at most 32) and, unless they could end the beginning of some value, moves the window past them, so a
 * line without a secret is read a few bytes out of every 14 (for values of 16 characters or more) and nothing is
 * allocated. Only where a value may start are the candidates with that first byte compared, longest first.
 *
 * <p>Immutable and thread-safe: one masker can serve parallel streams. {@link #toString()} shows counts only, and
 * the class is deliberately not {@link java.io.Serializable}: a filter that must be serialized keeps the values as
 * a secret and makes its masker again.
 */
public final class SecretMasker {
    /** Units hashed to decide how far the window moves. */
    private static final int GRAM = 3;
    private static final int GRAM_BITS = 14;
    /** Longer windows would skip further but fill the shift table with more small shifts; 32 is plenty. */
    private static final int MAX_WINDOW = 32;

    private static final String STARS = "****";
    private static final byte[] STAR_BYTES = STARS.getBytes(StandardCharsets.US_ASCII);
    private static final SecretMasker NONE_UTF_8 = new SecretMasker(List.of(), StandardCharsets.UTF_8);

    private final Charset charset;
    /** The values, longest first; index k of {@link #chars} is values[k]. */
    private final String[] values;
    private final Table chars;
    /** The values in the charset, for byte matching; null when the charset is not matched byte for byte. */
    @CheckForNull
    private final byte[][] encoded;
    @CheckForNull
    private final Table bytes;

    private SecretMasker(List<String> sortedValues, Charset charset) {
        this.charset = charset;
        this.values = sortedValues.toArray(new String[0]);
        this.chars = Table.of(values.length, k -> values[k].length(), (k, i) -> values[k].charAt(i));
        if (matchesByteForByte(charset)) {
            List<byte[]> kept = new ArrayList<>();
            for (String value : values) {
                byte[] b = encodeExactly(value, charset);
                if (b != null) {
                    kept.add(b);
                }
            }
            kept.sort(Comparator.comparingInt((byte[] b) -> b.length).reversed());
            byte[][] e = kept.toArray(new byte[0][]);
            this.encoded = e;
            this.bytes = Table.of(e.length, k -> e[k].length, (k, i) -> e[k][i] & 0xff);
        } else {
            this.encoded = null;
            this.bytes = null;
        }
    }

    /** A masker for lines in UTF-8. */
    public static SecretMasker of(Collection<String> values) {
        return of(values, StandardCharsets.UTF_8);
    }

    /**
     * A masker for lines in {@code charset} (a build's {@code Run.getCharset()}).
     *
     * @param values the secrets; empty ones are ignored, null ones refused
     * @throws IllegalArgumentException if the charset cannot encode (then no log could be written in it)
     */
    public static SecretMasker of(Collection<String> values, Charset charset) {
        Objects.requireNonNull(charset, "charset");
        if (!charset.canEncode()) {
            throw new IllegalArgumentException("charset " + charset.name() + " cannot encode, so it cannot be masked");
        }
        TreeSet<String> distinct = new TreeSet<>();
        for (String value : values) {
            Objects.requireNonNull(value, "a secret value is null");
            if (!value.isEmpty()) {
                distinct.add(value);
            }
        }
        if (distinct.isEmpty() && charset.equals(StandardCharsets.UTF_8)) {
            return NONE_UTF_8;
        }
        List<String> sorted = new ArrayList<>(distinct);
        sorted.sort(Comparator.comparingInt(String::length).reversed()); // stable: equal lengths stay in order
        return new SecretMasker(sorted, charset);
    }

    /** The charset of the lines that the byte methods take. */
    public Charset charset() {
        return charset;
    }

    /** True when there is nothing to mask (no non-empty value): every method returns its input. */
    public boolean isEmpty() {
        return values.length == 0;
    }

    /** {@code line} with every value replaced by {@code ****}; the same instance when nothing matched. */
    public String mask(String line) {
        String masked = maskedOrNull(line);
        return masked == null ? line : masked;
    }

    /** The masked line, or null when nothing in it matched. */
    @CheckForNull
    private String maskedOrNull(String line) {
        Table t = chars;
        int w = t.window;
        int length = line.length();
        if (w == 0 || length < w) {
            return null;
        }
        byte[] shift = t.shift;
        int[][] byFirst = t.byFirst;
        boolean skips = t.skips;
        String[] v = values;
        StringBuilder out = null;
        int kept = 0;
        int p = 0;
        int last = length - w;
        while (p <= last) {
            if (skips) {
                int e = p + w;
                int s = shift[gram(line.charAt(e - 3), line.charAt(e - 2), line.charAt(e - 1))];
                if (s != 0) {
                    p += s;
                    continue;
                }
            }
            int[] candidates = byFirst[bucket(line.charAt(p))];
            int found = -1;
            if (candidates != null) {
                for (int k : candidates) {
                    if (line.startsWith(v[k], p)) {
                        found = k;
                        break;
                    }
                }
            }
            if (found < 0) {
                p++;
                continue;
            }
            if (out == null) {
                out = new StringBuilder(length);
            }
            out.append(line, kept, p).append(STARS);
            p += v[found].length();
            kept = p;
        }
        return out == null ? null : out.append(line, kept, length).toString();
    }

    /**
     * Writes {@code line[0, length)} to {@code out} with every value replaced, in one {@code write(byte[], int, int)}
     * call; allocates nothing when nothing matched (in UTF-8 or a single-byte charset). This is what a
     * {@code LineTransformationOutputStream}'s {@code eol(b, len)} calls.
     */
    public void mask(byte[] line, int length, OutputStream out) throws IOException {
        byte[] masked = maskedOrNull(line, length);
        if (masked == null) {
            out.write(line, 0, length);
        } else {
            out.write(masked, 0, masked.length);
        }
    }

    /**
     * The masked copy of {@code line[0, length)}, or null when nothing in it matched (then the line is to be written
     * as it is). Allocates nothing when it returns null, in UTF-8 or a single-byte charset.
     */
    @CheckForNull
    public byte[] maskedOrNull(byte[] line, int length) {
        Objects.checkFromIndexSize(0, length, line.length);
        Table t = bytes;
        byte[][] v = encoded;
        if (t == null || v == null) {
            String masked = maskedOrNull(new String(line, 0, length, charset));
            return masked == null ? null : masked.getBytes(charset);
        }
        int w = t.window;
        if (w == 0 || length < w) {
            return null;
        }
        byte[] shift = t.shift;
        int[][] byFirst = t.byFirst;
        boolean skips = t.skips;
        byte[] out = null;
        int outLength = 0;
        int kept = 0;
        int p = 0;
        int last = length - w;
        while (p <= last) {
            if (skips) {
                int e = p + w;
                int s = shift[gram(line[e - 3] & 0xff, line[e - 2] & 0xff, line[e - 1] & 0xff)];
                if (s != 0) {
                    p += s;
                    continue;
                }
            }
            int[] candidates = byFirst[line[p] & 0xff]; // bucket(b) is b for a byte
            int found = -1;
            if (candidates != null) {
                for (int k : candidates) {
                    byte[] value = v[k];
                    int end = p + value.length;
                    if (end <= length && Arrays.equals(line, p, end, value, 0, value.length)) {
                        found = k;
                        break;
                    }
                }
            }
            if (found < 0) {
                p++;
                continue;
            }
            int segment = p - kept;
            int needed = outLength + segment + STAR_BYTES.length + (length - p);
            if (out == null || needed > out.length) {
                int capacity = Math.max(needed, length + 16);
                out = out == null ? new byte[capacity] : Arrays.copyOf(out, capacity);
            }
            System.arraycopy(line, kept, out, outLength, segment);
            outLength += segment;
            System.arraycopy(STAR_BYTES, 0, out, outLength, STAR_BYTES.length);
            outLength += STAR_BYTES.length;
            p += v[found].length;
            kept = p;
        }
        if (out == null) {
            return null;
        }
        System.arraycopy(line, kept, out, outLength, length - kept);
        outLength += length - kept;
        return outLength == out.length ? out : Arrays.copyOf(out, outLength);
    }

    /** Counts and charset only, never a value. */
    @Override
    public String toString() {
        return "SecretMasker[" + values.length + " values, " + charset.name()
                + (bytes == null ? ", decoding each line]" : ", byte-level]");
    }

    /**
     * True when matching encoded values against encoded text finds exactly what matching the decoded text does:
     * UTF-8 (a value's first byte can never match inside a character) and charsets of one byte per character that
     * map each byte to its own character.
     */
    static boolean matchesByteForByte(Charset charset) {
        if (charset.equals(StandardCharsets.UTF_8)) {
            return true;
        }
        if (charset.newEncoder().maxBytesPerChar() != 1f || charset.newDecoder().maxCharsPerByte() != 1f) {
            return false;
        }
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        String decoded = new String(all, charset);
        if (decoded.length() != all.length) {
            return false;
        }
        byte[] back = decoded.getBytes(charset);
        if (back.length != all.length) {
            return false;
        }
        for (int i = 0; i < all.length; i++) {
            if (decoded.charAt(i) != '\uFFFD' && back[i] != all[i]) {
                return false;
            }
        }
        return true;
    }

    /** The value's bytes in the charset, or null when it cannot be encoded and decoded back unchanged. */
    @CheckForNull
    private static byte[] encodeExactly(String value, Charset charset) {
        try {
            var buffer = charset.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(value));
            byte[] b = Arrays.copyOfRange(buffer.array(), buffer.arrayOffset() + buffer.position(),
                    buffer.arrayOffset() + buffer.limit());
            return b.length > 0 && new String(b, charset).equals(value) ? b : null;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** A hash of three units (bytes or chars); different units may share one, which only shortens skips. */
    private static int gram(int a, int b, int c) {
        return ((a << 16) ^ (b << 8) ^ c) * 0x9E3779B1 >>> (32 - GRAM_BITS);
    }

    /** The first-unit bucket: the unit itself for a byte. */
    private static int bucket(int unit) {
        return (unit ^ (unit >>> 8)) & 0xff;
    }

    /** A value's units (chars or bytes as 0-255) by value index and position. */
    @FunctionalInterface
    private interface Units {
        int at(int value, int position);
    }

    /**
     * The Wu-Manber tables for one form of the values (chars, or bytes in the charset), indexed like that form's
     * array, longest first.
     */
    private static final class Table {
        /** Length of the scan window: the shortest value's, at most {@code MAX_WINDOW}; 0 when there is no value. */
        final int window;
        /** Whether the window is long enough for the shift table ({@code GRAM} units). */
        final boolean skips;
        /**
         * By {@code gram} of the window's last three units: how far the window can move without passing the start of
         * a value. 0 when a value's first {@code window} units may end with them: then the window's start is checked.
         */
        final byte[] shift;
        /** By {@code bucket} of a first unit: the indexes of the values that may start with it, longest first. */
        final int[][] byFirst;

        private Table(int window, byte[] shift, int[][] byFirst) {
            this.window = window;
            this.skips = window >= GRAM;
            this.shift = shift;
            this.byFirst = byFirst;
        }

        static Table of(int count, IntUnaryOperator lengths, Units units) {
            int shortest = Integer.MAX_VALUE;
            for (int k = 0; k < count; k++) {
                shortest = Math.min(shortest, lengths.applyAsInt(k));
            }
            int window = count == 0 ? 0 : Math.min(shortest, MAX_WINDOW);
            byte[] shift = new byte[window >= GRAM ? 1 << GRAM_BITS : 0];
            Arrays.fill(shift, (byte) (window - GRAM + 1));
            List<List<Integer>> buckets = new ArrayList<>();
            for (int i = 0; i < 256; i++) {
                buckets.add(null);
            }
            for (int k = 0; k < count; k++) {
                for (int end = GRAM; end <= window && shift.length > 0; end++) {
                    int h = gram(units.at(k, end - 3), units.at(k, end - 2), units.at(k, end - 1));
                    shift[h] = (byte) Math.min(shift[h], window - end);
                }
                int b = bucket(units.at(k, 0));
                if (buckets.get(b) == null) {
                    buckets.set(b, new ArrayList<>());
                }
                buckets.get(b).add(k); // in index order: longest first
            }
            int[][] byFirst = new int[256][];
            for (int i = 0; i < 256; i++) {
                List<Integer> bucket = buckets.get(i);
                byFirst[i] = bucket == null ? null : bucket.stream().mapToInt(Integer::intValue).toArray();
            }
            return new Table(window, shift, byFirst);
        }
    }
}
