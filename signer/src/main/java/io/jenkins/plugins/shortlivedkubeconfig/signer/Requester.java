package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.util.Objects;

/**
 * Who asks for a certificate: a Jenkins job's full name (folders, multibranch project and branch joined by
 * {@code /}) and its build number. The policy's job bindings are matched against {@link #jobFullName()}.
 */
public record Requester(String jobFullName, int buildNumber) {
    public Requester {
        Objects.requireNonNull(jobFullName, "jobFullName");
        if (jobFullName.isBlank()) {
            throw new IllegalArgumentException("a requester needs a job full name");
        }
        if (buildNumber < 0) {
            throw new IllegalArgumentException("a build number is never negative");
        }
    }

    /** {@code deploy/api/main #42}, or just the name for build number 0 (asked for outside a build). */
    @Override
    public String toString() {
        return buildNumber > 0 ? jobFullName + " #" + buildNumber : jobFullName;
    }
}
