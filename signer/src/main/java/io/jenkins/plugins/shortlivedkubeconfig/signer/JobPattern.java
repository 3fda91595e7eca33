package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A glob over Jenkins job full names, segment by segment ({@code /} separates folders, jobs and branches):
 * {@code *} matches within one segment (also nothing), {@code ?} one character of a segment, and {@code **} (a
 * whole segment) any number of non-empty segments, including none. So {@code deploy/**} matches the folder
 * {@code deploy} and every item below it, {@code deploy/api/PR-*} the pull requests of the multibranch project
 * {@code deploy/api}. Characters are Unicode code points; nothing else is special.
 *
 * <p>Job names are picked by whoever may create or rename items, so a pattern is only as trustworthy as the folder
 * it starts at: {@link #anchorProblem()} says why a pattern whose first segment is not a literal name must be refused,
 * and {@link #wildcardFolderWarning()} who could choose a matching name when a later folder segment is a wildcard.
 *
 * <p>Matching takes time linear in the job name for typical patterns and O(name length × pattern length) at
 * worst (never exponential, whatever the name): {@code **} by dynamic programming over segments, {@code *} within a
 * segment by fixed-length chunks placed leftmost-first.
 */
public final class JobPattern {
    /** In a chunk, {@code ?}: any one code point. Code points are never negative. */
    private static final int ANY = -1;

    private final String glob;
    // The pattern's segments; consecutive '**' are collapsed into one ("a/**/**/b" means "a/**/b").
    private final List<Segment> segments;
    private final boolean globstar;

    private JobPattern(String glob, List<Segment> segments) {
        this.glob = glob;
        this.segments = List.copyOf(segments);
        this.globstar = segments.contains(Segment.GLOBSTAR);
    }

    /**
     * Compiles a glob. Any syntactically valid glob compiles; whether it may be trusted is
     * {@link #anchorProblem()}'s and {@link #wildcardFolderWarning()}'s question.
     *
     * @throws IllegalArgumentException with a message saying what is wrong with the pattern
     */
    public static JobPattern compile(String glob) {
        Objects.requireNonNull(glob, "glob");
        if (glob.isEmpty()) {
            throw new IllegalArgumentException("a job pattern must not be empty");
        }
        if (glob.length() > 1024) {
            throw new IllegalArgumentException("a job pattern must be at most 1024 characters");
        }
        if (glob.startsWith("/") || glob.endsWith("/")) {
            throw new IllegalArgumentException(MessageText.quote(glob) + " starts or ends with '/'; write job full names "
                    + "without a leading or trailing slash, e.g. deploy/**");
        }
        for (int i = 0; i < glob.length(); i++) {
            if (Character.isISOControl(glob.charAt(i))) {
                throw new IllegalArgumentException(MessageText.quote(glob) + " contains a control character");
            }
        }
        List<Segment> segments = new ArrayList<>();
        for (String text : glob.split("/", -1)) {
            if (text.isEmpty()) {
                throw new IllegalArgumentException(MessageText.quote(glob) + " has an empty segment ('//')");
            }
            if (text.equals("**")) {
                if (segments.isEmpty() || segments.get(segments.size() - 1) != Segment.GLOBSTAR) {
                    segments.add(Segment.GLOBSTAR);
                }
                continue;
            }
            if (text.contains("**")) {
                throw new IllegalArgumentException(MessageText.quote(glob) + ": '**' must be a whole segment, as in a/**/b");
            }
            segments.add(Segment.of(text));
        }
        return new JobPattern(glob, segments);
    }

    /**
     * Why this pattern cannot be trusted, or {@code null}: its first segment must be a literal folder (or job) name
     * that an administrator chose, because anyone who can create or rename a top-level item could otherwise pick a
     * matching name.
     */
    @CheckForNull
    public String anchorProblem() {
        int slash = glob.indexOf('/');
        String first = slash < 0 ? glob : glob.substring(0, slash);
        if (!isWildcard(first)) {
            return null;
        }
        return MessageText.quote(glob) + ": the first segment " + MessageText.quote(first) + " must be a literal "
                + "folder or job name, without '*', '?' or '**': anyone who can create or rename an item chooses its "
                + "name, so a pattern must start at a folder an administrator names, e.g. deploy/** or deploy/api/main";
    }

    /**
     * A warning when a folder segment after the first (any segment but the last, which names the job or branch) is
     * a wildcard, saying who could then choose a matching name; {@code null} otherwise. Only the first such segment
     * is named.
     */
    @CheckForNull
    public String wildcardFolderWarning() {
        String[] texts = glob.split("/", -1);
        for (int i = 1; i < texts.length - 1; i++) {
            if (isWildcard(texts[i])) {
                String folder = MessageText.quote(String.join("/", Arrays.copyOf(texts, i)));
                String matching = texts[i].equals("**")
                        ? "folders at any depth below it, which " + MessageText.quote("**") + " matches,"
                        : "a folder matching " + MessageText.quote(texts[i]);
                return MessageText.quote(glob) + ": anyone who can create, rename or move items in folder " + folder
                        + " can create " + matching + " and so choose job names this pattern matches; bind folders "
                        + "whose item creation is restricted, or name the folder instead of matching it";
            }
        }
        return null;
    }

    private static boolean isWildcard(String segment) {
        return segment.indexOf('*') >= 0 || segment.indexOf('?') >= 0;
    }

    /** Whether the job full name (e.g. {@code deploy/api/main}) matches. */
    public boolean matches(String jobFullName) {
        if (!globstar) {
            return matchesSegmentBySegment(jobFullName);
        }
        Segment head = segments.get(0);
        int firstSlash = jobFullName.indexOf('/');
        if (head != Segment.GLOBSTAR
                && !head.matches(jobFullName, 0, firstSlash < 0 ? jobFullName.length() : firstSlash)) {
            return false; // most patterns are anchored elsewhere: no need to allocate anything
        }
        // starts[k] .. ends[k]: the k-th segment of the name, split at '/' with empty segments kept ('/' is never
        // half of a surrogate pair, so segments hold whole code points)
        int count = 1;
        for (int at = jobFullName.indexOf('/'); at >= 0; at = jobFullName.indexOf('/', at + 1)) {
            count++;
        }
        int[] starts = new int[count];
        int[] ends = new int[count];
        for (int k = 0, at = 0; k < count; k++) {
            int slash = jobFullName.indexOf('/', at);
            starts[k] = at;
            ends[k] = slash < 0 ? jobFullName.length() : slash;
            at = ends[k] + 1;
        }
        // reached[k]: the pattern's segments so far match exactly the name's first k segments
        boolean[] reached = new boolean[count + 1];
        boolean[] next = new boolean[count + 1];
        reached[0] = true;
        for (Segment segment : segments) {
            boolean any = false;
            if (segment == Segment.GLOBSTAR) {
                // '**' adds any run of non-empty segments: one pass, carrying reachability forwards
                for (int k = 0; k <= count; k++) {
                    next[k] = reached[k] || (k > 0 && next[k - 1] && ends[k - 1] > starts[k - 1]);
                    any |= next[k];
                }
            } else {
                next[0] = false;
                for (int k = 0; k < count; k++) {
                    next[k + 1] = reached[k] && segment.matches(jobFullName, starts[k], ends[k]);
                    any |= next[k + 1];
                }
            }
            if (!any) {
                return false;
            }
            boolean[] swap = reached;
            reached = next;
            next = swap;
        }
        return reached[count];
    }

    /** Without '**', the i-th segment of the pattern matches the i-th segment of the name. */
    private boolean matchesSegmentBySegment(String name) {
        int from = 0;
        for (int i = 0; i < segments.size(); i++) {
            if (from > name.length()) {
                return false; // the name has fewer segments
            }
            int slash = name.indexOf('/', from);
            int to = slash < 0 ? name.length() : slash;
            if (!segments.get(i).matches(name, from, to)) {
                return false;
            }
            from = to + 1;
        }
        return from == name.length() + 1; // and no more
    }

    /**
     * One segment without {@code **}: chunks of literal code points and {@link #ANY} separated by {@code *}. With
     * {@code star} false there is a single chunk that must match the whole name segment; otherwise the first chunk
     * is a prefix, the last a suffix, and the ones between are found leftmost-first (which is optimal: a chunk
     * placed earlier leaves more room for the rest). Each step looks at one code point, so a segment of length n
     * costs at most n times the segment pattern's length.
     */
    private static final class Segment {
        /** {@code **}, which the matcher handles itself. */
        static final Segment GLOBSTAR = new Segment(new int[0][], true);

        private final int[][] chunks;
        private final boolean star;

        private Segment(int[][] chunks, boolean star) {
            this.chunks = chunks;
            this.star = star;
        }

        static Segment of(String text) {
            List<int[]> chunks = new ArrayList<>();
            for (String chunk : text.split("\\*", -1)) {
                chunks.add(chunk.codePoints().map(c -> c == '?' ? ANY : c).toArray());
            }
            return new Segment(chunks.toArray(new int[0][]), chunks.size() > 1);
        }

        /** Whether {@code name[from, to)} (one segment of a job name) matches. */
        boolean matches(String name, int from, int to) {
            int[] first = chunks[0];
            if (!star) {
                return forwards(first, name, from, to) == to;
            }
            int suffix = backwards(chunks[chunks.length - 1], name, from, to);
            int at = suffix < 0 ? -1 : forwards(first, name, from, suffix);
            if (at < 0) {
                return false;
            }
            for (int c = 1; c < chunks.length - 1; c++) {
                int end = forwards(chunks[c], name, at, suffix);
                while (end < 0 && at < suffix) {
                    at += Character.charCount(name.codePointAt(at));
                    end = forwards(chunks[c], name, at, suffix);
                }
                if (end < 0) {
                    return false;
                }
                at = end;
            }
            return true;
        }

        /** Where the chunk ends when it matches from {@code at} without passing {@code limit}, or -1. */
        private static int forwards(int[] chunk, String name, int at, int limit) {
            for (int element : chunk) {
                if (at >= limit) {
                    return -1;
                }
                int c = name.codePointAt(at);
                if (element != ANY && element != c) {
                    return -1;
                }
                at += Character.charCount(c);
            }
            return at <= limit ? at : -1;
        }

        /** Where the chunk starts when it matches ending at {@code at} without passing back over {@code limit}, or -1. */
        private static int backwards(int[] chunk, String name, int limit, int at) {
            for (int i = chunk.length - 1; i >= 0; i--) {
                if (at <= limit) {
                    return -1;
                }
                int c = name.codePointBefore(at);
                if (chunk[i] != ANY && chunk[i] != c) {
                    return -1;
                }
                at -= Character.charCount(c);
            }
            return at >= limit ? at : -1;
        }
    }

    /** The glob as written. */
    public String glob() {
        return glob;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JobPattern other && other.glob.equals(glob);
    }

    @Override
    public int hashCode() {
        return glob.hashCode();
    }

    @Override
    public String toString() {
        return glob;
    }
}
