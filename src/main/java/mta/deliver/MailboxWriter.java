package mta.deliver;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * MailboxWriter - writes one message into a UNIX mbox file or a Maildir (shared by local and virtual).
 *
 * <p>mbox: appends under a dot-lock ({@code file.lock}) and an fcntl lock, with a {@code From }
 * separator line, {@code >From } quoting, LF line ends and a closing blank line; a failed write is
 * truncated back so the mailbox is never left half-written. Maildir: writes {@code tmp/<unique>},
 * forces it, renames it into {@code new/}. Both prepend {@code Return-Path:} and {@code Delivered-To:},
 * and give what they create to the {@link FileOwner} the caller names.
 */
public final class MailboxWriter {
    private static final DateTimeFormatter FROM_DATE = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT);
    private static final AtomicLong SEQ = new AtomicLong();

    private MailboxWriter() {}

    /** Appends to an mbox file. */
    public static void mbox(Path file, DeliveryRequest req, String recipient, FileOwner owner) throws IOException {
        Files.createDirectories(file.getParent());
        Path lock = file.resolveSibling(file.getFileName() + ".lock");
        boolean dotLocked = dotLock(lock);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            owner.apply(file);
            try (FileLock ignored = ch.lock()) {
                long before = ch.size();
                try {
                    OutputStream out = Channels.newOutputStream(ch);
                    String sender = req.sender().isEmpty() ? "MAILER-DAEMON" : req.sender();
                    StringBuilder head = new StringBuilder();
                    head.append("From ").append(sender).append("  ").append(ZonedDateTime.now().format(FROM_DATE)).append('\n');
                    head.append("Return-Path: <").append(req.sender()).append(">\n");
                    head.append("Delivered-To: ").append(recipient).append('\n');
                    java.io.BufferedOutputStream bout = new java.io.BufferedOutputStream(out, 16384);
                    bout.write(head.toString().getBytes(StandardCharsets.UTF_8));
                    req.forEachLine((buf, len) -> {
                        if (len >= 5 && buf[0] == 'F' && buf[1] == 'r' && buf[2] == 'o' && buf[3] == 'm' && buf[4] == ' ') {
                            bout.write('>');
                        }
                        bout.write(buf, 0, len);
                        bout.write('\n');
                    });
                    bout.write('\n');
                    bout.flush();
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

    /** Delivers into a Maildir ({@code dir/new/}). */
    public static void maildir(Path dir, DeliveryRequest req, String recipient, String hostname, FileOwner owner)
            throws IOException {
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
            OutputStream out = new java.io.BufferedOutputStream(Channels.newOutputStream(ch), 16384);
            String head = "Return-Path: <" + req.sender() + ">\nDelivered-To: " + recipient + "\n";
            out.write(head.getBytes(StandardCharsets.UTF_8));
            req.forEachLine((buf, len) -> {
                out.write(buf, 0, len);
                out.write('\n');
            });
            out.flush();
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
