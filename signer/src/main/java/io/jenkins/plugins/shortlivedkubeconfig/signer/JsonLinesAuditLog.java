package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The audit file: appends each record as one JSON line, flushed to disk before {@link #record} returns; rotates by
 * size ({@code audit.jsonl} is the newest, then {@code audit.jsonl.1}, ... up to {@code files - 1}, the oldest
 * dropped); keeps every file readable and writable by its owner only; and reads records back newest first, filtered
 * and a page at a time, across the rotated files.
 *
 * <p>Thread-safe. One instance per file: concurrent writers in other processes are not coordinated.
 */
public final class JsonLinesAuditLog implements AuditSink {
    /** Each file's size before it is rotated. */
    public static final long DEFAULT_MAX_FILE_BYTES = 10L * 1024 * 1024;
    /** How many files are kept: the current one and the rotated ones. */
    public static final int DEFAULT_FILES = 10;

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path file;
    private final long maxFileBytes;
    private final int files;
    private final boolean posix;
    /** The current file's size after our last append; -1 until we have checked it (see {@link #record}). */
    private long knownSize = -1;

    /** {@value #DEFAULT_FILES} files of at most 10 MiB. */
    public JsonLinesAuditLog(Path file) {
        this(file, DEFAULT_MAX_FILE_BYTES, DEFAULT_FILES);
    }

    /**
     * @param maxFileBytes the size a file may reach before the next record starts a new one (at least 1 KiB)
     * @param files how many files to keep, the current one included (1 to 1000)
     */
    public JsonLinesAuditLog(Path file, long maxFileBytes, int files) {
        this.file = Objects.requireNonNull(file, "file");
        if (maxFileBytes < 1024) {
            throw new IllegalArgumentException("an audit file may grow to at least 1 KiB, not " + maxFileBytes);
        }
        if (files < 1 || files > 1000) {
            throw new IllegalArgumentException("keep between 1 and 1000 audit files, not " + files);
        }
        this.maxFileBytes = maxFileBytes;
        this.files = files;
        Path parent = file.toAbsolutePath().getParent();
        this.posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                && (parent == null || parent.getFileSystem().supportedFileAttributeViews().contains("posix"));
    }

    /** The current file; rotated ones are beside it, with {@code .1}, {@code .2}, ... appended. */
    public Path file() {
        return file;
    }

    @Override
    public synchronized void record(AuditEvent event) {
        byte[] line = (event.toJson() + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            long size = Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? Files.size(file) : 0;
            if (size > 0 && size + line.length > maxFileBytes) {
                rotate();
                size = 0;
            }
            boolean separate = size > 0 && size != knownSize && !endsWithNewline(size);
            try (FileChannel out = FileChannel.open(file, Set.<OpenOption>of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS), ownerOnly())) {
                if (posix && size != knownSize) {
                    // Created by someone else, or before this version: tighten it once.
                    Files.setPosixFilePermissions(file, OWNER_ONLY);
                }
                if (separate) {
                    // A crash cut the last record short: keep that fragment on a line of its own, which readers skip.
                    writeFully(out, new byte[] {'\n'});
                }
                writeFully(out, line);
                out.force(false);
                knownSize = out.size();
            }
        } catch (IOException e) {
            knownSize = -1;
            throw new UncheckedIOException("cannot append to the audit log " + file, e);
        }
    }

    /**
     * The records the query asks for, newest first, across the current and rotated files. Lines that are not
     * records (a half-written last line, a damaged line) are skipped and counted.
     *
     * @throws IOException when a file exists but cannot be read
     */
    public AuditPage read(AuditQuery query) throws IOException {
        List<String> needles = query.needles();
        List<AuditEntry> entries = new ArrayList<>(query.limit());
        int skip = query.offset();
        int unreadable = 0;
        boolean more = false;
        List<ReversedLines> opened = open();
        try {
            scan:
            for (ReversedLines lines : opened) {
                if (lines.partial()) {
                    unreadable++;
                }
                for (String line = lines.previous(); line != null; line = lines.previous()) {
                    if (!looksLikeRecord(line)) {
                        if (!line.isBlank()) {
                            unreadable++;
                        }
                        continue;
                    }
                    if (!containsAll(line, needles)) {
                        continue;
                    }
                    if (skip > 0) {
                        skip--; // the needles decided: only the lines shown are parsed
                        continue;
                    }
                    AuditEntry entry = AuditEntry.parse(line);
                    if (entry == null) {
                        unreadable++;
                    } else if (!query.matches(entry)) {
                        continue; // cannot happen for a line toJson() wrote; the needles are only a pre-filter
                    } else if (entries.size() < query.limit()) {
                        entries.add(entry);
                    } else {
                        more = true;
                        break scan;
                    }
                }
            }
        } finally {
            for (ReversedLines lines : opened) {
                lines.close();
            }
        }
        return new AuditPage(query, entries, more, unreadable);
    }

    /**
     * Opens every file, newest first, while no record is written: open files keep their content through a rotation,
     * so a page never shows a record twice or misses one because of a rotation while it is read.
     */
    private synchronized List<ReversedLines> open() throws IOException {
        List<ReversedLines> opened = new ArrayList<>();
        try {
            for (int i = 0; i < files; i++) {
                Path f = generation(i);
                FileChannel channel;
                try {
                    channel = FileChannel.open(f, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException e) {
                    continue;
                }
                try {
                    opened.add(new ReversedLines(channel, channel.size()));
                } catch (IOException e) {
                    channel.close();
                    throw e;
                }
            }
        } catch (IOException e) {
            for (ReversedLines lines : opened) {
                lines.close();
            }
            throw e;
        }
        return opened;
    }

    /** The shape of every line {@link AuditEvent#toJson()} writes, checked without parsing it. */
    private static boolean looksLikeRecord(String line) {
        return line.startsWith("{\"time\":\"") && line.endsWith("}");
    }

    private static boolean containsAll(String line, List<String> needles) {
        for (String needle : needles) {
            if (!line.contains(needle)) {
                return false;
            }
        }
        return true;
    }

    /** {@code audit.jsonl} for 0, {@code audit.jsonl.1} for 1, ... */
    Path generation(int i) {
        return i == 0 ? file : file.resolveSibling(file.getFileName() + "." + i);
    }

    private void rotate() throws IOException {
        if (files == 1) {
            Files.delete(file);
            return;
        }
        for (int i = files - 1; i >= 1; i--) {
            Path from = generation(i - 1);
            if (Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
                Files.move(from, generation(i), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private boolean endsWithNewline(long size) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            return ReversedLines.lastByte(in, size) == '\n';
        }
    }

    private FileAttribute<?>[] ownerOnly() {
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
    }

    private static void writeFully(FileChannel out, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    @Override
    public String toString() {
        return "JsonLinesAuditLog[" + file + "]";
    }
}
