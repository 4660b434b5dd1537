package mta.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import mta.cli.CliAccess;
import mta.master.Master;
import mta.queue.QueueName;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WalkingSkeletonTest - one message end to end: SMTP in, queue, out to a GreenMail relayhost or
 * into a local Maildir; refusal of relaying; deferral and retry across a restart; sendmail -t.
 */
public class WalkingSkeletonTest {
    @TempDir
    Path tmp;

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private static GreenMail greenMail(int port) {
        GreenMail gm = new GreenMail(new ServerSetup(port, "127.0.0.1", "smtp"));
        gm.start();
        return gm;
    }

    @Test
    void relayFromMynetworksArrivesAtRelayhostIntact() throws Exception {
        int mxPort = TestSite.freePort();
        GreenMail gm = greenMail(mxPort);
        TestSite site = new TestSite(tmp).param("relayhost", "[127.0.0.1]:" + mxPort).write();
        try (Master m = Master.start(site.config, Master.Options.defaults());
             Transcript t = Transcript.connect(site.smtpdPort)) {
            t.expect("220 mx.example.test ESMTP");
            t.send("EHLO client.example.test").expect("250 ");
            t.send("MAIL FROM:<alice@client.example.test>").expect("250 2.1.0 Ok");
            t.send("RCPT TO:<bob@remote.example>").expect("250 2.1.5 Ok");
            t.send("RCPT TO:<carol@remote.example>").expect("250 2.1.5 Ok");
            t.send("DATA").expect("354 ");
            t.send("Subject: skeleton");
            t.send("");
            t.send("first line");
            t.send("..a line that starts with a dot");
            t.send(".").expect("250 2.0.0 Ok: queued as ");
            t.send("QUIT").expect("221 2.0.0 Bye");

            waitFor(() -> gm.getReceivedMessages().length == 2, "GreenMail gets both copies");
            MimeMessage[] got = gm.getReceivedMessages();
            assertEquals(2, got.length);
            assertEquals("skeleton", got[0].getSubject());
            String body = GreenMailUtil.getBody(got[0]);
            assertTrue(body.contains("first line"), body);
            assertTrue(body.contains("\n.a line that starts with a dot") || body.startsWith(".a line"), body);
            assertEquals("<alice@client.example.test>", got[0].getHeader("Return-Path")[0]);
            for (String rcpt : List.of("bob@remote.example", "carol@remote.example")) {
                assertEquals(1, inboxSize(gm, rcpt), "one copy for " + rcpt);
            }
            waitFor(() -> queueEmpty(m), "the queue empties");
            String log = Files.readString(site.maillog);
            assertTrue(log.matches("(?s).*postfix/smtpd\\[\\d+\\]: [0-9A-F]+: client=unknown\\[127\\.0\\.0\\.1\\].*"), log);
            assertTrue(log.contains("from=<alice@client.example.test>, size="), log);
            assertTrue(log.matches("(?s).*postfix/smtp\\[\\d+\\]: [0-9A-F]+: to=<bob@remote\\.example>, relay=127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\]:"
                    + mxPort + ", delay=[0-9.]+, delays=[0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+, dsn=2\\.0\\.0, status=sent \\(250 .*"), log);
        } finally {
            gm.stop();
        }
    }

