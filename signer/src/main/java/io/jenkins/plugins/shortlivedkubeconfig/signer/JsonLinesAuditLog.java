package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Appends each audit record as one JSON line to a file, flushed to disk before {@link #record} returns. */
public final class JsonLinesAuditLog implements AuditSink {
    private final Path file;

    public JsonLinesAuditLog(Path file) {
        this.file = file;
    }

    @Override
    public synchronized void record(AuditEvent event) {
        byte[] line = (event.toJson() + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the audit log " + file, e);
        }
    }

    @Override
    public String toString() {
        return "JsonLinesAuditLog[" + file + "]";
    }
}
