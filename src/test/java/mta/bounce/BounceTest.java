package mta.bounce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.BodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import mta.master.Master;
import mta.queue.QueueName;
import mta.queue.Queues;
import mta.smtp.ScriptedSmtpServer;
import mta.testing.Maildirs;
import mta.testing.TestQueue;
import mta.testing.TestSite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BounceTest - the non-delivery notice as a MIME parser sees it, the postmaster copy, and double
 * bounces (sent to the postmaster, or discarded, never looping).
 */
class BounceTest {
    @TempDir
    Path tmp;

    private static final String REJECT = "550 5.1.1 <bad@remote.example>: Recipient address rejected: User unknown";

    private ScriptedSmtpServer rejectingMx() throws Exception {
        return ScriptedSmtpServer.start().on("RCPT TO:<bad@", REJECT);
    }

    @Test
    void aRejectedRecipientIsReturnedAsAnRfc3464Report() throws Exception {
        try (ScriptedSmtpServer mx = rejectingMx()) {
            TestSite site = new TestSite(tmp).param("relayhost", mx.nexthop()).param("notify_classes", "bounce").write();
            Queues queues = new Queues(site.queue);
            String id = TestQueue.write(queues, QueueName.INCOMING, Instant.now(), "root@example.test",
                    List.of("bad@remote.example"), "doomed");
            Path root = site.maildir("root");
            try (Master m = Master.start(site.config, Master.Options.defaults())) {
                waitFor(() -> Maildirs.messages(root).size() == 2, "the notice and the postmaster copy");
            }
            MimeMessage dsn = Maildirs.bySubject(root, "Undelivered Mail Returned to Sender");
            assertNotNull(dsn);
            assertEquals("MAILER-DAEMON@mx.example.test (Mail Delivery System)", dsn.getHeader("From")[0]);
            assertEquals("auto-replied", dsn.getHeader("Auto-Submitted")[0]);
            assertEquals("<>", dsn.getHeader("Return-Path")[0]);
            assertTrue(dsn.getContentType().startsWith("multipart/report"), dsn.getContentType());
            MimeMultipart mp = (MimeMultipart) dsn.getContent();
            assertEquals(3, mp.getCount());
            assertTrue(text(mp.getBodyPart(0)).startsWith("This is the mail system at host mx.example.test."));
            assertTrue(mp.getBodyPart(1).isMimeType("message/delivery-status"));
            String status = text(mp.getBodyPart(1));
            for (String field : List.of("Reporting-MTA: dns; mx.example.test", "X-Postfix-Queue-ID: " + id,
                    "X-Postfix-Sender: rfc822; root@example.test", "Arrival-Date: ",
                    "Final-Recipient: rfc822; bad@remote.example", "Action: failed", "Status: 5.1.1",
                    "Remote-MTA: dns; 127.0.0.1", "Diagnostic-Code: smtp; " + REJECT)) {
                assertTrue(status.contains(field), field + " in\n" + status);
            }
            assertTrue(mp.getBodyPart(2).isMimeType("message/rfc822"));
            assertTrue(text(mp.getBodyPart(2)).contains("Subject: doomed"));

            MimeMessage copy = Maildirs.bySubject(root, "Postmaster Copy: Undelivered Mail");
            assertNotNull(copy, "notify_classes = bounce sends the postmaster the headers");
            assertEquals("<double-bounce@mx.example.test>", copy.getHeader("Return-Path")[0]);
            MimeMultipart cp = (MimeMultipart) copy.getContent();
            assertTrue(cp.getBodyPart(2).isMimeType("text/rfc822-headers"));

            String log = Files.readString(site.maillog);
            assertTrue(log.matches("(?s).*postfix/bounce\\[\\d+\\]: " + id + ": sender non-delivery notification: [0-9A-F]+\n.*"), log);
            assertTrue(log.matches("(?s).*postfix/bounce\\[\\d+\\]: " + id + ": postmaster non-delivery notification: [0-9A-F]+\n.*"), log);
        }
    }

    @Test
    void anUndeliverableBounceGoesToThePostmasterWith2bounce() throws Exception {
        try (ScriptedSmtpServer mx = rejectingMx()) {
            TestSite site = new TestSite(tmp).param("relayhost", mx.nexthop()).param("notify_classes", "2bounce").write();
            Queues queues = new Queues(site.queue);
            String id = TestQueue.write(queues, QueueName.INCOMING, Instant.now(), "", List.of("bad@remote.example"),
                    "a bounce");
            Path root = site.maildir("root");
            try (Master m = Master.start(site.config, Master.Options.defaults())) {
                waitFor(() -> Maildirs.messages(root).size() == 1, "the double bounce reaches the postmaster");
            }
            MimeMessage dsn = Maildirs.bySubject(root, "Postmaster Copy: Undelivered Mail");
            assertNotNull(dsn);
            assertEquals("<double-bounce@mx.example.test>", dsn.getHeader("Return-Path")[0]);
            String log = Files.readString(site.maillog);
            assertTrue(log.contains(id + ": postmaster non-delivery notification: "), log);
        }
    }

    @Test
    void anUndeliverablePostmasterNoticeIsDiscarded() throws Exception {
        try (ScriptedSmtpServer mx = rejectingMx()) {
            TestSite site = new TestSite(tmp).param("relayhost", mx.nexthop()).param("notify_classes", "2bounce").write();
            Queues queues = new Queues(site.queue);
            String bounce = TestQueue.write(queues, QueueName.INCOMING, Instant.now(), "double-bounce@mx.example.test",
                    List.of("bad@remote.example"), "a notice");
            try (Master m = Master.start(site.config, Master.Options.defaults())) {
                waitFor(() -> read(site.maillog).contains(bounce + ": removed"), "the notice is removed");
            }
            String log = Files.readString(site.maillog);
            assertTrue(log.contains(bounce + ": undeliverable postmaster notification discarded"), log);
            assertEquals(0, Maildirs.messages(site.maildir("root")).size());
            assertTrue(!log.contains("non-delivery notification:"), log);
        }
    }

    @Test
    void withoutNotifyClassesAFailedBounceIsDiscarded() throws Exception {
        try (ScriptedSmtpServer mx = rejectingMx()) {
            TestSite site = new TestSite(tmp).param("relayhost", mx.nexthop()).write();
            Queues queues = new Queues(site.queue);
            String id = TestQueue.write(queues, QueueName.INCOMING, Instant.now(), "", List.of("bad@remote.example"),
                    "a bounce");
            try (Master m = Master.start(site.config, Master.Options.defaults())) {
                waitFor(() -> read(site.maillog).contains(id + ": removed"), "the bounce is removed");
            }
            assertTrue(read(site.maillog).contains(id + ": undeliverable bounce message discarded"));
            assertEquals(0, Maildirs.messages(site.maildir("root")).size());
        }
    }

    static String text(BodyPart p) throws Exception {
        try (InputStream in = p.getInputStream()) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b);
            return b.toString(StandardCharsets.UTF_8);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    static void waitFor(java.util.function.BooleanSupplier c, String what) throws InterruptedException {
        long end = System.nanoTime() + 20_000_000_000L;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out waiting until " + what);
            Thread.sleep(10);
        }
    }
}
