package mta.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.BodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mta.cli.CliAccess;
import mta.master.Master;
import mta.smtp.ScriptedSmtpServer;
import mta.testing.Maildirs;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DsnTest - RFC 3461 requests end to end: NOTIFY, ORCPT, RET and ENVID given over SMTP or with
 * sendmail -N, -R, -V decide which notices root@example.test (a local maildir) receives and what
 * they say. The remote MX is a scripted server that refuses {@code bad@} and {@code never@} and
 * defers {@code slow@}; everything else it accepts.
 */
class DsnTest {
    @TempDir
    Path tmp;

    private static final String SENDER = "root@example.test";

    private static ScriptedSmtpServer mx() throws Exception {
        return ScriptedSmtpServer.start()
                .on("RCPT TO:<bad@", "550 5.1.1 <bad@remote.example>: Recipient address rejected: User unknown")
                .on("RCPT TO:<never@", "550 5.1.1 <never@remote.example>: Recipient address rejected: User unknown")
                .on("RCPT TO:<slow", "450 4.2.0 <slow@remote.example>: Recipient address rejected: Try later");
    }

    @Test
    void smtpRequestsShapeTheFailureNoticeAndAskForASuccessReport() throws Exception {
        try (ScriptedSmtpServer mx = mx()) {
            TestSite site = new TestSite(tmp).param("relayhost", mx.nexthop()).write();
            Path root = site.maildir("root");
            String id;
            try (Master m = Master.start(site.config, Master.Options.defaults());
                 Transcript t = Transcript.connect(site.smtpdPort)) {
                t.expect("220 ");
                t.send("EHLO client.example.test").expect("250 ");
                t.send("MAIL FROM:<" + SENDER + "> RET=HDRS ENVID=env+2Bone").expect("250 2.1.0");
                t.send("RCPT TO:<bad@remote.example> NOTIFY=FAILURE ORCPT=rfc822;first+2Bbad@remote.example")
                        .expect("250 2.1.5");
                t.send("RCPT TO:<never@remote.example> NOTIFY=NEVER").expect("250 2.1.5");
                t.send("RCPT TO:<good@remote.example> NOTIFY=SUCCESS").expect("250 2.1.5");
                t.send("RCPT TO:<root@example.test> NOTIFY=SUCCESS,FAILURE").expect("250 2.1.5");
                t.send("RCPT TO:<quiet@remote.example>").expect("250 2.1.5");
                t.send("DATA").expect("354 ");
                t.send("Subject: asking for reports");
                t.send("");
                t.send("the body stays home");
                id = queueId(t.send(".").expect("250 2.0.0"));
                t.send("QUIT").expect("221 ");
                waitFor(() -> read(site.maillog).contains(id + ": removed"), "the message is done");
                waitFor(() -> Maildirs.messages(root).size() == 3, "the message, the notice and the report");
            }
            String log = read(site.maillog);
            assertTrue(log.contains(id + ": to=<never@remote.example>"), "NOTIFY=NEVER is still logged");
            assertTrue(log.matches("(?s).*" + id + ": sender non-delivery notification: [0-9A-F]+\n.*"), log);
            assertTrue(log.matches("(?s).*" + id + ": sender delivery status notification: [0-9A-F]+\n.*"), log);

            MimeMultipart failure = parts(Maildirs.bySubject(root, "Undelivered Mail Returned to Sender"));
            assertTrue(text(failure.getBodyPart(0)).contains("<bad@remote.example>"));
            assertFalse(text(failure.getBodyPart(0)).contains("never@"), "NOTIFY=NEVER: not reported");
            String status = text(failure.getBodyPart(1));
            assertTrue(status.startsWith("Original-Envelope-Id: env+one\n"), status);
            assertTrue(status.contains("Final-Recipient: rfc822; bad@remote.example\n"
                    + "Original-Recipient: rfc822; first+bad@remote.example\nAction: failed\nStatus: 5.1.1"), status);
            assertFalse(status.contains("never@"), status);
            assertTrue(failure.getBodyPart(2).isMimeType("text/rfc822-headers"), "RET=HDRS");
            assertTrue(text(failure.getBodyPart(2)).contains("Subject: asking for reports"));
            assertFalse(text(failure.getBodyPart(2)).contains("the body stays home"));

            MimeMessage report = Maildirs.bySubject(root, "Successful Mail Delivery Report");
            assertNotNull(report);
            assertEquals("<>", report.getHeader("Return-Path")[0]);
            MimeMultipart success = parts(report);
            String delivered = text(success.getBodyPart(1));
            assertTrue(delivered.contains("Final-Recipient: rfc822; good@remote.example\nAction: relayed\n"
                    + "Status: 2.0.0\nRemote-MTA: dns; 127.0.0.1"), delivered);
            assertTrue(delivered.contains("Final-Recipient: rfc822; root@example.test\nAction: delivered\n"
                    + "Status: 2.0.0"), delivered);
            assertFalse(delivered.contains("quiet@"), "no NOTIFY: no success report");
            assertTrue(success.getBodyPart(2).isMimeType("text/rfc822-headers"));
        }
    }

