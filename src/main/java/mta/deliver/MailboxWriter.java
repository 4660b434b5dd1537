package mta.deliver;

import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * MailboxWriter - writes one message into a UNIX mbox file or a Maildir (for local and virtual).
 *
 * <p>Reads the message through a {@link MessageCopy}; writes the mailbox. mbox: appends under a
 * dot-lock ({@code file.lock}) and an fcntl lock, in {@link MessageCopy.Format#MBOX} form; a failed
 * write is truncated back so the mailbox is never left half-written. Maildir: writes
 * {@code tmp/<unique>}, forces it, renames it into {@code new/}. Both refuse a message that would
 * make the file larger than {@code mailbox_size_limit} ({@link TooLarge}, "File too large").
 */
public final class MailboxWriter {
    private static final AtomicLong SEQ = new AtomicLong();

    /** The write would pass mailbox_size_limit (Postfix gets EFBIG from its file size limit). */
    public static final class TooLarge extends IOException {
        TooLarge() {
            super("File too large");
        }
    }

    private MailboxWriter() {}

    /** Appends to an mbox file; {@code limit} 0 means no size limit. */
    public static void mbox(Path file, MessageCopy msg, FileOwner owner, long limit) throws IOException {
        Files.createDirectories(file.getParent());
        Path lock = file.resolveSibling(file.getFileName() + ".lock");
        boolean dotLocked = dotLock(lock);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            owner.apply(file);
            try (FileLock ignored = ch.lock()) {
                long before = ch.size();
                if (limit > 0 && before + msg.estimatedSize() > limit) throw new TooLarge();
                try {
                    msg.write(Channels.newOutputStream(ch), MessageCopy.Format.MBOX);
                    ch.force(true);
                } catch (IOException e) {
                    ch.truncate(before);
                    throw e;
                }
            }
        } finally {
            if (dotLocked) Files.deleteIfExists(lock);
        }
    }

    private static boolean dotLock(Path lock) throws IOException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            try {
                Files.createFile(lock);
                return true;
            } catch (FileAlreadyExistsException e) {
                // A lock older than 5 minutes is stale (its owner died).
                try {
                    if (System.currentTimeMillis() - Files.getLastModifiedTime(lock).toMillis() > 300_000) {
                        Files.deleteIfExists(lock);
                        continue;
                    }
                } catch (IOException gone) {
                    continue;
                }
                if (System.currentTimeMillis() > deadline) throw new IOException("unable to lock " + lock + ": timeout");
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while locking " + lock);
                }
            } catch (java.nio.file.AccessDeniedException e) {
                return false; // no write access to the spool directory: rely on the fcntl lock
            }
        }
    }

    /** Delivers into a Maildir ({@code dir/new/}); {@code limit} 0 means no size limit. */
    public static void maildir(Path dir, MessageCopy msg, String hostname, FileOwner owner, long limit)
            throws IOException {
        if (limit > 0 && msg.estimatedSize() > limit) throw new TooLarge();
        for (String sub : new String[] {"", "tmp", "new", "cur"}) {
            Path d = sub.isEmpty() ? dir : dir.resolve(sub);
            if (!Files.isDirectory(d)) {
                Files.createDirectories(d);
                owner.apply(d);
            }
        }
        long now = System.currentTimeMillis();
        String unique = (now / 1000) + ".M" + (now % 1000) * 1000 + "P" + ProcessHandle.current().pid()
                + "Q" + SEQ.incrementAndGet() + "." + hostname.replace("/", "\\057").replace(":", "\\072");
        Path tmp = dir.resolve("tmp").resolve(unique);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            owner.apply(tmp);
            msg.write(Channels.newOutputStream(ch), MessageCopy.Format.MAILDIR);
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, dir.resolve("new").resolve(unique), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel d = FileChannel.open(dir.resolve("new"), StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // some file systems cannot sync a directory
        }
    }
}
