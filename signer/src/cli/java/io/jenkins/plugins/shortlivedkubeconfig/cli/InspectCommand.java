package io.jenkins.plugins.shortlivedkubeconfig.cli;

import io.jenkins.plugins.shortlivedkubeconfig.signer.KubeconfigSummary;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Ttl;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code inspect}: what a kubeconfig's certificate says, without printing any secret. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Print a kubeconfig's server and its client certificate's subject, groups, serial, validity "
                + "and time left. Never prints key material.")
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "KUBECONFIG", description = "The kubeconfig file.")
    Path file;

    @Override
    public Integer call() throws Exception {
        KubeconfigSummary s = KubeconfigSummary.read(InputFiles.readBytes(file, "kubeconfig"), file.toString());
        SignerCli root = (SignerCli) spec.root().userObject();
        Instant now = root.clock.instant();
        PrintWriter out = spec.commandLine().getOut();
        out.println("context:         " + shown(s.context()));
        out.println("cluster:         " + shown(s.cluster()));
        out.println("server:          " + shown(s.server()));
        String namespace = s.namespace();
        if (namespace != null) {
            out.println("namespace:       " + shown(namespace));
        }
        out.println("kubernetes user: " + shown(s.commonName()));
        out.println("groups:          " + (s.groups().isEmpty() ? "(none)" : shown(String.join(", ", s.groups()))));
        out.println("serial:          " + s.serialHex());
        out.println("issuer:          " + shown(s.issuer()));
        out.println("not before:      " + s.notBefore());
        out.println("not after:       " + s.notAfter());
        Duration left = Duration.between(now, s.notAfter());
        out.println("time left:       " + (left.isNegative() || left.isZero() ? "expired "
                + Ttl.format(left.negated().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)) + " ago"
                : Ttl.format(left.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))));
        out.flush();
        return SignerCli.OK;
    }

    /** A value from the file, with control characters escaped: a kubeconfig from elsewhere must not drive the terminal. */
    private static String shown(String value) {
        return SignCommand.printable(value, 10_000);
    }
}