    @Test
    void aNextHopThatOffersDsnGetsTheRequestAndReportsSuccessItself() throws Exception {
        try (ScriptedSmtpServer mx = mx().ehlo("250-dsn.test\n250-PIPELINING\n250 DSN")) {
            TestSite site = new TestSite(tmp).param("relayhost", mx.nexthop()).write();
            String id;
            try (Master m = Master.start(site.config, Master.Options.defaults());
                 Transcript t = Transcript.connect(site.smtpdPort)) {
                t.expect("220 ");
                t.send("EHLO client.example.test").expect("250 ");
                t.send("MAIL FROM:<" + SENDER + "> RET=FULL ENVID=a+2Bb").expect("250 2.1.0");
                t.send("RCPT TO:<good@remote.example> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;x+3Dy@remote.example")
                        .expect("250 2.1.5");
                t.send("DATA").expect("354 ");
                t.send("Subject: passed on");
                t.send("");
                id = queueId(t.send(".").expect("250 2.0.0"));
                t.send("QUIT").expect("221 ");
                waitFor(() -> read(site.maillog).contains(id + ": removed"), "the message is done");
            }
            // in Postfix's order: ENVID before RET, ORCPT before NOTIFY
            assertTrue(mx.commands().contains("MAIL FROM:<" + SENDER + "> ENVID=a+2Bb RET=FULL"), mx.commands().toString());
            assertTrue(mx.commands().contains("RCPT TO:<good@remote.example> ORCPT=rfc822;x+3Dy@remote.example"
                    + " NOTIFY=SUCCESS,DELAY"), mx.commands().toString());
            assertFalse(read(site.maillog).contains("delivery status notification"), "the next hop reports success");
        }
    }

    @Test
    void delayWarningsOnlyForRecipientsThatAskedForThem() throws Exception {
        try (ScriptedSmtpServer mx = mx()) {
            TestSite site = new TestSite(tmp).param("relayhost", mx.nexthop()).param("delay_warning_time", "1s").write();
            Path root = site.maildir("root");
            try (Master m = Master.start(site.config, Master.Options.defaults());
                 Transcript t = Transcript.connect(site.smtpdPort)) {
                t.expect("220 ");
                t.send("EHLO client.example.test").expect("250 ");
                t.send("MAIL FROM:<" + SENDER + ">").expect("250 2.1.0");
                t.send("RCPT TO:<slow1@remote.example> NOTIFY=DELAY").expect("250 2.1.5");
                t.send("RCPT TO:<slow2@remote.example> NOTIFY=FAILURE").expect("250 2.1.5");
                t.send("DATA").expect("354 ");
                t.send("Subject: slow");
                t.send("");
                t.send(".").expect("250 2.0.0");
                t.send("QUIT").expect("221 ");
                waitFor(() -> Maildirs.bySubject(root, "Delayed Mail (still being retried)") != null, "the warning");
            }
            String status = text(parts(Maildirs.bySubject(root, "Delayed Mail (still being retried)")).getBodyPart(1));
            assertTrue(status.contains("Final-Recipient: rfc822; slow1@remote.example\nAction: delayed"), status);
            assertFalse(status.contains("slow2@"), "NOTIFY without DELAY: no delay warning");
        }
    }

