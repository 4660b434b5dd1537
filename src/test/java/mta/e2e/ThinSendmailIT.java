package mta.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mta.master.Master;
import mta.queue.QueuePermissions;
import mta.testing.TestSite;
import mta.util.PosixAccounts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ThinSendmailIT - sendmail's thin client (bin/.postdrop-client) and the master's postdrop service
 * (public/postdrop), against the JVM command: the same postings, log lines, exit codes and error
 * texts; the fall-backs (other modes, another configuration, the system down, no access) leave
 * standard input to the JVM command; an unfinished message leaves no maildrop file. Runs after
 * {@code package}: bin/sendmail falls back to the built jar.
 */
class ThinSendmailIT {
    static final int FALLBACK = 254;
    static final Path CLIENT = Path.of("bin/.postdrop-client").toAbsolutePath();
    static final Path SENDMAIL = Path.of("bin/sendmail").toAbsolutePath();

    @TempDir
    Path tmp;
    TestSite site;
    Master master;

    record Result(int code, String out, String err) {}

    @BeforeEach
    void start() throws Exception {
        // Readable by nobody (the no-access case): the configuration and the queue's parents.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        site = new TestSite(tmp).param("ipc_timeout", "2s").write();
        master = Master.start(site.config, Master.Options.defaults());
    }

    @AfterEach
    void stop() {
        if (master != null) master.close();
    }

