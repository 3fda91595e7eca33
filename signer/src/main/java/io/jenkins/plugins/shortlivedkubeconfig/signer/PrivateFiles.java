package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryPermission;
import java.nio.file.attribute.AclEntryType;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Writes files that hold a private key so that no other user can read them at any moment: on POSIX file systems
 * the directory is created 0700 and the file 0600 in the same system call that creates them (no window with wider
 * permissions); elsewhere (Windows) the directory's ACL is narrowed to its owner before the file is created in it.
 * A failed write leaves nothing behind.
 */
public final class PrivateFiles {
    /** The file name of the kubeconfig inside its private directory. */
    public static final String KUBECONFIG = "kubeconfig";

    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {}

    /**
     * Creates a new directory with a random name under {@code parent} (created if missing) and writes
     * {@code content} to {@code fileName} inside it.
     *
     * @return the file written; its parent is the new directory, which {@link #deleteDirectory} removes
     */
    public static Path writeInNewDirectory(Path parent, String fileName, byte[] content) throws IOException {
        if (fileName.isEmpty() || fileName.contains("/") || fileName.contains("\\") || fileName.equals("..")
                || fileName.equals(".")) {
            throw new IllegalArgumentException("not a plain file name: " + fileName);
        }
        Files.createDirectories(parent);
        Path dir = posix(parent)
                ? Files.createTempDirectory(parent, "kubeconfig-", PosixFilePermissions.asFileAttribute(DIRECTORY))
                : ownerOnly(Files.createTempDirectory(parent, "kubeconfig-"));
        Path file = dir.resolve(fileName);
        try {
            write(file, content);
            return file;
        } catch (IOException | RuntimeException e) {
            try {
                deleteDirectory(dir);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Replaces {@code target} (or creates it) atomically: the content goes to a 0600 temporary file in the same
     * directory, is flushed to disk, then renamed over the target. On any failure the target is left exactly as
     * it was and the temporary file is removed.
     */
    public static void replace(Path target, byte[] content) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new NoSuchFileException(String.valueOf(dir), null, "the directory does not exist");
        }
        if (Files.isDirectory(absolute, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(absolute + " is a directory");
        }
        BasicFileAttributes existing = existingAttributes(absolute);
        if (existing != null && existing.isOther()) {
            // A device, FIFO or socket: renaming over it would replace it (as root, e.g. /dev/null) by a key file.
            throw new IOException(absolute + " is not a regular file (a device, FIFO or socket); give a file path");
        }
        Path temp = posix(dir)
                ? Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp",
                        PosixFilePermissions.asFileAttribute(FILE))
                : ownerOnly(Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp"));
        boolean moved = false;
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(out, content, absolute);
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /**
     * Deletes a directory made by {@link #writeInNewDirectory} and everything in it, without following links.
     * Idempotent: a directory that is already gone is not an error.
     *
     * @return whether anything was deleted
     */
    public static boolean deleteDirectory(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.deleteIfExists(dir);
            return true;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                try {
                    Files.deleteIfExists(d);
                } catch (DirectoryNotEmptyException race) {
                    throw new IOException(d + " was written to while being deleted", race);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return true;
    }

    @CheckForNull
    private static BasicFileAttributes existingAttributes(Path path) throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static void write(Path file, byte[] content) throws IOException {
        Set<StandardOpenOption> options = EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        FileAttribute<?>[] attributes = posix(file)
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : new FileAttribute<?>[0];
        try (FileChannel out = FileChannel.open(file, options, attributes)) {
            writeFully(out, content, file);
        }
    }

    /** Writes and flushes; a failure (e.g. "No space left on device", which the JDK reports without a path) names {@code shown}. */
    private static void writeFully(FileChannel out, byte[] content, Path shown) throws IOException {
        try {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        } catch (ClosedChannelException | FileSystemException e) {
            throw e; // an interrupt keeps its type; a file system error already names its file
        } catch (IOException e) {
            FileSystemException named = new FileSystemException(shown.toString(), null,
                    e.getMessage());
            named.initCause(e);
            throw named;
        }
    }

    private static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** Narrows a path's ACL to its owner (Windows). */
    private static Path ownerOnly(Path path) throws IOException {
        AclFileAttributeView acl = Files.getFileAttributeView(path, AclFileAttributeView.class);
        if (acl == null) {
            Files.deleteIfExists(path);
            throw new IOException("cannot restrict access to " + path + ": the file system has neither POSIX "
                    + "permissions nor ACLs");
        }
        UserPrincipal owner = Files.getOwner(path);
        acl.setAcl(List.of(AclEntry.newBuilder().setType(AclEntryType.ALLOW).setPrincipal(owner)
                .setPermissions(EnumSet.allOf(AclEntryPermission.class)).build()));
        return path;
    }
}
