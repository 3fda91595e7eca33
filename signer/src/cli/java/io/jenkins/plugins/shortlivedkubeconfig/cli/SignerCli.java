package io.jenkins.plugins.shortlivedkubeconfig.cli;

import io.jenkins.plugins.shortlivedkubeconfig.signer.InvalidInputException;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyRefusal;
import io.jenkins.plugins.shortlivedkubeconfig.signer.SignerException;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kubeconfig-signer}: {@code ca init}, {@code csr}, {@code sign}, {@code policy check}, {@code inspect}. Exit codes: 0
 * success, 1 refused by the policy, 2 bad usage or bad input. Errors go to stderr in one or two lines; stack traces
 * only with {@code --verbose}.
 */
@Command(name = "kubeconfig-signer", mixinStandardHelpOptions = true, versionProvider = SignerCli.Version.class,
        description = "Issues short-lived Kubernetes client certificates and kubeconfigs from Teleport-style robot "
                + "roles, like `tctl auth sign --format=kubernetes`, with no Teleport cluster.",
        footer = {"", "Exit codes: 0 success, 1 refused by the policy, 2 bad usage or bad input."})
public final class SignerCli implements Runnable {
    public static final int OK = 0;
    public static final int REFUSED = 1;
    public static final int BAD_INPUT = 2;

    /** Every subcommand, in the order usage lists them. */
    static final List<Class<?>> ALL_COMMANDS = List.of(CaCommand.class, CsrCommand.class, SignCommand.class,
            PolicyCommand.class, InspectCommand.class, CommandLine.HelpCommand.class);

    @Option(names = "--verbose", description = "Print stack traces with errors.", scope = CommandLine.ScopeType.INHERIT)
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    final Clock clock;

    SignerCli(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: ca init, csr, sign, "
                + "policy check or inspect");
    }

    public static void main(String[] args) {
        System.exit(run(Clock.systemUTC(),
                new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
                new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true), args));
    }

    /** Runs the CLI with the given clock and streams; returns the exit code. For {@code main} and tests. */
    public static int run(Clock clock, PrintWriter out, PrintWriter err, String... args) {
        return run(clock, out, err, commandsFor(args), args);
    }

    /** Runs the CLI with the given subcommands (all of them, or just the one that runs). */
    static int run(Clock clock, PrintWriter out, PrintWriter err, List<Class<?>> commands, String... args) {
        SignerCli root = new SignerCli(clock);
        CommandLine cli = new CommandLine(root);
        for (Class<?> command : commands) {
            cli.addSubcommand(command); // before the settings below, which apply to the subcommands present
        }
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExpandAtFiles(false); // tctl has no @-files, and `@/dev/zero` would read forever
        cli.setParameterExceptionHandler((ex, a) -> {
            // picocli quotes arguments as typed: keep the error one line whatever was typed.
            ex.getCommandLine().getErr().println("kubeconfig-signer: " + oneLine(ex.getMessage()));
            ex.getCommandLine().getErr().println("Run '" + ex.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help' for usage.");
            return BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((ex, c, parsed) -> handle(ex, c.getErr(), root.verbose));
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /**
     * The subcommands to build: only the one named by the first argument (after any {@code --verbose}), none for
     * {@code --version} alone, or all of them for anything else ({@code --help}, {@code help}, no command, an unknown
     * command), so that usage, help and
     * errors read as with all of them. picocli builds the model of every subcommand it is given, which in a cold
     * JVM costs more than the one that runs.
     */
    static List<Class<?>> commandsFor(String... args) {
        int i = 0;
        while (i < args.length && args[i].equals("--verbose")) {
            i++;
        }
        String name = i < args.length ? args[i] : "";
        if (i == args.length - 1 && (name.equals("--version") || name.equals("-V"))) {
            return List.of(); // the version alone: no subcommand is shown
        }
        return switch (name) {
            case "ca" -> List.of(CaCommand.class);
            case "csr" -> List.of(CsrCommand.class);
            case "sign" -> List.of(SignCommand.class);
            case "policy" -> List.of(PolicyCommand.class);
            case "inspect" -> List.of(InspectCommand.class);
            default -> ALL_COMMANDS;
        };
    }

    /** Control characters escaped, so that a message is one line and cannot forge others. */
    static String oneLine(String text) {
        StringBuilder b = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029) {
                b.append(String.format(java.util.Locale.ROOT, "\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }

    static int handle(Exception ex, PrintWriter err, boolean verbose) {
        Throwable e = ex instanceof UncheckedIOException u ? u.getCause() : ex;
        int code;
        String message;
        if (e instanceof PolicyRefusal refusal) {
            code = REFUSED;
            message = "refused: " + refusal.getMessage();
        } else if (e instanceof InvalidInputException || e instanceof SignerException) {
            code = BAD_INPUT;
            message = e.getMessage();
        } else if (e instanceof NoSuchFileException f) {
            code = BAD_INPUT;
            message = f.getFile() + ": no such file or directory" + (f.getReason() != null ? " (" + f.getReason() + ")" : "");
        } else if (e instanceof AccessDeniedException f) {
            code = BAD_INPUT;
            message = f.getFile() + ": permission denied";
        } else if (e instanceof FileSystemException f) {
            code = BAD_INPUT;
            message = f.getFile() + ": " + (f.getReason() != null ? f.getReason() : f.getClass().getSimpleName());
        } else if (e instanceof IOException) {
            code = BAD_INPUT;
            message = "I/O error: " + e.getMessage();
        } else {
            code = BAD_INPUT;
            message = "internal error: " + e.getClass().getName() + (verbose ? "" : " (run with --verbose for details)");
        }
        err.println("kubeconfig-signer: " + oneLine(message));
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    /** The version from the jar's manifest, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = SignerCli.class.getPackage().getImplementationVersion();
            return new String[] {"kubeconfig-signer " + (v == null ? "development" : v)};
        }
    }
}
