package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Runs one {@link PrivateFiles} operation in a separate JVM, for {@link PrivateFilesFailureTest}: started without
 * the capability that lets root ignore file modes, or with umask 000. Prints one line: {@code OK ...} or
 * {@code FAIL <exception> <message>}.
 */
public final class PrivateFilesProbe {
    private PrivateFilesProbe() {}

    public static void main(String[] args) throws Exception {
        try {
            switch (args[0]) {
                case "write" -> {
                    Path file = PrivateFiles.writeInNewDirectory(Path.of(args[1]), PrivateFiles.KUBECONFIG, new byte[4096]);
                    System.out.println("OK " + file + " " + mode(file.getParent()) + " " + mode(file));
                }
                case "replace" -> {
                    PrivateFiles.replace(Path.of(args[1]), "new".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    System.out.println("OK " + mode(Path.of(args[1])));
                }
                case "delete" -> System.out.println("OK " + PrivateFiles.deleteDirectory(Path.of(args[1])));
                default -> throw new IllegalArgumentException(args[0]);
            }
        } catch (Exception e) {
            System.out.println("FAIL " + e.getClass().getName() + " " + e.getMessage());
        }
    }

    private static String mode(Path p) throws java.io.IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }
}
