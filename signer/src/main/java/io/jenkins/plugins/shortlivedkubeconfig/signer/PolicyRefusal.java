package io.jenkins.plugins.shortlivedkubeconfig.signer;

/**
 * The robot policy refused a well-formed request. {@link #rule()} names the rule that refused it, so that an
 * audit record and an error message can both say why.
 */
public final class PolicyRefusal extends SignerException {
    private static final long serialVersionUID = 1L;

    private final String rule;

    public PolicyRefusal(String rule, String message) {
        super(message);
        this.rule = rule;
    }

    /** A short, stable identifier of the rule that refused, e.g. {@code job-not-allowed} or {@code ttl-above-role-maximum}. */
    public String rule() {
        return rule;
    }
}
