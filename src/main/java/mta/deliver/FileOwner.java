package mta.deliver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * FileOwner - the user and group that a mailbox file written by a delivery agent must belong to.
 *
 * <p>The local agent takes them from the recipient's account, the virtual agent from
 * {@code virtual_uid_maps} and {@code virtual_gid_maps}. {@link #NONE} changes nothing. Writes
 * only file ownership ({@code chown}), which needs the mail system to run as root.
 */
public final class FileOwner {
    public static final FileOwner NONE = new FileOwner(-1, -1);

    private final int uid;
    private final int gid;

    private FileOwner(int uid, int gid) {
        this.uid = uid;
        this.gid = gid;
    }

    public static FileOwner of(int uid, int gid) {
        return new FileOwner(uid, gid);
    }

    /** Gives {@code p} to this owner; does nothing for {@link #NONE}. */
    public void apply(Path p) throws IOException {
        if (uid < 0) return;
        Files.setAttribute(p, "unix:uid", uid);
        Files.setAttribute(p, "unix:gid", gid);
    }
}
