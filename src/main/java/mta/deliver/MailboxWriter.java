package mta.deliver;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import mta.mail.Dsn;
import mta.util.SafeFiles;
import mta.util.SafeOpen;

/**
 * MailboxWriter - writes one message into a UNIX mbox file or a Maildir (for local and virtual),
 * with whatever rights the calling thread has.
 *
 * <p>Reads the message through a {@link Content}; writes the mailbox. {@link UserFiles} decides
 * whose rights that is; this class never changes owners of files that exist. mbox: a dot-lock
 * ({@code file.lock}, mode 0, created with O_EXCL), the file opened by {@link SafeOpen#append}
 * (no symbolic link, one hard link, a regular file or character device; a missing file is made
 * 0600), an fcntl lock, the message appended and forced, or truncated back on failure, so that a
 * mailbox is never left half-written. Maildir: the directories made 0700 when missing, the message
 * written to {@code tmp/<unique>} (0600, O_EXCL), forced, linked into {@code new/} and removed
 * from {@code tmp/}. Both refuse a message that would pass {@code mailbox_size_limit}.
 *
 * <p>Failures are {@link Failure}s with Postfix's texts and status codes: {@code cannot open file:
 * Permission denied} (5.2.0), {@code file is a symbolic link}, {@code file has 2 hard links},
 * {@code destination /var/mail/joe is not owned by recipient} (4.2.0), {@code error writing message:
 * File too large} (5.2.2), {@code create maildir file PATH: Permission denied}.
 */
public final class MailboxWriter {
    private static final AtomicLong SEQ = new AtomicLong();
    private static final long LOCK_STALE_MILLIS = 500_000;
    private static final long LOCK_WAIT_MILLIS = 30_000;

    private MailboxWriter() {}

    /** What is written: the message in the right form, and about how big it will be. */
    public interface Content {
        long estimatedSize();

        void writeTo(OutputStream out) throws IOException;
    }

    /** A delivery that failed: the RFC 3463 status and Postfix's text, without the "cannot update mailbox" prefix. */
    public static final class Failure extends IOException {
        private final Dsn dsn;
        private final boolean accessProblem;
        private final List<String> warnings = new ArrayList<>();

        public Failure(Dsn dsn, String text) {
            this(dsn, text, false);
        }

        Failure(Dsn dsn, String text, boolean accessProblem) {
            super(text);
            this.dsn = dsn;
            this.accessProblem = accessProblem;
        }

        public Dsn dsn() {
            return dsn;
        }

        /** Warnings for the log from before the failure (a dot-lock that could not be made). */
        public List<String> warnings() {
            return warnings;
        }

        /** A Maildir that the user may not write to ("perhaps you need to create the maildirs in advance"). */
        public boolean accessProblem() {
            return accessProblem;
        }
    }

    /**
     * How an mbox is written.
     *
     * @param owner       the uid the file must belong to ({@code destination ... is not owned by
     *                    recipient} otherwise), or -1 for no check (a /file destination)
     * @param create      how a missing file is made (mode, owner), or null when it must exist
     * @param dotLock     whether to take a {@code .lock} file first (failing to is only a warning)
     * @param fileTarget  a /file destination: an executable file is refused ({@code file is executable})
     * @param limit       {@code mailbox_size_limit}; 0 means none
     */
    public record Mbox(int owner, SafeOpen.Create create, boolean dotLock, boolean fileTarget, long limit) {}

    /**
     * Appends the message to an mbox file. Returns warnings for the log (a dot-lock that could not
     * be made); throws {@link Failure} when the message was not delivered.
     */
    public static List<String> mbox(Path file, Mbox how, Content msg) throws IOException {
        List<String> warnings = new ArrayList<>();
        Path parent = file.toAbsolutePath().getParent();
        if (how.create() != null && parent != null && !Files.exists(parent)) {
            try {
                Files.createDirectories(parent); // a spool directory made on first use, with these rights
            } catch (IOException e) {
                throw new Failure(dsnFor(e, Dsn.OTHER_MAILBOX), "cannot open file: " + SafeOpen.reason(e));
            }
        }
        Path lock = file.resolveSibling(file.getFileName() + ".lock");
        boolean locked = false;
        if (how.dotLock() && !isCharDevice(file)) {
            try {
                locked = dotLock(lock);
            } catch (Failure e) {
                throw e;
            } catch (IOException e) {
                // No right to make it (a file in a directory the user may not write): the fcntl lock remains.
                warnings.add("unable to create lock file " + lock + ": " + SafeOpen.reason(e));
            }
        }
        try {
            appendLocked(file, how, msg);
        } catch (Failure f) {
            f.warnings.addAll(0, warnings);
            throw f;
        } finally {
            if (locked) {
                try {
                    Files.deleteIfExists(lock);
                } catch (IOException e) {
                    warnings.add("remove lock file " + lock + ": " + SafeOpen.reason(e));
                }
            }
        }
        return warnings;
    }

