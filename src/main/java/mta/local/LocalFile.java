package mta.local;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import mta.deliver.MailboxWriter;
import mta.deliver.MessageCopy;
import mta.mail.Dsn;
import mta.util.SafeOpen;

/**
 * LocalFile - delivers a message to a file named in an alias, :include: or .forward file ({@code /path}).
 *
 * <p>Writes the file with the rights of the delivery ({@link Ownership}: the user of the .forward,
 * the owner of the alias table or include file, {@code default_privs} for root), never root's: a
 * name ending in {@code /} is a Maildir, anything else is appended to in mbox form with the same
 * locking as a mailbox ({@link MailboxWriter}; a dot-lock that cannot be made is only a warning).
 * A new file is made 0600 and belongs to whoever the delivery runs as. As Postfix: a symbolic link
 * or a file with several names is refused, a character device such as {@code /dev/null} is
 * written to, an executable file is refused ({@code 5.7.1 file is executable}), a file the rights
 * do not allow bounces ({@code 5.2.0 cannot append message to file PATH: cannot open file:
 * Permission denied}), and a write past {@code mailbox_size_limit} bounces with 5.2.2.
 */
final class LocalFile {
    private LocalFile() {}

    static LocalResult deliver(String path, MessageCopy msg, Ownership rights, String hostname, long limit,
                               Consumer<String> warn) {
        Path file = Path.of(path);
        try {
            if (path.endsWith("/")) {
                try {
                    rights.files().maildir(file, hostname, limit, msg);
                    return LocalResult.sent("delivered to maildir");
                } catch (MailboxWriter.Failure e) {
                    maildirWarnings(e, rights, warn);
                    return LocalResult.failed(e.dsn(), "maildir delivery failed: " + e.getMessage());
                }
            }
            MailboxWriter.Mbox how = new MailboxWriter.Mbox(-1, SafeOpen.Create.mode(0600), true, true, limit);
            rights.files().mbox(file, how, msg).forEach(warn);
            return LocalResult.sent("delivered to file: " + path);
        } catch (MailboxWriter.Failure e) {
            e.warnings().forEach(warn);
            return LocalResult.failed(e.dsn(), "cannot append message to file " + path + ": " + e.getMessage());
        } catch (IOException e) {
            return LocalResult.deferred(Dsn.OTHER_MAILBOX.temporary(), "cannot append message to file " + path + ": " + reason(e));
        }
    }

    /** Postfix's two warnings for a Maildir the rights cannot write to. */
    static void maildirWarnings(MailboxWriter.Failure e, Ownership rights, Consumer<String> warn) {
        if (!e.accessProblem()) return;
        int[] ids = rights.isOwn() ? mta.util.PosixAccounts.processIds() : new int[] {rights.uid(), rights.gid()};
        warn.accept("maildir access problem for UID/GID=" + ids[0] + "/" + ids[1] + ": " + e.getMessage());
        warn.accept("perhaps you need to create the maildirs in advance");
    }

    /** A short text for an I/O failure ("Permission denied", "No such file or directory", ...). */
    static String reason(IOException e) {
        return SafeOpen.reason(e);
    }
}
