package mta.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import mta.testing.RootSite;
import mta.testing.RootSite.Result;
import mta.testing.TestSite;
import mta.testing.Transcript;
import mta.util.PosixAccounts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PrivilegeSeparationIT - {@code bin/postfix start} run as root: the master (and so smtpd) runs as
 * mail_owner, local delivery runs in the root process behind {@code private/local}, the queue has
 * Postfix's owners and modes, {@code postfix check} and {@code set-permissions} look after them,
 * {@code postfix stop} ends every process, and the master stops when its root parent is killed. Needs root, setpriv and a {@code postfix} account (.ci/run creates it).
 */
class PrivilegeSeparationIT {
    private Path base;
    private TestSite site;
    private PosixAccounts.User postfix;


    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(PosixAccounts.ROOT, "needs root");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")) || Files.isExecutable(Path.of("/bin/setpriv")),
                "needs setpriv");
        postfix = PosixAccounts.user("postfix").orElse(null);
        assumeTrue(postfix != null, "needs a postfix account");
        // Not JUnit's @TempDir: that is mode 0700, which mail_owner could not reach.
        base = RootSite.base("mta-privsep-");
        site = new TestSite(base).relayedMailWaits().write(); // relayed mail waits in deferred/
    }

    @AfterEach
    void tearDown() throws IOException {
        RootSite.stop(site, base);
    }

    @Test
    void theMasterRunsAsMailOwnerAndLocalDeliveryAsRoot() throws Exception {
        Result start = postfix("start");
        assertEquals(0, start.code(), start.out());
        assertFalse(start.out().contains("running as root"), start.out());

        long master = Long.parseLong(Files.readString(site.queue.resolve("pid/master.pid")).strip());
        assertEquals(postfix.uid(), statusField(master, "Uid:"), "the master's uid");
        assertTrue(listens(master, site.smtpdPort), "the master holds the smtpd listening socket");
        long helper = statusField(master, "PPid:");
        assertEquals(0, statusField(helper, "Uid:"), "the root parent runs as root");
        assertTrue(Files.readString(Path.of("/proc/" + helper + "/cmdline")).contains("bin/.privileged-parent"));
        // No spawn services: the privileged process starts on demand, with the first local message.
        assertEquals("idle", Files.readString(site.queue.resolve("pid/privileged.pid")).strip());

        // Over SMTP to a user and to root: each mailbox belongs to its user.
        Transcript.mail(site.smtpdPort, "sender@example.test", "nobody@example.test", "Subject: one", "", "x");
        Transcript.mail(site.smtpdPort, "sender@example.test", "root@example.test", "Subject: two", "", "y");
        Path nobodyNew = site.maildir("nobody").resolve("new");
        WalkingSkeletonTest.waitFor(() -> WalkingSkeletonTest.count(nobodyNew) == 1, "delivery to nobody");
        long delivery = Long.parseLong(Files.readString(site.queue.resolve("pid/privileged.pid")).strip());
        assertEquals(helper, statusField(delivery, "PPid:"), "the privileged process is the root parent's child");
        assertEquals(0, statusField(delivery, "Uid:"), "the privileged process runs as root");
        assertTrue(Files.readString(Path.of("/proc/" + delivery + "/cmdline")).contains("mta.master.PrivilegedMaster"));
        WalkingSkeletonTest.waitFor(() -> WalkingSkeletonTest.count(site.maildir("root").resolve("new")) == 1,
                "delivery to root");
        int nobodyUid = PosixAccounts.user("nobody").orElseThrow().uid();
        assertEquals(nobodyUid, uid(site.maildir("nobody")));
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(nobodyNew)) {
            for (Path p : ds) assertEquals(nobodyUid, uid(p));
        }
        assertEquals(0, uid(site.maildir("root")));

        // The queue: Postfix's owners and modes, and a check that says nothing.
        assertEquals("rwx------", mode(site.queue.resolve("incoming")));
        assertEquals(postfix.uid(), uid(site.queue.resolve("incoming")));
        assertEquals(0, uid(site.queue.resolve("pid")));
        assertEquals(01730, (Integer) Files.getAttribute(site.queue.resolve("maildrop"), "unix:mode") & 07777);
        assertEquals(02710, (Integer) Files.getAttribute(site.queue.resolve("public"), "unix:mode") & 07777);
        Result check = postfix("check");
        assertEquals(0, check.code());
        assertFalse(check.out().contains("warning"), check.out());

        // A message waits in deferred/ (its host does not answer): the file belongs to mail_owner.
        Transcript.mail(site.smtpdPort, "sender@example.test", "someone@remote.example", "Subject: three", "", "z");
        WalkingSkeletonTest.waitFor(() -> {
            try {
                return files(site.queue.resolve("deferred")).size() == 1;
            } catch (IOException e) {
                return false;
            }
        }, "the message in deferred/");
        List<Path> deferred = files(site.queue.resolve("deferred"));
        assertEquals(1, deferred.size(), deferred.toString());
        assertEquals(postfix.uid(), uid(deferred.get(0)));
        assertEquals(postfix.uid(), uid(deferred.get(0).getParent()));
        assertEquals("rwx------", mode(deferred.get(0)));

        // The root parent killed: nothing could restart the privileged process, so the master stops.
        assertEquals(0, new ProcessBuilder("kill", "-9", Long.toString(helper)).start().waitFor());
        WalkingSkeletonTest.waitFor(() -> ProcessHandle.of(master).map(h -> !h.isAlive()).orElse(true),
                "the master stops without its root parent");
        assertTrue(WalkingSkeletonTest.read(site.maillog).contains("fatal: the privileged parent process (pid " + helper
                + ") has exited"), WalkingSkeletonTest.read(site.maillog));
        assertEquals(1, postfix("status").code());
        assertEquals(0, postfix("start").code());
        long master1 = Long.parseLong(Files.readString(site.queue.resolve("pid/master.pid")).strip());

        // A wrong mode is reported, and set-permissions puts it right.
        Files.setPosixFilePermissions(site.queue.resolve("hold"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Result bad = postfix("check");
        assertTrue(bad.out().contains("postfix/postfix-script: warning: bad permissions (0755, expected 0700): "
                + site.queue.resolve("hold")), bad.out());
        assertEquals(0, postfix("set-permissions").code());
        assertFalse(postfix("check").out().contains("warning"));

        // stop ends the master; a new start brings the root process back and local mail is delivered.
        assertEquals(0, postfix("stop").code());
        WalkingSkeletonTest.waitFor(() -> ProcessHandle.of(master1).map(h -> !h.isAlive()).orElse(true),
                "the master is gone");
        assertEquals(0, postfix("start").code());
        long master2 = Long.parseLong(Files.readString(site.queue.resolve("pid/master.pid")).strip());
        long helper2 = statusField(master2, "PPid:");
        Transcript.mail(site.smtpdPort, "sender@example.test", "nobody@example.test", "Subject: four", "", "w");
        WalkingSkeletonTest.waitFor(() -> WalkingSkeletonTest.count(nobodyNew) == 2, "the mail is delivered");

        // stop ends both processes.
        assertEquals(0, postfix("stop").code());
        WalkingSkeletonTest.waitFor(() -> ProcessHandle.of(helper2).map(h -> !h.isAlive()).orElse(true),
                "the privileged process ends with the master");
        assertFalse(Files.exists(site.queue.resolve("private/local")), "the socket is removed");
    }

    private Result postfix(String command) throws Exception {
        return RootSite.postfix(site, command);
    }

    /** The first number of a /proc/PID/status line ("Uid:", "PPid:"). */
    private static long statusField(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field)) return Long.parseLong(line.substring(field.length()).strip().split("\\s+")[0]);
        }
        throw new IOException("no " + field + " in /proc/" + pid + "/status");
    }

    /** True when one of the process's file descriptors is the socket listening on 127.0.0.1:port. */
    private static boolean listens(long pid, int port) throws IOException {
        // 127.0.0.1 in /proc/net/tcp, or ::ffff:127.0.0.1 in /proc/net/tcp6 (Java's dual-stack sockets).
        String local = String.format("0100007F:%04X", port);
        List<String> inodes = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            if (!Files.exists(Path.of(table))) continue;
            for (String line : Files.readAllLines(Path.of(table), StandardCharsets.US_ASCII)) {
                String[] f = line.strip().split("\\s+");
                if (f.length > 9 && f[1].endsWith(local) && f[3].equals("0A")) inodes.add(f[9]);
            }
        }
        assertFalse(inodes.isEmpty(), "something listens on port " + port);
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    for (String ino : inodes) if (target.equals("socket:[" + ino + "]")) return true;
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        return false;
    }

    private static int uid(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:uid");
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }
}
