package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.util.List;
import java.util.stream.Collectors;

/** A policy file that cannot be loaded; carries every error found, each with its file, line and field. */
public final class PolicyException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    private final List<PolicyProblem> problems;

    public PolicyException(List<PolicyProblem> problems) {
        super(summary(problems));
        this.problems = List.copyOf(problems);
    }

    /** Every error (and any warning found with them), in file order. */
    public List<PolicyProblem> problems() {
        return problems;
    }

    private static String summary(List<PolicyProblem> problems) {
        List<PolicyProblem> errors = problems.stream()
                .filter(p -> p.severity() == PolicyProblem.Severity.ERROR)
                .collect(Collectors.toList());
        String first = errors.isEmpty() ? "invalid policy" : errors.get(0).toString();
        return errors.size() <= 1 ? first : first + " (and " + (errors.size() - 1) + " more error"
                + (errors.size() == 2 ? "" : "s") + ")";
    }
}