    /** How many messages GreenMail delivered to the mailbox of {@code address} (its envelope recipient). */
    static int inboxSize(GreenMail gm, String address) {
        try {
            var user = gm.getUserManager().getUserByEmail(address);
            return user == null ? 0 : gm.getManagers().getImapHostManager().getInbox(user).getMessageCount();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void relayFromOutsideMynetworksIsRefused() throws Exception {
        int mxPort = TestSite.freePort();
        GreenMail gm = greenMail(mxPort);
        TestSite site = new TestSite(tmp).param("relayhost", "[127.0.0.1]:" + mxPort).write();
        try (Master m = Master.start(site.config, Master.Options.defaults());
             Transcript t = Transcript.connectFrom("127.0.0.2", site.smtpdPort)) {
            t.expect("220 ");
            t.send("HELO outside.example").expect("250 mx.example.test");
            t.send("MAIL FROM:<spammer@outside.example>").expect("250 2.1.0 Ok");
            t.send("RCPT TO:<victim@remote.example>").expect("554 5.7.1 <victim@remote.example>: Relay access denied");
            t.send("RCPT TO:<victim%remote.example@mx.example.test>").expect("554 5.7.1");
            t.send("RCPT TO:<\"victim@remote.example\"@mx.example.test>").expect("554 5.7.1");
            t.send("RCPT TO:<@mx.example.test:victim@remote.example>").expect("554 5.7.1");
            t.send("DATA").expect("554 5.5.1 Error: no valid recipients");
            t.send("QUIT").expect("221 ");
            assertTrue(m.queues().list(QueueName.INCOMING).isEmpty());
            String log = Files.readString(site.maillog);
            assertTrue(log.contains("NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 554 5.7.1 <victim@remote.example>: "
                    + "Relay access denied; from=<spammer@outside.example> to=<victim@remote.example> proto=SMTP "
                    + "helo=<outside.example>"), log);
        } finally {
            gm.stop();
        }
        assertEquals(0, gm.getReceivedMessages().length);
    }

    @Test
    void localDeliveryThroughAnAliasLandsInTheMaildir() throws Exception {
        TestSite site = new TestSite(tmp).aliases("postmaster: root\nsupport: alice\nalice: root\n").write();
        try (Master m = Master.start(site.config, Master.Options.defaults());
             Transcript t = Transcript.connectFrom("127.0.0.2", site.smtpdPort)) {
            t.expect("220 ");
            t.send("EHLO outside.example").expect("250 ");
            t.send("MAIL FROM:<someone@outside.example>").expect("250 ");
            t.send("RCPT TO:<support@example.test>").expect("250 2.1.5 Ok");
            t.send("DATA").expect("354 ");
            t.send("Subject: help");
            t.send("");
            t.send("please");
            t.send(".").expect("250 2.0.0 Ok: queued as ");
            t.send("QUIT").expect("221 ");
            Path newDir = site.maildir("root").resolve("new");
            waitFor(() -> count(newDir) == 1, "one message in root's Maildir");
            Path msg;
            try (Stream<Path> s = Files.list(newDir)) {
                msg = s.findFirst().orElseThrow();
            }
            String text = Files.readString(msg);
            assertTrue(text.startsWith("Return-Path: <someone@outside.example>\nX-Original-To: support@example.test\nDelivered-To: "), text);
            assertTrue(text.contains("Subject: help\n"), text);
            assertTrue(text.contains("\nplease\n"), text);
            assertTrue(text.contains("Message-Id: <"), text);
            waitFor(() -> queueEmpty(m), "the queue empties");
            String log = Files.readString(site.maillog);
            assertTrue(log.contains("to=<support@example.test>, relay=local"), log);
            assertTrue(log.contains("status=sent (delivered to maildir)"), log);
        }
    }

    @Test
    void unknownLocalUserIsBouncedToTheSender() throws Exception {
        // With no local_recipient_maps the SMTP server accepts every local name; delivery bounces.
        TestSite site = new TestSite(tmp).param("local_recipient_maps", "").write();
        try (Master m = Master.start(site.config, Master.Options.defaults());
             Transcript t = Transcript.connect(site.smtpdPort)) {
            t.expect("220 ");
            t.send("HELO client").expect("250 ");
            t.send("MAIL FROM:<root@example.test>").expect("250 ");
            t.send("RCPT TO:<nosuchuser@example.test>").expect("250 ");
            t.send("DATA").expect("354 ");
            t.send("Subject: lost");
            t.send("");
            t.send("x");
            t.send(".").expect("250 ");
            t.send("QUIT").expect("221 ");
            Path newDir = site.maildir("root").resolve("new");
            waitFor(() -> count(newDir) == 1, "the bounce reaches root");
            String bounce;
            try (Stream<Path> s = Files.list(newDir)) {
                bounce = Files.readString(s.findFirst().orElseThrow());
            }
            assertTrue(bounce.contains("Subject: Undelivered Mail Returned to Sender"), bounce);
            assertTrue(bounce.contains("Return-Path: <>"), bounce);
            assertTrue(bounce.contains("Status: 5.1.1"), bounce);
            assertTrue(bounce.contains("unknown user: \"nosuchuser\""), bounce);
            waitFor(() -> queueEmpty(m), "the queue empties");
            assertTrue(Files.readString(site.maillog).contains("sender non-delivery notification:"));
        }
    }

    @Test
    void mailDeferredWhileTheRelayhostIsDownIsDeliveredAfterARestart() throws Exception {
        int mxPort = TestSite.freePort();
        TestSite site = new TestSite(tmp).param("relayhost", "[127.0.0.1]:" + mxPort).write();
        String id;
        try (Master m = Master.start(site.config, Master.Options.defaults());
             Transcript t = Transcript.connect(site.smtpdPort)) {
            t.expect("220 ");
            t.send("HELO client").expect("250 ");
            t.send("MAIL FROM:<alice@example.test>").expect("250 ");
            t.send("RCPT TO:<bob@remote.example>").expect("250 ");
            t.send("DATA").expect("354 ");
            t.send("Subject: patience");
            t.send("");
            t.send("later");
            String reply = t.send(".").expect("250 2.0.0 Ok: queued as ");
            id = reply.substring(reply.lastIndexOf(' ') + 1);
            t.send("QUIT").expect("221 ");
            waitFor(() -> Files.exists(m.queues().file(QueueName.DEFERRED, id)), "the message is deferred");
            String mailq = mailq(site);
            assertTrue(mailq.startsWith("-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------\n" + id + " "), mailq);
            assertTrue(mailq.contains("(connect to 127.0.0.1[127.0.0.1]:" + mxPort + ": Connection refused)"), mailq);
            assertTrue(mailq.contains("\n                                         bob@remote.example\n"), mailq);
            assertTrue(mailq.endsWith(" Kbytes in 1 Request.\n"), mailq);
            String log = Files.readString(site.maillog);
            assertTrue(log.contains(id + ": to=<bob@remote.example>, relay=none, delay="), log);
            assertTrue(log.contains("dsn=4.4.1, status=deferred (connect to 127.0.0.1[127.0.0.1]:" + mxPort
                    + ": Connection refused)"), log);
        }
        GreenMail gm = greenMail(mxPort);
        try (Master m = Master.start(site.config, Master.Options.defaults())) {
            assertTrue(gm.waitForIncomingEmail(DEADLINE.toMillis(), 1), "delivered after the restart");
            assertEquals("patience", gm.getReceivedMessages()[0].getSubject());
            waitFor(() -> queueEmpty(m), "the queue empties");
            assertEquals("Mail queue is empty\n", mailq(site));
        } finally {
            gm.stop();
        }
    }

    @Test
    void sendmailDashTMailArrives() throws Exception {
        int mxPort = TestSite.freePort();
        GreenMail gm = greenMail(mxPort);
        TestSite site = new TestSite(tmp).param("relayhost", "[127.0.0.1]:" + mxPort).write();
        try (Master m = Master.start(site.config, Master.Options.defaults())) {
            String message = "From: Alice <alice@example.test>\nTo: bob@remote.example\nBcc: carol@remote.example\n"
                    + "Subject: via sendmail\n\nhello from sendmail\n.\nafter the dot with -i\n";
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int rc = CliAccess.sendmail(new String[] {"-C", site.config.toString(), "-t", "-i", "-f", "alice@example.test"},
                    new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)), new PrintStream(err));
            assertEquals(0, rc, err.toString());
            waitFor(() -> gm.getReceivedMessages().length == 2, "both -t recipients get it");
            assertEquals(1, inboxSize(gm, "bob@remote.example"));
            assertEquals(1, inboxSize(gm, "carol@remote.example"));
            MimeMessage got = gm.getReceivedMessages()[0];
            assertEquals("via sendmail", got.getSubject());
            assertEquals(null, got.getHeader("Bcc"), "Bcc is removed");
            String body = GreenMailUtil.getBody(got);
            assertTrue(body.contains("after the dot with -i"), body);
            waitFor(() -> queueEmpty(m), "the queue empties");
            assertTrue(Files.readString(site.maillog).matches("(?s).*postfix/pickup\\[\\d+\\]: [0-9A-F]+: uid=\\d+ from=<alice@example.test>.*"));
        } finally {
            gm.stop();
        }
    }

    public static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    static String mailq(TestSite site) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CliAccess.postqueue(new String[] {"-c", site.config.toString(), "-p"}, new PrintStream(out));
        return out.toString(StandardCharsets.UTF_8);
    }

    static boolean queueEmpty(Master m) {
        try {
            for (QueueName q : List.of(QueueName.MAILDROP, QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED)) {
                if (!m.queues().list(q).isEmpty()) return false;
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public static long count(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Polls until {@code condition} holds, failing after the deadline. */
    public static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out waiting until " + what);
            Thread.sleep(20);
        }
    }
}
