package mta.deliver;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import mta.util.SafeOpen;
import mta.util.UserThread;

/**
 * UserFiles - file work on behalf of a user, done with that user's rights (Postfix local(8) and
 * virtual(8) do it with set_eugid): mailboxes, Maildirs, /file destinations, and reading
 * {@code .forward} and {@code :include:} files.
 *
 * <p>Reads and writes what the user's rights allow, through {@link MailboxWriter} and {@link
 * SafeOpen}; the kernel decides. {@link #OWN} works with the mail system's own rights (not root,
 * or root's own mailbox in a spool only root may write to). {@link #as} works as a user:
 * <ul>
 *   <li>on Java 22 and later, on a {@link UserThread}: a new platform thread whose file-system
 *       identity is the user's. The queue file is opened first, by the caller, since the user may
 *       not open it;
 *   <li>on Java 21 (no foreign function API), in a short-lived child JVM started through
 *       {@code setpriv} as the user ({@link UserFileTool}); slower, but the kernel still decides.
 * </ul>
 * Never as root on a user's behalf. Failures are {@link MailboxWriter.Failure}s (with Postfix's
 * status and text) or plain I/O errors whose {@link SafeOpen#reason} is the C library's text.
 */
public final class UserFiles {
    /** The largest .forward or :include: file read (bigger ones are an error, not a memory hazard). */
    public static final int MAX_READ = 8 * 1024 * 1024;

    /** With the mail system's own rights. */
    public static final UserFiles OWN = new UserFiles(-1, -1);

    private final int uid;
    private final int gid;

    private UserFiles(int uid, int gid) {
        this.uid = uid;
        this.gid = gid;
    }

    /** As user {@code uid}, with {@code gid} as group and only supplementary group. */
    public static UserFiles as(int uid, int gid) {
        return new UserFiles(uid, gid);
    }

    public boolean own() {
        return uid < 0;
    }

    public int uid() {
        return uid;
    }

    public int gid() {
        return gid;
    }

    /** A file read on the user's behalf: its bytes and its owner. */
    public record Read(byte[] data, int owner) {}

    /** Appends {@code msg} (mbox form) to {@code file}; returns warnings for the log. */
    public List<String> mbox(Path file, MailboxWriter.Mbox how, MessageCopy msg) throws IOException {
        if (own()) return MailboxWriter.mbox(file, how, msg.content(MessageCopy.Format.MBOX, null));
        if (threads()) {
            try (FileChannel q = FileChannel.open(msg.request().queueFile(), StandardOpenOption.READ)) {
                MailboxWriter.Content c = msg.content(MessageCopy.Format.MBOX, q);
                return UserThread.call(uid, gid, () -> MailboxWriter.mbox(file, how, c));
            }
        }
        SafeOpen.Create cr = how.create();
        return UserFileTool.run(uid, gid, msg.content(MessageCopy.Format.MBOX, null), "mbox", file.toString(),
                Integer.toString(how.owner()), cr == null ? "-" : Integer.toString(cr.mode()),
                cr == null ? "-1" : Integer.toString(cr.uid()), cr == null ? "-1" : Integer.toString(cr.gid()),
                Boolean.toString(how.dotLock()), Boolean.toString(how.fileTarget()), Long.toString(how.limit()),
                Long.toString(msg.estimatedSize())).warnings();
    }

    /** Delivers {@code msg} into the Maildir {@code dir}. */
    public void maildir(Path dir, String hostname, long limit, MessageCopy msg) throws IOException {
        if (own()) {
            MailboxWriter.maildir(dir, hostname, limit, msg.content(MessageCopy.Format.MAILDIR, null));
            return;
        }
        if (threads()) {
            try (FileChannel q = FileChannel.open(msg.request().queueFile(), StandardOpenOption.READ)) {
                MailboxWriter.Content c = msg.content(MessageCopy.Format.MAILDIR, q);
                UserThread.call(uid, gid, () -> {
                    MailboxWriter.maildir(dir, hostname, limit, c);
                    return null;
                });
            }
            return;
        }
        UserFileTool.run(uid, gid, msg.content(MessageCopy.Format.MAILDIR, null), "maildir", dir.toString(), hostname,
                Long.toString(limit), Long.toString(msg.estimatedSize()));
    }

    /**
     * Reads a regular file of at most {@link #MAX_READ} bytes: {@code follow} says whether a final
     * symbolic link is followed (one that is not is refused as "not a regular file").
     */
    public Read read(Path file, boolean follow) throws IOException {
        if (own()) return readHere(file, follow);
        if (threads()) return UserThread.call(uid, gid, () -> readHere(file, follow));
        return UserFileTool.run(uid, gid, null, "read", file.toString(), Boolean.toString(follow)).read();
    }

    static Read readHere(Path file, boolean follow) throws IOException {
        try (SafeOpen.Opened o = SafeOpen.read(file, follow)) {
            java.io.InputStream in = java.nio.channels.Channels.newInputStream(o.channel());
            byte[] data = in.readNBytes(MAX_READ + 1);
            if (data.length > MAX_READ) throw new IOException("file is larger than " + MAX_READ + " bytes");
            return new Read(data, o.attrs().uid());
        }
    }

    /** Threads with a user's identity, unless this runtime has none (or a test asks for child processes). */
    private static boolean threads() {
        return UserThread.available() && !"process".equals(System.getProperty("mta.userfiles"));
    }

    @Override
    public String toString() {
        return own() ? "(own rights)" : "uid=" + uid + " gid=" + gid;
    }
}
