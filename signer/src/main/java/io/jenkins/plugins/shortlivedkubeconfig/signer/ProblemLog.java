package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The errors and warnings found in one policy file, in the order they were found. Collected rather than thrown, so
 * that a user sees every problem at once. Field paths hold keys from the file: each problem is cut to one printable
 * line whatever the file holds.
 */
final class ProblemLog {
    private static final int MAX_FIELD = 200;
    private static final int MAX_MESSAGE = 2_000;

    private final String source;
    private final List<PolicyProblem> problems = new ArrayList<>();

    ProblemLog(String source) {
        this.source = source;
    }

    /** The file name messages start with. */
    String source() {
        return source;
    }

    void error(int line, String field, String message) {
        add(PolicyProblem.Severity.ERROR, line, field, message);
    }

    void warning(int line, String field, String message) {
        add(PolicyProblem.Severity.WARNING, line, field, message);
    }

    void add(PolicyProblem.Severity severity, int line, String field, String message) {
        problems.add(new PolicyProblem(severity, source, line, MessageText.printable(field, MAX_FIELD),
                MessageText.printable(message, MAX_MESSAGE)));
    }

    boolean hasErrors() {
        return problems.stream().anyMatch(p -> p.severity() == PolicyProblem.Severity.ERROR);
    }

    /** Every problem in the order found. */
    List<PolicyProblem> all() {
        return List.copyOf(problems);
    }

    /** Every problem by line, as an editor shows them; stable within a line. */
    List<PolicyProblem> byLine() {
        return problems.stream().sorted(Comparator.comparingInt(PolicyProblem::line)).toList();
    }

    List<PolicyProblem> warnings() {
        return problems.stream().filter(p -> p.severity() == PolicyProblem.Severity.WARNING).toList();
    }
}
