package mta.local;

import java.io.IOException;
import java.nio.file.Path;
import mta.deliver.MailboxWriter;
import mta.deliver.MessageCopy;

/**
 * LocalFile - delivers a message to a file named in an alias, :include: or .forward file ({@code /path}).
 *
 * <p>Writes the file: a name ending in {@code /} is a Maildir, anything else is appended to in mbox
 * form with the same locking as a mailbox ({@link mta.deliver.MailboxWriter}). A new file or Maildir belongs to the
 * rights the delivery runs with ({@link Ownership}). A write past {@code mailbox_size_limit}
 * bounces with 5.2.2; any other failure is deferred (4.2.0 when the file cannot be written).
 */
final class LocalFile {
    private LocalFile() {}

    static LocalResult deliver(String path, MessageCopy msg, Ownership rights, String hostname, long limit) {
        Path file = Path.of(path).normalize();
        boolean maildir = path.endsWith("/");
        try {
            if (maildir) {
                MailboxWriter.maildir(file, msg, hostname, rights.fileOwner(), limit);
                return LocalResult.sent("delivered to maildir");
            }
            MailboxWriter.mbox(file, msg, rights.fileOwner(), limit);
            return LocalResult.sent("delivered to file: " + path);
        } catch (MailboxWriter.TooLarge e) {
            return LocalResult.bounced("5.2.2", "cannot append message to file " + path + ": " + e.getMessage());
        } catch (IOException e) {
            return LocalResult.deferred("4.2.0", "cannot append message to file " + path + ": " + reason(e));
        }
    }

    /** A short text for an I/O failure ("Permission denied", "No such file or directory", ...). */
    static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) return "Permission denied";
        if (e instanceof java.nio.file.NoSuchFileException) return "No such file or directory";
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
