package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import mta.dns.DnsjavaResolver;
import mta.dns.TestDnsServer;
import mta.master.Master;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SmtpdRestrictionWordsIT - the restriction words of real configurations, end to end: a started
 * system, clients on real sockets, replies and mail log lines as Postfix gives them.
 *
 * <p>One system for the class, with reject_unknown_helo_hostname, a bare table and
 * reject_unlisted_sender, a restriction class chosen by an access table, check_sender_mx_access,
 * reject_unknown_recipient_domain, relay_recipient_maps and reject_unauth_pipelining. DNS is a
 * {@link TestDnsServer}; clients connect from 127.0.0.2, outside mynetworks.
 */
class SmtpdRestrictionWordsIT {
    private static final String OUTSIDE = "127.0.0.2";

    @TempDir
    static Path tmp;
    static TestDnsServer dns;
    static TestSite site;
    static Master m;
    static SmtpdTestSupport sup;

    @BeforeAll
    static void start() throws IOException {
        dns = TestDnsServer.start();
        dns.a("good.example", "192.0.2.10").a("relay.example", "192.0.2.20")
                .mx("spammy.example", 10, "mx.bad.example").a("mx.bad.example", "192.0.2.66");
        site = new TestSite(tmp);
        site.aliases("postmaster: root\nalice: root\npartner: root\n")
                .param("relay_domains", "relay.example, ghost.example")
                .param("relay_recipient_maps", "inline:{known@relay.example=ok, @ghost.example=ok}")
                .param("smtpd_restriction_classes", "from_partners")
                .param("from_partners", "check_sender_mx_access inline:{ {bad.example = REJECT bad mail exchanger} }")
                .param("smtpd_helo_restrictions", "reject_unknown_helo_hostname")
                .param("smtpd_sender_restrictions", "inline:{ {spam@bad.example = REJECT no spam} }, reject_unlisted_sender")
                .param("smtpd_recipient_restrictions", "check_recipient_access inline:{partner@example.test=from_partners},"
                        + " reject_unknown_recipient_domain")
                .param("smtpd_data_restrictions", "reject_unauth_pipelining")
                .write();
        m = Master.start(site.config, new Master.Options(
                new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(2)), 25));
        sup = new SmtpdTestSupport(site, m);
    }

    @AfterAll
    static void stop() {
        if (m != null) m.close();
        if (dns != null) dns.close();
    }

    private static Transcript ehlo(String helo) throws IOException {
        Transcript t = Transcript.connectFrom(OUTSIDE, site.smtpdPort);
        t.expect("220 ");
        t.send("EHLO " + helo).expect("250 ");
        return t;
    }

    @Test
    void unknownRecipientDomainAndRelayRecipients() throws Exception {
        try (Transcript t = ehlo("good.example")) {
            t.send("MAIL FROM:<a@good.example>").expect("250 ");
            t.send("RCPT TO:<x@ghost.example>").expect("450 4.1.2 <x@ghost.example>: Recipient address rejected:"
                    + " Domain not found");
            t.send("RCPT TO:<unknown@relay.example>").expect("550 5.1.1 <unknown@relay.example>: Recipient address"
                    + " rejected: User unknown in relay recipient table");
            t.send("RCPT TO:<known@relay.example>").expect("250 ");
            t.send("QUIT").expect("221 ");
        }
        sup.awaitLog("NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 450 4.1.2 <x@ghost.example>: Recipient address"
                + " rejected: Domain not found; from=<a@good.example> to=<x@ghost.example> proto=ESMTP helo=<good.example>");
        sup.awaitLog("NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 550 5.1.1 <unknown@relay.example>: Recipient"
                + " address rejected: User unknown in relay recipient table; from=<a@good.example>"
                + " to=<unknown@relay.example> proto=ESMTP helo=<good.example>");
    }

    @Test
    void unknownHeloHostname() throws Exception {
        try (Transcript t = ehlo("nohost.example")) {
            t.send("MAIL FROM:<a@good.example>").expect("250 ");
            t.send("RCPT TO:<alice@example.test>").expect("450 4.7.1 <nohost.example>: Helo command rejected: Host not found");
        }
    }

    @Test
    void bareTableAndUnlistedSender() throws Exception {
        try (Transcript t = ehlo("good.example")) {
            t.send("MAIL FROM:<spam@bad.example>").expect("250 ");
            t.send("RCPT TO:<alice@example.test>").expect("554 5.7.1 <spam@bad.example>: Sender address rejected: no spam");
            t.send("RSET").expect("250 ");
            t.send("MAIL FROM:<nobody-here@example.test>").expect("250 ");
            t.send("RCPT TO:<alice@example.test>").expect("550 5.1.0 <nobody-here@example.test>: Sender address"
                    + " rejected: User unknown in local recipient table");
            t.send("RSET").expect("250 ");
            t.send("MAIL FROM:<alice@example.test>").expect("250 ");
            t.send("RCPT TO:<alice@example.test>").expect("250 ");
        }
    }

    @Test
    void restrictionClassFromAnAccessTableWithMxAccess() throws Exception {
        try (Transcript t = ehlo("good.example")) {
            t.send("MAIL FROM:<a@spammy.example>").expect("250 ");
            t.send("RCPT TO:<partner@example.test>").expect("554 5.7.1 <a@spammy.example>: Sender address rejected:"
                    + " bad mail exchanger");
            t.send("RCPT TO:<alice@example.test>").expect("250 ");
        }
    }

    @Test
    void unauthPipeliningRefusesData() throws Exception {
        try (Transcript t = Transcript.connectFrom(OUTSIDE, site.smtpdPort)) {
            t.expect("220 ");
            t.send("HELO good.example").expect("250 ");
            // HELO negotiated no PIPELINING: sending ahead is improper
            t.sendRaw("MAIL FROM:<a@good.example>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n");
            t.expect("250 ");
            t.expect("250 ");
            t.expect("503 5.5.0 <DATA>: Data command rejected: Improper use of SMTP command pipelining");
        }
        sup.awaitLog("improper command pipelining after MAIL from unknown[127.0.0.2]: RCPT TO:<alice@example.test>\\r\\n");
        sup.awaitLog(": reject: DATA from unknown[127.0.0.2]: 503 5.5.0 <DATA>: Data command rejected: Improper"
                + " use of SMTP command pipelining; from=<a@good.example>");
        // a client that said EHLO may pipeline
        try (Transcript t = ehlo("good.example")) {
            t.sendRaw("MAIL FROM:<a@good.example>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n");
            t.expect("250 ");
            t.expect("250 ");
            t.expect("354 ");
            t.send("Subject: ok").send("").send("body").send(".");
            assertTrue(t.expect("250 ").contains("queued as"));
        }
    }
}
