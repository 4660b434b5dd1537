package mta.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import mta.deliver.DeliveryStatus;
import mta.deliver.DeliveryStatus.Outcome;
import mta.util.PosixAccounts;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * LocalDeliverySecurityTest - a hostile local user against local delivery (issue 12, findings 1
 * and 2; issue 13, mail privacy), run as root with throw-away users and root-owned canary files.
 *
 * <p>The users exist only in the test's own password file (uids 61001 and 61002; the kernel does
 * not care whether /etc/passwd knows them). Each test plants what a user could plant in his own
 * home (a symbolic link to a root file, a hard link, a FIFO, a .forward that names a root file or
 * includes one) and checks that the delivery gets Postfix 3.7's result and text (observed on the
 * Debian package with the same files), that no root file changed or changed owner, and that the
 * canary's content appears neither in the status (the bounce) nor in the mail log. Skipped, with
 * a message, when not run as root (CI runs as root).
 */
class LocalDeliverySecurityTest {
    static final int JOE = 61001;
    static final int ANN = 61002;
    static final int MAILGID = 61100;

    @TempDir
    Path tmp;
    LocalFixture f;
    Path home;
    Path spool;
    Path rootDir;
    Path canary;
    Path rootFile;
    String secret;

    /** Whether this class runs the test of that name (a subclass may run fewer). */
    boolean runs(String test) {
        return true;
    }

