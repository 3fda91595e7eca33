package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.util.Objects;

/**
 * One error or warning found in a policy file, with where it is: source (file name), line (1-based, 0 when
 * unknown) and the field path (e.g. {@code role "robot": spec.allow.kubernetes_groups}).
 */
public record PolicyProblem(Severity severity, String source, int line, String field, String message) {

    /** How bad a problem is: errors stop the policy from loading, warnings say what is ignored. */
    public enum Severity { ERROR, WARNING }

    public PolicyProblem {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }

    /** {@code robots.yaml:12: spec.allow.kubernetes_groups: message}, the form compilers use. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(source);
        if (line > 0) {
            b.append(':').append(line);
        }
        b.append(": ");
        if (severity == Severity.WARNING) {
            b.append("warning: ");
        }
        if (!field.isEmpty()) {
            b.append(field).append(": ");
        }
        return b.append(message).toString();
    }
}
