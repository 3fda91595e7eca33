package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.util.Locale;

/**
 * What the name of a role, a robot user or a job binding may be. These names become certificate subjects, audit
 * records, form options, command-line arguments and log lines, so they are kept to what Teleport itself stores: 1 to
 * 253 characters from {@code A-Z a-z 0-9 @ _ : . + -} (Teleport's resource name rule, {@code lib/backend}), not
 * {@code .} or {@code ..}; and, stricter than Teleport, not starting with {@code -}, which a command line would
 * take for an option. So a name never holds a control character, white space, a path separator or a quote.
 */
final class PolicyName {
    static final int MAX_LENGTH = KubernetesName.MAX_LENGTH;
    static final String ALLOWED = "letters A-Z and a-z, digits and @ _ : . + -";

    private PolicyName() {}

    /** Whether {@code c} may appear in a name. */
    static boolean allowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '@' || c == '_'
                || c == ':' || c == '.' || c == '+' || c == '-';
    }

    /** Why {@code name} is no usable name, to follow the quoted name in a message; null when it is fine. */
    @CheckForNull
    static String problem(String name) {
        if (name.isEmpty()) {
            return "must not be empty";
        }
        if (name.length() > MAX_LENGTH) {
            return "is longer than " + MAX_LENGTH + " characters";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!allowed(c)) {
                return "contains " + describe(c) + "; a name may only hold " + ALLOWED + " (Teleport refuses it too)";
            }
        }
        if (name.equals(".") || name.equals("..")) {
            return "is not a name (Teleport refuses it too)";
        }
        if (name.charAt(0) == '-') {
            return "starts with '-', which a command line would take for an option (Teleport accepts it, this "
                    + "signer does not)";
        }
        return null;
    }

    private static String describe(char c) {
        if (c == ' ') {
            return "a space";
        }
        if (c == '/' || c == '\\') {
            return "a path separator '" + c + "'";
        }
        if (Character.isISOControl(c)) {
            return "a control character (" + codePoint(c) + ")";
        }
        if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
            return "white space (" + codePoint(c) + ")";
        }
        if (Character.isSurrogate(c) || Character.getType(c) == Character.FORMAT) {
            return "the character " + codePoint(c);
        }
        return "'" + c + "' (" + codePoint(c) + ")";
    }

    private static String codePoint(char c) {
        return String.format(Locale.ROOT, "U+%04X", (int) c);
    }
}
