package io.jenkins.plugins.shortlivedkubeconfig.cli;

import io.jenkins.plugins.shortlivedkubeconfig.signer.CertificateAuthority;
import io.jenkins.plugins.shortlivedkubeconfig.signer.InvalidInputException;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KeyAlgorithm;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PrivateFiles;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Ttl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ca init}: creates the client CA that kube-apiserver's {@code --client-ca-file} will trust. */
@Command(name = "ca", description = "Manage the client CA.", mixinStandardHelpOptions = true,
        subcommands = CaCommand.Init.class)
final class CaCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: ca init");
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = {"Create a new client CA: a certificate for the API server's --client-ca-file and a "
                    + "private key (mode 0600) that signs client certificates.",
                "Existing files are never overwritten without --force."})
    static final class Init implements Callable<Integer> {
        @ParentCommand
        CaCommand parent;

        @Spec
        CommandSpec spec;

        @Option(names = "--cert", required = true, paramLabel = "FILE", description = "Where to write the CA certificate (PEM).")
        Path cert;

        @Option(names = "--key", required = true, paramLabel = "FILE", description = "Where to write the CA private key (PKCS#8 PEM, mode 0600).")
        Path key;

        @Option(names = "--name", paramLabel = "CN", defaultValue = "short-lived-kubeconfig client CA",
                description = "The CA's subject common name (default: ${DEFAULT-VALUE}).")
        String name;

        @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "87600h",
                description = "How long the CA is valid, as a Go duration (default: ${DEFAULT-VALUE}, ten years).")
        String ttl;

        @Option(names = "--rsa", description = "Make an RSA-3072 key instead of EC P-256.")
        boolean rsa;

        @Option(names = "--force", description = "Overwrite existing files.")
        boolean force;

        @Override
        public Integer call() throws Exception {
            Duration lifetime = Ttl.parse(ttl, "--ttl");
            if (name.isBlank() || !name.strip().equals(name) || name.length() > 253
                    || name.codePoints().anyMatch(Character::isISOControl)) {
                throw new InvalidInputException("--name: " + SignCommand.quote(name) + " is not usable as the CA's "
                        + "subject name (1 to 253 characters, no control characters or surrounding spaces)");
            }
            if (cert.toAbsolutePath().normalize().equals(key.toAbsolutePath().normalize())) {
                throw new InvalidInputException("--cert and --key must be different files");
            }
            for (Path p : new Path[] {cert, key}) {
                if (!force && Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    throw new InvalidInputException(p + ": already exists; pass --force to overwrite it");
                }
            }
            // Check both places before writing either: a key without its certificate is worse than nothing.
            writable(cert, "--cert");
            writable(key, "--key");
            SignerCli root = (SignerCli) spec.root().userObject();
            CertificateAuthority ca = CertificateAuthority.generate(name, lifetime,
                    rsa ? KeyAlgorithm.RSA_3072 : KeyAlgorithm.EC_P256, root.clock);
            writePair(ca);
            if (cert.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(cert, PosixFilePermissions.fromString("rw-r--r--"));
            }
            spec.commandLine().getOut().println("Created CA \"" + name + "\" (" + (rsa ? KeyAlgorithm.RSA_3072
                    : KeyAlgorithm.EC_P256) + ", valid until " + ca.notAfter() + ")");
            spec.commandLine().getOut().println("  certificate: " + cert + "  (give it to kube-apiserver --client-ca-file)");
            spec.commandLine().getOut().println("  private key: " + key + "  (mode 0600; keep it secret)");
            spec.commandLine().getOut().println("  SHA-256 fingerprint: " + ca.fingerprintSha256());
            return SignerCli.OK;
        }

        private static void writable(Path target, String flag) throws InvalidInputException {
            Path dir = target.toAbsolutePath().getParent();
            if (dir == null || !Files.isDirectory(dir)) {
                throw new InvalidInputException(flag + " " + target + ": the directory " + dir + " does not exist");
            }
            if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new InvalidInputException(flag + " " + target + ": is a directory, not a file");
            }
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)
                    && !Files.isSymbolicLink(target)) {
                throw new InvalidInputException(flag + " " + target + ": is not a regular file");
            }
        }

        /**
         * Writes the key, then the certificate; when the certificate cannot be written, the key file goes back to what
         * it was (absent, the previous key, or the previous link), so the two files always belong together.
         */
        private void writePair(CertificateAuthority ca) throws IOException {
            boolean existed = Files.exists(key, LinkOption.NOFOLLOW_LINKS);
            Path oldLink = Files.isSymbolicLink(key) ? Files.readSymbolicLink(key) : null;
            byte[] oldKey = existed && oldLink == null ? Files.readAllBytes(key) : null;
            PrivateFiles.replace(key, ca.privateKeyPem().getBytes(StandardCharsets.US_ASCII));
            try {
                PrivateFiles.replace(cert, ca.certificatePem().getBytes(StandardCharsets.US_ASCII));
            } catch (IOException | RuntimeException e) {
                try {
                    if (oldKey != null) {
                        PrivateFiles.replace(key, oldKey);
                    } else {
                        Files.deleteIfExists(key);
                        if (oldLink != null) {
                            Files.createSymbolicLink(key, oldLink);
                        }
                    }
                } catch (IOException | RuntimeException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        }
    }
}
