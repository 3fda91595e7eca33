package io.jenkins.plugins.shortlivedkubeconfig.cli;

import io.jenkins.plugins.shortlivedkubeconfig.signer.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the CLI's input files with a size limit, naming the flag and the file in every error. */
final class InputFiles {
    static final long MAX_BYTES = 1024 * 1024;

    private InputFiles() {}

    static byte[] readBytes(Path file, String flag) throws InvalidInputException {
        try {
            if (Files.isDirectory(file)) {
                throw new InvalidInputException(flag + " " + file + ": is a directory, not a file");
            }
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new InvalidInputException(flag + " " + file + ": " + size + " bytes is larger than the "
                        + MAX_BYTES + "-byte limit");
            }
            // Devices and /proc files report size 0 whatever they hold (/dev/zero never ends): read at most the limit.
            try (InputStream in = Files.newInputStream(file)) {
                byte[] bytes = in.readNBytes((int) MAX_BYTES + 1);
                if (bytes.length > MAX_BYTES) {
                    throw new InvalidInputException(flag + " " + file + ": larger than the " + MAX_BYTES
                            + "-byte limit");
                }
                return bytes;
            }
        } catch (java.nio.file.NoSuchFileException e) {
            throw new InvalidInputException(flag + " " + file + ": no such file");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new InvalidInputException(flag + " " + file + ": permission denied");
        } catch (IOException e) {
            throw new InvalidInputException(flag + " " + file + ": cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    static String readText(Path file, String flag) throws InvalidInputException {
        byte[] bytes = readBytes(file, flag);
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidInputException(flag + " " + file + ": not UTF-8 text");
        }
    }
}