    @BeforeEach
    void setUp(TestInfo info) throws IOException {
        assumeTrue(PosixAccounts.ROOT, "these tests change file-system identities and need root (CI runs as root)");
        String test = info.getTestMethod().map(java.lang.reflect.Method::getName).orElse("");
        assumeTrue(runs(test), test + " runs in LocalDeliverySecurityTest only");
        f = new LocalFixture(tmp);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        home = tmp.resolve("home");
        Files.createDirectories(home);
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        userDir(home.resolve("joe"), JOE);
        userDir(home.resolve("ann"), ANN);
        Files.writeString(tmp.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\n"
                + "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
                + "joe:x:" + JOE + ":" + JOE + "::" + home.resolve("joe") + ":/bin/sh\n"
                + "ann:x:" + ANN + ":" + ANN + "::" + home.resolve("ann") + ":/bin/sh\n");
        // Debian's /var/mail: root:mail 2775.
        spool = Files.createDirectories(tmp.resolve("mail"));
        Files.setAttribute(spool, "unix:gid", MAILGID);
        Files.setPosixFilePermissions(spool, PosixFilePermissions.fromString("rwxrwxr-x"));
        chmod(spool, 02775);
        f.params.put("mail_spool_directory", spool.toString());
        rootDir = Files.createDirectories(tmp.resolve("root"));
        Files.setPosixFilePermissions(rootDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        secret = "CANARY-" + UUID.randomUUID();
        canary = rootDir.resolve("shadow");
        Files.writeString(canary, secret + "\n");
        Files.setPosixFilePermissions(canary, PosixFilePermissions.fromString("rw-------"));
        rootFile = rootDir.resolve("passwd");
        Files.writeString(rootFile, "root:x:0:0::/root:/bin/sh\n");
        Files.setPosixFilePermissions(rootFile, PosixFilePermissions.fromString("rw-r--r--"));
        f.aliases("postmaster: root\n");
    }

    private static void userDir(Path dir, int uid) throws IOException {
        Files.createDirectories(dir);
        chown(dir, uid, uid);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    static void chown(Path p, int uid, int gid) throws IOException {
        Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    }

    static void chmod(Path p, int mode) throws IOException {
        Files.setAttribute(p, "unix:mode", mode);
    }

    /** A file the user owns, as a user would leave it. */
    private Path joeFile(String name, String text) throws IOException {
        Path p = home.resolve("joe").resolve(name);
        Files.writeString(p, text);
        chown(p, JOE, JOE);
        return p;
    }

    private Path joeLink(String name, Path target) throws IOException {
        Path p = Files.createSymbolicLink(home.resolve("joe").resolve(name), target);
        chown(p, JOE, JOE);
        return p;
    }

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode") & 07777;
    }

    private static int uid(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    private static int gid(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
    }

    /** Root's files unchanged and still root's; the canary's content nowhere in the result or the log. */
    private void assertRootFilesIntact(DeliveryStatus s) throws IOException {
        assertEquals(secret + "\n", Files.readString(canary));
        assertEquals("root:x:0:0::/root:/bin/sh\n", Files.readString(rootFile));
        assertEquals(0, uid(canary), "canary owner");
        assertEquals(0, uid(rootFile), "root file owner");
        assertEquals(0600, mode(canary));
        try (Stream<Path> l = Files.list(rootDir)) {
            assertEquals(2, l.count(), "nothing new in root's directory");
        }
        assertFalse(s.reason().contains(secret), s.reason());
        assertFalse(f.log().contains(secret), f.log());
    }

    private static void assertStatus(DeliveryStatus s, Outcome outcome, String dsn, String reason) {
        assertEquals(outcome, s.outcome(), s.toString());
        assertEquals(dsn, s.dsn().toString(), s.toString());
        assertEquals(reason, s.reason(), s.toString());
    }

    // --- issue 12, finding 1: writes as root through symbolic links

    @Test
    void aForwardNamingARootFileBouncesAndLeavesItAlone() throws Exception {
        joeFile(".forward", rootFile + "\n");
        DeliveryStatus s = f.deliver("joe@example.test");
        assertStatus(s, Outcome.BOUNCED, "5.2.0", "cannot append message to file " + rootFile
                + ": cannot open file: Permission denied");
        assertTrue(f.log().contains("warning: unable to create lock file " + rootFile + ".lock: Permission denied"), f.log());
        assertRootFilesIntact(s);
    }

    @Test
    void aForwardFileTargetThatIsASymlinkToARootFileBounces() throws Exception {
        Path out = joeLink("out", rootFile);
        joeFile(".forward", out + "\n");
        DeliveryStatus s = f.deliver("joe@example.test");
        assertStatus(s, Outcome.BOUNCED, "5.2.0", "cannot append message to file " + out
                + ": cannot open file: Permission denied");
        assertRootFilesIntact(s);
    }

    @Test
    void aForwardFileTargetThatIsASymlinkToTheUsersOwnFileIsRefused() throws Exception {
        Path mine = joeFile("mine", "");
        Path out = joeLink("out", mine);
        joeFile(".forward", out + "\n");
        DeliveryStatus s = f.deliver("joe@example.test");
        assertStatus(s, Outcome.BOUNCED, "5.2.0", "cannot append message to file " + out + ": file is a symbolic link");
        assertEquals(0, Files.size(mine));
    }

    @Test
    void aHomeMailboxThatIsASymlinkToARootFileBounces() throws Exception {
        f.params.put("home_mailbox", "Mailbox");
        Path box = joeLink("Mailbox", rootFile);
        DeliveryStatus s = f.deliver("joe@example.test");
        assertStatus(s, Outcome.BOUNCED, "5.2.0", "cannot update mailbox " + box
                + " for user joe. cannot open file: Permission denied");
        assertRootFilesIntact(s);
    }

    @Test
    void aHomeMailboxThatIsAHardLinkIsRefused() throws Exception {
        f.params.put("home_mailbox", "Mailbox");
        Path elsewhere = tmp.resolve("joe-elsewhere");
        Files.writeString(elsewhere, "");
        chown(elsewhere, JOE, JOE);
        Path box = home.resolve("joe").resolve("Mailbox");
        Files.createLink(box, elsewhere);
        DeliveryStatus s = f.deliver("joe@example.test");
        assertStatus(s, Outcome.BOUNCED, "5.2.0", "cannot update mailbox " + box + " for user joe. file has 2 hard links");
        assertEquals(0, Files.size(elsewhere));
        // A hard link to a root file (root made it: the kernel's protected_hardlinks stops a user).
        Files.delete(box);
        Files.createLink(box, rootFile);
        s = f.deliver("joe@example.test");
        assertStatus(s, Outcome.BOUNCED, "5.2.0", "cannot update mailbox " + box
                + " for user joe. cannot open file: Permission denied");
        assertRootFilesIntact(s);
    }

    @Test
    void aHomeMaildirThatIsASymlinkToARootDirectoryBounces() throws Exception {
        f.params.put("home_mailbox", "Maildir/");
        Path target = Files.createDirectories(tmp.resolve("rootmaildir"));
        joeLink("Maildir", target);
        DeliveryStatus s = f.deliver("joe@example.test");
        assertEquals(Outcome.BOUNCED, s.outcome(), s.toString());
        assertEquals("5.2.0", s.dsn().toString());
        assertTrue(s.reason().matches("maildir delivery failed: create maildir file " + home.resolve("joe")
                + "/Maildir/tmp/\\S+: Permission denied"), s.reason());
        assertTrue(f.log().contains("warning: maildir access problem for UID/GID=" + JOE + "/" + JOE + ": create maildir file "),
                f.log());
        assertTrue(f.log().contains("warning: perhaps you need to create the maildirs in advance"), f.log());
        try (Stream<Path> l = Files.list(target)) {
            assertEquals(0, l.count(), "nothing written into root's directory");
        }
        assertRootFilesIntact(s);
    }

    @Test
    void aMaildirOwnedByAnotherUserIsNotWrittenInto() throws Exception {
        f.params.put("home_mailbox", "Maildir/");
        Path md = home.resolve("joe").resolve("Maildir");
        for (String sub : new String[] {"", "tmp", "new", "cur"}) {
            Path d = Files.createDirectories(md.resolve(sub));
            chown(d, ANN, ANN);
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
        }
        DeliveryStatus s = f.deliver("joe@example.test");
        assertEquals(Outcome.BOUNCED, s.outcome(), s.toString());
        assertTrue(s.reason().startsWith("maildir delivery failed: create maildir file " + md.resolve("tmp") + "/"), s.reason());
        try (Stream<Path> l = Files.list(md.resolve("new"))) {
            assertEquals(0, l.count());
        }
    }

    @Test
    void aSymlinkInTheSpoolToARootFileBounces() throws Exception {
        // Only root or group mail can put a link into Debian's 2775 spool; the user still cannot write through it.
        Files.createSymbolicLink(spool.resolve("joe"), canary);
        DeliveryStatus s = f.deliver("joe@example.test");
        assertStatus(s, Outcome.BOUNCED, "5.2.0", "cannot update mailbox " + spool.resolve("joe")
                + " for user joe. cannot open file: Permission denied");
        assertRootFilesIntact(s);
    }

    @Test
    void aSpoolMailboxOfAnotherUserIsDeferred() throws Exception {
        Path box = spool.resolve("joe");
        Files.writeString(box, "");
        chown(box, ANN, ANN);
        Files.setPosixFilePermissions(box, PosixFilePermissions.fromString("rw-rw-rw-"));
        DeliveryStatus s = f.deliver("joe@example.test");
        assertStatus(s, Outcome.DEFERRED, "4.2.0", "cannot update mailbox " + box
                + " for user joe. destination " + box + " is not owned by recipient");
        assertEquals(0, Files.size(box));
        assertEquals(ANN, uid(box));
    }

    @Test
    void aFifoNeverBlocksDelivery() throws Exception {
        f.params.put("home_mailbox", "Mailbox");
        Path fifo = home.resolve("joe").resolve("Mailbox");
        mkfifo(fifo, JOE);
        mkfifo(home.resolve("joe").resolve(".forward"), JOE);
        DeliveryStatus s = f.deliver("joe@example.test");
        assertStatus(s, Outcome.BOUNCED, "5.2.0", "cannot update mailbox " + fifo
                + " for user joe. cannot open file: No such device or address");
        assertTrue(f.log().contains("warning: file " + home.resolve("joe/.forward") + " is not a regular file"), f.log());
    }

    static void mkfifo(Path p, int uid) throws Exception {
        Process mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        assertEquals(0, mk.waitFor());
        chown(p, uid, uid);
    }

    // --- issue 12, finding 2: reads as root what the user may not read

    @Test
    void aForwardThatIsASymlinkToARootFileIsNotReadAndTheMailGoesToTheMailbox() throws Exception {
        Path fwd = joeLink(".forward", canary);
        DeliveryStatus s = f.deliver("joe@example.test");
        assertStatus(s, Outcome.SENT, "2.0.0", "delivered to mailbox");
        assertTrue(f.log().contains("warning: file " + fwd + " is not a regular file"), f.log());
        assertTrue(Files.readString(spool.resolve("joe")).contains("Subject: test"));
        assertRootFilesIntact(s);
    }

    @Test
    void anIncludeOfARootOnlyFileFromAForwardBouncesWithoutItsContent() throws Exception {
        joeFile(".forward", ":include:" + canary + "\n");
        DeliveryStatus s = f.deliver("joe@example.test");
        assertStatus(s, Outcome.BOUNCED, "5.3.5", "mail system configuration error");
        assertTrue(f.log().contains("warning: cannot open include file " + canary + ": Permission denied"), f.log());
        assertRootFilesIntact(s);
    }

    @Test
    void anIncludeThatDoesNotExistOrIsNotAFileBounces() throws Exception {
        joeFile(".forward", ":include:" + tmp.resolve("nosuch") + "\n");
        DeliveryStatus s = f.deliver("joe@example.test");
        assertStatus(s, Outcome.BOUNCED, "5.3.5", "mail system configuration error");
        assertTrue(f.log().contains("warning: unable to lookup :include: file " + tmp.resolve("nosuch")
                + ": No such file or directory"), f.log());
        Path fifo = home.resolve("joe").resolve("list");
        mkfifo(fifo, JOE);
        joeFile(".forward", ":include:" + fifo + "\n");
        s = f.deliver("joe@example.test");
        assertStatus(s, Outcome.BOUNCED, "5.3.5", "mail system configuration error");
        assertTrue(f.log().contains("warning: :include: file " + fifo + " is not a regular file"), f.log());
    }

    @Test
    void anIncludeInARootAliasTableOfAUserControlledLinkIsReadWithThatUsersRights() throws Exception {
        // root's /etc/aliases names a list in joe's home; joe replaces it with a link to a root-only file.
        Path list = joeLink("list", canary);
        f.aliases("postmaster: root\nlist: :include:" + list + "\n");
        DeliveryStatus s = f.deliver("list@example.test");
        assertStatus(s, Outcome.BOUNCED, "5.3.5", "mail system configuration error");
        assertTrue(f.log().contains("warning: cannot open include file " + list + ": Permission denied"), f.log());
        assertRootFilesIntact(s);
    }

    @Test
    void aRootOnlyIncludeInARootDirectoryIsReadAsRoot() throws Exception {
        // As Postfix: root's alias table may include root's own files.
        Path members = rootDir.resolve("members");
        Files.writeString(members, "ann\n");
        Files.setPosixFilePermissions(members, PosixFilePermissions.fromString("rw-------"));
        f.aliases("postmaster: root\nstaff: :include:" + members + "\n");
        assertStatus(f.deliver("staff@example.test"), Outcome.SENT, "2.0.0", "delivered to mailbox");
        assertTrue(Files.exists(spool.resolve("ann")));
        Files.delete(members);
    }

    // --- issue 13: mail privacy and local delivery

    @Test
    void aNewMboxInASetgidSpoolBelongsToTheUserAndTheSpoolGroupMode0600() throws Exception {
        assertStatus(f.deliver("joe@example.test"), Outcome.SENT, "2.0.0", "delivered to mailbox");
        Path box = spool.resolve("joe");
        assertEquals(JOE, uid(box));
        assertEquals(MAILGID, gid(box), "the spool directory's group, not the user's");
        assertEquals(0600, mode(box));
        assertFalse(Files.exists(spool.resolve("joe.lock")));
    }

    @Test
    void aWorldWritableSpoolIsWrittenWithTheUsersRights() throws Exception {
        chmod(spool, 01777);
        Files.setAttribute(spool, "unix:gid", 0);
        assertStatus(f.deliver("joe@example.test"), Outcome.SENT, "2.0.0", "delivered to mailbox");
        Path box = spool.resolve("joe");
        assertEquals(JOE, uid(box));
        assertEquals(JOE, gid(box));
        assertEquals(0600, mode(box));
    }

    @Test
    void aRootOnlySpoolGetsAMailboxMadeForTheUser() throws Exception {
        chmod(spool, 0755);
        Files.setAttribute(spool, "unix:gid", 0);
        assertStatus(f.deliver("joe@example.test"), Outcome.SENT, "2.0.0", "delivered to mailbox");
        Path box = spool.resolve("joe");
        assertEquals(JOE, uid(box));
        assertEquals(JOE, gid(box));
        assertEquals(0600, mode(box));
        assertStatus(f.deliver("joe@example.test"), Outcome.SENT, "2.0.0", "delivered to mailbox");
        assertEquals(2, Files.readString(box).split("\nSubject: test\n", -1).length - 1);
    }

    @Test
    void aMissingMaildirSpoolIsMadeSoThatEveryUserCanReachIt() throws Exception {
        Path newSpool = tmp.resolve("newspool");
        f.params.put("mail_spool_directory", newSpool + "/");
        assertStatus(f.deliver("root@example.test"), Outcome.SENT, "2.0.0", "delivered to maildir");
        assertEquals(0755, mode(newSpool));
        assertStatus(f.deliver("joe@example.test"), Outcome.SENT, "2.0.0", "delivered to maildir");
        assertEquals(JOE, uid(newSpool.resolve("joe")));
        assertEquals(0700, mode(newSpool.resolve("joe")));
    }

    @Test
    void maildirFilesAre0600AndItsDirectories0700() throws Exception {
        f.params.put("home_mailbox", "Maildir/");
        assertStatus(f.deliver("joe@example.test"), Outcome.SENT, "2.0.0", "delivered to maildir");
        Path md = home.resolve("joe").resolve("Maildir");
        for (String sub : new String[] {"", "tmp", "new", "cur"}) {
            assertEquals(0700, mode(md.resolve(sub)), sub);
            assertEquals(JOE, uid(md.resolve(sub)), sub);
        }
        try (Stream<Path> l = Files.list(md.resolve("new"))) {
            List<Path> files = l.toList();
            assertEquals(1, files.size());
            assertEquals(0600, mode(files.get(0)));
            assertEquals(JOE, uid(files.get(0)));
        }
    }

    @Test
    void aFileDestinationIsCreated0600ByTheForwardsUser() throws Exception {
        Path out = home.resolve("joe").resolve("archive");
        joeFile(".forward", out + "\n");
        assertStatus(f.deliver("joe@example.test"), Outcome.SENT, "2.0.0", "delivered to file: " + out);
        assertEquals(0600, mode(out));
        assertEquals(JOE, uid(out));
    }

    @Test
    void aFileDestinationOfARootAliasTableIsWrittenAsDefaultPrivs() throws Exception {
        Path shared = Files.createDirectories(tmp.resolve("shared"));
        chmod(shared, 01777);
        f.aliases("postmaster: root\narchive: " + shared.resolve("archive") + "\nsteal: " + rootFile + "\n");
        assertStatus(f.deliver("archive@example.test"), Outcome.SENT, "2.0.0", "delivered to file: " + shared.resolve("archive"));
        assertEquals(65534, uid(shared.resolve("archive")));
        assertEquals(0600, mode(shared.resolve("archive")));
        DeliveryStatus s = f.deliver("steal@example.test");
        assertStatus(s, Outcome.BOUNCED, "5.2.0", "cannot append message to file " + rootFile
                + ": cannot open file: Permission denied");
        assertRootFilesIntact(s);
    }

    @Test
    void aForwardOwnedByAnotherUserIsIgnoredAndTheMailReachesTheMailbox() throws Exception {
        Path fwd = joeFile(".forward", "ann\n");
        chown(fwd, ANN, ANN);
        assertStatus(f.deliver("joe@example.test"), Outcome.SENT, "2.0.0", "delivered to mailbox");
        assertTrue(f.log().contains("warning: file " + fwd + " has bad owner uid " + ANN), f.log());
        assertTrue(Files.exists(spool.resolve("joe")));
        assertFalse(Files.exists(spool.resolve("ann")));
    }

    @Test
    void aForwardTheUserCannotReadIsIgnored() throws Exception {
        Path fwd = joeFile(".forward", "ann\n");
        Files.setPosixFilePermissions(fwd, PosixFilePermissions.fromString("---------"));
        assertStatus(f.deliver("joe@example.test"), Outcome.SENT, "2.0.0", "delivered to mailbox");
        assertTrue(f.log().contains("warning: cannot open file " + fwd + ": Permission denied"), f.log());
    }

    @Test
    void anAliasLoopBouncesWith546() throws Exception {
        f.aliases("postmaster: root\na: b\nb: a\nc1: c2\nc2: c3\nc3: c1\n");
        assertStatus(f.deliver("a@example.test"), Outcome.BOUNCED, "5.4.6", "alias database loop for b");
        assertTrue(f.log().contains("warning: alias database loop for b"), f.log());
        assertStatus(f.deliver("c1@example.test"), Outcome.BOUNCED, "5.4.6", "alias database loop for c2");
    }
}
