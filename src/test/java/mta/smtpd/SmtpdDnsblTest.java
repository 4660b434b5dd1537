package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import mta.config.ConfigException;
import mta.dns.DnsjavaResolver;
import mta.dns.TestDnsServer;
import mta.master.Master;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SmtpdDnsblTest - DNS block and allow lists: reject_rbl_client, the reject_rhsbl_* family,
 * permit_dnswl_client and permit_rhswl_client, reply filters, TXT reasons, reply templates.
 *
 * <p>The lists are served by a {@link TestDnsServer} over real DNS packets; clients connect from
 * 127.0.0.2, outside mynetworks (127.0.0.1/32), so the blocklisted address is 2.0.0.127.bl.test.
 */
class SmtpdDnsblTest {
    private static final String LISTED = "127.0.0.2";
    private static final String UNLISTED = "127.0.0.3";

    @TempDir
    Path tmp;
    TestDnsServer dns;
    TestSite site;
    Master m;
    SmtpdTestSupport sup;

    @BeforeEach
    void dns() throws IOException {
        dns = TestDnsServer.start();
        dns.a("good.example", "192.0.2.10");
        dns.a("2.0.0.127.bl.test", "127.0.0.2").txt("2.0.0.127.bl.test", "Listed for spam, see https://bl.test/q?127.0.0.2");
    }

    @AfterEach
    void stop() {
        if (m != null) m.close();
        dns.close();
    }

