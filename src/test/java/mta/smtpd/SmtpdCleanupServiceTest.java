package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import mta.master.Master;
import mta.queue.QueueFile;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SmtpdCleanupServiceTest - what an smtpd service chooses for its mail with {@code -o}: a second
 * cleanup service ({@code cleanup_service_name}, with its own {@code -o header_checks=}, as real
 * submission setups strip headers), and {@code receive_override_options} on a re-injection
 * service (no header/body checks, no unknown-recipient checks, no address mappings and so no
 * automatic BCC). Also sender_bcc_maps and recipient_bcc_maps, whose copies carry NOTIFY=NEVER.
 * The messages are read back from the queue, where relayed mail rests.
 */
class SmtpdCleanupServiceTest {
    @TempDir
    static Path tmp;
    static TestSite site;
    static Master m;
    static SmtpdTestSupport sup;
    static int submissionPort;
    static int reinjectPort;

    @BeforeAll
    static void start() throws Exception {
        submissionPort = TestSite.freePort();
        reinjectPort = TestSite.freePort();
        Path etc = Files.createDirectories(tmp.resolve("tables"));
        Files.writeString(etc.resolve("header_checks"), "/^Subject: reject me/ REJECT no thanks\n");
        Files.writeString(etc.resolve("sender_header_filter"), "/^X-Secret:/ IGNORE\n/^User-Agent:/ IGNORE\n");
        Files.writeString(etc.resolve("canonical"), "dave@remote.example erin@remote.example\n");
        Files.writeString(etc.resolve("recipient_bcc"), "bob@remote.example archive@remote.example\n");
        Files.writeString(etc.resolve("sender_bcc"), "alice@client.example sent@remote.example\n");
        site = new TestSite(tmp).relayedMailWaits()
                .param("header_checks", "regexp:" + etc.resolve("header_checks"))
                .param("canonical_maps", "texthash:" + etc.resolve("canonical"))
                .param("recipient_bcc_maps", "texthash:" + etc.resolve("recipient_bcc"))
                .param("sender_bcc_maps", "texthash:" + etc.resolve("sender_bcc"))
                .masterCf(String.join("\n",
                        "SMTPD inet n - n - - smtpd",
                        "127.0.0.1:" + submissionPort + " inet n - n - - smtpd",
                        "  -o syslog_name=postfix/submission",
                        "  -o cleanup_service_name=sender-cleanup",
                        "127.0.0.1:" + reinjectPort + " inet n - n - - smtpd",
                        "  -o syslog_name=postfix/reinject",
                        "  -o receive_override_options=no_header_body_checks,no_unknown_recipient_checks,no_address_mappings",
                        "sender-cleanup unix n - n - 0 cleanup",
                        "  -o syslog_name=postfix/sender-cleanup",
                        "  -o header_checks=regexp:" + etc.resolve("sender_header_filter"),
                        "cleanup unix n - n - 0 cleanup",
                        "pickup unix n - n 60 1 pickup", "qmgr unix n - n 300 1 qmgr",
                        "smtp unix - - n - - smtp", "relay unix - - n - - smtp", "local unix - n n - - local", ""))
                .write();
        m = Master.start(site.config, Master.Options.defaults());
        sup = new SmtpdTestSupport(site, m);
    }

    @AfterAll
    static void stop() {
        if (m != null) m.close();
    }

    /** Sends one message; returns the final reply. */
    private static String send(int port, String subject, String... rcpts) throws Exception {
        try (Transcript t = Transcript.connect(port)) {
            t.expect("220 ");
            t.send("EHLO client.example").expect("250 ");
            t.send("MAIL FROM:<alice@client.example>").expect("250 ");
            for (String r : rcpts) t.send("RCPT TO:<" + r + ">").expect("250 ");
            t.send("DATA").expect("354 ");
            t.send("Subject: " + subject);
            t.send("X-Secret: 42");
            t.send("");
            t.send("body");
            return t.send(".").reply();
        }
    }

    private static Map<String, String> recipients(SmtpdTestSupport.Queued q) {
        Map<String, String> out = new TreeMap<>();
        for (QueueFile.Recipient r : q.envelope().recipients()) out.put(r.address(), String.valueOf(r.dsnNotify()));
        return out;
    }

    @Test
    void aSecondCleanupServiceWithItsOwnHeaderChecks() throws Exception {
        SmtpdTestSupport.Queued main = sup.awaitDeferred(SmtpdTestSupport.queuedId(send(site.smtpdPort, "main",
                "carol@remote.example")));
        assertTrue(main.lines().contains("X-Secret: 42"), "the main cleanup keeps it: " + main.lines());
        SmtpdTestSupport.Queued sub = sup.awaitDeferred(SmtpdTestSupport.queuedId(send(submissionPort, "submitted",
                "carol@remote.example")));
        assertFalse(sub.lines().contains("X-Secret: 42"), "sender-cleanup's header_checks removed it: " + sub.lines());
        assertTrue(sub.lines().contains("Subject: submitted"));
        sup.awaitLog("postfix/sender-cleanup/cleanup[");
        // The second cleanup's header_checks replace main.cf's: its REJECT rule does not apply there.
        assertTrue(send(submissionPort, "reject me", "carol@remote.example").startsWith("250 "));
        assertTrue(send(site.smtpdPort, "reject me", "carol@remote.example").startsWith("550 5.7.1 no thanks"));
    }

    @Test
    void automaticBccRecipientsGetNotifyNeverAndCanonicalMapsApply() throws Exception {
        SmtpdTestSupport.Queued q = sup.awaitDeferred(SmtpdTestSupport.queuedId(send(site.smtpdPort, "bcc",
                "bob@remote.example", "dave@remote.example")));
        assertEquals(Map.of("bob@remote.example", "null", "erin@remote.example", "null",
                "archive@remote.example", "NEVER", "sent@remote.example", "NEVER"), recipients(q));
    }

    @Test
    void receiveOverrideOptionsOnAReinjectionService() throws Exception {
        // no_header_body_checks: main.cf's REJECT rule is not applied.
        assertTrue(send(reinjectPort, "reject me", "carol@remote.example").startsWith("250 "));
        // no_address_mappings: no canonical mapping, no automatic BCC.
        SmtpdTestSupport.Queued q = sup.awaitDeferred(SmtpdTestSupport.queuedId(send(reinjectPort, "plain",
                "bob@remote.example", "dave@remote.example")));
        assertEquals(List.of("bob@remote.example", "dave@remote.example"),
                recipients(q).keySet().stream().toList());
        // no_unknown_recipient_checks: an unknown local user is accepted here, refused on the main service.
        try (Transcript t = Transcript.connect(reinjectPort)) {
            t.expect("220 ");
            t.send("EHLO client.example").expect("250 ");
            t.send("MAIL FROM:<alice@client.example>").expect("250 ");
            t.send("RCPT TO:<nosuchuser@example.test>").expect("250 2.1.5 Ok");
        }
        try (Transcript t = Transcript.connect(site.smtpdPort)) {
            t.expect("220 ");
            t.send("EHLO client.example").expect("250 ");
            t.send("MAIL FROM:<alice@client.example>").expect("250 ");
            t.send("RCPT TO:<nosuchuser@example.test>").expect("550 5.1.1 <nosuchuser@example.test>: Recipient address"
                    + " rejected: User unknown in local recipient table");
        }
    }
}