    private Result exec(Map<String, String> env, String stdin, List<String> cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("MAIL_CONFIG", site.config.toString());
        pb.environment().putAll(env);
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            // the command did not read all of it (a usage error): what it did is what is checked
        }
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "command finished: " + cmd);
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** The thin client alone (its exit code 254 is "fall back"). */
    private Result client(String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("perl", CLIENT.toString()));
        cmd.addAll(List.of(args));
        return exec(Map.of(), stdin, cmd);
    }

    /** bin/sendmail through the JVM only. */
    private Result jvm(String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(SENDMAIL.toString()));
        cmd.addAll(List.of(args));
        return exec(Map.of("MTA_NO_THIN", "1"), stdin, cmd);
    }

    private Result sendmail(String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(SENDMAIL.toString()));
        cmd.addAll(List.of(args));
        return exec(Map.of(), stdin, cmd);
    }

    private String maillog() throws Exception {
        return Files.exists(site.maillog) ? Files.readString(site.maillog) : "";
    }

    private long logCount(String text) throws Exception {
        return maillog().lines().filter(l -> l.contains(text)).count();
    }

    private void waitForLog(String text, long count) throws InterruptedException {
        WalkingSkeletonTest.waitFor(() -> {
            try {
                return logCount(text) >= count;
            } catch (Exception e) {
                return false;
            }
        }, "log: " + text);
    }

    private static String delivered(Path maildirNew) throws Exception {
        WalkingSkeletonTest.waitFor(() -> WalkingSkeletonTest.count(maildirNew) >= 1, "delivery to " + maildirNew);
        try (Stream<Path> s = Files.list(maildirNew)) {
            Path f = s.findFirst().orElseThrow();
            String text = Files.readString(f);
            Files.delete(f);
            return text;
        }
    }

    private List<String> maildropFiles() throws Exception {
        try (Stream<Path> s = Files.list(site.queue.resolve("maildrop"))) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    @Test
    void postsAsTheJvmCommandDoes() throws Exception {
        Path rootNew = site.maildir("root").resolve("new");
        // The default sender: the caller's login (root here), with the same pickup line as the JVM path.
        Result thin = client("Subject: thin\n\nbody\n.\nafter the dot\n", "-i", "root");
        assertEquals(new Result(0, "", ""), thin);
        String text = delivered(rootNew);
        assertTrue(text.contains("after the dot"), "-i keeps the dot line: " + text);
        Result viaJvm = jvm("Subject: jvm\n\nbody\n", "root");
        assertEquals(0, viaJvm.code(), viaJvm.err());
        delivered(rootNew);
        waitForLog("uid=0 from=<root>", 2);
        assertEquals(2, logCount("uid=0 from=<root>"), maillog());

        // Without -i a lone dot ends the message; CRLF line ends are taken.
        assertEquals(0, client("Subject: dot\r\n\r\nbefore\r\n.\r\nlost\r\n", "root").code());
        text = delivered(rootNew);
        assertTrue(text.contains("before") && !text.contains("lost"), text);

        // -f, a recipient list; -t with -i through bin/sendmail itself.
        assertEquals(new Result(0, "", ""), client("Subject: list\n\nx\n", "-f", "alice@example.test", "root,daemon"));
        delivered(rootNew);
        delivered(site.maildir("daemon").resolve("new"));
        waitForLog("uid=0 from=<alice@example.test>", 1);
        Result t = sendmail("From: bob@example.test\nTo: daemon\nBcc: root\nSubject: t\n\n.\nend\n", "-t", "-i");
        assertEquals(new Result(0, "", ""), t);
        assertTrue(delivered(rootNew).contains("\nend"));
        String toDaemon = delivered(site.maildir("daemon").resolve("new"));
        assertFalse(toDaemon.contains("Bcc:"), toDaemon);
        waitForLog("uid=0 from=<root>", 4);
    }

    @Test
    void usageErrorsAreTheJvmCommands() throws Exception {
        List<String[]> cases = List.of(new String[] {"-Z", "root"}, new String[] {}, new String[] {"-f"},
                new String[] {"-n", "root"}, new String[] {"-B", "9BIT", "root"}, new String[] {"-bp", "root"},
                new String[] {"-bt"}, new String[] {"-qS"}, new String[] {"-i"});
        for (String[] args : cases) {
            Result thin = client("Subject: x\n\nx\n", args);
            Result viaJvm = jvm("Subject: x\n\nx\n", args);
            assertTrue(thin.code() != FALLBACK, "answered by the service: " + String.join(" ", args));
            assertTrue(viaJvm.code() != 0, String.join(" ", args));
            assertEquals(viaJvm, thin, String.join(" ", args));
        }
        assertEquals(List.of(), maildropFiles());
    }

    @Test
    void otherModesAndAnotherConfigurationFallBackWithStandardInputUntouched() throws Exception {
        String message = "Subject: untouched\n\nbody\n";
        for (String[] args : List.of(new String[] {"-bs"}, new String[] {"-bp"}, new String[] {"-bi"},
                new String[] {"-I"}, new String[] {"-q"}, new String[] {"-qRexample.test"},
                new String[] {"-C", site.config + "/../other", "root"}, new String[] {"--help"})) {
            List<String> cmd = new ArrayList<>(List.of("bash", "-c", "perl \"$0\" \"$@\"; echo \"rc=$?\"; cat",
                    CLIENT.toString()));
            cmd.addAll(List.of(args));
            Result r = exec(Map.of(), message, cmd);
            assertEquals("rc=" + FALLBACK + "\n" + message, r.out(), String.join(" ", args) + ": " + r.err());
        }
        // Another configuration directory with the same queue: the service refuses it.
        Path other = Files.createDirectories(tmp.resolve("other"));
        Files.copy(site.config.resolve("main.cf"), other.resolve("main.cf"));
        Result r = exec(Map.of("MAIL_CONFIG", other.toString()), message, List.of("bash", "-c",
                "perl \"$0\" root; echo \"rc=$?\"; cat", CLIENT.toString()));
        assertEquals("rc=" + FALLBACK + "\n" + message, r.out(), r.err());
        // -bp through bin/sendmail: the JVM lists the queue.
        Result bp = sendmail(null, "-bp");
        assertEquals(0, bp.code(), bp.err());
        assertEquals("Mail queue is empty\n", bp.out());
        // Through bin/sendmail, which execs the client: the client runs the script again, which
        // posts with the JVM command, MAIL_CONFIG as it was (unset here: -C names the directory).
        List<String> viaBin = List.of("env", "-u", "MAIL_CONFIG", SENDMAIL.toString(), "-C", other.toString(), "root");
        Result posted = exec(Map.of(), "Subject: other\n\nx\n", viaBin);
        assertEquals(new Result(0, "", ""), posted);
        Result withMailConfig = exec(Map.of("MAIL_CONFIG", other.toString()), "Subject: other too\n\nx\n",
                List.of(SENDMAIL.toString(), "root"));
        assertEquals(new Result(0, "", ""), withMailConfig);
        delivered(site.maildir("root").resolve("new"));
        delivered(site.maildir("root").resolve("new"));
    }

    @Test
    void theSystemDownFallsBackToTheJvmCommand() throws Exception {
        master.close();
        master = null;
        Result thin = client("Subject: down\n\nx\n", "root");
        assertEquals(FALLBACK, thin.code(), thin.err());
        Result r = sendmail("Subject: down\n\nx\n", "root");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("unable to look up public/pickup"), "the JVM command posted: " + r.err());
        assertEquals(1, maildropFiles().size());
    }

    @Test
    void aCallerWithoutPostdropFallsBackAndAMemberPostsAsItself() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run as nobody");
        var owner = PosixAccounts.user("postfix");
        var postdrop = PosixAccounts.group("postdrop");
        assumeTrue(owner.isPresent() && postdrop.isPresent(), "needs the postfix account and the postdrop group");
        // The queue's owners and modes as postfix start sets them: public/ is 2710 postfix:postdrop.
        new QueuePermissions(master.queues(), owner.get(), "postdrop", postdrop.get()).set();
        List<String> asNobody = List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups");
        List<String> cmd = new ArrayList<>(asNobody);
        cmd.addAll(List.of("perl", CLIENT.toString(), "root"));
        Result r = exec(Map.of(), "Subject: nobody\n\nx\n", cmd);
        assertEquals(FALLBACK, r.code(), "public/ is closed to nobody: " + r.err());

        cmd = new ArrayList<>(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--groups=postdrop"));
        cmd.addAll(List.of("perl", CLIENT.toString(), "root"));
        r = exec(Map.of(), "Subject: member\n\nx\n", cmd);
        assertEquals(new Result(0, "", ""), r);
        String uid = new String(new ProcessBuilder("id", "-u", "nobody").start().getInputStream().readAllBytes(),
                StandardCharsets.US_ASCII).strip();
        waitForLog("uid=" + uid + " from=<nobody>", 1);
    }

    @Test
    void anOrdinaryUsersSetGidSendmailGetsNoFalseWarning() throws Exception {
        // The installed launcher runs sendmail set-gid postdrop: real group the user's, effective
        // group postdrop. public/ (2710 postfix:postdrop) is searchable by the effective group
        // only, and the check for public/pickup must ask with that one (access(2) would not).
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run as nobody");
        var owner = PosixAccounts.user("postfix");
        var postdrop = PosixAccounts.group("postdrop");
        assumeTrue(owner.isPresent() && postdrop.isPresent(), "needs the postfix account and the postdrop group");
        new QueuePermissions(master.queues(), owner.get(), "postdrop", postdrop.get()).set();
        Path target = Path.of("target").toAbsolutePath();
        List<String> cmd = List.of("setpriv", "--reuid=nobody", "--rgid=nogroup", "--egid=postdrop", "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", target.resolve("mta.jar") + ":" + target.resolve("lib") + "/*", "mta.cli.Sendmail",
                "-C", site.config.toString(), "root");
        Result r = exec(Map.of(), "Subject: set-gid\n\nx\n", cmd);
        assertEquals(new Result(0, "", ""), r, "posted, and no warning about public/pickup, which is there");
        String uid = new String(new ProcessBuilder("id", "-u", "nobody").start().getInputStream().readAllBytes(),
                StandardCharsets.US_ASCII).strip();
        waitForLog("uid=" + uid + " from=<nobody>", 1);
    }

    @Test
    void aQueueDirectoryWithDollarsAndDashCWorkAfterPostfixStart() throws Exception {
        // The shipped main.cf's kind of queue_directory: the client cannot expand it, so postfix
        // start leaves the expanded value beside main.cf, valid while main.cf stays as it was.
        master.close();
        master = null;
        Path mainCf = site.config.resolve("main.cf");
        Files.writeString(mainCf, Files.readString(mainCf).replace("queue_directory = " + site.queue,
                "queue_directory = $config_directory/../spool"));
        String c = site.config.toString();
        Result start = exec(Map.of(), null, List.of(Path.of("bin/postfix").toAbsolutePath().toString(), "-c", c, "start"));
        assertEquals(0, start.code(), start.err());
        try {
            Path cache = site.config.resolve(".queue_directory");
            assertTrue(Files.readString(cache).contains("\nqueue_directory " + site.queue + "\n"), Files.readString(cache));
            Path rootNew = site.maildir("root").resolve("new");
            assertEquals(new Result(0, "", ""), client("Subject: dollars\n\nx\n", "root"));
            delivered(rootNew);
            // -C, a directory or its main.cf, without MAIL_CONFIG.
            for (String dashC : List.of(c, c + "/main.cf")) {
                List<String> cmd = List.of("env", "-u", "MAIL_CONFIG", "perl", CLIENT.toString(), "-C", dashC, "-i", "root");
                assertEquals(new Result(0, "", ""), exec(Map.of(), "Subject: dash C\n\nx\n", cmd), dashC);
                delivered(rootNew);
            }
            List<String> viaBin = List.of("env", "-u", "MAIL_CONFIG", SENDMAIL.toString(), "-C" + c, "root");
            assertEquals(new Result(0, "", ""), exec(Map.of(), "Subject: bin\n\nx\n", viaBin));
            delivered(rootNew);
            // Not trusted: a cache others may write; a main.cf changed since it was written.
            Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rw-rw-rw-"));
            assertEquals(FALLBACK, client("Subject: x\n\nx\n", "root").code());
            Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rw-r--r--"));
            assertEquals(0, client("Subject: again\n\nx\n", "root").code());
            delivered(rootNew);
            Files.writeString(mainCf, "# edited\n", java.nio.file.StandardOpenOption.APPEND);
            assertEquals(FALLBACK, client("Subject: x\n\nx\n", "root").code());
            Result reload = exec(Map.of(), null, List.of(Path.of("bin/postfix").toAbsolutePath().toString(), "-c", c, "reload"));
            assertEquals(0, reload.code(), reload.err());
            assertEquals(0, client("Subject: reloaded\n\nx\n", "root").code(), "reload writes it again");
            delivered(rootNew);
        } finally {
            exec(Map.of(), null, List.of(Path.of("bin/postfix").toAbsolutePath().toString(), "-c", c, "stop"));
        }
    }

    /** Connects to public/postdrop, sends a posting request for root and reads the "post" verdict. */
    private SocketChannel startPosting() throws Exception {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(site.queue.resolve("public/postdrop")));
        ch.write(ByteBuffer.wrap(("1\0" + site.config + "\0" + "1\0root\0").getBytes(StandardCharsets.UTF_8)));
        InputStream in = Channels.newInputStream(ch);
        byte[] verdict = new byte[5];
        assertEquals(5, in.readNBytes(verdict, 0, 5));
        assertEquals("post\n", new String(verdict, StandardCharsets.US_ASCII));
        ByteBuffer chunk = ByteBuffer.allocate(4 + 10);
        chunk.putInt(1000).put("Subject: ".getBytes(StandardCharsets.US_ASCII)).put((byte) 'x').flip();
        ch.write(chunk);
        return ch;
    }

    @Test
    void aClientThatStopsMidMessageLeavesNoMaildropFile() throws Exception {
        // One that goes away: the connection ends before the end of the message.
        startPosting().close();
        waitForLog("lost connection", 1);
        assertEquals(List.of(), maildropFiles());
        // One that stays silent: ipc_timeout (2s here) ends it.
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (SocketChannel ch = startPosting()) {
                assertEquals(-1, Channels.newInputStream(ch).read(), "the service hung up");
            }
        });
        waitForLog("timeout after 2s", 1);
        assertEquals(List.of(), maildropFiles());
        assertEquals(0, logCount("uid=0 from="), "nothing was picked up: " + maillog());
    }

    @Test
    void malformedRequestsAreToldToFallBack() throws Exception {
        for (String req : List.of("2\0/x\0" + "0\0", "1\0" + "/x\0zz\0")) {
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(site.queue.resolve("public/postdrop")));
                ch.write(ByteBuffer.wrap(req.getBytes(StandardCharsets.UTF_8)));
                ch.shutdownOutput();
                assertEquals("fallback\n", new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        assertEquals(List.of(), maildropFiles());
    }
}
