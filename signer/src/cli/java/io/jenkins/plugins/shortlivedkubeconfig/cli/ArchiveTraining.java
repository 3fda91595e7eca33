package io.jenkins.plugins.shortlivedkubeconfig.cli;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The workload that {@code bin/kubeconfig-signer} runs once per jar and JVM to record its class-data archive
 * (AppCDS on JDK 17, the AOT cache on JDK 24 and later): the CLI's commands as a user runs them, on a throw-away CA
 * and policy in a private temporary directory. So the archive holds what every command loads, whichever a user
 * happens to run first. Prints nothing; exits 0 when every step ended as it should, else 1 naming the step.
 *
 * <p>Fewer than {@code KeyAlgorithm.JDK_EC_OPERATIONS} EC operations, so that it runs the code a one-shot run runs.
 */
final class ArchiveTraining {
    /** The seed policy of {@code examples/robots.yaml}, with the parts a real policy adds. */
    static final String POLICY = """
            kind: role
            version: v7
            metadata:
              name: robot
            spec:
              allow:
                kubernetes_groups: ['system:masters', '{{internal.kubernetes_groups}}']
              deny:
                kubernetes_groups: [nobody]
              options:
                max_session_ttl: 25h
            ---
            kind: user
            version: v2
            metadata:
              name: jenkins
            spec:
              roles: ['robot']
              traits:
                kubernetes_groups: [ci]
            ---
            kind: job_binding
            version: v1
            metadata:
              name: all-jobs
            spec:
              users: ['jenkins']
              jobs: ['deploy/**', 'org/app/main']
            """;

    private ArchiveTraining() {}

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("kubeconfig-signer-training-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        String failed;
        try {
            failed = run(dir);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        if (failed != null) {
            System.err.println("kubeconfig-signer training: " + failed);
            System.exit(1);
        }
    }

    /** Runs every step; returns the first that did not end as expected, or null. */
    @CheckForNull
    private static String run(Path dir) throws IOException {
        String ca = dir.resolve("ca.crt").toString();
        String key = dir.resolve("ca.key").toString();
        String policy = Files.writeString(dir.resolve("robots.yaml"), POLICY, StandardCharsets.UTF_8).toString();
        String kubeconfig = dir.resolve("kubeconfig").toString();
        List<String> sign = List.of("sign", "--user=jenkins", "--format=kubernetes", "--policy", policy,
                "--ca-cert", ca, "--ca-key", key, "--server", "https://127.0.0.1:6443", "--job", "deploy/api");
        List<Step> steps = List.of(
                new Step(SignerCli.OK, List.of("ca", "init", "--cert", ca, "--key", key)),
                new Step(SignerCli.OK, List.of("policy", "check", policy)),
                new Step(SignerCli.OK, with(sign, "--out", kubeconfig, "--ttl=1h", "--namespace", "ci")),
                new Step(SignerCli.OK, with(sign, "--out", "-", "--ttl=2h", "--audit-log", dir.resolve("audit.jsonl").toString())),
                new Step(SignerCli.OK, List.of("inspect", kubeconfig)),
                new Step(SignerCli.REFUSED, with(sign, "--out", kubeconfig, "--ttl=26h")),
                new Step(SignerCli.BAD_INPUT, with(sign, "--out", kubeconfig, "--ttl=abc")),
                new Step(SignerCli.BAD_INPUT, List.of("sign", "--user")),
                new Step(SignerCli.OK, List.of("sign", "--help")),
                new Step(SignerCli.OK, List.of("--version")));
        for (Step step : steps) {
            StringWriter err = new StringWriter();
            int code = SignerCli.run(Clock.systemUTC(), new PrintWriter(Writer.nullWriter()), new PrintWriter(err),
                    step.args().toArray(String[]::new));
            if (code != step.code()) {
                return String.join(" ", step.args().subList(0, Math.min(2, step.args().size()))) + " exited with "
                        + code + " instead of " + step.code() + ": " + SignerCli.oneLine(err.toString().strip());
            }
        }
        return null;
    }

    private record Step(int code, List<String> args) { }

    private static List<String> with(List<String> base, String... more) {
        List<String> out = new ArrayList<>(base);
        out.addAll(List.of(more));
        return out;
    }
}
