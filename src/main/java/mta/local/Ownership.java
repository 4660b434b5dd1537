package mta.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import mta.util.PosixAccounts;

/**
 * Ownership - whose rights a delivery uses: the owner of created files and the user commands run as.
 *
 * <p>Only matters when the mail system runs as root; otherwise every delivery runs with the mail
 * system's own rights and this class changes nothing. Reads file owners ({@code unix:uid}); writes
 * file ownership ({@code chown}).
 * <ul>
 *   <li>A mailbox belongs to its user ({@link #mailbox}); root's mailbox stays root's.
 *   <li>Commands and files for a user ({@code .forward}, {@code mailbox_command}) use that user's
 *       rights, or {@code default_privs} for root ({@link #user}).
 *   <li>Commands and files in an alias or {@code :include:} file use the rights of the table or
 *       file owner, or {@code default_privs} when root owns it ({@link #fileOwner}).
 * </ul>
 * A JVM cannot change its own user, so a command is started through util-linux
 * {@code setpriv --reuid=UID --regid=GID --clear-groups --} ({@link #commandPrefix}); secondary
 * groups are not given, as in Postfix. Files that the agent itself writes get {@code chown}ed.
 */
final class Ownership {
    static final Ownership NONE = new Ownership(-1, -1);
    static final boolean ROOT = PosixAccounts.ROOT;
    private static final List<Path> SETPRIV = List.of(Path.of("/usr/bin/setpriv"), Path.of("/bin/setpriv"));

    private final int uid;
    private final int gid;

    private Ownership(int uid, int gid) {
        this.uid = uid;
        this.gid = gid;
    }

    /** The owner of a user's mailbox. */
    static Ownership mailbox(PosixAccounts.User a) {
        return ROOT && a.uid() != 0 ? new Ownership(a.uid(), a.gid()) : NONE;
    }

    /** The rights for a user's commands and files: the user's own, or default_privs for root. */
    static Ownership user(PosixAccounts.User a, Optional<PosixAccounts.User> defaultPrivs) {
        if (!ROOT) return NONE;
        if (a.uid() != 0) return new Ownership(a.uid(), a.gid());
        return defaultPrivs.map(d -> new Ownership(d.uid(), d.gid())).orElse(NONE);
    }

    /** The rights of whoever owns {@code file}, or default_privs when that is root. */
    static Ownership fileOwner(Path file, Optional<PosixAccounts.User> defaultPrivs) {
        if (!ROOT) return NONE;
        try {
            int u = (Integer) Files.getAttribute(file, "unix:uid");
            int g = (Integer) Files.getAttribute(file, "unix:gid");
            if (u != 0) return new Ownership(u, g);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // unknown owner: the least privileged choice below
        }
        return defaultPrivs.map(d -> new Ownership(d.uid(), d.gid())).orElse(NONE);
    }

    /** The same owner for the shared mailbox writer. */
    mta.deliver.FileOwner fileOwner() {
        return uid < 0 ? mta.deliver.FileOwner.NONE : mta.deliver.FileOwner.of(uid, gid);
    }

    boolean dropsPrivileges() {
        return uid >= 0;
    }

    /** Gives {@code p} to this owner (nothing when no change of rights applies). */
    void apply(Path p) throws IOException {
        if (uid < 0) return;
        Files.setAttribute(p, "unix:uid", uid);
        Files.setAttribute(p, "unix:gid", gid);
    }

    /** The words to put before a command so that it runs with these rights; empty for none. */
    List<String> commandPrefix() throws IOException {
        if (uid < 0) return List.of();
        Path setpriv = SETPRIV.stream().filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new IOException("cannot run a command as uid " + uid + ": setpriv not found"));
        return List.of(setpriv.toString(), "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--");
    }

    @Override
    public String toString() {
        return uid < 0 ? "(own rights)" : "uid=" + uid + " gid=" + gid;
    }
}
