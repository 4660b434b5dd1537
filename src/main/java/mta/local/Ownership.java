package mta.local;

import mta.deliver.FileOwner;

/**
 * Ownership - gives files that local delivery creates to the recipient's account.
 *
 * <p>When the mail system runs as root, a new mailbox, Maildir or message file must belong to the
 * user who reads it; otherwise nothing is changed. The chown itself is {@link FileOwner#apply}.
 */
final class Ownership {
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private Ownership() {}

    static FileOwner of(Passwd.Account a) {
        return ROOT && a.uid() != 0 ? FileOwner.of(a.uid(), a.gid()) : FileOwner.NONE;
    }
}