    @Test
    void sendmailDashNRVApplyToLocallyPostedMail() throws Exception {
        try (ScriptedSmtpServer mx = mx()) {
            TestSite site = new TestSite(tmp).param("relayhost", mx.nexthop()).write();
            Path root = site.maildir("root");
            try (Master m = Master.start(site.config, Master.Options.defaults())) {
                assertEquals(0, sendmail(site, "Subject: posted\n\nwhole body\n", "-f", SENDER,
                        "-N", "failure,success", "-R", "full", "-V", "posted-1",
                        "bad@remote.example", "good@remote.example").code);
                waitFor(() -> Maildirs.messages(root).size() == 2, "the notice and the report");
                assertEquals(0, sendmail(site, "Subject: quiet\n\nx\n", "-f", SENDER, "-N", "never",
                        "never@remote.example").code);
                waitFor(() -> Pattern.compile(": to=<never@remote\\.example>.*status=bounced").matcher(read(site.maillog)).find(),
                        "the second message bounces");
                String never = matchOrNull(": to=<never@remote\\.example>", read(site.maillog));
                waitFor(() -> read(site.maillog).contains(never + ": removed"), "the second message is done");
            }
            String log = read(site.maillog);
            String never = matchOrNull(": to=<never@remote\\.example>", log);
            assertFalse(log.contains(never + ": sender non-delivery notification"), "-N never: " + log);
            assertEquals(2, Maildirs.messages(root).size());

            MimeMultipart failure = parts(Maildirs.bySubject(root, "Undelivered Mail Returned to Sender"));
            String status = text(failure.getBodyPart(1));
            assertTrue(status.startsWith("Original-Envelope-Id: posted-1\n"), status);
            assertTrue(status.contains("Final-Recipient: rfc822; bad@remote.example\nAction: failed"), status);
            assertTrue(failure.getBodyPart(2).isMimeType("message/rfc822"), "-R full");
            assertTrue(text(failure.getBodyPart(2)).contains("whole body"));

            MimeMultipart success = parts(Maildirs.bySubject(root, "Successful Mail Delivery Report"));
            assertTrue(text(success.getBodyPart(1)).contains("Final-Recipient: rfc822; good@remote.example\n"
                    + "Action: relayed\nStatus: 2.0.0"));
            assertTrue(success.getBodyPart(2).isMimeType("message/rfc822"), "-R full for the report too");
        }
    }

    @Test
    void sendmailIgnoresBadDsnValuesWithAWarningAsPostfixDoes() throws Exception {
        TestSite site = new TestSite(tmp).write();
        for (String[] bad : new String[][] {{"-N", "sometimes"}, {"-N", "never,failure"}, {"-N", "delay,delay"},
                {"-R", "most"}, {"-V", "has space"}, {"-V", "x".repeat(101)}}) {
            Result r = sendmail(site, "x\n", bad[0], bad[1], "root");
            assertEquals(0, r.code, String.join(" ", bad));
            String warning = bad[0].equals("-V") ? "sendmail: warning: bad syntax in -V option value -- ignored\n"
                    : "sendmail: warning: bad " + bad[0] + " option value -- ignored\n";
            assertTrue(r.err.startsWith(warning), r.err);
        }
        try (var files = Files.list(site.queue.resolve("maildrop"))) {
            for (Path f : files.toList()) {
                mta.queue.QueueFile.Envelope env = mta.queue.QueueFile.readEnvelope(f);
                assertEquals(null, env.attribute("dsn_ret"));
                assertEquals(null, env.attribute("dsn_envid"));
                assertTrue(env.recipients().stream().allMatch(rc -> rc.dsnNotify() == null), f.toString());
            }
        }
    }

    private record Result(int code, String err) {}

    private static Result sendmail(TestSite site, String stdin, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "-C";
        all[1] = site.config.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = CliAccess.sendmail(all, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(rc, err.toString(StandardCharsets.UTF_8));
    }

    /** The queue ID of the line matching {@code QID<suffix>}, or null. */
    private static String matchOrNull(String suffix, String log) {
        Matcher m = Pattern.compile("([0-9A-F]+)" + suffix).matcher(log);
        return m.find() ? m.group(1) : null;
    }

    private static String queueId(String reply) {
        Matcher m = Pattern.compile("queued as ([0-9A-Za-z]+)").matcher(reply);
        assertTrue(m.find(), reply);
        return m.group(1);
    }

    private static MimeMultipart parts(MimeMessage m) throws Exception {
        assertNotNull(m);
        MimeMultipart mp = (MimeMultipart) m.getContent();
        assertEquals(3, mp.getCount());
        assertTrue(mp.getBodyPart(1).isMimeType("message/delivery-status"));
        return mp;
    }

    /** A part's text with CRLF turned into LF, so that assertions can span lines. */
    private static String text(BodyPart p) throws Exception {
        try (InputStream in = p.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static void waitFor(BooleanSupplier c, String what) throws InterruptedException {
        long end = System.nanoTime() + 30_000_000_000L;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out waiting until " + what);
            Thread.sleep(10);
        }
    }
}
