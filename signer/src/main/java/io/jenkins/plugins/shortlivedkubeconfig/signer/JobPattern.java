package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A glob over Jenkins job full names, segment by segment ({@code /} separates folders, jobs and branches):
 * {@code *} matches within one segment, {@code ?} one character of a segment, and {@code **} (a whole segment)
 * any number of segments, including none. So {@code deploy/**} matches every job below the folder
 * {@code deploy}, {@code * /main} (without the space) the {@code main} branch of every top-level multibranch project.
 */
public final class JobPattern {
    private final String glob;
    private final Pattern regex;

    private JobPattern(String glob, Pattern regex) {
        this.glob = glob;
        this.regex = regex;
    }

    /**
     * Compiles a glob.
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
        String[] segments = collapseGlobstars(glob.split("/", -1));
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            boolean first = i == 0;
            boolean last = i == segments.length - 1;
            if (segment.isEmpty()) {
                throw new IllegalArgumentException(MessageText.quote(glob) + " has an empty segment ('//')");
            }
            if (segment.equals("**")) {
                if (first && last) {
                    re.append("[^/]+(?:/[^/]+)*");
                } else if (first) {
                    re.append("(?:[^/]+/)*"); // the next segment then needs no separator of its own
                } else {
                    re.append("(?:/[^/]+)*"); // "a/**" matches a, a/b, a/b/c; "a/**/b" matches a/b, a/x/b
                }
                continue;
            }
            if (segment.contains("**")) {
                throw new IllegalArgumentException(MessageText.quote(glob) + ": '**' must be a whole segment, as in a/**/b");
            }
            boolean afterLeadingGlobstar = i == 1 && segments[0].equals("**");
            if (!first && !afterLeadingGlobstar) {
                re.append('/');
            }
            for (int c = 0; c < segment.length(); c++) {
                char ch = segment.charAt(c);
                switch (ch) {
                    case '*' -> re.append("[^/]*");
                    case '?' -> re.append("[^/]");
                    default -> re.append(Pattern.quote(String.valueOf(ch)));
                }
            }
        }
        return new JobPattern(glob, Pattern.compile(re.toString()));
    }

    // "a/**/**/b" means "a/**/b": kept apart, the regex of two globstars in a row would need a segment between them.
    private static String[] collapseGlobstars(String[] segments) {
        List<String> out = new ArrayList<>(segments.length);
        for (String segment : segments) {
            if (!(segment.equals("**") && !out.isEmpty() && out.get(out.size() - 1).equals("**"))) {
                out.add(segment);
            }
        }
        return out.toArray(new String[0]);
    }

    /** Whether the job full name (e.g. {@code deploy/api/main}) matches. */
    public boolean matches(String jobFullName) {
        return regex.matcher(jobFullName).matches();
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