    private void start(String... params) throws IOException {
        site = new TestSite(tmp);
        for (int i = 0; i < params.length; i += 2) site.param(params[i], params[i + 1]);
        site.write();
        m = Master.start(site.config, new Master.Options(
                new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(2)), 25));
        sup = new SmtpdTestSupport(site, m);
    }

    private Transcript client(String from, String helo) throws IOException {
        Transcript t = Transcript.connectFrom(from, site.smtpdPort);
        t.expect("220 ");
        t.send("EHLO " + helo).expect("250");
        return t;
    }

    /** MAIL and RCPT; returns the reply to RCPT. */
    private static String rcpt(Transcript t, String from, String to) throws IOException {
        t.send("MAIL FROM:<" + from + ">").expect("250");
        t.send("RCPT TO:<" + to + ">");
        return t.reply();
    }

    @Test
    void listedClientIsRefusedWithTheListsReason() throws Exception {
        start("smtpd_client_restrictions", "reject_rbl_client bl.test");
        try (Transcript t = client(LISTED, "outside.example")) {
            t.send("MAIL FROM:<a@good.example>").expect("250");
            t.send("RCPT TO:<root@example.test>").expect("554 5.7.1 Service unavailable; Client host [127.0.0.2]"
                    + " blocked using bl.test; Listed for spam, see https://bl.test/q?127.0.0.2");
        }
        sup.awaitLog("NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 554 5.7.1 Service unavailable; Client host"
                + " [127.0.0.2] blocked using bl.test; Listed for spam, see https://bl.test/q?127.0.0.2;"
                + " from=<a@good.example> to=<root@example.test> proto=ESMTP helo=<outside.example>");
        try (Transcript t = client(UNLISTED, "outside.example")) {
            assertTrue(rcpt(t, "a@good.example", "root@example.test").startsWith("250 "));
        }
    }

    @Test
    void listedWithoutTxtHasNoReason() throws Exception {
        dns.a("3.0.0.127.bare.test", "127.0.0.2");
        start("smtpd_client_restrictions", "reject_rbl_client bare.test");
        try (Transcript t = client(UNLISTED, "outside.example")) {
            t.send("MAIL FROM:<a@good.example>").expect("250");
            String reply = t.send("RCPT TO:<root@example.test>").expect(
                    "554 5.7.1 Service unavailable; Client host [127.0.0.3] blocked using bare.test");
            assertFalse(reply.substring(reply.indexOf("blocked")).contains(";"), reply);
        }
    }

    @Test
    void replyFilterSelectsListings() throws Exception {
        dns.a("2.0.0.127.multi.test", "127.0.0.4").a("2.0.0.127.multi.test", "127.0.0.10");
        // 127.0.0.4 and 127.0.0.10 are listed; each filter that matches neither lets the client pass.
        for (String filter : List.of("127.0.0.2", "127.0.0.[5..9]", "127.0.0.[2;3;11]", "127.0.1.[0..255]")) {
            start("smtpd_client_restrictions", "reject_rbl_client multi.test=" + filter);
            try (Transcript t = client(LISTED, "outside.example")) {
                assertTrue(rcpt(t, "a@good.example", "root@example.test").startsWith("250 "), filter);
            }
            m.close();
            m = null;
        }
        for (String filter : List.of("127.0.0.4", "127.0.0.[2..11]", "127.0.0.[2;4]", "[127;128].0.[0;0].[10]")) {
            start("smtpd_client_restrictions", "reject_rbl_client multi.test=" + filter);
            try (Transcript t = client(LISTED, "outside.example")) {
                String reply = rcpt(t, "a@good.example", "root@example.test");
                assertTrue(reply.startsWith("554 5.7.1 Service unavailable; Client host [127.0.0.2] blocked using"
                        + " multi.test"), filter + ": " + reply);
            }
            m.close();
            m = null;
        }
    }

    @Test
    void malformedFilterStopsStartUp() {
        assertThrows(ConfigException.class, () -> SmtpdDnsxl.Zone.parse("bl.test=127.0.0"));
        assertThrows(ConfigException.class, () -> SmtpdDnsxl.Zone.parse("bl.test=127.0.0.[2..]"));
        assertThrows(ConfigException.class, () -> SmtpdDnsxl.Zone.parse("bl.test=127.0.0.256"));
        assertThrows(ConfigException.class, () -> SmtpdRestrictions.parse("smtpd_client_restrictions",
                List.of("reject_rbl_client", "bl.test=127.0.0.[9..2]")));
    }

    @Test
    void zonePatternsMatchOctetByOctet() throws Exception {
        SmtpdDnsxl.Zone z = SmtpdDnsxl.Zone.parse("bl.test=127.0.[0;2].[2..11]");
        assertTrue(z.matches(InetAddress.getByName("127.0.0.2")));
        assertTrue(z.matches(InetAddress.getByName("127.0.2.11")));
        assertFalse(z.matches(InetAddress.getByName("127.0.1.2")));
        assertFalse(z.matches(InetAddress.getByName("127.0.0.12")));
        assertTrue(SmtpdDnsxl.Zone.parse("bl.test").matches(InetAddress.getByName("127.0.0.200")));
    }

    @Test
    void dnsFailureDoesNotRefuse() throws Exception {
        dns.servfail("2.0.0.127.down.test");
        start("smtpd_client_restrictions", "reject_rbl_client down.test, reject_rbl_client bl.test=127.0.0.9");
        try (Transcript t = client(LISTED, "outside.example")) {
            assertTrue(rcpt(t, "a@good.example", "root@example.test").startsWith("250 "));
        }
        sup.awaitLog("warning: 2.0.0.127.down.test: RBL lookup error: ");
    }

    @Test
    void rhsblOnSenderHeloClientNameAndRecipient() throws Exception {
        dns.a("spam.example.rhs.test", "127.0.0.2").txt("spam.example.rhs.test", "bad domain");
        dns.a("evil.example.rhs.test", "127.0.0.2");
        dns.a("junk.example.rhs.test", "127.0.0.2");
        dns.ptr("127.0.0.3", "host.junk.example").a("host.junk.example", "127.0.0.3");
        dns.a("host.junk.example.rhs.test", "127.0.0.2");
        dns.a("target.example.rhs.test", "127.0.0.2");
        start("smtpd_peername_lookup", "yes",
                "relay_domains", "target.example, fine.example",
                "smtpd_client_restrictions", "reject_rhsbl_client rhs.test",
                "smtpd_helo_restrictions", "reject_rhsbl_helo rhs.test",
                "smtpd_sender_restrictions", "reject_rhsbl_sender rhs.test",
                "smtpd_recipient_restrictions", "reject_rhsbl_recipient rhs.test");
        try (Transcript t = client(LISTED, "clean.example")) {
            assertTrue(rcpt(t, "a@spam.example", "root@example.test").startsWith(
                    "554 5.7.1 Service unavailable; Sender address [a@spam.example] blocked using rhs.test; bad domain"));
            t.send("RSET").expect("250");
            assertTrue(rcpt(t, "a@good.example", "x@target.example").startsWith(
                    "554 5.7.1 Service unavailable; Recipient address [x@target.example] blocked using rhs.test"));
            t.send("RCPT TO:<x@fine.example>").expect("250");
        }
        try (Transcript t = client(LISTED, "mail.evil.example")) {
            // evil.example is listed, mail.evil.example is not: the HELO name is asked as it is.
            assertTrue(rcpt(t, "a@good.example", "root@example.test").startsWith("250"));
        }
        try (Transcript t = client(LISTED, "evil.example")) {
            assertTrue(rcpt(t, "a@good.example", "root@example.test").startsWith(
                    "554 5.7.1 Service unavailable; Helo command [evil.example] blocked using rhs.test"));
        }
        try (Transcript t = client(UNLISTED, "clean.example")) {
            assertTrue(rcpt(t, "a@good.example", "root@example.test").startsWith(
                    "554 5.7.1 Service unavailable; Client host [host.junk.example] blocked using rhs.test"));
        }
        // An address literal and a numeric name are never asked about.
        try (Transcript t = client(LISTED, "[127.0.0.2]")) {
            assertTrue(rcpt(t, "a@[192.0.2.1]", "root@example.test").startsWith("250"));
        }
        assertFalse(dns.questions().stream().anyMatch(q -> q.contains("[")), dns.questions().toString());
    }

    @Test
    void reverseClientNameNeedsNoForwardConfirmation() throws Exception {
        dns.ptr("127.0.0.2", "dyn-2.pool.example"); // no A record: the verified name is unknown
        dns.a("pool.example.rhs.test", "127.0.0.2").a("dyn-2.pool.example.rhs.test", "127.0.0.2");
        start("smtpd_peername_lookup", "yes",
                "smtpd_client_restrictions", "reject_rhsbl_client rhs.test, reject_rhsbl_reverse_client rhs.test");
        try (Transcript t = client(LISTED, "clean.example")) {
            assertTrue(rcpt(t, "a@good.example", "root@example.test").startsWith(
                    "554 5.7.1 Service unavailable; Unverified Client host [dyn-2.pool.example] blocked using rhs.test"));
        }
    }

    @Test
    void allowlistsPermitBeforeTheBlocklist() throws Exception {
        dns.a("2.0.0.127.wl.test", "127.0.0.5");
        dns.ptr("127.0.0.3", "friend.example").a("friend.example", "127.0.0.3");
        dns.a("3.0.0.127.bl.test", "127.0.0.2");
        dns.a("friend.example.rhswl.test", "127.0.0.2");
        start("smtpd_peername_lookup", "yes",
                "smtpd_recipient_restrictions", "permit_dnswl_client wl.test=127.0.0.[5..9],"
                        + " permit_rhswl_client rhswl.test, reject_rbl_client bl.test");
        try (Transcript t = client(LISTED, "outside.example")) {
            assertTrue(rcpt(t, "a@good.example", "root@example.test").startsWith("250"));
            // The allowlist never opens the relay.
            t.send("RCPT TO:<x@elsewhere.example>").expect("554 5.7.1 <x@elsewhere.example>: Relay access denied");
        }
        try (Transcript t = client(UNLISTED, "outside.example")) {
            assertTrue(rcpt(t, "a@good.example", "root@example.test").startsWith("250"));
        }
        m.close();
        m = null;
        start("smtpd_recipient_restrictions", "permit_dnswl_client wl.test=127.0.0.[2..4], reject_rbl_client bl.test");
        try (Transcript t = client(LISTED, "outside.example")) {
            assertTrue(rcpt(t, "a@good.example", "root@example.test").startsWith("554 5.7.1 Service unavailable"));
        }
    }

    @Test
    void replyTemplatesFromDefaultRblReplyAndRblReplyMaps() throws Exception {
        Path maps = tmp.resolve("rbl_reply");
        Files.writeString(maps, "bl.test 450 4.7.1 $client_address is listed at $rbl_domain ($rbl_txt)"
                + " helo=${helo_name} ${sender_domain?sd=$sender_domain}\n");
        start("smtpd_client_restrictions", "reject_rbl_client bl.test, reject_rbl_client other.test",
                "rbl_reply_maps", "texthash:" + maps,
                "default_rbl_reply", "$rbl_code Go away: $rbl_what ${rbl_reason:no reason}");
        dns.a("2.0.0.127.other.test", "127.0.0.2");
        try (Transcript t = client(LISTED, "outside.example")) {
            assertTrue(rcpt(t, "a@good.example", "root@example.test").startsWith("450 4.7.1 127.0.0.2 is listed at"
                    + " bl.test (Listed for spam, see https://bl.test/q?127.0.0.2) helo=outside.example sd=good.example"));
        }
        m.close();
        m = null;
        start("smtpd_client_restrictions", "reject_rbl_client other.test",
                "default_rbl_reply", "$rbl_code Go away: $rbl_what ${rbl_reason:no reason}", "maps_rbl_reject_code", "550");
        try (Transcript t = client(LISTED, "outside.example")) {
            assertTrue(rcpt(t, "a@good.example", "root@example.test").startsWith(
                    "550 5.7.1 Go away: 127.0.0.2 no reason"));
        }
    }
}
