package io.jenkins.plugins.shortlivedkubeconfig.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The packaged CLI as a user runs it: {@code java -jar target/kubeconfig-signer.jar ...}. */
final class Cli {
    static final Path JAR = Path.of("target/kubeconfig-signer.jar").toAbsolutePath();

    private Cli() {}

    static List<String> command(String... args) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing; end-to-end tests run in `mvn verify`, after `package`");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-jar");
        cmd.add(JAR.toString());
        cmd.addAll(List.of(args));
        return cmd;
    }
}
