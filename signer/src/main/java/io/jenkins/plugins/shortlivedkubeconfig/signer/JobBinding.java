package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.util.List;
import java.util.Objects;

/**
 * Our extension to Teleport's model ({@code kind: job_binding}, version v1): which Jenkins jobs may act as which
 * robot users. A robot user that no binding names can be used by no job.
 */
public record JobBinding(String name, List<String> users, List<JobPattern> jobs, String source) {
    public JobBinding {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        users = List.copyOf(users);
        jobs = List.copyOf(jobs);
    }

    /** Whether this binding lets {@code jobFullName} act as {@code user}. */
    public boolean allows(String user, String jobFullName) {
        return users.contains(user) && jobs.stream().anyMatch(p -> p.matches(jobFullName));
    }
}
