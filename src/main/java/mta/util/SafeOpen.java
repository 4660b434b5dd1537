package mta.util;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * SafeOpen - opens a file where someone else may have put a symbolic link, a hard link or a FIFO,
 * as Postfix's safe_open does.
 *
 * <p>Reads file attributes; writes only the files it creates. {@link #append} opens an existing
 * file for appending, or creates a missing one with {@code O_CREAT|O_EXCL} (never through a link);
 * it then refuses what the open reached when that is not the named file itself: a symbolic link
 * ({@code file is a symbolic link}), unless root owns it and its directory, which only root may
 * write to; a file with more than one name ({@code file has 2 hard links}); anything but a regular
 * file or a character device ({@code file is not a regular file}). {@link #read} opens a file to
 * read it, with or without following a final symbolic link, and refuses anything but a regular file.
 *
 * <p>With {@link NativeIo} (Java 22+) the open is open(2) with O_NONBLOCK (a FIFO never blocks:
 * {@code No such device or address} for a writer, refused for a reader) and O_NOFOLLOW where
 * asked, and the checks look at the opened file itself ({@code /proc/self/fd/N}): there is no time
 * between check and use. Without it (Java 21) the checks look at the name before and after the
 * open; that path is used only where the process already has no more rights than the user whose
 * files these are (a child process under setpriv, or a mail system that does not run as root).
 * Ownership checks are the caller's: {@link Opened#attrs} tells the owner.
 */
public final class SafeOpen {
    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFLNK = 0120000;
    private static final int S_IFIFO = 0010000;
    private static final int S_IFSOCK = 0140000;
    private static final int S_IFDIR = 0040000;
    private static final int ENOENT = 2;
    private static final int EACCES = 13;
    private static final int ELOOP = 40;

    /** How long a Java 21 open may take before a FIFO is suspected (see {@link #openWithDeadline}). */
    static final java.time.Duration OPEN_DEADLINE = java.time.Duration.ofSeconds(5);

    private SafeOpen() {}

    /** The file reached was not the one asked for (Postfix's texts: "file is a symbolic link", ...). */
    public static final class Refused extends IOException {
        public Refused(String text) {
            super(text);
        }
    }

    /** What stat(2) says about a file. */
    public record Attrs(long dev, long ino, int mode, int nlink, int uid, int gid, long size) {
        public int type() {
            return mode & S_IFMT;
        }

        public boolean regular() {
            return type() == S_IFREG;
        }

        public boolean charDevice() {
            return type() == S_IFCHR;
        }

        public boolean symlink() {
            return type() == S_IFLNK;
        }

        public boolean directory() {
            return type() == S_IFDIR;
        }

        public boolean fifoOrSocket() {
            return type() == S_IFIFO || type() == S_IFSOCK;
        }

        /** The permission bits (07777). */
        public int perms() {
            return mode & 07777;
        }

        /** The same file (device and inode) as {@code o}. */
        public boolean sameFileAs(Attrs o) {
            return dev == o.dev && ino == o.ino;
        }
    }

    /** How to make a missing file: its mode, and the owner to give it (-1: the creator stays the owner). */
    public record Create(int mode, int uid, int gid) {
        public static Create mode(int mode) {
            return new Create(mode, -1, -1);
        }
    }

    /** An opened file: the channel, what the file is, and whether it was just created. */
    public record Opened(FileChannel channel, Attrs attrs, boolean created) implements Closeable {
        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** stat(2) of {@code p} ({@code follow}) or lstat(2). */
    public static Attrs attrs(Path p, boolean follow) throws IOException {
        LinkOption[] opts = follow ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
        Map<String, Object> a = Files.readAttributes(p, "unix:dev,ino,mode,nlink,uid,gid,size", opts);
        return new Attrs(((Number) a.get("dev")).longValue(), ((Number) a.get("ino")).longValue(),
                (Integer) a.get("mode"), (Integer) a.get("nlink"), (Integer) a.get("uid"), (Integer) a.get("gid"),
                ((Number) a.get("size")).longValue());
    }

    /**
     * Opens {@code file} to append to it; creates it when it does not exist and {@code create} is
     * not null. Refuses links, hard links and other kinds of file as the class comment says.
     */
    public static Opened append(Path file, Create create) throws IOException {
        return append(file, create, NativeIo.get().orElse(null));
    }

    /** As {@link #append(Path, Create)}, with the native calls {@code io}, or without them (null). */
    static Opened append(Path file, Create create, NativeIo io) throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                return io != null ? appendNative(io, file) : appendPlain(file);
            } catch (NoSuchFileException e) {
                if (create == null) throw e;
            }
            try {
                return createNew(file, create);
            } catch (FileAlreadyExistsException e) {
                if (attempt > 2) throw e; // someone keeps racing us: give up
            }
        }
    }

    private static Opened appendNative(NativeIo io, Path file) throws IOException {
        int fd = nativeOpen(io, file, EnumSet.of(NativeIo.Flag.WRITE, NativeIo.Flag.APPEND, NativeIo.Flag.NONBLOCK));
        try {
            Path self = NativeIo.fdPath(fd);
            Attrs opened = attrs(self, true);
            checkReached(file, opened);
            FileChannel ch = opened.regular() ? FileChannel.open(self, StandardOpenOption.WRITE, StandardOpenOption.APPEND)
                    : FileChannel.open(self, StandardOpenOption.WRITE);
            return new Opened(ch, opened, false);
        } finally {
            io.close(fd);
        }
    }

    private static Opened appendPlain(Path file) throws IOException {
        Attrs before = attrs(file, true);
        if (before.fifoOrSocket()) throw new FileSystemException(file.toString(), null, "No such device or address");
        FileChannel ch = before.regular() ? FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)
                : FileChannel.open(file, StandardOpenOption.WRITE);
        try {
            Attrs opened = attrs(file, true);
            if (!opened.sameFileAs(before)) throw new Refused("file status changed unexpectedly");
            checkReached(file, opened);
            return new Opened(ch, opened, false);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** open(2), with the two common failures as the exceptions Java's own file code throws. */
    private static int nativeOpen(NativeIo io, Path file, Set<NativeIo.Flag> flags) throws IOException {
        try {
            return io.open(file.toString(), flags, 0);
        } catch (NativeIo.ErrnoException e) {
            if (e.errno() == ENOENT) throw new NoSuchFileException(file.toString());
            if (e.errno() == EACCES) throw new AccessDeniedException(file.toString());
            throw e;
        }
    }

    /** The checks after an open that may have followed a link: was it the file named? */
    private static void checkReached(Path file, Attrs opened) throws IOException {
        Attrs named = attrs(file, false);
        if (named.symlink()) {
            if (!(named.uid() == 0 && trustedDirectory(file))) throw new Refused("file is a symbolic link");
        } else if (!named.sameFileAs(opened)) {
            throw new Refused("file status changed unexpectedly");
        }
        if (!opened.regular() && !opened.charDevice()) throw new Refused("file is not a regular file");
        if (opened.regular() && opened.nlink() > 1) throw new Refused("file has " + opened.nlink() + " hard links");
    }

    /** A directory that root owns and nobody else may write to. */
    private static boolean trustedDirectory(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Attrs d = attrs(dir == null ? Path.of("/") : dir, true);
            return d.uid() == 0 && (d.perms() & 022) == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** O_CREAT|O_EXCL: never through a link, never a file that exists. */
    private static Opened createNew(Path file, Create create) throws IOException {
        FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND), PosixFilePermissions.asFileAttribute(permissions(create.mode())));
        try {
            if (create.uid() >= 0) {
                // By name, but without following a link: only used in a directory that only root may write to.
                Files.setAttribute(file, "unix:gid", create.gid(), LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(file, "unix:uid", create.uid(), LinkOption.NOFOLLOW_LINKS);
            }
            return new Opened(ch, attrs(file, false), true);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Opens {@code file} to read it: follows a final symbolic link only when {@code follow} (a link
     * not followed is refused as "not a regular file"); refuses anything but a regular file; never
     * blocks on a FIFO.
     */
    public static Opened read(Path file, boolean follow) throws IOException {
        return read(file, follow, NativeIo.get().orElse(null), OPEN_DEADLINE);
    }

    /** As {@link #read(Path, boolean)}, with the native calls {@code io}, or without them (null). */
    static Opened read(Path file, boolean follow, NativeIo io, java.time.Duration deadline) throws IOException {
        if (io != null) {
            EnumSet<NativeIo.Flag> flags = EnumSet.of(NativeIo.Flag.READ, NativeIo.Flag.NONBLOCK);
            if (!follow) flags.add(NativeIo.Flag.NOFOLLOW);
            int fd;
            try {
                fd = nativeOpen(io, file, flags);
            } catch (NativeIo.ErrnoException e) {
                if (e.errno() == ELOOP && !follow) throw new Refused("not a regular file");
                throw e;
            }
            try {
                Path self = NativeIo.fdPath(fd);
                Attrs a = attrs(self, true);
                if (!a.regular()) throw new Refused("not a regular file");
                return new Opened(FileChannel.open(self, StandardOpenOption.READ), a, false);
            } finally {
                io.close(fd);
            }
        }
        Attrs before = attrs(file, follow);
        if (!before.regular()) throw new Refused("not a regular file");
        FileChannel ch = openWithDeadline(file, follow, deadline);
        try {
            Attrs after = attrs(file, follow);
            if (!after.sameFileAs(before) || !after.regular()) throw new Refused("file status changed unexpectedly");
            return new Opened(ch, after, false);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Java 21: opens for reading on a thread of its own. A FIFO swapped in after the check would
     * block the open until a writer comes; after {@code deadline} this method becomes that writer
     * itself, which ends the wait, and the caller's check then refuses the FIFO.
     */
    static FileChannel openWithDeadline(Path file, boolean follow, java.time.Duration deadline) throws IOException {
        Object[] out = new Object[1];
        Thread t = Thread.ofPlatform().daemon().name("safe-open").start(() -> {
            try {
                out[0] = follow ? FileChannel.open(file, StandardOpenOption.READ)
                        : FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException | RuntimeException e) {
                out[0] = e;
            }
        });
        try {
            if (!t.join(deadline)) {
                try {
                    FileChannel.open(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS).close(); // releases the reader
                } catch (IOException ignored) {
                    // not a FIFO any more: the open is finishing by itself
                }
                if (!t.join(deadline)) {
                    throw new IOException(file + ": open does not finish");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while opening " + file);
        }
        if (out[0] instanceof IOException e) throw e;
        if (out[0] instanceof RuntimeException e) throw e;
        return (FileChannel) out[0];
    }

    /** The text for an I/O failure, as the C library says it ("Permission denied", "No such file or directory"). */
    public static String reason(IOException e) {
        if (e instanceof Refused) return e.getMessage();
        if (e instanceof AccessDeniedException) return "Permission denied";
        if (e instanceof NoSuchFileException) return "No such file or directory";
        if (e instanceof FileAlreadyExistsException) return "File exists";
        if (e instanceof NotDirectoryException) return "Not a directory";
        if (e instanceof FileSystemException f && f.getReason() != null) {
            String r = f.getReason();
            int or = r.indexOf(" or unable to access attributes");
            return or > 0 ? r.substring(0, or) : r;
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** A mode such as 0600 as a permission set. */
    public static Set<PosixFilePermission> permissions(int mode) {
        StringBuilder s = new StringBuilder(9);
        String rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) s.append((mode & (0400 >> i)) != 0 ? rwx.charAt(i) : '-');
        return PosixFilePermissions.fromString(s.toString());
    }
}
