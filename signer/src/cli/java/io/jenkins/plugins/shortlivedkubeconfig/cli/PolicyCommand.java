package io.jenkins.plugins.shortlivedkubeconfig.cli;

import io.jenkins.plugins.shortlivedkubeconfig.signer.IssuanceMode;
import io.jenkins.plugins.shortlivedkubeconfig.signer.CallerBinding;
import io.jenkins.plugins.shortlivedkubeconfig.signer.JobPattern;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyException;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyParser;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyProblem;
import io.jenkins.plugins.shortlivedkubeconfig.signer.RobotPolicy;
import io.jenkins.plugins.shortlivedkubeconfig.signer.RobotProfile;
import io.jenkins.plugins.shortlivedkubeconfig.signer.ServiceAccountTokenPolicy;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Ttl;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code policy check}: validates a policy and shows what each robot user gets. */
@Command(name = "policy", description = "Work with robot policy files.", mixinStandardHelpOptions = true,
        subcommands = PolicyCommand.Check.class)
final class PolicyCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: policy check");
    }

    /** The Jenkins users and groups that may use a robot user outside builds, as {@code policy check} lists them. */
    static String callers(List<CallerBinding> bindings) {
        List<String> users = bindings.stream().flatMap(b -> b.callers().stream()).distinct().toList();
        List<String> groups = bindings.stream().flatMap(b -> b.groups().stream()).distinct().toList();
        if (users.isEmpty() && groups.isEmpty()) {
            return "(none: no Jenkins user may use this user outside a build)";
        }
        String named = users.isEmpty() ? "" : String.join(", ", users);
        String inGroups = groups.isEmpty() ? "" : "groups: " + String.join(", ", groups);
        return named.isEmpty() ? inGroups : inGroups.isEmpty() ? named : named + "; " + inGroups;
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Validate a robot policy and print, per robot user, the effective Kubernetes user, groups, "
                    + "maximum TTL, the jobs allowed to use it, the Jenkins users or groups (callers) allowed to use it "
                    + "outside builds, and the issuance modes it can serve (client-certificate, service-account-token).",
                "Errors and warnings name the file, line and field; exit code 2 when there are errors."})
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "The policy YAML.")
        Path file;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            RobotPolicy policy;
            try {
                policy = new PolicyParser().parse(InputFiles.readBytes(file, "policy file"), file.toString());
            } catch (PolicyException e) {
                for (PolicyProblem p : e.problems()) {
                    err.println(p);
                }
                long errors = e.problems().stream().filter(p -> p.severity() == PolicyProblem.Severity.ERROR).count();
                err.println(file + ": " + errors + " error" + (errors == 1 ? "" : "s") + "; nothing can be issued "
                        + "from this policy");
                err.flush();
                return SignerCli.BAD_INPUT;
            }
            for (PolicyProblem p : policy.warnings()) {
                err.println(p);
            }
            err.flush();
            out.println(file + ": " + policy.roles().size() + " role(s), " + policy.users().size() + " user(s), "
                    + policy.bindings().size() + " job binding(s), " + policy.callerBindings().size()
                    + " caller binding(s)");
            for (RobotProfile p : policy.profiles()) {
                out.println();
                out.println("user " + p.robotUser() + " (roles: " + String.join(", ", p.roles()) + ")");
                String kubeUser = p.defaultKubernetesUser();
                out.println("  kubernetes user: " + (kubeUser != null ? kubeUser
                        : "one of " + String.join(", ", p.kubernetesUsers()) + " (choose with --kube-user)"));
                out.println("  groups:          " + (p.groups().isEmpty() ? "(none)" : String.join(", ", p.groups())));
                out.println("  max ttl:         " + Ttl.format(p.maxTtl()) + " (" + p.maxTtlSource() + ")");
                if (p.expires() != null) {
                    out.println("  expires:         " + p.expires());
                }
                out.println("  jobs:            " + (p.jobs().isEmpty() ? "(none: no Jenkins job may use this user)"
                        : p.jobs().stream().map(JobPattern::glob).collect(Collectors.joining(", "))));
                out.println("  callers:         " + callers(policy.callerBindingsFor(p.robotUser())));
                if (!p.grantsKubernetesAccess()) {
                    out.println("  note:            grants no Kubernetes access; every request will be refused");
                } else {
                    String whyNot = ServiceAccountTokenPolicy.whyNot(p);
                    out.println("  modes:           " + IssuanceMode.CLIENT_CERTIFICATE.id()
                            + (whyNot == null ? ", " + IssuanceMode.SERVICE_ACCOUNT_TOKEN.id()
                            : " (not " + IssuanceMode.SERVICE_ACCOUNT_TOKEN.id() + ": " + whyNot + ")"));
                }
            }
            out.flush();
            return SignerCli.OK;
        }
    }
}
