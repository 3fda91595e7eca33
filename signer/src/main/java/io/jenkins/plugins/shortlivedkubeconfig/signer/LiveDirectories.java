package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The private kubeconfig directories that blocks created and have not yet deleted, per node, with the build that
 * owns each: what is left to clean up when an agent died mid-block. A directory is added when its block starts and
 * removed when it is deleted; when a node comes (back) online, {@link #leftovers} names the directories on it whose
 * builds are no longer running, to delete. A directory whose kubeconfig is being renewed also has its
 * {@link Renewal}, so that a restarted controller can resume the renewals of the blocks that resume. Immutable: every
 * change returns a new registry.
 *
 * <p>Its text form ({@link #toText()}, {@link #parse}) is small and line-based: a header line, then one directory
 * per line, five tab-separated fields (node, parent path, name, job, build number), followed for a renewed
 * directory by nine more (the request's cluster, robot user, TTL, Kubernetes user, variable and namespace, empty
 * for none; the CSR in base64 DER; when the current certificate was issued and expires, ISO-8601), with {@code %},
 * tab, line breaks and other control characters percent-encoded. Version 1 files (no renewals) are still read.
 */
public final class LiveDirectories {
    static final String HEADER = "# short-lived-kubeconfig live directories v2";
    static final String HEADER_V1 = "# short-lived-kubeconfig live directories v1";
    /** A registry larger than this is garbage, not the directories of running blocks. */
    static final int MAX_ENTRIES = 100_000;
    private static final int DIRECTORY_FIELDS = 5;
    private static final int RENEWAL_FIELDS = 9;

    private static final LiveDirectories EMPTY = new LiveDirectories(List.of(), Map.of());

    private final List<LiveDirectory> entries;
    private final Map<LiveDirectory, Renewal> renewals;

    private LiveDirectories(List<LiveDirectory> entries, Map<LiveDirectory, Renewal> renewals) {
        this.entries = List.copyOf(entries);
        this.renewals = Collections.unmodifiableMap(new LinkedHashMap<>(renewals));
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
        return new LiveDirectories(more, renewals);
    }

    /**
     * This registry with {@code directory} (added if need be) being renewed as {@code renewal} says: the block's
     * first certificate, or the one a renewal just put in the file.
     *
     * @throws IllegalArgumentException when the renewal's request is not the build's that owns the directory
     */
    public LiveDirectories withRenewal(LiveDirectory directory, Renewal renewal) {
        Objects.requireNonNull(renewal, "renewal");
        if (!renewal.request().requester().equals(directory.build())) {
            throw new IllegalArgumentException("the renewal of a directory must be requested by the build that "
                    + "owns it");
        }
        LiveDirectories added = with(directory);
        Map<LiveDirectory, Renewal> more = new LinkedHashMap<>(added.renewals);
        more.put(directory, renewal);
        return new LiveDirectories(added.entries, more);
    }

    /** How the directory's kubeconfig is renewed; null when it is not (or the directory is not in the registry). */
    @CheckForNull
    public Renewal renewal(LiveDirectory directory) {
        return renewals.get(directory);
    }

    /** The directories that a build's blocks created, in the order they were added. */
    public List<LiveDirectory> of(Requester build) {
        return entries.stream().filter(d -> d.build().equals(build)).toList();
    }

    /** This registry without the directory of that name in that parent on that node (whichever build owns it). */
    public LiveDirectories without(String node, String parent, String name) {
        List<LiveDirectory> fewer = entries.stream()
                .filter(d -> !(d.node().equals(node) && d.parent().equals(parent) && d.name().equals(name)))
                .toList();
        if (fewer.size() == entries.size()) {
            return this;
        }
        Map<LiveDirectory, Renewal> kept = new LinkedHashMap<>(renewals);
        kept.keySet().retainAll(fewer);
        return new LiveDirectories(fewer, kept);
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
                    .append('\t').append(encode(Objects.requireNonNull(d.build().jobFullName(), "a live directory belongs to a build"))).append('\t').append(d.build().buildNumber());
            Renewal renewal = renewals.get(d);
            if (renewal != null) {
                KubeconfigRequest r = renewal.request();
                for (String field : new String[] {r.cluster(), r.robotUser(), r.ttl(), r.kubernetesUser(),
                        r.variable(), r.namespace()}) {
                    b.append('\t').append(field == null ? "" : encode(field));
                }
                b.append('\t').append(Base64.getEncoder().encodeToString(renewal.csr().der()))
                        .append('\t').append(renewal.issuedAt()).append('\t').append(renewal.notAfter());
            }
            b.append('\n');
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
        return parse(text, source, null);
    }

    /**
     * Reads the text form, keeping every directory whose renewal cannot be read (without the renewal: the sweep
     * still finds it) and saying so to {@code dropped}, so that one damaged renewal does not lose the whole list.
     *
     * @throws InvalidInputException as {@link #parse(String, String)}, except for renewals
     */
    public static LiveDirectories parse(String text, String source, @CheckForNull Consumer<String> dropped)
            throws InvalidInputException {
        String[] lines = text.split("\n", -1);
        boolean v1 = lines[0].equals(HEADER_V1);
        if (!v1 && !lines[0].equals(HEADER)) {
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
        Set<LiveDirectory> entries = new LinkedHashSet<>();
        Map<LiveDirectory, Renewal> renewals = new LinkedHashMap<>();
        for (int i = 1; i < last; i++) {
            String where = source + ": line " + (i + 1);
            String[] fields = lines[i].split("\t", -1);
            boolean renewed = !v1 && fields.length == DIRECTORY_FIELDS + RENEWAL_FIELDS;
            if (fields.length != DIRECTORY_FIELDS && !renewed) {
                throw new InvalidInputException(where + ": expected " + DIRECTORY_FIELDS
                        + (v1 ? "" : " or " + (DIRECTORY_FIELDS + RENEWAL_FIELDS)) + " tab-separated fields, found "
                        + fields.length);
            }
            LiveDirectory directory = directory(fields, where);
            entries.add(directory);
            if (renewed) {
                try {
                    renewals.put(directory, renewal(fields, directory.build(), where));
                } catch (InvalidInputException e) {
                    if (dropped == null) {
                        throw e;
                    }
                    dropped.accept(e.getMessage());
                }
            }
        }
        return new LiveDirectories(List.copyOf(entries), renewals);
    }

    private static Renewal renewal(String[] fields, Requester build, String where) throws InvalidInputException {
        int f = DIRECTORY_FIELDS;
        KubeconfigRequest request = new KubeconfigRequest(decode(fields[f], where + ", cluster"),
                decode(fields[f + 1], where + ", robot user"), decode(fields[f + 2], where + ", ttl"),
                decode(fields[f + 3], where + ", kubernetes user"), decode(fields[f + 4], where + ", variable"),
                build, decode(fields[f + 5], where + ", namespace"));
        byte[] der;
        try {
            der = Base64.getDecoder().decode(fields[f + 6]);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(where + ", csr: not base64");
        }
        if (der.length == 0) {
            throw new InvalidInputException(where + ", csr: empty");
        }
        ClientCsr csr = ClientCsr.read(der, where + ", csr");
        Instant issuedAt = instant(fields[f + 7], where + ", issued at");
        Instant notAfter = instant(fields[f + 8], where + ", not after");
        try {
            return new Renewal(request, csr, issuedAt, notAfter);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(where + ": " + e.getMessage());
        }
    }

    private static Instant instant(String text, String where) throws InvalidInputException {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidInputException(where + ": not an ISO-8601 instant");
        }
    }

    private static LiveDirectory directory(String[] fields, String where) throws InvalidInputException {
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
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' || c < 0x20 || c == 0x7f) { // all ASCII: one byte each in UTF-8, as decode reads them
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            } else {
                b.append(c);
            }
        }
        return b.toString();
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
        return o instanceof LiveDirectories other && other.entries.equals(entries) && other.renewals.equals(renewals);
    }

    @Override
    public int hashCode() {
        return entries.hashCode() * 31 + renewals.hashCode();
    }

    @Override
    public String toString() {
        return "LiveDirectories[" + entries.size() + " on " + nodes().size() + " nodes, " + renewals.size()
                + " renewed]";
    }
}
