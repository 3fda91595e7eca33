package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Who asks for a certificate: a Jenkins build (its job's full name, folders, multibranch project and branch joined
 * by {@code /}, and its build number), or a Jenkins user outside any build (a caller: its user id, its groups as
 * the security realm reports them, and the entry point it came through). The policy's job bindings are matched
 * against {@link #jobFullName()}, its caller bindings against {@link #callerId()} and {@link #groups()}.
 *
 * <p>Create one with {@link #Requester(String, int)} (a build) or {@link #caller}.
 *
 * @param entryPoint how the request came in; {@link EntryPoint#BUILD} for builds
 * @param name the job full name for a build, the Jenkins user id for a caller
 * @param buildNumber the build number; 0 for a caller, or for a job named outside a build (the standalone CLI)
 * @param groups the caller's groups (authorities), sorted, without duplicates; empty for a build
 */
public record Requester(EntryPoint entryPoint, String name, int buildNumber, List<String> groups) {

    /** How a request came in: a build's wrapper, the Jenkins CLI or the REST endpoint. */
    public enum EntryPoint {
        BUILD, CLI, REST;

        /** The name audit records use: {@code build}, {@code cli}, {@code rest}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Requester {
        Objects.requireNonNull(entryPoint, "entryPoint");
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException(entryPoint == EntryPoint.BUILD ? "a requester needs a job full name"
                    : "a caller needs a Jenkins user id");
        }
        if (buildNumber < 0) {
            throw new IllegalArgumentException("a build number is never negative");
        }
        if (entryPoint != EntryPoint.BUILD && buildNumber != 0) {
            throw new IllegalArgumentException("a caller outside a build has no build number");
        }
        groups = List.copyOf(new TreeSet<>(groups)); // sorted, no duplicates; TreeSet refuses null
        if (entryPoint == EntryPoint.BUILD && !groups.isEmpty()) {
            throw new IllegalArgumentException("a build has no groups; its job's full name is what the policy binds");
        }
    }

    /** A build of the job {@code jobFullName}; build number 0 when a job is named outside a build. */
    public Requester(String jobFullName, int buildNumber) {
        this(EntryPoint.BUILD, jobFullName, buildNumber, List.of());
    }

    /**
     * A Jenkins user asking outside any build.
     *
     * @param userId the Jenkins user id, as the security realm authenticated it
     * @param groups its groups or authorities (e.g. {@code authenticated}, an LDAP group)
     * @param entryPoint {@link EntryPoint#CLI} or {@link EntryPoint#REST}
     */
    public static Requester caller(String userId, Collection<String> groups, EntryPoint entryPoint) {
        if (entryPoint == EntryPoint.BUILD) {
            throw new IllegalArgumentException("a caller comes through the CLI or the REST endpoint, not a build");
        }
        return new Requester(entryPoint, userId, 0, List.copyOf(groups));
    }

    /** Whether a build asks (rather than a caller). */
    public boolean isBuild() {
        return entryPoint == EntryPoint.BUILD;
    }

    /** The job's full name for a build; null for a caller. */
    @CheckForNull
    public String jobFullName() {
        return isBuild() ? name : null;
    }

    /** The Jenkins user id for a caller; null for a build. */
    @CheckForNull
    public String callerId() {
        return isBuild() ? null : name;
    }

    /**
     * {@code deploy/api/main #42}, or just the name for build number 0 (a job named outside a build);
     * {@code alice (cli)} for a caller.
     */
    @Override
    public String toString() {
        if (!isBuild()) {
            return name + " (" + entryPoint.id() + ")";
        }
        return buildNumber > 0 ? name + " #" + buildNumber : name;
    }
}
