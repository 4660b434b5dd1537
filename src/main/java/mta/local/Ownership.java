package mta.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Ownership - gives files that local delivery creates to the recipient's account.
 *
 * <p>When the mail system runs as root, a new mailbox, Maildir or message file must belong to the
 * user who reads it; otherwise nothing is changed. Writes only file ownership ({@code chown}).
 */
final class Ownership {
    static final Ownership NONE = new Ownership(-1, -1);
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private final int uid;
    private final int gid;

    private Ownership(int uid, int gid) {
        this.uid = uid;
        this.gid = gid;
    }

    static Ownership of(Passwd.Account a) {
        return ROOT && a.uid() != 0 ? new Ownership(a.uid(), a.gid()) : NONE;
    }

    void apply(Path p) throws IOException {
        if (uid < 0) return;
        Files.setAttribute(p, "unix:uid", uid);
        Files.setAttribute(p, "unix:gid", gid);
    }
}
