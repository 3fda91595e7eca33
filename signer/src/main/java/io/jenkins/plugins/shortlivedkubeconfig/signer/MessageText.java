package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.util.Locale;

/**
 * Values from files, flags and requests as error messages show them: one printable line, cut to a length, so that
 * a message can neither rewrite a terminal or a log nor grow without bound, whatever the input held.
 */
final class MessageText {
    /** How much of a value {@link #quote} shows. */
    static final int QUOTED_LENGTH = 100;

    private MessageText() {}

    /** A value as messages show it: quoted, printable, at most 100 characters. */
    static String quote(String value) {
        return "\"" + printable(value, QUOTED_LENGTH) + "\"";
    }

    /**
     * Text with every control and format character escaped ({@code \\n}, {@code \\u001b}, ...), so that a message
     * stays one line and cannot rewrite a terminal or a log, cut to {@code max} characters.
     */
    static String printable(String text, int max) {
        StringBuilder b = new StringBuilder(Math.min(text.length(), max) + 8);
        for (int i = 0; i < text.length(); i++) {
            if (b.length() >= max) {
                return b.append("...").toString();
            }
            char c = text.charAt(i);
            int type = Character.getType(c);
            if (c == '\n') {
                b.append("\\n");
            } else if (c == '\t') {
                b.append("\\t");
            } else if (Character.isISOControl(c) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || (Character.isSurrogate(c) && !validPair(text, i))) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean validPair(String text, int i) {
        char c = text.charAt(i);
        return Character.isHighSurrogate(c) ? i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
    }
}
