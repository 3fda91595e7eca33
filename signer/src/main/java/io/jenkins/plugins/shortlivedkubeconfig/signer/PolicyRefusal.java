package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;

/**
 * The robot policy refused a well-formed request. {@link #rule()} names the rule that refused it, so that an
 * audit record and an error message can both say why.
 *
 * <p>Two texts, because they have different readers: {@link #getMessage()} is what the requester sees (a build log
 * that anyone who can read the build may read) and speaks only of the requester's own job and request;
 * {@link #detail()} is what the audit record keeps for administrators, and may name other users' job patterns.
 */
public final class PolicyRefusal extends SignerException {
    private static final long serialVersionUID = 1L;

    private final String rule;
    @CheckForNull
    private final String detail;

    public PolicyRefusal(String rule, String message) {
        this(rule, message, null);
    }

    /**
     * @param detail the administrators' version of the message (for the audit record), or null when it is the same
     */
    public PolicyRefusal(String rule, String message, @CheckForNull String detail) {
        super(message);
        this.rule = rule;
        this.detail = detail;
    }

    /** A short, stable identifier of the rule that refused, e.g. {@code job-not-allowed} or {@code ttl-above-maximum}. */
    public String rule() {
        return rule;
    }

    /**
     * Whether asking again later may succeed without anyone changing the policy: the signing CA could not be read
     * (a credentials provider that is down, say). A renewal retries these and stops at any other refusal.
     */
    public boolean isTransient() {
        return rule.equals("ca-unavailable");
    }

    /** The full reason for the audit record: the message plus what only administrators should read. */
    public String detail() {
        return detail != null ? detail : String.valueOf(getMessage());
    }
}
