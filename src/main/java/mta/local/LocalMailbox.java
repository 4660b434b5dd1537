package mta.local;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.function.Consumer;
import mta.deliver.MailboxWriter;
import mta.deliver.MessageCopy;
import mta.mail.Dsn;
import mta.util.PosixAccounts;
import mta.util.SafeOpen;

/**
 * LocalMailbox - a user's mailbox: where it is, and with whose rights it is written.
 *
 * <p>Reads the spool directory's owner and mode; writes the mailbox through {@link MailboxWriter}
 * with the rights chosen here, as Debian's Postfix does (the user never gets root's rights):
 * <ul>
 *   <li>{@code ~/$home_mailbox}: the user's rights;
 *   <li>a world-writable {@code mail_spool_directory} (1777): the user's rights;
 *   <li>a group-writable one (Debian's {@code /var/mail}, 2775 root:mail): the user's uid with the
 *       directory's group, so that the user can make the {@code .lock} file and the mailbox there;
 *   <li>any other (root's only): root makes a missing mailbox (O_EXCL) and gives it to the user,
 *       and opens an existing one with {@link SafeOpen}'s checks.
 * </ul>
 * A new mbox is 0600, owned by the user, its group that of the spool directory when that is
 * set-gid, else the user's (with the directory's group as the delivery's group, Debian's case,
 * the same). An existing mailbox must belong to the user ({@code destination PATH is not owned
 * by recipient}, deferred). A Maildir is always written with the user's rights; in a spool only
 * root may write to, root makes the user's Maildir directory (0700) first. Root's own mailbox is
 * written with root's rights. A spool directory that does not exist yet is made by root (0755).
 */
final class LocalMailbox {
    private final PosixAccounts.User acct;
    private final Path path;
    private final boolean maildir;
    private final Ownership rights;
    /** For a missing mbox: mode and owner (-1: the writer stays the owner). */
    private final SafeOpen.Create create;
    /** A Maildir that root must make for the user first. */
    private final boolean makeMaildir;

    private LocalMailbox(PosixAccounts.User acct, Path path, boolean maildir, Ownership rights, SafeOpen.Create create,
                         boolean makeMaildir) {
        this.acct = acct;
        this.path = path;
        this.maildir = maildir;
        this.rights = rights;
        this.create = create;
        this.makeMaildir = makeMaildir;
    }

    /** {@code ~/$home_mailbox} (a Maildir when it ends in {@code /}). */
    static LocalMailbox home(PosixAccounts.User acct, String homeMailbox) {
        return new LocalMailbox(acct, acct.home().resolve(homeMailbox), homeMailbox.endsWith("/"),
                Ownership.account(acct), SafeOpen.Create.mode(0600), false);
    }

    /** {@code $mail_spool_directory/user}. */
    static LocalMailbox spool(PosixAccounts.User acct, Path spool, boolean maildir) {
        Path path = spool.resolve(acct.name());
        try {
            if (!Files.exists(spool)) {
                Files.createDirectories(spool); // first use: 0755 whatever the umask, so that users reach their mailboxes
                Files.setPosixFilePermissions(spool, SafeOpen.permissions(0755));
            }
        } catch (IOException e) {
            // the delivery fails with the reason
        }
        if (!Ownership.ROOT || acct.uid() == 0) {
            return new LocalMailbox(acct, path, maildir, Ownership.OWN, SafeOpen.Create.mode(0600), false);
        }
        SafeOpen.Attrs dir;
        try {
            dir = SafeOpen.attrs(spool, true);
        } catch (IOException e) {
            // A spool that is not there: the user's rights (the delivery fails with the reason).
            return new LocalMailbox(acct, path, maildir, Ownership.account(acct), SafeOpen.Create.mode(0600), false);
        }
        boolean setgid = (dir.perms() & 02000) != 0;
        if ((dir.perms() & 0002) != 0) {
            return new LocalMailbox(acct, path, maildir, Ownership.account(acct), SafeOpen.Create.mode(0600), false);
        }
        if ((dir.perms() & 0020) != 0) {
            return new LocalMailbox(acct, path, maildir, Ownership.of(acct.uid(), dir.gid()), SafeOpen.Create.mode(0600), false);
        }
        if (maildir) return new LocalMailbox(acct, path, true, Ownership.account(acct), null, true);
        int group = setgid ? dir.gid() : acct.gid();
        return new LocalMailbox(acct, path, false, Ownership.OWN, new SafeOpen.Create(0600, acct.uid(), group), false);
    }

    /** Delivers {@code msg}; the result names the mailbox as Postfix does. */
    LocalResult deliver(MessageCopy msg, String hostname, long limit, Consumer<String> warn) {
        try {
            if (maildir) {
                if (makeMaildir) makeMaildirAsRoot();
                try {
                    rights.files().maildir(path, hostname, limit, msg);
                } catch (MailboxWriter.Failure e) {
                    LocalFile.maildirWarnings(e, rights, warn);
                    return LocalResult.failed(e.dsn(), "maildir delivery failed: " + e.getMessage());
                }
                return LocalResult.sent("delivered to maildir");
            }
            int owner = Ownership.ROOT ? acct.uid() : -1;
            rights.files().mbox(path, new MailboxWriter.Mbox(owner, create, true, false, limit), msg).forEach(warn);
            return LocalResult.sent("delivered to mailbox");
        } catch (MailboxWriter.Failure e) {
            e.warnings().forEach(warn);
            return LocalResult.failed(e.dsn(), "cannot update mailbox " + path + " for user " + acct.name() + ". "
                    + e.getMessage());
        } catch (IOException e) {
            return LocalResult.deferred(Dsn.OTHER_MAILBOX.temporary(), "cannot update mailbox " + path + " for user " + acct.name() + ". "
                    + LocalFile.reason(e));
        }
    }

    /** In a spool only root may write to: the user's Maildir directory, 0700, made by root for the user. */
    private void makeMaildirAsRoot() throws IOException {
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) return;
        try {
            Files.createDirectory(path, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(SafeOpen.permissions(0700)));
        } catch (FileAlreadyExistsException e) {
            return;
        }
        Files.setAttribute(path, "unix:gid", acct.gid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:uid", acct.uid(), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public String toString() {
        return path + " as " + rights;
    }
}