    private static void appendLocked(Path file, Mbox how, Content msg) throws IOException {
        SafeOpen.Opened opened;
        try {
            opened = SafeOpen.append(file, how.create());
        } catch (SafeOpen.Refused e) {
            throw new Failure(Dsn.OTHER_MAILBOX, e.getMessage());
        } catch (IOException e) {
            throw new Failure(dsnFor(e, Dsn.OTHER_MAILBOX), "cannot open file: " + SafeOpen.reason(e));
        }
        try (FileChannel ch = opened.channel()) {
            SafeOpen.Attrs a = opened.attrs();
            if (how.owner() >= 0 && a.uid() != how.owner()) {
                throw new Failure(Dsn.OTHER_MAILBOX.temporary(), "destination " + file + " is not owned by recipient");
            }
            if (how.fileTarget() && a.regular() && (a.perms() & 0111) != 0) throw new Failure(Dsn.NOT_AUTHORIZED, "file is executable");
            if (a.charDevice()) {
                write(ch, msg);
                return;
            }
            try (FileLock ignored = ch.lock()) {
                long before = ch.size();
                if (how.limit() > 0 && before + msg.estimatedSize() > how.limit()) {
                    throw new Failure(Dsn.MAILBOX_FULL, "error writing message: File too large");
                }
                try {
                    write(ch, msg);
                    ch.force(true);
                } catch (IOException e) {
                    ch.truncate(before);
                    throw new Failure(dsnFor(e, Dsn.OTHER_MAILBOX.temporary()), "error writing message: " + SafeOpen.reason(e));
                }
            }
        }
    }

    private static void write(FileChannel ch, Content msg) throws IOException {
        OutputStream out = Channels.newOutputStream(ch);
        msg.writeTo(out);
        out.flush();
    }

    private static boolean isCharDevice(Path file) {
        try {
            return SafeOpen.attrs(file, true).charDevice();
        } catch (IOException e) {
            return false;
        }
    }

    /** Makes {@code lock} (mode 0, O_EXCL); waits for another holder; removes a stale one. */
    private static boolean dotLock(Path lock) throws IOException {
        long deadline = System.currentTimeMillis() + LOCK_WAIT_MILLIS;
        while (true) {
            try {
                Files.createFile(lock, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(SafeOpen.permissions(0)));
                return true;
            } catch (FileAlreadyExistsException e) {
                try {
                    if (System.currentTimeMillis() - Files.getLastModifiedTime(lock).toMillis() > LOCK_STALE_MILLIS) {
                        Files.deleteIfExists(lock);
                        continue;
                    }
                } catch (NoSuchFileException gone) {
                    continue;
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new Failure(Dsn.OTHER_MAILBOX.temporary(), "unable to lock for exclusive access: " + lock + ": File exists");
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new Failure(Dsn.OTHER_MAILBOX.temporary(), "interrupted while waiting for " + lock);
                }
            }
        }
    }

    /**
     * Delivers into a Maildir ({@code dir/new/}); {@code limit} 0 means no size limit. Throws
     * {@link Failure} with {@code create maildir file PATH: reason} when the file cannot be made.
     */
    public static void maildir(Path dir, String hostname, long limit, Content msg) throws IOException {
        if (limit > 0 && msg.estimatedSize() > limit) throw new Failure(Dsn.MAILBOX_FULL, "error writing message: File too large");
        long now = System.currentTimeMillis();
        String unique = (now / 1000) + ".M" + (now % 1000) * 1000 + "P" + ProcessHandle.current().pid()
                + "Q" + SEQ.incrementAndGet() + "." + hostname.replace("/", "\\057").replace(":", "\\072");
        Path tmp = dir.resolve("tmp").resolve(unique);
        FileChannel ch;
        try {
            ch = createMaildirFile(dir, tmp);
        } catch (IOException e) {
            throw new Failure(dsnFor(e, Dsn.OTHER_MAILBOX), "create maildir file " + tmp + ": " + SafeOpen.reason(e),
                    e instanceof AccessDeniedException);
        }
        try (ch) {
            write(ch, msg);
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw new Failure(dsnFor(e, Dsn.OTHER_MAILBOX.temporary()), "error writing message: " + SafeOpen.reason(e));
        }
        Path target = dir.resolve("new").resolve(unique);
        try {
            makeDirectory(dir.resolve("new"));
            makeDirectory(dir.resolve("cur"));
            SafeFiles.renameNoReplace(tmp, target);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw new Failure(dsnFor(e, Dsn.OTHER_MAILBOX), "create maildir file " + target + ": " + SafeOpen.reason(e),
                    e instanceof AccessDeniedException);
        }
        try (FileChannel d = FileChannel.open(dir.resolve("new"), StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // some file systems cannot sync a directory
        }
    }

    /** tmp/unique, 0600, O_EXCL; the directories are made (0700) when missing. */
    private static FileChannel createMaildirFile(Path dir, Path tmp) throws IOException {
        java.nio.file.attribute.FileAttribute<?> mode =
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(SafeOpen.permissions(0600));
        try {
            return FileChannel.open(tmp, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), mode);
        } catch (NoSuchFileException e) {
            makeDirectory(dir);
            makeDirectory(dir.resolve("tmp"));
            return FileChannel.open(tmp, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), mode);
        }
    }

    private static void makeDirectory(Path d) throws IOException {
        if (Files.isDirectory(d)) return;
        Path parent = d.toAbsolutePath().getParent();
        if (parent != null && !Files.exists(parent, java.nio.file.LinkOption.NOFOLLOW_LINKS)) makeDirectory(parent);
        try {
            Files.createDirectory(d, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(SafeOpen.permissions(0700)));
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(d)) throw e;
        }
    }

    /** Postfix's status for a file system error: over quota or too large 5.2.2, disk full 4.3.1, busy 4.2.0. */
    static Dsn dsnFor(IOException e, Dsn otherwise) {
        String r = SafeOpen.reason(e);
        if (r.equals("Disk quota exceeded") || r.equals("File too large")) return Dsn.MAILBOX_FULL;
        if (r.equals("No space left on device")) return Dsn.MAIL_SYSTEM_FULL.temporary();
        if (r.equals("Resource temporarily unavailable") || r.equals("Stale file handle")) return Dsn.OTHER_MAILBOX.temporary();
        return otherwise;
    }
}
