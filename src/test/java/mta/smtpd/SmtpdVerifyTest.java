package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import mta.cleanup.Cleanup;
import mta.config.Config;
import mta.config.ConfigException;
import mta.queue.QueueName;
import mta.queue.Queues;
import mta.queue.VerifyClient;
import mta.queue.VerifyClient.Status;
import mta.testing.TestSite;
import mta.testing.Transcript;
import mta.util.MailLog;
import mta.util.SecretFiles;
import mta.verify.Verify;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SmtpdVerifyTest - reject_unverified_recipient and reject_unverified_sender as transcripts: the
 * reply of each verification status under each code, reason and tempfail action, the null sender,
 * warn_if_reject, mail to the probe sender, the poll loop, and a server without a verify service.
 *
 * <p>Each test runs one smtpd listener with the real verify service, whose results the test
 * records itself ({@link Verify#update}, as the queue manager would after a probe); the probes the
 * service sends wait in the test's queue, which no queue manager reads. Clients connect from
 * 127.0.0.2, outside mynetworks.
 */
class SmtpdVerifyTest {
    @TempDir
    Path tmp;

    private final Map<String, String> params = new LinkedHashMap<>();
    private MailLog mailLog;
    private Queues queues;
    private Verify verify;
    private SmtpdListener listener;

    @BeforeEach
    void setUp() throws IOException {
        queues = new Queues(tmp.resolve("spool"));
        queues.create();
        mailLog = MailLog.open(tmp.resolve("maillog"), "mx.example.test", "postfix");
        params.put("myhostname", "mx.example.test");
        params.put("mydestination", "$myhostname");
        params.put("relay_domains", "example.net");
        params.put("mynetworks", "127.0.0.1/32");
        params.put("queue_directory", tmp.resolve("spool").toString());
        params.put("data_directory", tmp.resolve("data").toString());
        params.put("smtpd_peername_lookup", "no");
        params.put("address_verify_poll_count", "1");
        params.put("smtpd_recipient_restrictions", "reject_unverified_recipient");
    }

    @AfterEach
    void tearDown() throws IOException {
        if (listener != null) listener.stop(1000);
        if (verify != null) verify.close();
        mailLog.close();
    }

    private int start(boolean withVerify, String... more) throws IOException {
        for (int i = 0; i < more.length; i += 2) params.put(more[i], more[i + 1]);
        Config c = Config.of(params);
        Cleanup cleanup = new Cleanup(c, queues, mailLog, r -> { });
        verify = withVerify ? new Verify(c, cleanup, mailLog) : null;
        int port = TestSite.freePort();
        listener = new SmtpdListener(c, "smtp", new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10,
                mailLog, cleanup, null, SecretFiles.DIRECT, null, verify);
        listener.start();
        return port;
    }

    private static String rcpt(int port, String from, String to) throws IOException {
        try (Transcript t = Transcript.connectFrom("127.0.0.2", port)) {
            t.expect("220 ");
            t.send("EHLO client.example").expect("250 ");
            String mail = t.send("MAIL FROM:<" + from + ">").reply();
            if (!mail.startsWith("250")) return mail;
            String reply = t.send("RCPT TO:<" + to + ">").reply();
            t.send("QUIT").expect("221 ");
            return reply;
        }
    }

    private String log() throws IOException {
        return Files.readString(tmp.resolve("maillog"));
    }

    @Test
    void eachStatusHasItsReply() throws Exception {
        int port = start(true, "unverified_recipient_reject_code", "550");
        verify.update("good@example.net", Status.OK, "250 2.1.5 Ok");
        verify.update("gone@example.net", Status.BOUNCE, "host mx[192.0.2.1] said: 550 5.1.1 no such user");
        verify.update("later@example.net", Status.DEFER, "connect to mx[192.0.2.1]:25: Connection refused");
        assertEquals("250 2.1.5 Ok", rcpt(port, "a@client.example", "good@example.net"));
        assertEquals("550 5.1.1 <gone@example.net>: Recipient address rejected: undeliverable address: "
                + "host mx[192.0.2.1] said: 550 5.1.1 no such user", rcpt(port, "a@client.example", "gone@example.net"));
        assertEquals("450 4.1.1 <later@example.net>: Recipient address rejected: unverified address: "
                + "connect to mx[192.0.2.1]:25: Connection refused", rcpt(port, "a@client.example", "later@example.net"));
        assertEquals("450 4.1.1 <new@example.net>: Recipient address rejected: unverified address: "
                + "Address verification in progress", rcpt(port, "a@client.example", "new@example.net"));
        assertEquals(1, queues.list(QueueName.INCOMING).size(), "one probe, for the unknown address");
        assertTrue(log().contains("NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 550 5.1.1 <gone@example.net>: "
                + "Recipient address rejected: undeliverable address: host mx[192.0.2.1] said: 550 5.1.1 no such user; "
                + "from=<a@client.example> to=<gone@example.net> proto=ESMTP helo=<client.example>"), log());
    }

    @Test
    void theDefaultRejectCodeIs450AndAReasonHidesTheDetails() throws Exception {
        int port = start(true, "unverified_recipient_reject_reason", "Recipient address lookup failed");
        verify.update("gone@example.net", Status.BOUNCE, "host mx[192.0.2.1] said: 550 5.1.1 no such user");
        assertEquals("450 4.1.1 <gone@example.net>: Recipient address rejected: unverified address: "
                + "Recipient address lookup failed", rcpt(port, "a@client.example", "gone@example.net"));
    }

    @Test
    void deferIfPermitLetsALaterRejectWinAndDeferDoesNot() throws Exception {
        String list = "reject_unverified_recipient, check_recipient_access inline:{ blocked@example.net=REJECT }";
        int port = start(true, "smtpd_recipient_restrictions", list);
        assertEquals("554 5.7.1 <blocked@example.net>: Recipient address rejected: Access denied",
                rcpt(port, "a@client.example", "blocked@example.net"));
        assertTrue(rcpt(port, "a@client.example", "other@example.net").startsWith("450 4.1.1 <other@example.net>: "));
        listener.stop(1000);
        verify.close();
        port = start(true, "unverified_recipient_tempfail_action", "defer");
        assertEquals("450 4.1.1 <blocked@example.net>: Recipient address rejected: unverified address: "
                + "Address verification in progress", rcpt(port, "a@client.example", "blocked@example.net"));
    }

    @Test
    void aBadTempfailActionIsAConfigurationError() {
        params.put("unverified_sender_tempfail_action", "later");
        try {
            start(true);
            throw new AssertionError("started");
        } catch (ConfigException e) {
            assertTrue(e.getMessage().contains("unverified_sender_tempfail_action"), e.getMessage());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theSenderSideUsesItsOwnCodesAndSkipsTheNullSender() throws Exception {
        int port = start(true, "smtpd_recipient_restrictions", "permit_auth_destination, reject",
                "smtpd_sender_restrictions", "reject_unverified_sender", "unverified_sender_reject_code", "550");
        verify.update("forged@sender.example", Status.BOUNCE, "host mx[192.0.2.1] said: 550 5.1.1 no such user");
        assertEquals("550 5.1.7 <forged@sender.example>: Sender address rejected: undeliverable address: "
                + "host mx[192.0.2.1] said: 550 5.1.1 no such user", rcpt(port, "forged@sender.example", "x@example.net"));
        assertEquals("450 4.1.7 <new@sender.example>: Sender address rejected: unverified address: "
                + "Address verification in progress", rcpt(port, "new@sender.example", "x@example.net"));
        assertEquals("250 2.1.5 Ok", rcpt(port, "", "x@example.net"));
    }

    @Test
    void warnIfRejectOnlyLogs() throws Exception {
        int port = start(true, "smtpd_recipient_restrictions", "warn_if_reject reject_unverified_recipient");
        assertEquals("250 2.1.5 Ok", rcpt(port, "a@client.example", "new@example.net"));
        assertTrue(log().contains("NOQUEUE: reject_warning: RCPT from unknown[127.0.0.2]: 450 4.1.1 <new@example.net>: "
                + "Recipient address rejected: unverified address: Address verification in progress;"), log());
        assertEquals(1, queues.list(QueueName.INCOMING).size(), "the probe is sent all the same");
    }

    @Test
    void a2xxCodeAcceptsTheAddress() throws Exception {
        int port = start(true, "unverified_recipient_defer_code", "250");
        assertEquals("250 2.1.5 Ok", rcpt(port, "a@client.example", "new@example.net"));
    }

    @Test
    void mailToTheProbeSenderPassesTheRecipientChecks() throws Exception {
        int port = start(true, "smtpd_recipient_restrictions", "reject_unverified_recipient, reject");
        assertEquals("250 2.1.5 Ok", rcpt(port, "probe@other.example", "double-bounce@mx.example.test"));
        assertEquals("554 5.7.1 <someone@mx.example.test>: Recipient address rejected: Access denied",
                rcpt(port, "a@client.example", "someone@mx.example.test"));
        assertEquals(1, queues.list(QueueName.INCOMING).size(), "a probe for someone, none for the probe sender");
    }

    @Test
    void withoutAVerifyServiceTheAnswerIsAVerificationProblem() throws Exception {
        int port = start(false);
        assertEquals("450 4.1.1 <new@example.net>: Recipient address rejected: address verification problem",
                rcpt(port, "a@client.example", "new@example.net"));
        assertTrue(log().contains("warning: verify service failure"), log());
    }

    @Test
    void theServerWaitsForAProbeInProgressAndAnswersAsSoonAsItIsIn() throws Exception {
        int port = start(true, "address_verify_poll_count", "3", "address_verify_poll_delay", "600s");
        AtomicReference<String> reply = new AtomicReference<>();
        Thread client = Thread.ofVirtual().start(() -> {
            try {
                reply.set(rcpt(port, "a@client.example", "new@example.net"));
            } catch (IOException e) {
                reply.set(e.toString());
            }
        });
        SmtpdTestSupport.waitFor(() -> {
            try {
                return !queues.list(QueueName.INCOMING).isEmpty();
            } catch (IOException e) {
                return false;
            }
        }, "the probe is queued");
        verify.update("new@example.net", Status.OK, "250 2.1.5 Ok");
        client.join(Duration.ofSeconds(60));
        assertFalse(client.isAlive(), "answered long before the 600 s poll delay");
        assertEquals("250 2.1.5 Ok", reply.get());
        assertEquals(VerifyClient.Status.OK, verify.query("new@example.net").status());
    }
}
