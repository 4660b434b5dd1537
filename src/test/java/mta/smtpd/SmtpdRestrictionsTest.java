package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import mta.config.ConfigException;
import mta.dns.DnsjavaResolver;
import mta.dns.TestDnsServer;
import mta.master.Master;
import mta.queue.QueueName;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SmtpdRestrictionsTest - transcripts for the access restriction lists, words and table results.
 *
 * <p>Each test starts its own system with the restrictions it needs; its resolver asks a
 * {@link TestDnsServer} on 127.0.0.1, so DNS answers (sender domains, blocklists, reverse names)
 * are the test's own. Clients connect from 127.0.0.2, outside mynetworks, unless said otherwise.
 */
class SmtpdRestrictionsTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final String OUTSIDE = "127.0.0.2";

    @TempDir
    Path tmp;
    TestDnsServer dns;
    TestSite site;
    Master m;

    @BeforeEach
    void dns() throws IOException {
        dns = TestDnsServer.start();
        dns.a("good.example", "192.0.2.10").mx("mxonly.example", 10, "mail.good.example");
    }

    @AfterEach
    void stop() {
        if (m != null) m.close();
        dns.close();
    }

    /** Starts a system with these main.cf settings (name, value, name, value...). */
    private void start(String... params) throws IOException {
        site = new TestSite(tmp);
        for (int i = 0; i < params.length; i += 2) site.param(params[i], params[i + 1]);
        site.write();
        m = Master.start(site.config, new Master.Options(
                new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(2)), 25));
    }

    private Transcript client(String from, String helo) throws IOException {
        Transcript t = Transcript.connectFrom(from, site.smtpdPort);
        t.expect("220 ");
        t.send("EHLO " + helo).expect("250");
        return t;
    }

    private String log() throws IOException {
        return Files.exists(site.maillog) ? Files.readString(site.maillog, StandardCharsets.ISO_8859_1) : "";
    }

    private void awaitLog(String text) throws Exception {
        waitFor(() -> {
            try {
                return log().contains(text);
            } catch (IOException e) {
                return false;
            }
        }, "the log shows " + text);
    }

    private static void waitFor(BooleanSupplier cond, String what) throws InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) fail("timed out waiting until " + what);
            Thread.sleep(20);
        }
    }

    // ------------------------------------------------------------------ relay defaults

    @Test
    void postfixDefaultRelayRestrictionsDeferOutsiders() throws Exception {
        start("smtpd_relay_restrictions", "permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination");
        try (Transcript t = client(OUTSIDE, "outside.example")) {
            t.send("MAIL FROM:<s@outside.example>").expect("250 2.1.0");
            t.send("RCPT TO:<x@remote.example>").expect("454 4.7.1 <x@remote.example>: Relay access denied");
            t.send("RCPT TO:<root@example.test>").expect("250 2.1.5 Ok");
        }
        awaitLog("NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 454 4.7.1 <x@remote.example>: Relay access denied;"
                + " from=<s@outside.example> to=<x@remote.example> proto=ESMTP helo=<outside.example>");
    }

    @Test
    void listsWithoutRelayControlAreAFatalError() throws IOException {
        site = new TestSite(tmp);
        ConfigException e = assertThrows(ConfigException.class, () -> {
            site.param("smtpd_relay_restrictions", "permit_mynetworks").write();
            m = Master.start(site.config, Master.Options.defaults());
        });
        assertTrue(e.getMessage().contains("reject_unauth_destination"), e.getMessage());
    }

    @Test
    void unknownWordIsAFatalErrorNamingTheParameter() throws IOException {
        site = new TestSite(tmp);
        ConfigException e = assertThrows(ConfigException.class, () -> {
            site.param("smtpd_client_restrictions", "permit_mynetworks, reject_bogus_word").write();
            m = Master.start(site.config, Master.Options.defaults());
        });
        assertTrue(e.getMessage().contains("unknown smtpd restriction: \"reject_bogus_word\" in parameter"
                + " smtpd_client_restrictions"), e.getMessage());
    }

    // ------------------------------------------------------------------ delay_reject

    @Test
    void delayedClientRejectionIsReportedAtRcpt() throws Exception {
        start("smtpd_client_restrictions", "permit_mynetworks, reject");
        try (Transcript t = client(OUTSIDE, "outside.example")) {
            t.send("MAIL FROM:<s@outside.example>").expect("250 2.1.0");
            t.send("RCPT TO:<root@example.test>").expect("554 5.7.1 <unknown[127.0.0.2]>: Client host rejected: Access denied");
        }
        try (Transcript t = client("127.0.0.1", "inside.example")) {
            t.send("MAIL FROM:<s@inside.example>").expect("250 2.1.0");
            t.send("RCPT TO:<root@example.test>").expect("250 2.1.5");
        }
    }

    @Test
    void withoutDelayTheClientIsRefusedAtConnect() throws Exception {
        start("smtpd_delay_reject", "no",
                "smtpd_client_restrictions", "check_client_access inline:{ { 127.0.0.2 = REJECT go away } }");
        try (Transcript t = Transcript.connectFrom(OUTSIDE, site.smtpdPort)) {
            t.expect("554 5.7.1 <unknown[127.0.0.2]>: Client host rejected: go away");
            t.send("HELO outside.example").expect("503 5.7.0 Error: access denied for unknown[127.0.0.2]");
            t.send("MAIL FROM:<s@outside.example>").expect("503 5.7.0 Error: access denied for unknown[127.0.0.2]");
            t.send("QUIT").expect("221 ");
        }
        awaitLog("NOQUEUE: reject: CONNECT from unknown[127.0.0.2]: 554 5.7.1 <unknown[127.0.0.2]>: Client host"
                + " rejected: go away; proto=SMTP");
    }

    @Test
    void withoutDelayHeloAndSenderAreRefusedAtTheirCommands() throws Exception {
        start("smtpd_delay_reject", "no",
                "smtpd_helo_restrictions", "reject_invalid_helo_hostname, reject_non_fqdn_helo_hostname,"
                        + " check_helo_access inline:{bad.example=REJECT}",
                "smtpd_sender_restrictions", "reject_non_fqdn_sender");
        try (Transcript t = Transcript.connectFrom(OUTSIDE, site.smtpdPort)) {
            t.expect("220 ");
            t.send("HELO foo").expect("504 5.5.2 <foo>: Helo command rejected: need fully-qualified hostname");
            t.send("EHLO a..b").expect("501 5.5.2 <a..b>: Helo command rejected: Invalid name");
            t.send("HELO www.bad.example").expect("554 5.7.1 <www.bad.example>: Helo command rejected: Access denied");
            t.send("HELO [192.0.2.1]").expect("250 ");
            t.send("HELO good.example").expect("250 ");
            t.send("MAIL FROM:<joe>").expect("504 5.5.2 <joe>: Sender address rejected: need fully-qualified address");
            t.send("MAIL FROM:<joe@good.example>").expect("250 2.1.0");
        }
        awaitLog("NOQUEUE: reject: HELO from unknown[127.0.0.2]: 504 5.5.2 <foo>: Helo command rejected: need"
                + " fully-qualified hostname; proto=SMTP helo=<foo>");
    }

    // ------------------------------------------------------------------ words

    @Test
    void heloRequired() throws Exception {
        start("smtpd_helo_required", "yes");
        try (Transcript t = Transcript.connectFrom(OUTSIDE, site.smtpdPort)) {
            t.expect("220 ");
            t.send("MAIL FROM:<a@good.example>").expect("503 5.5.1 Error: send HELO/EHLO first");
        }
    }

    @Test
    void heloNotRequiredByDefault() throws Exception {
        start();
        try (Transcript t = Transcript.connectFrom(OUTSIDE, site.smtpdPort)) {
            t.expect("220 ");
            t.send("MAIL FROM:<a@good.example>").expect("250 2.1.0");
            t.send("RCPT TO:<root@example.test>").expect("250 2.1.5");
        }
    }

    @Test
    void senderWordsAtRcpt() throws Exception {
        start("smtpd_sender_restrictions", "reject_non_fqdn_sender, reject_unknown_sender_domain");
        try (Transcript t = client(OUTSIDE, "outside.example")) {
            t.send("MAIL FROM:<joe>").expect("250");
            t.send("RCPT TO:<root@example.test>").expect("504 5.5.2 <joe>: Sender address rejected: need fully-qualified address");
            t.send("RSET").expect("250");
            t.send("MAIL FROM:<joe@nx.example>").expect("250");
            t.send("RCPT TO:<root@example.test>").expect("450 4.1.8 <joe@nx.example>: Sender address rejected: Domain not found");
            t.send("RSET").expect("250");
            t.send("MAIL FROM:<joe@good.example>").expect("250");
            t.send("RCPT TO:<root@example.test>").expect("250 2.1.5");
            t.send("RSET").expect("250");
            t.send("MAIL FROM:<joe@mxonly.example>").expect("250");
            t.send("RCPT TO:<root@example.test>").expect("250 2.1.5");
            t.send("RSET").expect("250");
            t.send("MAIL FROM:<>").expect("250");
            t.send("RCPT TO:<root@example.test>").expect("250 2.1.5");
        }
    }

    @Test
    void accessTableResults() throws Exception {
        start("smtpd_sender_restrictions", "check_sender_access inline:{ ok.example=OK, dunno.example=DUNNO,"
                        + " { defer.example = DEFER try later }, { five.example = 550 go away },"
                        + " { dsn.example = REJECT 5.7.2 not you }, { four.example = 421 4.7.0 busy },"
                        + " reject.example=REJECT, { <> = REJECT no bounces } }, reject_non_fqdn_sender",
                "smtpd_recipient_restrictions", "check_recipient_access inline:{ { blocked@example.test = REJECT } }");
        try (Transcript t = client(OUTSIDE, "outside.example")) {
            String[][] cases = {
                    {"a@defer.example", "450 4.7.1 <a@defer.example>: Sender address rejected: try later"},
                    {"a@five.example", "550 5.7.1 <a@five.example>: Sender address rejected: go away"},
                    {"a@dsn.example", "554 5.7.2 <a@dsn.example>: Sender address rejected: not you"},
                    {"a@four.example", "421 4.7.0 <a@four.example>: Sender address rejected: busy"},
                    {"a@sub.reject.example", "554 5.7.1 <a@sub.reject.example>: Sender address rejected: Access denied"},
                    {"", "554 5.7.1 <>: Sender address rejected: no bounces"},
                    {"a@ok.example", "250 2.1.5"},
                    {"a@dunno.example", "250 2.1.5"}};
            for (String[] c : cases) {
                t.send("MAIL FROM:<" + c[0] + ">").expect("250");
                t.send("RCPT TO:<root@example.test>").expect(c[1]);
                t.send("RSET").expect("250");
            }
            t.send("MAIL FROM:<a@ok.example>").expect("250");
            t.send("RCPT TO:<blocked@example.test>").expect("554 5.7.1 <blocked@example.test>: Recipient address rejected: Access denied");
        }
    }

    @Test
    void recipientWordsAndTheLocalRecipientTable() throws Exception {
        start("smtpd_recipient_restrictions", "reject_non_fqdn_recipient, reject_unlisted_recipient");
        try (Transcript t = client(OUTSIDE, "outside.example")) {
            t.send("MAIL FROM:<a@good.example>").expect("250");
            t.send("RCPT TO:<root>").expect("504 5.5.2 <root>: Recipient address rejected: need fully-qualified address");
            t.send("RCPT TO:<nosuchuser@example.test>").expect(
                    "550 5.1.1 <nosuchuser@example.test>: Recipient address rejected: User unknown in local recipient table");
            t.send("RCPT TO:<root@example.test>").expect("250 2.1.5");   // /etc/passwd
            t.send("RCPT TO:<alice@example.test>").expect("250 2.1.5");  // aliases
        }
    }

    @Test
    void unknownLocalRecipientsAreRefusedEvenFromMynetworks() throws Exception {
        start();
        try (Transcript t = client("127.0.0.1", "inside.example")) {
            t.send("MAIL FROM:<a@good.example>").expect("250");
            t.send("RCPT TO:<nosuchuser@example.test>").expect("550 5.1.1 <nosuchuser@example.test>: Recipient address rejected:");
        }
    }

    @Test
    void emptyLocalRecipientMapsTurnsTheCheckOff() throws Exception {
        start("local_recipient_maps", "");
        try (Transcript t = client(OUTSIDE, "outside.example")) {
            t.send("MAIL FROM:<a@good.example>").expect("250");
            t.send("RCPT TO:<nosuchuser@example.test>").expect("250 2.1.5");
        }
    }

    @Test
    void warnIfRejectOnlyLogs() throws Exception {
        start("smtpd_sender_restrictions", "warn_if_reject reject_non_fqdn_sender, reject_unknown_sender_domain");
        try (Transcript t = client(OUTSIDE, "outside.example")) {
            t.send("MAIL FROM:<joe>").expect("250");
            t.send("RCPT TO:<root@example.test>").expect("250 2.1.5");
        }
        awaitLog(": reject_warning: RCPT from unknown[127.0.0.2]: 504 5.5.2 <joe>: Sender address rejected: need"
                + " fully-qualified address; from=<joe> to=<root@example.test> proto=ESMTP helo=<outside.example>");
    }

    @Test
    void postmasterIsAlwaysAccepted() throws Exception {
        start("smtpd_client_restrictions", "reject", "smtpd_recipient_restrictions", "reject");
        try (Transcript t = client(OUTSIDE, "outside.example")) {
            t.send("MAIL FROM:<a@good.example>").expect("250");
            t.send("RCPT TO:<PostMaster>").expect("250 2.1.5");
            t.send("RCPT TO:<postmaster@EXAMPLE.test>").expect("250 2.1.5");
            t.send("RCPT TO:<root@example.test>").expect("554 5.7.1 <unknown[127.0.0.2]>: Client host rejected");
            t.send("RCPT TO:<postmaster@remote.example>").expect("554 5.7.1");
        }
    }

    @Test
    void dataAndEndOfDataRestrictions() throws Exception {
        start("smtpd_data_restrictions", "check_client_access inline:{127.0.0.2=REJECT}",
                "smtpd_end_of_data_restrictions", "check_client_access inline:{127.0.0.1=REJECT}");
        try (Transcript t = client(OUTSIDE, "outside.example")) {
            t.send("MAIL FROM:<a@good.example>").expect("250");
            t.send("RCPT TO:<root@example.test>").expect("250");
            t.send("DATA").expect("554 5.7.1 <unknown[127.0.0.2]>: Client host rejected: Access denied");
        }
        try (Transcript t = client("127.0.0.1", "inside.example")) {
            t.send("MAIL FROM:<a@good.example>").expect("250");
            t.send("RCPT TO:<root@example.test>").expect("250");
            t.send("DATA").expect("354");
            t.send("Subject: x");
            t.send("");
            t.send("refused-at-end");
            t.send(".").expect("554 5.7.1 <unknown[127.0.0.1]>: Client host rejected: Access denied");
            t.send("QUIT").expect("221");
        }
        assertTrue(m.queues().list(QueueName.INCOMING).isEmpty());
        awaitLog(": reject: END-OF-MESSAGE from unknown[127.0.0.1]: 554 5.7.1");
    }

    @Test
    void plainRejectInDataRestrictions() throws Exception {
        start("smtpd_data_restrictions", "reject");
        try (Transcript t = client(OUTSIDE, "outside.example")) {
            t.send("MAIL FROM:<a@good.example>").expect("250");
            t.send("RCPT TO:<root@example.test>").expect("250");
            t.send("DATA").expect("554 5.7.1 <DATA>: Data command rejected: Access denied");
        }
    }

    // ------------------------------------------------------------------ DNS

    @Test
    void dnsBlocklists() throws Exception {
        dns.a("2.0.0.127.rbl.test", "127.0.0.2").a("spam.example.rhsbl.test", "127.0.0.2");
        start("smtpd_client_restrictions", "reject_rbl_client other.test=127.0.0.3, reject_rbl_client rbl.test",
                "smtpd_sender_restrictions", "reject_rhsbl_sender rhsbl.test");
        try (Transcript t = client(OUTSIDE, "outside.example")) {
            t.send("MAIL FROM:<a@good.example>").expect("250");
            t.send("RCPT TO:<root@example.test>").expect(
                    "554 5.7.1 Service unavailable; Client host [127.0.0.2] blocked using rbl.test");
        }
        try (Transcript t = client("127.0.0.1", "inside.example")) {
            t.send("MAIL FROM:<a@spam.example>").expect("250");
            t.send("RCPT TO:<root@example.test>").expect(
                    "554 5.7.1 Service unavailable; Sender address [a@spam.example] blocked using rhsbl.test");
            t.send("RSET").expect("250");
            t.send("MAIL FROM:<a@good.example>").expect("250");
            t.send("RCPT TO:<root@example.test>").expect("250");
        }
        assertTrue(dns.questions().contains("2.0.0.127.other.test. A"), dns.questions().toString());
    }

    @Test
    void dnsblAddressFilter() throws Exception {
        dns.a("2.0.0.127.rbl.test", "127.0.0.2");
        start("smtpd_client_restrictions", "reject_rbl_client rbl.test=127.0.0.4");
        try (Transcript t = client(OUTSIDE, "outside.example")) {
            t.send("MAIL FROM:<a@good.example>").expect("250");
            t.send("RCPT TO:<root@example.test>").expect("250");
        }
    }

    @Test
    void reverseDnsIsForwardConfirmed() throws Exception {
        dns.ptr("127.0.0.2", "client.example").a("client.example", "127.0.0.2");
        dns.ptr("127.0.0.3", "liar.example").a("liar.example", "192.0.2.99");
        start("smtpd_peername_lookup", "yes", "smtpd_client_restrictions", "reject_unknown_client_hostname");
        try (Transcript t = client("127.0.0.3", "liar.example")) {
            t.send("MAIL FROM:<a@good.example>").expect("250");
            t.send("RCPT TO:<root@example.test>").expect("450 4.7.25 Client host rejected: cannot find your hostname, [127.0.0.3]");
        }
        awaitLog("connect from unknown[127.0.0.3]");
        try (Transcript t = client(OUTSIDE, "helo.example")) {
            t.send("MAIL FROM:<a@good.example>").expect("250");
            t.send("RCPT TO:<root@example.test>").expect("250");
            t.send("DATA").expect("354");
            t.send("Subject: rdns");
            t.send("");
            t.send("hello");
            t.send(".").expect("250 2.0.0 Ok: queued as");
        }
        awaitLog("connect from client.example[127.0.0.2]");
        Path newDir = site.maildir("root").resolve("new");
        waitFor(() -> Files.isDirectory(newDir) && count(newDir) == 1, "the message reaches root");
        String text;
        try (Stream<Path> s = Files.list(newDir)) {
            text = Files.readString(s.findFirst().orElseThrow());
        }
        assertTrue(text.contains("Received: from helo.example (client.example [127.0.0.2])\n\tby mx.example.test (Postfix)"
                + " with ESMTP id "), text);
        assertTrue(text.contains("\tfor <root@example.test>; "), text);
    }

    private static long count(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        } catch (IOException e) {
            return 0;
        }
    }
}
