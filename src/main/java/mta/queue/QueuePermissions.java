package mta.queue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import mta.util.PosixAccounts;

/**
 * QueuePermissions - the owners and modes of the queue tree, as Postfix has them; checks and sets them.
 *
 * <p>Reads owners and modes ({@code unix:uid}, {@code unix:gid}, {@code unix:mode}) below
 * {@code queue_directory}; {@link #set} writes them (chown, and chmod through {@code /bin/chmod},
 * since Java cannot set the sticky and set-gid bits). The table:
 * <pre>
 *   queue_directory            root                     0755
 *   pid/                       root                     0755
 *   incoming/ active/ deferred/ defer/ bounce/ hold/ corrupt/ flush/ saved/ trace/ private/
 *                              mail_owner               0700   (and everything in them)
 *   maildrop/                  mail_owner:setgid_group  1730
 *   public/                    mail_owner:setgid_group  2710
 * </pre>
 * Queue files themselves are 0700 (made so under their temporary name; see {@link QueueFileWriter}).
 */
public final class QueuePermissions {
    /** One directory's rule: owned by mail_owner (else root), group setgid_group (else the owner's), mode. */
    private record Rule(String dir, boolean mailOwner, boolean setgidGroup, int mode) {}

    private static final List<Rule> RULES;

    static {
        List<Rule> r = new ArrayList<>();
        r.add(new Rule("", false, false, 0755));
        r.add(new Rule("pid", false, false, 0755));
        for (QueueName q : QueueName.values()) {
            if (q != QueueName.MAILDROP) r.add(new Rule(q.dir, true, false, 0700));
        }
        for (String d : List.of("flush", "saved", "trace", "private")) r.add(new Rule(d, true, false, 0700));
        r.add(new Rule("maildrop", true, true, 01730));
        r.add(new Rule("public", true, true, 02710));
        RULES = List.copyOf(r);
    }

    private final Queues queues;
    private final PosixAccounts.User owner;
    private final String groupName;
    private final int group;

    /**
     * @param owner     the mail_owner account
     * @param groupName setgid_group's name, for messages
     * @param group     setgid_group's gid, or -1 when that group does not exist (then mail_owner's group)
     */
    public QueuePermissions(Queues queues, PosixAccounts.User owner, String groupName, int group) {
        this.queues = queues;
        this.owner = owner;
        this.groupName = groupName;
        this.group = group < 0 ? owner.gid() : group;
    }

    /** Postfix-style complaints about wrong owners and modes, one per path; empty when all is right. */
    public List<String> check() throws IOException {
        List<String> out = new ArrayList<>();
        for (Rule r : RULES) {
            Path dir = r.dir.isEmpty() ? queues.root() : queues.root().resolve(r.dir);
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) continue;
            int uid = r.mailOwner ? owner.uid() : 0;
            checkOne(dir, uid, r.setgidGroup ? group : -1, r.mode, out);
            if (r.mailOwner) checkContents(dir, out);
        }
        return out;
    }

    private void checkOne(Path p, int uid, int gid, int mode, List<String> out) throws IOException {
        int u = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (u != uid) out.add("not owned by " + (uid == 0 ? "root" : owner.name()) + ": " + p);
        if (gid >= 0 && (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS) != gid) {
            out.add("not owned by group " + groupName + ": " + p);
        }
        if (mode >= 0) {
            int m = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
            if (m != mode) out.add(String.format("bad permissions (%04o, expected %04o): %s", m, mode, p));
        }
    }

    /** Everything below a mail_owner directory must be mail_owner's too. */
    private void checkContents(Path dir, List<String> out) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000) == 0140000) continue; // sockets belong to whichever process serves them
                int u = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                if (u != owner.uid()) out.add("not owned by " + owner.name() + ": " + p);
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) checkContents(p, out);
            }
        }
    }

    /** {@code postfix set-permissions}: gives every directory of the table, and the queue files, their owner and mode. */
    public void set() throws IOException {
        queues.create();
        for (Rule r : RULES) {
            Path dir = r.dir.isEmpty() ? queues.root() : queues.root().resolve(r.dir);
            int uid = r.mailOwner ? owner.uid() : 0;
            int gid = r.setgidGroup ? group : r.mailOwner ? owner.gid() : 0;
            chown(dir, uid, gid);
            chmod(dir, r.mode);
            if (r.mailOwner) chownContents(dir, owner.uid(), gid);
        }
    }

    private static void chownContents(Path dir, int uid, int gid) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (Files.isSymbolicLink(p)) continue;
                chown(p, uid, gid);
                if (Files.isDirectory(p)) chownContents(p, uid, gid);
            }
        }
    }

    private static void chown(Path p, int uid, int gid) throws IOException {
        Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    }

    /** chmod with the sticky and set-gid bits, which Java's file API cannot set. */
    private static void chmod(Path p, int mode) throws IOException {
        int m = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
        if (m == mode) return;
        try {
            Process chmod = new ProcessBuilder("chmod", String.format("%04o", mode), p.toString())
                    .redirectErrorStream(true).start();
            String out = new String(chmod.getInputStream().readAllBytes()).strip();
            if (chmod.waitFor() != 0) throw new IOException("chmod " + p + ": " + out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("chmod " + p + ": interrupted");
        }
    }
}
