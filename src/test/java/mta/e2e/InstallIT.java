package mta.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mta.testing.TestSite;
import mta.util.PosixAccounts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * InstallIT - {@code bin/postfix install --root DIR} into a temporary root with a fake system
 * sendmail, mailq and newaliases; the installed system started from its own configuration; the
 * sendmail, mailq and newaliases links used from another directory with a minimal PATH; a
 * message posted by {@code nobody}; a second install that changes nothing; uninstall restoring
 * the originals byte for byte. Run as root with the postfix and postdrop accounts (as .ci/run
 * makes them); skipped otherwise.
 */
class InstallIT {
    private static final Map<String, byte[]> FAKES = Map.of(
            "usr/sbin/sendmail", "#!/bin/sh\necho system sendmail\n".getBytes(StandardCharsets.US_ASCII),
            "usr/bin/mailq", "#!/bin/sh\necho system mailq\n".getBytes(StandardCharsets.US_ASCII),
            "usr/bin/newaliases", new byte[] {0, 1, 2, (byte) 0xff, '\n'});

    private Path base;
    private Path root;
    private boolean started;

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(PosixAccounts.ROOT, "needs root");
        assumeTrue(PosixAccounts.user("postfix").isPresent() && PosixAccounts.group("postdrop").isPresent(),
                "needs the postfix and postdrop accounts");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv");
        // Not JUnit's @TempDir (0700): mail_owner and nobody must reach the installed tree.
        base = Files.createTempDirectory(Path.of("/tmp"), "mta-install-");
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        root = base.resolve("root");
        for (Map.Entry<String, byte[]> f : FAKES.entrySet()) {
            Path p = root.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.write(p, f.getValue());
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (started) run(List.of(root.resolve("usr/sbin/postfix").toString(), "stop"), null);
        if (base != null) {
            try (Stream<Path> s = Files.walk(base)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void installRunUninstall() throws Exception {
        Result install = run(List.of(Path.of("bin/postfix").toAbsolutePath().toString(), "install", "--root", root.toString()), null);
        assertEquals(0, install.code, install.out);
        for (String f : FAKES.keySet()) {
            assertTrue(install.out.contains("moved " + root.resolve(f) + " to " + root.resolve(f) + ".orig"), install.out);
            assertArrayEquals(FAKES.get(f), Files.readAllBytes(root.resolve(f + ".orig")), f);
            assertEquals(root.resolve("usr/lib/mta/bin/sendmail"), Files.readSymbolicLink(root.resolve(f)));
        }
        assertTrue(install.out.contains("linked " + root.resolve("usr/sbin/postfix")), install.out);
        String mainCf = Files.readString(root.resolve("etc/postfix/main.cf"));
        assertTrue(mainCf.contains("queue_directory = " + root + "/var/spool/postfix"), mainCf);
        assertTrue(mainCf.contains("alias_database = hash:" + root + "/etc/aliases"), mainCf);
        assertTrue(Files.readString(root.resolve("etc/postfix/master.cf")).contains("\nsmtp      inet"));
        assertTrue(Files.exists(root.resolve("etc/aliases.db")), "aliases compiled");
        String installedAliases = Files.readString(root.resolve("etc/aliases"));
        assertTrue(installedAliases.contains("\npostmaster:    root\n") && installedAliases.contains("\nroot:          root\n"),
                installedAliases);
        assertTrue(Files.readString(root.resolve("etc/passwd")).contains("postfix:x:" + PosixAccounts.user("postfix").get().uid()));
        assertTrue(Files.exists(root.resolve("lib/systemd/system/mta.service")));
        assertTrue(Files.isExecutable(root.resolve("etc/init.d/mta")));
        // The installed files say what was done and how to start, not what to edit.
        String unit = Files.readString(root.resolve("lib/systemd/system/mta.service"));
        String init = Files.readString(root.resolve("etc/init.d/mta"));
        assertTrue(unit.startsWith("# mta.service - ") && unit.contains("systemctl enable --now mta")
                && !unit.contains("set the two paths") && !unit.contains("enable --now postfix"), unit);
        assertTrue(init.startsWith("#!/bin/sh\n# mta - ") && init.contains("update-rc.d mta defaults")
                && !init.contains("set MTA_HOME and MAIL_CONFIG below"), init);
        assertTrue(install.out.contains("to start the mail system now and at boot: systemctl daemon-reload"
                + " && systemctl enable --now mta"), install.out);
        Path queue = root.resolve("var/spool/postfix");
        assertEquals("1730", mode(queue.resolve("maildrop")));
        assertEquals(PosixAccounts.group("postdrop").get(), Files.getAttribute(queue.resolve("maildrop"), "unix:gid"));
        assertEquals("700", mode(queue.resolve("deferred")));
        assertEquals(PosixAccounts.user("postfix").get().uid(), Files.getAttribute(queue.resolve("deferred"), "unix:uid"));
        Path postdrop = root.resolve("usr/lib/mta/postdrop/bin/postdrop");
        assertEquals("2755", mode(postdrop));
        assertEquals("644", mode(root.resolve("usr/lib/mta/target/mta.jar")));

        // A second install changes nothing.
        Map<String, String> before = listing(root);
        Result again = run(List.of(Path.of("bin/postfix").toAbsolutePath().toString(), "install", "--root", root.toString()), null);
        assertEquals(0, again.code, again.out);
        assertTrue(again.out.contains("nothing to change"), again.out);
        assertEquals(before, listing(root));

        // The installed system, on a free port as an admin would set it.
        int port = TestSite.freePort();
        Path masterCf = root.resolve("etc/postfix/master.cf");
        Files.writeString(masterCf, Files.readString(masterCf).replace("\nsmtp      inet", "\n127.0.0.1:" + port + " inet"));
        Path mainFile = root.resolve("etc/postfix/main.cf");
        Files.writeString(mainFile, Files.readString(mainFile) + "relayhost = [127.0.0.1]:" + TestSite.freePort() + "\n");
        Result start = run(List.of(root.resolve("usr/sbin/postfix").toString(), "start"), null);
        assertEquals(0, start.code, start.out);
        started = true;
        assertFalse(start.out.contains("running as root"), start.out);

        // sendmail through its link, from / with a minimal PATH.
        assertEquals(0, run(List.of(root.resolve("usr/sbin/sendmail").toString(), "root"), "Subject: by root\n\nfirst\n").code);
        Path mbox = root.resolve("var/mail/root");
        WalkingSkeletonTest.waitFor(() -> read(mbox).contains("Subject: by root"), "root's message delivered");

        // An ordinary user posts through the set-gid postdrop launcher.
        Result nobody = run(List.of("/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                root.resolve("usr/sbin/sendmail").toString(), "root"), "Subject: by nobody\n\nsecond\n");
        assertEquals(0, nobody.code, nobody.out);
        WalkingSkeletonTest.waitFor(() -> read(mbox).contains("Subject: by nobody"), "nobody's message delivered");
        String myorigin = Files.readString(root.resolve("etc/postfix/main.cf")).contains("\nmyhostname = ")
                ? Files.readString(root.resolve("etc/postfix/main.cf")).replaceAll("(?s).*\nmyhostname = (\\S+)\n.*", "$1")
                : "";
        assertTrue(read(mbox).contains("Return-Path: <nobody@" + myorigin), "sender nobody@$myorigin: " + read(mbox));
        Path log = root.resolve("var/log/mail.log");
        int nobodyUid = PosixAccounts.user("nobody").get().uid();
        assertTrue(read(log).contains(": uid=" + nobodyUid + " from=<nobody>"), read(log));

        // mailq through its link lists a deferred message (the relayhost does not answer), for root and nobody.
        assertEquals(0, run(List.of(root.resolve("usr/sbin/sendmail").toString(), "far@example.com"), "Subject: far\n\nx\n").code);
        WalkingSkeletonTest.waitFor(() -> read(log).contains("to=<far@example.com>"), "the remote message deferred");
        Result mailq = run(List.of(root.resolve("usr/bin/mailq").toString()), null);
        assertEquals(0, mailq.code, mailq.out);
        assertTrue(mailq.out.contains("far@example.com") && mailq.out.contains("1 Request"), mailq.out);
        Result mailqNobody = run(List.of("/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                root.resolve("usr/bin/mailq").toString()), null);
        assertEquals(0, mailqNobody.code, mailqNobody.out);
        // Through the set-gid launcher too, mailq names itself.
        Result helpNobody = run(List.of("/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                root.resolve("usr/bin/mailq").toString(), "--help"), null);
        assertEquals(0, helpNobody.code, helpNobody.out);
        assertTrue(helpNobody.out.startsWith("usage: mailq [options]"), helpNobody.out);
        assertEquals(mailq.out, mailqNobody.out);

        // newaliases through its link rebuilds after an edit.
        Path aliases = root.resolve("etc/aliases");
        Files.writeString(aliases, Files.readString(aliases) + "helpdesk: root\n");
        Files.setLastModifiedTime(root.resolve("etc/aliases.db"), Files.getLastModifiedTime(aliases));
        long dbBefore = Files.getLastModifiedTime(root.resolve("etc/aliases.db")).toMillis();
        assertEquals(0, run(List.of(root.resolve("usr/bin/newaliases").toString()), null).code);
        assertTrue(Files.getLastModifiedTime(root.resolve("etc/aliases.db")).toMillis() > dbBefore, "aliases.db rebuilt");
        assertEquals(0, run(List.of(root.resolve("usr/sbin/sendmail").toString(), "helpdesk"), "Subject: to helpdesk\n\nx\n").code);
        WalkingSkeletonTest.waitFor(() -> read(mbox).contains("Subject: to helpdesk"), "the new alias works");

        assertEquals(0, run(List.of(root.resolve("usr/sbin/postfix").toString(), "stop"), null).code);
        started = false;

        // Uninstall restores the originals byte for byte and leaves nothing it made.
        Result uninstall = run(List.of(Path.of("bin/postfix").toAbsolutePath().toString(), "uninstall", "--root", root.toString()), null);
        assertEquals(0, uninstall.code, uninstall.out);
        for (String f : FAKES.keySet()) {
            assertFalse(Files.isSymbolicLink(root.resolve(f)), f);
            assertArrayEquals(FAKES.get(f), Files.readAllBytes(root.resolve(f)), f);
        }
        List<String> left = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(p -> !Files.isDirectory(p)).forEach(p -> left.add(root.relativize(p).toString()));
        }
        left.sort(null);
        assertEquals(List.of("usr/bin/mailq", "usr/bin/newaliases", "usr/sbin/sendmail"), left);
    }

    private static String mode(Path p) throws IOException {
        return Integer.toOctalString((Integer) Files.getAttribute(p, "unix:mode") & 07777);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Every path under {@code dir} with its size, mode and modification time. */
    private static Map<String, String> listing(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                out.put(dir.relativize(p).toString(), Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) + " "
                        + Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis() + " "
                        + Files.size(p));
            }
        }
        return out;
    }

    private record Result(int code, String out) {}

    /** Runs a command from / with PATH=/usr/bin:/bin and nothing else in the environment. */
    private static Result run(List<String> command, String stdin) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(Path.of("/").toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/bin:/bin");
        Path out = Files.createTempFile("install", ".out");
        pb.redirectOutput(out.toFile());
        Process p = pb.start();
        if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), String.join(" ", command) + " finished");
        String text = Files.readString(out);
        Files.delete(out);
        return new Result(p.exitValue(), text);
    }
}
