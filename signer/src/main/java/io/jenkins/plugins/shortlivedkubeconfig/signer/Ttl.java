package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;

/**
 * Durations in Go's {@code time.ParseDuration} syntax, as {@code tctl --ttl} and Teleport's
 * {@code max_session_ttl} take them: {@code 25h}, {@code 90m}, {@code 1h30m}, {@code 1.5h}, {@code 300s}.
 * Units: ns, us (µs), ms, s, m, h; {@link #parseRoleMaximum} also takes Teleport's {@code d} (days), {@code mo} (30
 * days) and {@code y} (365 days), as Teleport's own duration type does.
 */
public final class Ttl {
    /** The shortest certificate lifetime we issue: below it clock skew and start-up eat the whole validity. */
    public static final Duration MINIMUM = Duration.ofMinutes(1);
    /** The role maximum when no role sets {@code max_session_ttl}: Teleport's default. */
    public static final Duration DEFAULT_MAXIMUM = Duration.ofHours(30);
    /** tctl's default for {@code auth sign --ttl}. */
    public static final Duration TCTL_DEFAULT = Duration.ofHours(12);

    private static final int MAX_LENGTH = 64;

    private Ttl() {}

    /**
     * Parses a Go duration. {@code source} names where the text came from (a flag, a field) for the error.
     *
     * @throws InvalidInputException naming {@code source} when the text is not a positive Go duration
     */
    public static Duration parse(String text, String source) throws InvalidInputException {
        return parse(text, source, false);
    }

    /** Like {@link #parse} but also accepts Teleport's {@code d} (24 hours), {@code mo} (30 d) and {@code y} (365 d). */
    public static Duration parseRoleMaximum(String text, String source) throws InvalidInputException {
        return parse(text, source, true);
    }

    private static Duration parse(String text, String source, boolean days) throws InvalidInputException {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException(source + ": a duration is required, e.g. 1h, 90m or 1h30m");
        }
        String s = text.strip();
        if (s.length() > MAX_LENGTH) {
            throw new InvalidInputException(source + ": duration is too long (" + s.length() + " characters)");
        }
        String shown = MessageText.quote(s); // printable: the message stays one line whatever was typed
        if (s.startsWith("-")) {
            throw new InvalidInputException(source + ": " + shown + " is negative; give a positive duration such as 1h");
        }
        if (s.startsWith("+")) {
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        BigDecimal nanos = BigDecimal.ZERO;
        int i = 0;
        if (s.isEmpty()) {
            throw invalid(source, shown, days);
        }
        while (i < s.length()) {
            int start = i;
            boolean digits = false;
            while (i < s.length() && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
                i++;
                digits = true;
            }
            if (i < s.length() && s.charAt(i) == '.') {
                i++;
                while (i < s.length() && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
                    i++;
                    digits = true;
                }
            }
            if (!digits) {
                throw invalid(source, shown, days);
            }
            BigDecimal number = new BigDecimal(s.substring(start, i));
            int unitStart = i;
            while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
                i++;
            }
            String unit = s.substring(unitStart, i);
            long perUnit = switch (unit) {
                case "ns" -> 1L;
                case "us", "µs", "μs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                case "d" -> days ? 86_400_000_000_000L : -1L;
                case "mo" -> days ? 30 * 86_400_000_000_000L : -1L;
                case "y" -> days ? 365 * 86_400_000_000_000L : -1L;
                default -> -1L;
            };
            if (perUnit < 0) {
                if (unit.isEmpty()) {
                    throw new InvalidInputException(source + ": " + shown + " has a number without a unit; "
                            + "add one of h, m, s (e.g. " + MessageText.printable(s, MAX_LENGTH) + "h)");
                }
                throw new InvalidInputException(source + ": " + shown + " has an unknown unit " + MessageText.quote(unit)
                        + "; use " + units(days));
            }
            nanos = nanos.add(number.multiply(BigDecimal.valueOf(perUnit)));
            // Go caps durations at about 292 years; so do we, long before a Duration would overflow.
            if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                throw new InvalidInputException(source + ": " + shown + " is too long a duration");
            }
        }
        return Duration.ofNanos(nanos.longValue());
    }

    private static InvalidInputException invalid(String source, String shown, boolean days) {
        return new InvalidInputException(source + ": " + shown + " is not a duration; write it as Go does, "
                + "e.g. 25h, 90m or 1h30m (units: " + units(days) + ")");
    }

    private static String units(boolean days) {
        return days ? "y, mo, d, h, m, s, ms, us, ns" : "h, m, s, ms, us, ns";
    }

    /** Formats a duration the short way tctl users write it: {@code 25h}, {@code 1h30m}, {@code 45s}. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder b = new StringBuilder();
        if (d.isNegative()) {
            b.append('-');
            d = d.negated();
        }
        long hours = d.toHours();
        int minutes = d.toMinutesPart();
        int seconds = d.toSecondsPart();
        int millis = d.toMillisPart();
        if (hours > 0) {
            b.append(hours).append('h');
        }
        if (minutes > 0) {
            b.append(minutes).append('m');
        }
        if (seconds > 0 || millis > 0) {
            b.append(seconds);
            if (millis > 0) {
                b.append(String.format(Locale.ROOT, ".%03d", millis).replaceAll("0+$", ""));
            }
            b.append('s');
        }
        return b.length() == 0 || b.toString().equals("-") ? d.toNanos() + "ns" : b.toString();
    }
}
