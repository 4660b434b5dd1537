package mta.e2e;

import static mta.e2e.WalkingSkeletonTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import mta.master.Master;
import mta.queue.QueueName;
import mta.testing.TestQueue;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DatabaseHostingTest - a virtual-hosting site whose domains, mailboxes and aliases live only in a
 * database or directory, run as a whole mail system; one subclass per table type.
 *
 * <p>Domain box.example with mailboxes ann and ben; aliases info (to ann) and team (to ann and
 * ben); a key full of quotes, {@code %}, {@code *}, parentheses and a backslash (to ann) that only
 * postmap can type. The tests: the domain is accepted, mail to an alias lands in the mailbox, an
 * unknown user is refused at RCPT; postmap -q answers; and with the server stopped, RCPT gets
 * {@code 451 4.3.0}, queued mail is deferred with a warning that names the table and the server,
 * and everything is delivered once the server is back.
 */
abstract class DatabaseHostingTest {
    static final String ODD_KEY = "o'brien\"%*()\\x@box.example";

    @TempDir
    Path tmp;

    /** The table type. */
    abstract String type();

    /**
     * Loads the site's data and writes the three table configuration files into {@code dir};
     * returns {domains, mailboxes, aliases} as type:name specifications.
     */
    abstract List<String> tables(Path dir) throws Exception;

    /** The type a warning names (the backup's, for a cache). */
    String warnedType() {
        return type();
    }

    /** What a warning names as the server, such as {@code 127.0.0.1:5432}. */
    abstract String serverLabel();

    abstract void stopServer() throws Exception;

    abstract void startServer() throws Exception;

    private TestSite site(List<String> specs) throws IOException {
        TestSite.virtualMailboxBase(tmp.resolve("vmail"), 5000, 5000);
        return new TestSite(tmp.resolve("site")).masterCf(RoutingTest.MASTER_CF)
                .param("virtual_mailbox_domains", specs.get(0))
                .param("virtual_mailbox_maps", specs.get(1))
                .param("virtual_alias_maps", specs.get(2))
                .param("virtual_mailbox_base", tmp.resolve("vmail").toString())
                .param("virtual_uid_maps", "static:5000")
                .param("virtual_gid_maps", "static:5000")
                .write();
    }

    private Path mailbox(String user) {
        return tmp.resolve("vmail/box.example/" + user + "/new");
    }

    static int count(Path dir) {
        if (!Files.isDirectory(dir)) return 0;
        try (Stream<Path> s = Files.list(dir)) {
            return (int) s.count();
        } catch (IOException e) {
            return 0;
        }
    }

    private static void send(Transcript t, String rcpt, String subject) throws IOException {
        t.send("MAIL FROM:<sender@outside.example>").expect("250 2.1.0 Ok");
        t.send("RCPT TO:<" + rcpt + ">").expect("250 2.1.5 Ok");
        t.send("DATA").expect("354 ");
        t.send("Subject: " + subject);
        t.send("");
        t.send("hello");
        t.send(".").expect("250 2.0.0 Ok: queued as ");
    }

    static String postmapQuery(String key, String spec) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = mta.cli.CliAccess.postmap(new String[] {"-q", key, spec}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return rc + ":" + out.toString(StandardCharsets.UTF_8).strip() + err.toString(StandardCharsets.UTF_8).strip();
    }

    @Test
    void virtualHostingResolvedEntirelyFromTheDatabase() throws Exception {
        List<String> specs = tables(tmp);
        TestSite site = site(specs);
        try (Master m = Master.start(site.config, Master.Options.defaults());
             Transcript t = Transcript.connectFrom("127.0.0.2", site.smtpdPort)) {
            t.expect("220 ");
            t.send("HELO outside.example").expect("250 ");
            t.send("MAIL FROM:<sender@outside.example>").expect("250 2.1.0 Ok");
            t.send("RCPT TO:<info@box.example>").expect("250 2.1.5 Ok");
            t.send("RCPT TO:<team@Box.Example>").expect("250 2.1.5 Ok");
            t.send("RCPT TO:<ghost@box.example>").expect(
                    "550 5.1.1 <ghost@box.example>: Recipient address rejected: User unknown in virtual mailbox table");
            t.send("RCPT TO:<someone@elsewhere.example>").expect(
                    "554 5.7.1 <someone@elsewhere.example>: Relay access denied");
            t.send("DATA").expect("354 ");
            t.send("Subject: hosted");
            t.send("");
            t.send("hello");
            t.send(".").expect("250 2.0.0 Ok: queued as ");
            t.send("QUIT").expect("221 ");
            waitFor(() -> WalkingSkeletonTest.queueEmpty(m), "the queue empties");
        }
        assertEquals(1, count(mailbox("ann")), "info and team both reach ann: one copy");
        assertEquals(1, count(mailbox("ben")), "team reaches ben");
        assertEquals("0:ann@box.example", postmapQuery("info@box.example", specs.get(2)));
        assertEquals("0:ann@box.example", postmapQuery(ODD_KEY, specs.get(2)), "the odd key reaches the table unchanged");
        assertEquals("1:", postmapQuery("x' OR '1'='1", specs.get(2)));
        assertEquals("0:box.example/ben/", postmapQuery("ben@box.example", specs.get(1)));
    }

