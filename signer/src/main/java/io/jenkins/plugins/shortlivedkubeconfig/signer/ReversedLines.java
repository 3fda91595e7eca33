package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/**
 * The lines of a file from the last to the first, read in chunks from the end, so that the newest page of a large
 * audit file costs one chunk and memory stays bounded whatever the file holds. Reads only the first {@code size}
 * bytes (the file as it was when opened; an appender may go on meanwhile). A last line without its newline is being
 * written (or was cut by a crash): it is not returned, and counted as {@link #partial()}.
 */
final class ReversedLines implements Closeable {
    static final int CHUNK = 64 * 1024;
    /** Longer lines are not audit records (those are a few KiB at most): passed over, as {@link #OVERLONG}. */
    static final int MAX_LINE = 1024 * 1024;
    /** What an overlong line is returned as: not a record. */
    static final String OVERLONG = "(overlong line)";

    private final FileChannel channel;
    /** Bytes [start, start + length) of the file not yet returned, the line to return next at their end. */
    private byte[] data = new byte[0];
    private long start;
    private int length;
    private final boolean partial;
    private boolean first = true;

    /** Takes over {@code channel}: {@link #close()} closes it. */
    ReversedLines(FileChannel channel, long size) throws IOException {
        this.channel = channel;
        this.start = size;
        boolean cut = false;
        if (size > 0) {
            cut = lastByte(channel, size) != '\n';
        }
        this.partial = cut;
    }

    /** The byte at {@code size - 1}. */
    static byte lastByte(FileChannel channel, long size) throws IOException {
        ByteBuffer last = ByteBuffer.allocate(1);
        while (last.hasRemaining()) {
            if (channel.read(last, size - 1) < 0) {
                throw new IOException("the file became shorter while it was read");
            }
        }
        return last.get(0);
    }

    /** Whether the file ended in a line without its newline, which is skipped. */
    boolean partial() {
        return partial;
    }

    /** The previous line, without its newline ({@link #OVERLONG} for an overlong one); null before the first. */
    @CheckForNull
    String previous() throws IOException {
        while (true) {
            String line = nextFromEnd();
            if (line == null) {
                return null;
            }
            if (first) {
                first = false;
                // After the final newline comes either nothing, or a line still being written.
                continue;
            }
            return line;
        }
    }

    @CheckForNull
    private String nextFromEnd() throws IOException {
        boolean overlong = false;
        while (true) {
            for (int k = length - 1; k >= 0; k--) {
                if (data[k] == '\n') {
                    String line = overlong ? OVERLONG
                            : new String(data, k + 1, length - k - 1, StandardCharsets.UTF_8);
                    length = k;
                    return line;
                }
            }
            if (start == 0) {
                if (length == 0 && data.length == 0) {
                    return null;
                }
                String line = overlong ? OVERLONG : new String(data, 0, length, StandardCharsets.UTF_8);
                data = new byte[0];
                length = 0;
                return line;
            }
            if (length > MAX_LINE) {
                overlong = true; // keep looking for its beginning, without keeping its bytes
                length = 0;
            }
            int read = (int) Math.min(CHUNK, start);
            byte[] more = new byte[read + length];
            ByteBuffer into = ByteBuffer.wrap(more, 0, read);
            long at = start - read;
            while (into.hasRemaining()) {
                int n = channel.read(into, at + into.position());
                if (n < 0) {
                    throw new IOException("the file became shorter while it was read");
                }
            }
            System.arraycopy(data, 0, more, read, length);
            data = more;
            length += read;
            start = at;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
