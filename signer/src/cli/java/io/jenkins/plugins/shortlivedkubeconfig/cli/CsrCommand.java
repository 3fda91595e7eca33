package io.jenkins.plugins.shortlivedkubeconfig.cli;

import io.jenkins.plugins.shortlivedkubeconfig.signer.ClientCsr;
import io.jenkins.plugins.shortlivedkubeconfig.signer.InvalidInputException;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KeyAlgorithm;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Pem;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code csr}: the host that will use a kubeconfig makes its own key and a certificate signing request, as tbot does;
 * the key never leaves it. The CA holder then runs {@code sign --csr}.
 */
@Command(name = "csr", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Make a private key (mode 0600) and a PKCS#10 certificate signing request for it.",
            "Give the request to whoever holds the CA (`sign --csr`); keep the key. The request's subject is a "
                    + "placeholder: the policy decides the certificate's names.",
            "Existing files are never overwritten without --force.",
            "",
            "Example:",
            "  kubeconfig-signer csr --key-out key.pem --out request.csr"})
final class CsrCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--key-out", required = true, paramLabel = "FILE",
            description = "Where to write the private key (PKCS#8 PEM, mode 0600).")
    Path keyOut;

    @Option(names = {"--out", "-o"}, required = true, paramLabel = "FILE",
            description = "Where to write the certificate signing request (PEM).")
    Path out;

    @Option(names = "--key-type", defaultValue = "ec-p256", paramLabel = "TYPE",
            description = "Key type: ec-p256, rsa-2048 or rsa-3072 (default: ${DEFAULT-VALUE}).")
    String keyType;

    @Option(names = "--force", description = "Overwrite existing files.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        KeyAlgorithm algorithm = KeyAlgorithm.parse(keyType, "--key-type");
        if (keyOut.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw new InvalidInputException("--key-out and --out must be different files");
        }
        writable(keyOut, "--key-out");
        writable(out, "--out");
        KeyPair key = algorithm.generate(new SecureRandom());
        ClientCsr csr = ClientCsr.create(key);
        // The key first: a request whose key was never written would be signed for nothing.
        boolean keyExisted = Files.exists(keyOut, LinkOption.NOFOLLOW_LINKS);
        PrivateFiles.replace(keyOut, Pem.encode(key.getPrivate()).getBytes(StandardCharsets.US_ASCII));
        try {
            PrivateFiles.replace(out, csr.pem().getBytes(StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            if (!keyExisted) {
                Files.deleteIfExists(keyOut);
            }
            throw e;
        }
        spec.commandLine().getOut().println("Wrote " + algorithm + " key to " + keyOut + " (mode 0600; keep it "
                + "there) and its certificate signing request to " + out);
        return SignerCli.OK;
    }

    private void writable(Path target, String flag) throws InvalidInputException {
        Path dir = target.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new InvalidInputException(flag + " " + target + ": the directory " + dir + " does not exist");
        }
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new InvalidInputException(flag + " " + target + ": is a directory, not a file");
        }
        if (!force && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new InvalidInputException(flag + " " + target + ": already exists; pass --force to overwrite it");
        }
    }
}
