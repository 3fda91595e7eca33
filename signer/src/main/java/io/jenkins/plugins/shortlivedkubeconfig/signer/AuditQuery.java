package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which audit records to read, newest first: every filter is optional and exact (a serial ignores case and a
 * leading {@code 0x}), and a page is {@code limit} matching records after skipping {@code offset} of them.
 *
 * @param outcome {@code issued} or {@code refused}; null for both
 * @param robotUser the robot user asked for
 * @param job the job full name of a build
 * @param build the build number (with {@code job})
 * @param caller the Jenkins user id of a caller outside builds
 * @param serial the certificate serial, hex
 */
public record AuditQuery(@CheckForNull String outcome, @CheckForNull String robotUser, @CheckForNull String job,
                         @CheckForNull Integer build, @CheckForNull String caller, @CheckForNull String serial,
                         int offset, int limit) {
    /** The most records one page holds. */
    public static final int MAX_LIMIT = 500;
    /** The longest filter value: longer ones could not match a record, whose values are cut shorter. */
    private static final int MAX_FILTER_LENGTH = AuditEvent.MAX_VALUE_LENGTH + 32;

    public AuditQuery {
        outcome = blankToNull(outcome);
        robotUser = blankToNull(robotUser);
        job = blankToNull(job);
        caller = blankToNull(caller);
        serial = blankToNull(serial);
        if (serial != null) {
            serial = serial.toLowerCase(Locale.ROOT).replaceFirst("^0x", "").replace(":", "");
        }
        if (outcome != null && !outcome.equals("issued") && !outcome.equals("refused")) {
            throw new IllegalArgumentException("outcome: issued or refused");
        }
        if (offset < 0 || limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("offset >= 0 and 1 <= limit <= " + MAX_LIMIT);
        }
    }

    /** The newest {@code limit} records, unfiltered. */
    public static AuditQuery newest(int limit) {
        return new AuditQuery(null, null, null, null, null, null, 0, limit);
    }

    /**
     * A query from text as a form or a URL gives it: blank means "any".
     *
     * @param page 1 for the newest {@code pageSize} records
     * @throws InvalidInputException naming the field that does not parse
     */
    public static AuditQuery parse(@CheckForNull String outcome, @CheckForNull String robotUser,
                                   @CheckForNull String job, @CheckForNull String build, @CheckForNull String caller,
                                   @CheckForNull String serial, @CheckForNull String page, int pageSize)
            throws InvalidInputException {
        List<String> problems = new ArrayList<>();
        String o = blankToNull(outcome);
        if (o != null) {
            o = o.toLowerCase(Locale.ROOT);
            if (!o.equals("issued") && !o.equals("refused")) {
                problems.add("outcome: " + MessageText.quote(o) + " is neither issued nor refused");
            }
        }
        for (String[] field : new String[][] {{"robot user", robotUser}, {"job", job}, {"caller", caller},
                {"serial", serial}}) {
            if (field[1] != null && field[1].length() > MAX_FILTER_LENGTH) {
                problems.add(field[0] + ": longer than " + MAX_FILTER_LENGTH + " characters");
            }
        }
        String s = blankToNull(serial);
        if (s != null && !s.toLowerCase(Locale.ROOT).replaceFirst("^0x", "").replace(":", "").matches("[0-9a-f]+")) {
            problems.add("serial: " + MessageText.quote(s) + " is not a hexadecimal serial number");
        }
        Integer b = number(build, "build", problems);
        Integer p = number(page, "page", problems);
        if (p != null && p < 1) {
            problems.add("page: counts from 1");
        }
        if (b != null && blankToNull(job) == null) {
            problems.add("build: give the job too");
        }
        if (pageSize < 1 || pageSize > MAX_LIMIT) {
            problems.add("page size: between 1 and " + MAX_LIMIT);
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(String.join("; ", problems));
        }
        long offset = (long) ((p == null ? 1 : p) - 1) * pageSize;
        if (offset > Integer.MAX_VALUE - MAX_LIMIT) {
            throw new InvalidInputException("page: too large");
        }
        return new AuditQuery(o, robotUser, job, b, caller, serial, (int) offset, pageSize);
    }

    @CheckForNull
    private static Integer number(@CheckForNull String text, String field, List<String> problems) {
        String t = blankToNull(text);
        if (t == null) {
            return null;
        }
        if (!t.matches("[0-9]{1,9}")) {
            problems.add(field + ": " + MessageText.quote(t) + " is not a number");
            return null;
        }
        return Integer.valueOf(t);
    }

    /** The same filters, {@code pages} pages further (negative for newer). */
    public AuditQuery page(int pages) {
        return new AuditQuery(outcome, robotUser, job, build, caller, serial, Math.max(0, offset + pages * limit),
                limit);
    }

    /** The page number, 1 for the newest records. */
    public int pageNumber() {
        return offset / limit + 1;
    }

    /** Whether any filter is set. */
    public boolean filtered() {
        return outcome != null || robotUser != null || job != null || build != null || caller != null
                || serial != null;
    }

    /** Whether a record passes every filter. */
    public boolean matches(AuditEntry e) {
        return (outcome == null || outcome.equals(e.outcome()))
                && (robotUser == null || robotUser.equals(e.robotUser()))
                && (job == null || job.equals(e.job()))
                && (build == null || build.equals(e.build()))
                && (caller == null || caller.equals(e.caller()))
                && (serial == null || serial.equals(e.serial()));
    }

    /**
     * Text that every matching line holds, as {@link AuditEvent#toJson()} writes it, one per filter. In a line
     * {@code toJson()} wrote, a needle occurs exactly when its field has that value: every quote inside a value is
     * escaped, so a needle (which starts and ends at quotes or the build's comma) cannot start inside one. Reading
     * therefore parses only the lines it returns, whatever the filters and the page.
     */
    List<String> needles() {
        List<String> needles = new ArrayList<>();
        if (outcome != null) {
            needles.add("\"outcome\":\"" + outcome + "\"");
        }
        if (robotUser != null) {
            needles.add("\"robot_user\":" + AuditEvent.json(robotUser));
        }
        if (job != null) {
            needles.add("\"job\":" + AuditEvent.json(job));
        }
        if (build != null) {
            needles.add("\"build\":" + build + ","); // "groups" always follows
        }
        if (caller != null) {
            needles.add("\"caller\":" + AuditEvent.json(caller));
        }
        if (serial != null) {
            needles.add("\"serial\":\"" + serial + "\"");
        }
        return needles;
    }

    @CheckForNull
    private static String blankToNull(@CheckForNull String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
