package mta.local;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import mta.deliver.UserFiles;
import mta.util.PosixAccounts;
import mta.util.SafeOpen;
import mta.util.Setpriv;

/**
 * Ownership - whose rights a delivery uses: for the files it reads and writes ({@link #files}) and
 * for the commands it runs ({@link #commandPrefix}).
 *
 * <p>Only matters when the mail system runs as root; otherwise every delivery runs with the mail
 * system's own rights ({@link #OWN}). Reads file owners and the password file; writes nothing.
 * The rules are Postfix local(8)'s (docs/privilege-separation.md has the table):
 * <ul>
 *   <li>a user's mailbox, .forward, and the files and commands of that .forward: the user's own
 *       rights ({@link #account}, {@link #user}); root's deliveries use {@code default_privs};
 *   <li>an alias table's commands and files: its owner's rights, {@code default_privs} when root
 *       owns it ({@link #owner});
 *   <li>an :include: file's targets: the include file owner's rights, {@code default_privs} when
 *       root owns it.
 * </ul>
 * An unknown {@code default_privs} account never means root: such deliveries are deferred
 * ({@link #UNUSABLE}). File work goes through {@link UserFiles} (a thread or child process with the
 * user's file-system identity); commands run under util-linux {@code setpriv} with the same
 * identity ({@link Setpriv}).
 */
final class Ownership {
    static final boolean ROOT = PosixAccounts.ROOT;
    /** The mail system's own rights. */
    static final Ownership OWN = new Ownership(-1, -1, null);

    private final int uid;
    private final int gid;
    /** Why these rights cannot be used, or null. */
    private final String unusable;

    private Ownership(int uid, int gid, String unusable) {
        this.uid = uid;
        this.gid = gid;
        this.unusable = unusable;
    }

    /** Rights that cannot be had (an unknown default_privs account): every use fails. */
    static Ownership unusable(String why) {
        return new Ownership(-1, -1, why);
    }

    /** Exactly uid/gid when running as root (root itself: {@link #OWN}). */
    static Ownership of(int uid, int gid) {
        return !ROOT || uid == 0 ? OWN : new Ownership(uid, gid, null);
    }

    /** The user's own rights, root included (for reading a user's own files). */
    static Ownership account(PosixAccounts.User a) {
        return of(a.uid(), a.gid());
    }

    /** The rights for a user's commands and files: the user's own, or default_privs for root. */
    static Ownership user(PosixAccounts.User a, Optional<PosixAccounts.User> defaultPrivs) {
        return owner(a.uid(), a.gid(), defaultPrivs, null);
    }

    /** The rights of a file owner: uid/gid, or default_privs for root. */
    static Ownership owner(int uid, int gid, Optional<PosixAccounts.User> defaultPrivs, String defaultPrivsName) {
        if (!ROOT) return OWN;
        if (uid != 0) return new Ownership(uid, gid, null);
        return defaultPrivs.map(d -> of(d.uid(), d.gid()))
                .orElseGet(() -> unusable("unknown default_privs user" + (defaultPrivsName == null ? "" : " " + defaultPrivsName)));
    }

    /** The rights of whoever owns {@code file} (an alias table), or default_privs when that is root. */
    static Ownership fileOwner(Path file, Optional<PosixAccounts.User> defaultPrivs, String defaultPrivsName) {
        if (!ROOT) return OWN;
        try {
            SafeOpen.Attrs a = SafeOpen.attrs(file, true);
            return owner(a.uid(), a.gid(), defaultPrivs, defaultPrivsName);
        } catch (IOException e) {
            return owner(0, 0, defaultPrivs, defaultPrivsName); // unknown owner: the least privileged choice
        }
    }

    boolean isOwn() {
        return uid < 0 && unusable == null;
    }

    int uid() {
        return uid;
    }

    int gid() {
        return gid;
    }

    /** File work with these rights. */
    UserFiles files() throws IOException {
        if (unusable != null) throw new IOException(unusable);
        return uid < 0 ? UserFiles.OWN : UserFiles.as(uid, gid);
    }

    /** The words to put before a command so that it runs with these rights; empty for none. */
    List<String> commandPrefix() throws IOException {
        if (unusable != null) throw new IOException(unusable);
        if (uid < 0) return List.of();
        return Setpriv.prefix(uid, gid);
    }

    @Override
    public String toString() {
        return unusable != null ? "(" + unusable + ")" : uid < 0 ? "(own rights)" : "uid=" + uid + " gid=" + gid;
    }
}
