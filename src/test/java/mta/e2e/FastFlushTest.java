package mta.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import mta.cli.CliAccess;
import mta.master.Master;
import mta.testing.RawSmtpSink;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FastFlushTest - ETRN (RFC 1985), postqueue -s and sendmail -qR through the flush service, end to end.
 *
 * <p>remote.example and other.example are relay domains whose next hop is down at first, with an
 * hour's backoff, so their mail waits in deferred/. fast_flush_domains is its default
 * ($relay_domains) in one case and remote.example alone in the other. The queue manager lists
 * each deferred message in flush/SITE; a flush request makes that site's mail due at once, and
 * nothing else.
 */
class FastFlushTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    private static void waitFor(BooleanSupplier cond, String what) throws InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) fail("timed out waiting until " + what);
            Thread.sleep(20);
        }
    }

    private static String queued(int port, String rcpt, String subject) throws Exception {
        String reply = Transcript.mail(port, "a@client.example", rcpt, "Subject: " + subject, "", "body");
        return reply.substring(reply.lastIndexOf(' ') + 1);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static long delivered(RawSmtpSink sink, String subject) {
        return sink.messages().stream().filter(m -> new String(m, StandardCharsets.ISO_8859_1).contains("Subject: " + subject)).count();
    }

    @Test
    void etrnDeliversTheSitesDeferredMailAndNothingElse() throws Exception {
        int nexthop = TestSite.freePort();
        TestSite site = new TestSite(tmp)
                .param("relay_domains", "remote.example, other.example")
                .param("fast_flush_domains", "remote.example")
                .param("relayhost", "[127.0.0.1]:" + nexthop)
                .param("minimal_backoff_time", "3600s")
                .param("maximal_backoff_time", "7200s")
                .write();
        try (Master m = Master.start(site.config, Master.Options.defaults())) {
            String first = queued(site.smtpdPort, "bob@remote.example", "etrn-1");
            String second = queued(site.smtpdPort, "carol@sub.remote.example", "etrn-2");
            String other = queued(site.smtpdPort, "dave@other.example", "etrn-other");
            Path remoteLog = site.queue.resolve("flush/remote_example");
            Path subLog = site.queue.resolve("flush/sub_remote_example");
            waitFor(() -> read(remoteLog).contains(first) && read(subLog).contains(second),
                    "the deferred messages are listed under their destinations");
            waitFor(() -> read(site.maillog).contains(other + ": to=<dave@other.example>"), "other.example's mail is deferred");
            assertFalse(Files.exists(site.queue.resolve("flush/other_example")), "not in fast_flush_domains: no log");
            assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(remoteLog));
            try (RawSmtpSink sink = RawSmtpSink.start(nexthop)) {
                try (Transcript t = Transcript.connect(site.smtpdPort)) {
                    t.expect("220 ");
                    t.send("EHLO client.example").expect("250 ");
                    t.send("ETRN other.example").expect("459 <other.example>: service unavailable");
                    t.send("ETRN remote.example").expect("250 Queuing started");
                    t.send("ETRN sub.remote.example").expect("250 Queuing started");
                }
                waitFor(() -> delivered(sink, "etrn-1") == 1 && delivered(sink, "etrn-2") == 1,
                        "ETRN delivers the site's deferred mail");
                assertEquals("", read(remoteLog), "the log is emptied");
                // postqueue -s and sendmail -qR: the same service, from the command line
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                int rc = CliAccess.postqueue(new String[] {"-c", site.config.toString(), "-s", "other.example"},
                        new PrintStream(OutputStreamNull.INSTANCE), new PrintStream(err, true));
                assertEquals(69, rc);
                assertEquals("postqueue: fatal: Flush service is not configured for destination \"other.example\"\n",
                        err.toString());
                err.reset();
                rc = CliAccess.postqueue(new String[] {"-c", site.config.toString(), "-s", "bad..site"},
                        new PrintStream(OutputStreamNull.INSTANCE), new PrintStream(err, true));
                assertEquals(69, rc);
                assertEquals("postqueue: fatal: Cannot flush mail queue - invalid destination: \"bad..site\"\n", err.toString());
                String third = queued(site.smtpdPort, "erin@remote.example", "etrn-3");
                waitFor(() -> read(remoteLog).contains(third) || delivered(sink, "etrn-3") == 1, "the third message is deferred");
                err.reset();
                rc = CliAccess.sendmail(new String[] {"-C", site.config.toString(), "-qRremote.example"},
                        InputStream.nullInputStream(), new PrintStream(err, true));
                assertEquals(0, rc, err.toString());
                waitFor(() -> delivered(sink, "etrn-3") == 1, "sendmail -qR delivers the site's mail");
                assertEquals(0, delivered(sink, "etrn-other"), "other sites' mail keeps its retry time");
            }
        }
    }

    /** fast_flush_domains defaults to $relay_domains; a site outside it is refused by postqueue -s. */
    @Test
    void postqueueFlushesASiteOfTheDefaultList() throws Exception {
        int nexthop = TestSite.freePort();
        TestSite site = new TestSite(tmp)
                .param("relay_domains", "remote.example")
                .param("relayhost", "[127.0.0.1]:" + nexthop)
                .param("minimal_backoff_time", "3600s")
                .param("maximal_backoff_time", "7200s")
                .write();
        try (Master m = Master.start(site.config, Master.Options.defaults())) {
            String id = queued(site.smtpdPort, "bob@remote.example", "postqueue-s");
            waitFor(() -> read(site.queue.resolve("flush/remote_example")).contains(id), "the message is listed");
            try (RawSmtpSink sink = RawSmtpSink.start(nexthop)) {
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                assertEquals(0, CliAccess.postqueue(new String[] {"-c", site.config.toString(), "-s", "remote.example"},
                        new PrintStream(OutputStreamNull.INSTANCE), new PrintStream(err, true)), err.toString());
                waitFor(() -> delivered(sink, "postqueue-s") == 1, "postqueue -s delivers it");
                assertTrue(List.of(0L, 1L).contains(delivered(sink, "postqueue-s")));
            }
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(69, CliAccess.postqueue(new String[] {"-c", site.config.toString(), "-s", "remote.example"},
                new PrintStream(OutputStreamNull.INSTANCE), new PrintStream(err, true)));
        assertEquals("postqueue: fatal: Cannot flush mail queue - mail system is down\n", err.toString());
    }

    /** An output stream that forgets everything. */
    private static final class OutputStreamNull {
        static final java.io.OutputStream INSTANCE = java.io.OutputStream.nullOutputStream();
    }
}
