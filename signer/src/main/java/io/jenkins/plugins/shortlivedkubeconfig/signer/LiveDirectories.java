package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The private kubeconfig directories that blocks created and have not yet deleted, per node, with the build that
 * owns each: what is left to clean up when an agent died mid-block. A directory is added when its block starts and
 * removed when it is deleted; when a node comes (back) online, {@link #leftovers} names the directories on it whose
 * builds are no longer running, to delete. Immutable: every change returns a new registry.
 *
 * <p>Its text form ({@link #toText()}, {@link #parse}) is small and line-based: a header line, then one directory
 * per line, five tab-separated fields (node, parent path, name, job, build number) with {@code %}, tab, line
 * breaks and other control characters percent-encoded.
 */
public final class LiveDirectories {
    static final String HEADER = "# short-lived-kubeconfig live directories v1";
    /** A registry larger than this is garbage, not the directories of running blocks. */
    static final int MAX_ENTRIES = 100_000;

    private static final LiveDirectories EMPTY = new LiveDirectories(List.of());

    private final List<LiveDirectory> entries;

    private LiveDirectories(List<LiveDirectory> entries) {
        this.entries = List.copyOf(entries);
    }

    public static LiveDirectories empty() {
        return EMPTY;
    }

    /** Every directory, in the order they were added. */
    public List<LiveDirectory> entries() {
        return entries;
    }

    /** This registry with {@code directory} added (a directory already there is kept once). */
    public LiveDirectories with(LiveDirectory directory) {
        Objects.requireNonNull(directory, "directory");
        if (entries.contains(directory)) {
            return this;
        }
        List<LiveDirectory> more = new ArrayList<>(entries);
        more.add(directory);
        return new LiveDirectories(more);
    }

    /** This registry without the directory of that name in that parent on that node (whichever build owns it). */
    public LiveDirectories without(String node, String parent, String name) {
        List<LiveDirectory> fewer = entries.stream()
                .filter(d -> !(d.node().equals(node) && d.parent().equals(parent) && d.name().equals(name)))
                .toList();
        return fewer.size() == entries.size() ? this : new LiveDirectories(fewer);
    }

    /** This registry without {@code directory}. */
    public LiveDirectories without(LiveDirectory directory) {
        return without(directory.node(), directory.parent(), directory.name());
    }

    /**
     * The directories on {@code node} to delete now: those whose build is no longer running. A running build's
     * directories are left alone, since its block may still use them (it deletes them itself when it ends).
     */
    public List<LiveDirectory> leftovers(String node, Predicate<Requester> running) {
        return entries.stream().filter(d -> d.node().equals(node) && !running.test(d.build())).toList();
    }

    /** {@link #leftovers(String, Predicate)} for a set of running builds. */
    public List<LiveDirectory> leftovers(String node, Set<Requester> running) {
        return leftovers(node, running::contains);
    }

    /** The nodes that have directories, in first-added order. */
    public Set<String> nodes() {
        Set<String> nodes = new LinkedHashSet<>();
        entries.forEach(d -> nodes.add(d.node()));
        return nodes;
    }

    /** The text form, UTF-8, for a file under {@code JENKINS_HOME}. */
    public String toText() {
        StringBuilder b = new StringBuilder(HEADER).append('\n');
        for (LiveDirectory d : entries) {
            b.append(encode(d.node())).append('\t').append(encode(d.parent())).append('\t').append(d.name())
                    .append('\t').append(encode(Objects.requireNonNull(d.build().jobFullName(), "a live directory belongs to a build"))).append('\t').append(d.build().buildNumber())
                    .append('\n');
        }
        return b.toString();
    }

    /**
     * Reads the text form.
     *
     * @param source names the file in messages
     * @throws InvalidInputException naming the source and line when anything in it is not what {@link #toText()}
     *     writes
     */
    public static LiveDirectories parse(String text, String source) throws InvalidInputException {
        String[] lines = text.split("\n", -1);
        if (!lines[0].equals(HEADER)) {
            throw new InvalidInputException(source + ": line 1: not a live directories file (expected \"" + HEADER
                    + "\")");
        }
        int last = lines.length - 1;
        if (!lines[last].isEmpty()) {
            throw new InvalidInputException(source + ": line " + lines.length + ": the file is truncated (no final "
                    + "line break)");
        }
        if (last - 1 > MAX_ENTRIES) {
            throw new InvalidInputException(source + ": more than " + MAX_ENTRIES + " directories");
        }
        List<LiveDirectory> entries = new ArrayList<>(last);
        for (int i = 1; i < last; i++) {
            entries.add(line(lines[i], source + ": line " + (i + 1)));
        }
        LiveDirectories parsed = EMPTY;
        for (LiveDirectory d : entries) {
            parsed = parsed.with(d);
        }
        return parsed;
    }

    private static LiveDirectory line(String line, String where) throws InvalidInputException {
        String[] fields = line.split("\t", -1);
        if (fields.length != 5) {
            throw new InvalidInputException(where + ": expected 5 tab-separated fields, found " + fields.length);
        }
        String node = decode(fields[0], where + ", node");
        String parent = decode(fields[1], where + ", parent");
        String job = decode(fields[3], where + ", job");
        int number;
        try {
            number = Integer.parseInt(fields[4]);
        } catch (NumberFormatException e) {
            throw new InvalidInputException(where + ", build number: not a number");
        }
        if (!fields[4].matches("0|[1-9][0-9]{0,9}")) {
            throw new InvalidInputException(where + ", build number: not a number");
        }
        try {
            return new LiveDirectory(node, parent, fields[2], new Requester(job, number));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(where + ": " + e.getMessage());
        }
    }

    /** Percent-encodes '%' and every control character, so that a field is one line with no tab. */
    static String encode(String s) {
        StringBuilder b = new StringBuilder(s.length());
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        for (byte x : utf8) {
            int c = x & 0xff;
            if (c == '%' || c < 0x20 || c == 0x7f) {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            } else {
                b.append((char) c);
            }
        }
        // The loop copied UTF-8 bytes as chars: decode them back (only ASCII was changed).
        return new String(b.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    static String decode(String s, String where) throws InvalidInputException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < utf8.length; i++) {
            int c = utf8[i] & 0xff;
            if (c < 0x20 || c == 0x7f) {
                throw new InvalidInputException(where + ": a control character that is not percent-encoded");
            }
            if (c == '%') {
                int hi = i + 2 < utf8.length ? Character.digit(utf8[i + 1], 16) : -1;
                int lo = i + 2 < utf8.length ? Character.digit(utf8[i + 2], 16) : -1;
                if (hi < 0 || lo < 0) {
                    throw new InvalidInputException(where + ": '%' not followed by two hex digits");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LiveDirectories other && other.entries.equals(entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return "LiveDirectories[" + entries.size() + " on " + nodes().size() + " nodes]";
    }
}