    @Test
    void aServerThatGoesAwayGivesTemporaryErrorsAndLosesNothing() throws Exception {
        List<String> specs = tables(tmp);
        TestSite site = site(specs);
        try (Master m = Master.start(site.config, Master.Options.defaults())) {
            try (Transcript t = Transcript.connectFrom("127.0.0.2", site.smtpdPort)) {
                t.expect("220 ");
                t.send("HELO outside.example").expect("250 ");
                send(t, "info@box.example", "before");
            }
            waitFor(() -> count(mailbox("ann")) == 1, "the first message is delivered");
            stopServer();
            try {
                try (Transcript t = Transcript.connectFrom("127.0.0.2", site.smtpdPort)) {
                    t.expect("220 ");
                    t.send("HELO outside.example").expect("250 ");
                    t.send("MAIL FROM:<sender@outside.example>").expect("250 2.1.0 Ok");
                    t.send("RCPT TO:<ann@box.example>").expect(
                            "451 4.3.0 <ann@box.example>: Temporary lookup failure"); // Postfix's words
                    t.send("QUIT").expect("221 ");
                }
                // mail accepted before the server went away, delivered while it is away
                String id = TestQueue.write(m.queues(), QueueName.INCOMING, Instant.now(), "sender@outside.example",
                        List.of("ann@box.example", "ben@box.example"), "during");
                m.triggerQmgr('I');
                waitFor(() -> log(site).contains(id + ": to=<ann@box.example>") && log(site).contains(id + ": to=<ben@box.example>"),
                        "the queued message is tried");
                String log = log(site);
                assertTrue(log.matches("(?s).*" + id + ": to=<ann@box\\.example>, relay=none, .*dsn=4\\.3\\.0, "
                        + "status=deferred \\(address resolver failure\\).*"), log);
                assertTrue(log.contains("warning: " + warnedType() + ":" + tmp), "the warning names the table: " + log);
                assertTrue(log.contains(serverLabel()), "the warning names the server " + serverLabel() + ": " + log);
                assertTrue(log.contains("NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 451 4.3.0 <ann@box.example>"), log);
                assertTrue(!log.contains("status=bounced"), log);
                // the delivery lines come before the queue manager moves the file to deferred/
                waitFor(() -> {
                    try {
                        return m.queues().list(QueueName.DEFERRED).size() == 1;
                    } catch (java.io.IOException e) {
                        return false;
                    }
                }, "the message waits in deferred/");
            } finally {
                startServer();
            }
            waitFor(() -> WalkingSkeletonTest.queueEmpty(m), "the deferred message is delivered once the server is back");
            try (Transcript t = Transcript.connectFrom("127.0.0.2", site.smtpdPort)) {
                t.expect("220 ");
                t.send("HELO outside.example").expect("250 ");
                send(t, "team@box.example", "after");
            }
            waitFor(() -> count(mailbox("ann")) == 3 && count(mailbox("ben")) == 2, "every message is delivered");
        }
    }

    static String log(TestSite site) {
        try {
            return Files.readString(site.maillog);
        } catch (IOException e) {
            return "";
        }
    }

    /** Writes a table configuration file. */
    static String cf(Path dir, String type, String name, String text) throws IOException {
        Path f = dir.resolve(name + ".cf");
        Files.writeString(f, text);
        return type + ":" + f;
    }
}
