package mta.util;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * SafeFiles - the few file operations the queue's promises rest on.
 *
 * <p>Reads and writes nothing of its own: it creates files that must not exist yet, forces them
 * and their directories to disk, and renames atomically. A rename is the only way a queue file
 * changes state, so a crash leaves a file either in its old place or in its new one.
 */
public final class SafeFiles {
    private SafeFiles() {}

    /** Mode of a file that is complete and ready for the next stage (Postfix's 0700 mark). */
    public static final Set<PosixFilePermission> READY = PosixFilePermissions.fromString("rwx------");
    /** Mode of a file still being written (0600). */
    public static final Set<PosixFilePermission> WRITING = PosixFilePermissions.fromString("rw-------");

    /** Opens a new file for writing; fails if the name is taken. */
    public static FileChannel createNew(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
    }

    /**
     * As {@link #createNew(Path)}, the file created with {@code mode} (open(2)'s mode argument,
     * which the process's umask may narrow: callers that need the exact mode check it).
     */
    public static FileChannel createNew(Path file, Set<PosixFilePermission> mode) throws IOException {
        try {
            return FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.READ), PosixFilePermissions.asFileAttribute(mode));
        } catch (UnsupportedOperationException e) {
            return createNew(file); // not a POSIX file system
        }
    }

    /**
     * Renames {@code from} to {@code to} atomically, replacing nothing: fails if {@code to} exists.
     * One renameat2(RENAME_NOREPLACE) where this JVM may make native calls (the master and the
     * privileged process), else a hard link (which fails when the name exists) and an unlink.
     */
    public static void renameNoReplace(Path from, Path to) throws IOException {
        java.util.Optional<NativeIo> io = NativeIo.ifEnabled();
        if (io.isPresent()) {
            try {
                io.get().renameNoReplace(from.toString(), to.toString());
                return;
            } catch (NativeIo.ErrnoException e) {
                if (e.errno() == NativeIo.EEXIST) throw new FileAlreadyExistsException(to.toString());
                if (e.errno() != EINVAL && e.errno() != ENOSYS) throw e;
                // a file system or kernel without RENAME_NOREPLACE: the portable way below
            }
        }
        // rename(2) would silently replace; a hard link fails when the name exists. Link, then unlink.
        try {
            Files.createLink(to, from);
        } catch (UnsupportedOperationException e) {
            if (Files.exists(to)) throw new FileAlreadyExistsException(to.toString());
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            return;
        }
        Files.delete(from);
    }

    private static final int EINVAL = 22;
    private static final int ENOSYS = 38;

    /** Renames atomically; the target directory must be on the same file system. */
    public static void rename(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("queue directories must share one file system: " + e.getMessage(), e);
        }
    }

    /** Forces a directory's entries to disk, so that a rename into it survives power loss. */
    public static void forceDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems refuse to open directories; the rename is then as durable as it gets.
            if (!Files.isDirectory(dir)) throw e;
        }
    }

    /** Creates a directory (and parents) with mode 0700 if it does not exist. */
    public static void ensureDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) return;
        Files.createDirectories(dir);
        try {
            Files.setPosixFilePermissions(dir, READY);
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
    }

    /**
     * Gives {@code p} to the owner and group of its directory, when this process runs as root and
     * that directory is not root's: a queue file or hashed subdirectory made by a root command
     * ({@code sendmail}, {@code postsuper}) or by the privileged delivery process then belongs to
     * {@code mail_owner}, as the unprivileged queue manager needs. Does nothing otherwise.
     */
    public static void inheritOwner(Path p) throws IOException {
        if (!PosixAccounts.ROOT) return;
        Path dir = p.toAbsolutePath().getParent();
        if (dir == null) return;
        try {
            int uid = (Integer) Files.getAttribute(dir, "unix:uid");
            if (uid == 0) return;
            int gid = (Integer) Files.getAttribute(dir, "unix:gid");
            Files.setAttribute(p, "unix:gid", gid);
            Files.setAttribute(p, "unix:uid", uid);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            // no unix attributes: nothing to give
        }
    }

    /** Creates {@code dir} and missing parents (mode 0700), each owned as {@link #inheritOwner} says. */
    public static void ensureOwnedDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) return;
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) ensureOwnedDirectory(parent);
        try {
            Files.createDirectory(dir);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return; // made by someone else meanwhile
        }
        setMode(dir, READY);
        inheritOwner(dir);
    }

    /** Sets a POSIX mode, ignoring file systems that have none. */
    public static void setMode(Path file, Set<PosixFilePermission> mode) throws IOException {
        try {
            Files.setPosixFilePermissions(file, mode);
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
    }

    /**
     * True when {@code p} exists, asked with stat(2), which checks the process's effective IDs.
     * {@code Files.exists} asks access(2), which checks the real ones: a set-gid postdrop process
     * (an ordinary user's sendmail) would be told that nothing in public/ exists.
     */
    public static boolean exists(Path p) {
        try {
            Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The inode number of a file, or -1 where the file system does not say. */
    public static long inode(Path file) {
        try {
            Object ino = Files.getAttribute(file, "unix:ino");
            return ((Number) ino).longValue();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return -1;
        }
    }
}
