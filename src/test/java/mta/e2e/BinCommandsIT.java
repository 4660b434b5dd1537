package mta.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mta.testing.TestSite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BinCommandsIT - the shell commands in bin/ as an administrator runs them: postfix start, status
 * and stop, sendmail, mailq; start-up failures; the JDK search. Runs after {@code package}, so the
 * commands use the built jar.
 */
class BinCommandsIT {
    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {}

    private static Result run(Map<String, String> env, String stdin, String... cmd) throws Exception {
        List<String> argv = new ArrayList<>(List.of(cmd));
        if (!cmd[0].startsWith("/")) argv.set(0, Path.of("bin").resolve(cmd[0]).toAbsolutePath().toString());
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().putAll(env);
        Path out = Files.createTempFile("out", ".txt");
        Path err = Files.createTempFile("err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "command finished: " + argv);
        Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    private static Result run(String... cmd) throws Exception {
        return run(Map.of(), null, cmd);
    }

    @Test
    void startStatusSendmailMailqStop() throws Exception {
        TestSite site = new TestSite(tmp).write();
        String c = site.config.toString();
        assertEquals(1, run("postfix", "-c", c, "status").code());
        // What a writer killed half-way leaves (kill -9 of the master or of a sendmail): start removes it.
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path stale = Files.createDirectories(site.queue.resolve("incoming")).resolve(".t" + gone.pid() + ".1");
        Path staleDrop = Files.createDirectories(site.queue.resolve("maildrop")).resolve(".t" + gone.pid() + ".2");
        Files.writeString(stale, "half a queue file");
        Files.writeString(staleDrop, "half a posting");

        Result start = run("postfix", "-c", c, "start");
        assertEquals(0, start.code(), start.err());
        assertFalse(Files.exists(stale) || Files.exists(staleDrop), "stale temporary files removed at start");
        try {
            Result status = run("postfix", "-c", c, "status");
            assertEquals(0, status.code());
            assertTrue(status.err().contains("the Postfix mail system is running: PID: "), status.err());
            assertTrue(Files.readString(site.queue.resolve("pid/master.pid")).strip().matches("\\d+"));

            Result again = run("postfix", "-c", c, "start");
            assertEquals(1, again.code());
            assertTrue(again.err().contains("already running"), again.err());

            Result sent = run(Map.of("MAIL_CONFIG", c), "Subject: from bin\n\nhello\n", "sendmail", "root");
            assertEquals(0, sent.code(), sent.err());
            Path newDir = site.maildir("root").resolve("new");
            WalkingSkeletonTest.waitFor(() -> WalkingSkeletonTest.count(newDir) == 1, "delivery to root");
            WalkingSkeletonTest.waitFor(() -> {
                try {
                    return run(Map.of("MAIL_CONFIG", c), null, "mailq").out().equals("Mail queue is empty\n");
                } catch (Exception e) {
                    return false;
                }
            }, "mailq says the queue is empty");
        } finally {
            Result stop = run("postfix", "-c", c, "stop");
            assertEquals(0, stop.code(), stop.err());
        }
        assertEquals(1, run("postfix", "-c", c, "status").code());
        assertEquals(1, run("postfix", "-c", c, "stop").code());
    }

    @Test
    void startFailsWithTheReasonWhenThePortIsTaken() throws Exception {
        TestSite site = new TestSite(tmp).write();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), site.smtpdPort));
            Result r = run("postfix", "-c", site.config.toString(), "start");
            assertEquals(1, r.code());
            assertTrue(r.err().contains("fatal: bind 127.0.0.1 port " + site.smtpdPort + ": Address already in use"), r.err());
        }
        assertEquals(1, run("postfix", "-c", site.config.toString(), "status").code());
    }

    @Test
    void startRefusesABadConfiguration() throws Exception {
        TestSite site = new TestSite(tmp).param("message_size_limit", "lots").write();
        Result r = run(Map.of("MAIL_CONFIG", site.config.toString()), null, "postfix", "start");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("fatal: bad numerical configuration: message_size_limit = lots"), r.err());
    }

    @Test
    void aMissingJavaIsNamed() throws Exception {
        Path emptyJvms = Files.createDirectory(tmp.resolve("jvm"));
        Result r = run(Map.of("PATH", "/usr/bin:/bin", "JAVA_HOME", "/nonexistent", "MTA_JVM_ROOT", emptyJvms.toString()),
                null, "postfix", "status");
        if (r.err().contains("need a Java runtime >= 21")) {
            assertEquals(1, r.code());
        } else {
            // /usr/bin/java is itself >= 21 on this machine: then it must have been used.
            assertTrue(r.code() == 0 || r.code() == 1, r.err());
        }
    }

    @Test
    void sendmailWorksWhileTheSystemIsDownAndRefusesNoRecipients() throws Exception {
        TestSite site = new TestSite(tmp).write();
        Map<String, String> env = Map.of("MAIL_CONFIG", site.config.toString());
        Result r = run(env, "Subject: queued while down\n\nx\n", "sendmail", "root");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("unable to look up public/pickup"), r.err());
        Result q = run(env, null, "mailq");
        assertTrue(q.out().startsWith("-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------\n"), q.out());
        assertTrue(q.out().contains("\n                                         root\n"), q.out());
        Result none = run(env, "x\n", "sendmail");
        assertEquals(75, none.code());
        assertTrue(none.err().contains("Recipient addresses must be specified on the command line or via the -t option"),
                none.err());
    }


    /** These tests start commands with SIGHUP ignored through env(1), which needs coreutils 8.31 or later. */
    private static void assumeEnvIgnoresSignals() throws Exception {
        assumeTrue(new ProcessBuilder("/usr/bin/env", "--ignore-signal=HUP", "true").start().waitFor() == 0,
                "env(1) with --ignore-signal (coreutils 8.31 or later)");
    }

    /**
     * Started with SIGHUP ignored (as nohup and some job runners start commands), the master still
     * hears postfix reload: an ignored signal is inherited, and a JVM cannot catch it.
     */
    @Test
    void reloadReachesAMasterStartedWithHangupIgnored() throws Exception {
        assumeEnvIgnoresSignals();
        TestSite site = new TestSite(tmp).write();
        String c = site.config.toString();
        String postfix = Path.of("bin", "postfix").toAbsolutePath().toString();
        Result start = run("/usr/bin/env", "--ignore-signal=HUP", postfix, "-c", c, "start");
        assertEquals(0, start.code(), start.err());
        try {
            assertEquals(0, run("/usr/bin/env", "--ignore-signal=HUP", postfix, "-c", c, "reload").code());
            WalkingSkeletonTest.waitFor(() -> WalkingSkeletonTest.read(site.maillog).contains(": reload -- version "),
                    "the reload is logged");
            assertFalse(WalkingSkeletonTest.read(site.maillog).contains("SIGHUP is ignored"), "no warning about SIGHUP");
        } finally {
            assertEquals(0, run("postfix", "-c", c, "stop").code());
        }
    }

    /**
     * A master started some other way with SIGHUP ignored (here straight from the jar) cannot
     * hear postfix reload, and says so in the mail log.
     */
    @Test
    void aMasterStartedWithHangupIgnoredSaysSo() throws Exception {
        assumeEnvIgnoresSignals();
        TestSite site = new TestSite(tmp).write();
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process master = new ProcessBuilder("/usr/bin/env", "--ignore-signal=HUP", java, "-cp",
                Path.of("target", "mta.jar").toAbsolutePath().toString(), "mta.master.Master", "-c", site.config.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            WalkingSkeletonTest.waitFor(() -> WalkingSkeletonTest.read(site.maillog).contains(
                    "warning: SIGHUP is ignored, as inherited from the process that started the master"), "the warning");
        } finally {
            master.destroy();
            assertTrue(master.waitFor(30, TimeUnit.SECONDS), "the master stopped");
        }
    }

    @Test
    void reloadCheckFlushAndAbort() throws Exception {
        TestSite site = new TestSite(tmp).write();
        String c = site.config.toString();
        Result check = run("postfix", "-c", c, "check");
        assertEquals(0, check.code(), check.err());
        assertEquals(1, run("postfix", "-c", c, "reload").code());
        assertEquals(1, run("postfix", "-c", c, "flush").code());
        assertEquals(0, run("postfix", "-c", c, "start").code());
        try {
            Result reload = run("postfix", "-c", c, "reload");
            assertEquals(0, reload.code(), reload.err());
            assertTrue(reload.err().contains("refreshing the Postfix mail system"), reload.err());
            WalkingSkeletonTest.waitFor(() -> WalkingSkeletonTest.read(site.maillog).contains("postfix/master["), "logged");
            WalkingSkeletonTest.waitFor(() -> WalkingSkeletonTest.read(site.maillog).contains(": reload -- version "),
                    "the reload is logged");
            assertEquals(0, run("postfix", "-c", c, "flush").code());
        } finally {
            Result abort = run("postfix", "-c", c, "abort");
            assertEquals(0, abort.code(), abort.err());
        }
        WalkingSkeletonTest.waitFor(() -> {
            try {
                return run("postfix", "-c", c, "status").code() == 1;
            } catch (Exception e) {
                return false;
            }
        }, "the master is gone after abort");
        // A broken master.cf is reported by check.
        Files.writeString(site.config.resolve("master.cf"), "smtp inet n - n - - smtpd extra\nbad line\n");
        Result bad = run("postfix", "-c", c, "check");
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("fatal:"), bad.err());
    }

    @Test
    void everyCommandInBinRuns() throws Exception {
        TestSite site = new TestSite(tmp).write();
        Map<String, String> env = Map.of("MAIL_CONFIG", site.config.toString());
        assertEquals("mail_name = Postfix\n", run(env, null, "postconf", "-d", "mail_name").out());
        assertEquals("y\n", run(env, null, "postmap", "-q", "x", "inline:{x=y}").out());
        assertEquals(0, run(env, null, "newaliases").code());
        assertEquals("root\n", run(env, null, "postalias", "-q", "postmaster", "hash:" + site.config.resolve("aliases")).out());
        assertEquals("Mail queue is empty\n", run(env, null, "postqueue", "-p").out());
        assertEquals("Mail queue is empty\n", run(env, null, "mailq").out());
        assertEquals(1, run(env, null, "postfix", "status").code());
        // Through a symbolic link in another directory, as /usr/sbin/sendmail would be.
        Path link = tmp.resolve("sendmail");
        Files.createSymbolicLink(link, Path.of("bin/sendmail").toAbsolutePath());
        Process p = new ProcessBuilder(link.toString(), "-bp").redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertTrue(out.contains("Mail queue is empty") || out.contains("-Queue ID-"), out);
        Files.delete(link);
    }

    @Test
    void theSendmailNamesTakeDashC() throws Exception {
        // newaliases, mailq and sendmail are one command: each takes -C, by bin/ name or by link name.
        TestSite site = new TestSite(tmp).write();
        String c = site.config.toString();
        Path db = site.config.resolve("aliases.db");
        Files.delete(db);
        Result na = run(Map.of(), null, "newaliases", "-C", c);
        assertEquals(new Result(0, "", ""), na);
        assertTrue(Files.exists(db));
        assertEquals(new Result(0, "Mail queue is empty\n", ""), run(Map.of(), null, "mailq", "-C", c));
        Path links = Files.createDirectories(tmp.resolve("links"));
        Path asNewaliases = Files.createSymbolicLink(links.resolve("newaliases"), Path.of("bin/sendmail").toAbsolutePath());
        Path asMailq = Files.createSymbolicLink(links.resolve("mailq"), Path.of("bin/sendmail").toAbsolutePath());
        try {
            Files.delete(db);
            Process p = new ProcessBuilder(asNewaliases.toString(), "-C", c).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            assertTrue(Files.exists(db));
            p = new ProcessBuilder(asMailq.toString(), "-C", c, "--help").start();
            p.getOutputStream().close();
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertTrue(out.startsWith("usage: mailq [options]"), out);
        } finally {
            Files.delete(asNewaliases);
            Files.delete(asMailq);
        }
    }
}
