package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mta.config.Config;
import mta.config.ConfigException;
import mta.dns.DnsjavaResolver;
import mta.dns.TestDnsServer;
import mta.mail.Address;
import mta.mail.Reply;
import mta.rewrite.TrivialRewrite;
import mta.util.MailLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SmtpdRestrictionWordsTest - the restriction engine ({@link SmtpdCheck}) with the words real
 * configurations use: reject_unknown_recipient_domain, reject_unknown_helo_hostname,
 * reject_unauth_pipelining, reject_unlisted_sender, relay_recipient_maps, check_sasl_access, the
 * check_*_{mx,ns,a}_access family, bare tables, restriction classes and restriction lists as
 * table results, and the tempfail actions.
 *
 * <p>No socket: each test builds the engine from main.cf settings and asks it about a session
 * state, as smtpd would at each command. DNS answers come from a {@link TestDnsServer}; replies
 * and mail log lines are compared with Postfix's.
 */
class SmtpdRestrictionWordsTest {
    static TestDnsServer dns;

    @TempDir
    Path tmp;
    MailLog mailLog;
    Path logFile;

    @BeforeAll
    static void dnsServer() throws IOException {
        dns = TestDnsServer.start();
        dns.a("good.example", "192.0.2.10").mx("mxonly.example", 10, "mail.good.example")
                .a("mail.good.example", "192.0.2.11")
                .nullMx("nullmx.example").servfail("broken.example")
                .mx("spammy.example", 10, "mx.bad.example").a("mx.bad.example", "192.0.2.66")
                .mx("listed-ip.example", 10, "mx.innocent.example").a("mx.innocent.example", "198.51.100.7")
                .a("plain.example", "198.51.100.8")
                .ns("nsd.example", "ns1.bad.example").a("ns1.bad.example", "192.0.2.53")
                .ns("clean.example", "ns.good.example").a("clean.example", "192.0.2.12");
    }

    @AfterAll
    static void stopDns() {
        dns.close();
    }

    @BeforeEach
    void log() throws IOException {
        logFile = tmp.resolve("maillog");
        mailLog = MailLog.open(logFile, "mx.example.test", "postfix");
    }

    @AfterEach
    void close() throws IOException {
        mailLog.close();
    }

    /** The engine for main.cf settings (name, value, ...) on top of a small local configuration. */
    private SmtpdCheck check(String... params) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("myhostname", "mx.example.test");
        m.put("mydestination", "example.test");
        m.put("mynetworks", "127.0.0.1/32");
        m.put("local_recipient_maps", "inline:{root=yes, alice=yes}");
        for (int i = 0; i < params.length; i += 2) m.put(params[i], params[i + 1]);
        Config c = Config.of(m);
        return new SmtpdCheck(c, new TrivialRewrite(c), new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(2)),
                mailLog.channel("smtpd"));
    }

    /** A session from {@code ip} (inside mynetworks when 127.0.0.1) that said EHLO {@code helo} and MAIL FROM {@code from}. */
    private static SmtpdState session(String ip, String helo, String from) throws IOException {
        SmtpdState s = new SmtpdState(new SmtpdState.Client(InetAddress.getByName(ip), "unknown", ip.equals("127.0.0.1")));
        s.client.helo = helo;
        s.client.protocol = "ESMTP";
        s.client.esmtp = true;
        s.where = "RCPT";
        if (from != null) s.tx.sender = from.isEmpty() ? Address.NULL_SENDER : Address.parse(from);
        return s;
    }

    private static String text(Reply r) {
        return r == null ? null : r.toString();
    }

    private String maillog() throws IOException {
        return Files.readString(logFile, StandardCharsets.ISO_8859_1);
    }

    // ------------------------------------------------------------------ unknown domains and host names

    @Test
    void unknownRecipientDomainIsRefusedWithPostfixsReplyAndLogLine() throws Exception {
        SmtpdCheck c = check("smtpd_recipient_restrictions", "reject_unknown_recipient_domain");
        SmtpdState s = session("127.0.0.1", "client.example", "s@good.example");
        assertEquals("450 4.1.2 <a@nowhere.example>: Recipient address rejected: Domain not found",
                text(c.rcpt(s, Address.parse("a@nowhere.example"))));
        assertTrue(maillog().contains("NOQUEUE: reject: RCPT from unknown[127.0.0.1]: 450 4.1.2 <a@nowhere.example>:"
                + " Recipient address rejected: Domain not found; from=<s@good.example> to=<a@nowhere.example>"
                + " proto=ESMTP helo=<client.example>"), maillog());
        assertNull(c.rcpt(s, Address.parse("a@good.example")));
        assertNull(c.rcpt(s, Address.parse("a@mxonly.example")));
        assertNull(c.rcpt(s, Address.parse("a@[192.0.2.1]")));
        assertEquals("556 5.1.10 <a@nullmx.example>: Recipient address rejected: Domain nullmx.example does not"
                + " accept mail (nullMX)", text(c.rcpt(s, Address.parse("a@nullmx.example"))));
        // our own domains are never asked about
        assertNull(c.rcpt(s, Address.parse("root@example.test")));
        assertFalse(dns.questions().stream().anyMatch(q -> q.startsWith("example.test.")), dns.questions().toString());
    }

    @Test
    void unknownAddressRejectCodeAndTempfailAction() throws Exception {
        SmtpdState s = session("127.0.0.1", "client.example", "s@good.example");
        SmtpdCheck c = check("smtpd_recipient_restrictions", "reject_unknown_recipient_domain",
                "unknown_address_reject_code", "550");
        assertEquals("550 5.1.2 <a@nowhere.example>: Recipient address rejected: Domain not found",
                text(c.rcpt(s, Address.parse("a@nowhere.example"))));
        // DNS failing for the moment: by default DEFER_IF_PERMIT, so a later refusal still wins...
        c = check("smtpd_recipient_restrictions", "reject_unknown_recipient_domain, permit");
        assertEquals("450 4.1.2 <a@broken.example>: Recipient address rejected: Domain not found",
                text(c.rcpt(s, Address.parse("a@broken.example"))));
        c = check("smtpd_recipient_restrictions", "reject_unknown_recipient_domain, reject");
        assertEquals("554 5.7.1 <a@broken.example>: Recipient address rejected: Access denied",
                text(c.rcpt(s, Address.parse("a@broken.example"))));
        // ... and with "defer" the deferral is at once
        c = check("smtpd_recipient_restrictions", "reject_unknown_recipient_domain, reject",
                "unknown_address_tempfail_action", "defer");
        assertEquals("450 4.1.2 <a@broken.example>: Recipient address rejected: Domain not found",
                text(c.rcpt(s, Address.parse("a@broken.example"))));
        // the sender twin follows the same parameters
        c = check("smtpd_sender_restrictions", "reject_unknown_sender_domain", "unknown_address_tempfail_action", "defer");
        SmtpdState broken = session("127.0.0.1", "client.example", "s@broken.example");
        assertEquals("450 4.1.8 <s@broken.example>: Sender address rejected: Domain not found",
                text(c.rcpt(broken, Address.parse("root@example.test"))));
        assertThrows(ConfigException.class, () -> check("unknown_address_tempfail_action", "bounce"));
    }

    @Test
    void unknownHeloHostname() throws Exception {
        SmtpdCheck c = check("smtpd_helo_restrictions", "reject_unknown_helo_hostname");
        assertEquals("450 4.7.1 <nohost.example>: Helo command rejected: Host not found",
                text(c.rcpt(session("127.0.0.2", "nohost.example", "s@good.example"), Address.parse("root@example.test"))));
        assertNull(c.rcpt(session("127.0.0.2", "good.example", "s@good.example"), Address.parse("root@example.test")));
        assertNull(c.rcpt(session("127.0.0.2", "mxonly.example", "s@good.example"), Address.parse("root@example.test")));
        assertNull(c.rcpt(session("127.0.0.2", "[192.0.2.1]", "s@good.example"), Address.parse("root@example.test")));
        assertEquals("501 5.5.2 <[300.0.0.1]>: Helo command rejected: invalid ip address",
                text(c.rcpt(session("127.0.0.2", "[300.0.0.1]", "s@good.example"), Address.parse("root@example.test"))));
        c = check("smtpd_helo_restrictions", "reject_unknown_hostname", "unknown_hostname_reject_code", "550");
        assertEquals("550 5.7.1 <nohost.example>: Helo command rejected: Host not found",
                text(c.rcpt(session("127.0.0.2", "nohost.example", "s@good.example"), Address.parse("root@example.test"))));
        c = check("smtpd_helo_restrictions", "reject_unknown_helo_hostname",
                "unknown_helo_hostname_tempfail_action", "defer");
        assertEquals("450 4.7.1 <broken.example>: Helo command rejected: Host not found",
                text(c.rcpt(session("127.0.0.2", "broken.example", "s@good.example"), Address.parse("root@example.test"))));
    }

    // ------------------------------------------------------------------ pipelining

    @Test
    void unauthPipeliningRefusesOnlyAClientThatPipelinedImproperly() throws Exception {
        SmtpdCheck c = check("smtpd_data_restrictions", "reject_unauth_pipelining");
        SmtpdState s = session("127.0.0.2", "client.example", "s@good.example");
        s.where = "DATA";
        assertNull(c.data(s));
        s.client.improperPipelining = true;
        assertEquals("503 5.5.0 <DATA>: Data command rejected: Improper use of SMTP command pipelining", text(c.data(s)));
        assertTrue(maillog().contains("NOQUEUE: reject: DATA from unknown[127.0.0.2]: 503 5.5.0 <DATA>: Data command"
                + " rejected: Improper use of SMTP command pipelining; from=<s@good.example> proto=ESMTP"
                + " helo=<client.example>"), maillog());
    }

    // ------------------------------------------------------------------ unlisted senders and relay recipients

    @Test
    void unlistedSenderWordAndParameter() throws Exception {
        SmtpdCheck c = check("smtpd_sender_restrictions", "reject_unlisted_sender");
        Address to = Address.parse("someone@good.example");
        assertEquals("550 5.1.0 <bob@example.test>: Sender address rejected: User unknown in local recipient table",
                text(c.rcpt(session("127.0.0.1", "client.example", "bob@example.test"), to)));
        assertNull(c.rcpt(session("127.0.0.1", "client.example", "alice@example.test"), to));
        assertNull(c.rcpt(session("127.0.0.1", "client.example", "bob@good.example"), to));
        assertNull(c.rcpt(session("127.0.0.1", "client.example", ""), to));
        assertNull(c.rcpt(session("127.0.0.1", "client.example", "MAILER-DAEMON@example.test"), to));
        // smtpd_reject_unlisted_sender = yes: the same check after the sender list
        c = check("smtpd_reject_unlisted_sender", "yes", "show_user_unknown_table_name", "no");
        assertEquals("550 5.1.0 <bob@example.test>: Sender address rejected: User unknown",
                text(c.rcpt(session("127.0.0.1", "client.example", "bob@example.test"), to)));
        // ...but not after a permit in the list, and not by default
        c = check("smtpd_reject_unlisted_sender", "yes", "smtpd_sender_restrictions", "permit_mynetworks");
        assertEquals("550 5.1.0 <bob@example.test>: Sender address rejected: User unknown in local recipient table",
                text(c.rcpt(session("127.0.0.1", "client.example", "bob@example.test"), to)));
        assertNull(check().rcpt(session("127.0.0.1", "client.example", "bob@example.test"), to));
    }

    @Test
    void relayRecipientMaps() throws Exception {
        String[] p = {"relay_domains", "relay.example, whole.example", "recipient_delimiter", "+",
                "relay_recipient_maps", "inline:{known@relay.example=x, @whole.example=x}"};
        SmtpdCheck c = check(p);
        SmtpdState s = session("127.0.0.2", "client.example", "s@good.example");
        assertEquals("550 5.1.1 <unknown@relay.example>: Recipient address rejected: User unknown in relay recipient"
                + " table", text(c.rcpt(s, Address.parse("unknown@relay.example"))));
        assertTrue(maillog().contains("NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 550 5.1.1 <unknown@relay.example>:"
                + " Recipient address rejected: User unknown in relay recipient table; from=<s@good.example>"
                + " to=<unknown@relay.example> proto=ESMTP helo=<client.example>"), maillog());
        assertNull(c.rcpt(s, Address.parse("known@relay.example")));
        assertNull(c.rcpt(s, Address.parse("Known+ext@Relay.Example")));
        assertNull(c.rcpt(s, Address.parse("anyone@whole.example")));
        c = check("relay_domains", "relay.example", "relay_recipient_maps", "inline:{known@relay.example=x}",
                "unknown_relay_recipient_reject_code", "450");
        assertEquals("450 4.1.1 <unknown@relay.example>: Recipient address rejected: User unknown in relay recipient"
                + " table", text(c.rcpt(s, Address.parse("unknown@relay.example"))));
        // without relay_recipient_maps every relay address is accepted
        assertNull(check("relay_domains", "relay.example").rcpt(s, Address.parse("unknown@relay.example")));
        // smtpd_reject_unlisted_recipient = no turns the implicit check off; the word still works
        c = check("relay_domains", "relay.example", "relay_recipient_maps", "inline:{known@relay.example=x}",
                "smtpd_reject_unlisted_recipient", "no");
        assertNull(c.rcpt(s, Address.parse("unknown@relay.example")));
        c = check("relay_domains", "relay.example", "relay_recipient_maps", "inline:{known@relay.example=x}",
                "smtpd_reject_unlisted_recipient", "no", "smtpd_recipient_restrictions", "reject_unlisted_recipient");
        assertEquals("550 5.1.1 <unknown@relay.example>: Recipient address rejected: User unknown in relay recipient"
                + " table", text(c.rcpt(s, Address.parse("unknown@relay.example"))));
    }

    // ------------------------------------------------------------------ check_sasl_access

    @Test
    void saslAccessLooksUpTheLoginName() throws Exception {
        SmtpdCheck c = check("smtpd_sasl_auth_enable", "yes", "smtpd_client_restrictions",
                "check_sasl_access inline:{ {bad@example.test = REJECT over quota}, good@example.test=OK }, reject");
        SmtpdState s = session("127.0.0.2", "client.example", "s@good.example");
        Address to = Address.parse("root@example.test");
        s.client.sasl = new SmtpdState.Sasl("PLAIN", "bad@example.test");
        assertEquals("554 5.7.1 <bad@example.test>: SASL login name rejected: over quota", text(c.rcpt(s, to)));
        s.client.sasl = new SmtpdState.Sasl("PLAIN", "good@example.test");
        assertNull(c.rcpt(s, to));
        s.client.sasl = null; // not logged in: the word does nothing, the list goes on to reject
        assertEquals("554 5.7.1 <unknown[127.0.0.2]>: Client host rejected: Access denied", text(c.rcpt(s, to)));
        c = check("smtpd_client_restrictions", "check_sasl_access inline:{bad@example.test=REJECT}");
        assertNull(c.rcpt(s, to));
        assertTrue(maillog().contains("warning: restriction `check_sasl_access' ignored: no SASL support"), maillog());
    }

    // ------------------------------------------------------------------ check_*_{mx,ns,a}_access

    @Test
    void mxAccessByHostNameParentDomainAndAddress() throws Exception {
        Path cidr = tmp.resolve("mx.cidr");
        Files.writeString(cidr, "198.51.100.0/24 REJECT listed network\n");
        SmtpdCheck c = check("smtpd_sender_restrictions",
                "check_sender_mx_access inline:{ {bad.example = REJECT bad mail exchanger} }, check_sender_mx_access cidr:" + cidr);
        Address to = Address.parse("root@example.test");
        assertEquals("554 5.7.1 <a@spammy.example>: Sender address rejected: bad mail exchanger",
                text(c.rcpt(session("127.0.0.2", "client.example", "a@spammy.example"), to)));
        assertEquals("554 5.7.1 <a@listed-ip.example>: Sender address rejected: listed network",
                text(c.rcpt(session("127.0.0.2", "client.example", "a@listed-ip.example"), to)));
        // no MX record: the domain is its own mail exchanger; an address literal is its own address
        assertEquals("554 5.7.1 <a@plain.example>: Sender address rejected: listed network",
                text(c.rcpt(session("127.0.0.2", "client.example", "a@plain.example"), to)));
        assertEquals("554 5.7.1 <a@[198.51.100.9]>: Sender address rejected: listed network",
                text(c.rcpt(session("127.0.0.2", "client.example", "a@[198.51.100.9]"), to)));
        assertNull(c.rcpt(session("127.0.0.2", "client.example", "a@good.example"), to));
        assertNull(c.rcpt(session("127.0.0.2", "client.example", ""), to));
        // DNS failing: logged, no effect
        assertNull(c.rcpt(session("127.0.0.2", "client.example", "a@broken.example"), to));
        assertTrue(maillog().contains("warning: Unable to look up MX host for broken.example"), maillog());
    }

    @Test
    void nsAndAAccessAndEachStage() throws Exception {
        Path cidr = tmp.resolve("a.cidr");
        Files.writeString(cidr, "192.0.2.12/32 REJECT bad address\n");
        SmtpdCheck c = check(
                "smtpd_helo_restrictions", "check_helo_ns_access inline:{ {ns1.bad.example = REJECT bad name server} }",
                "smtpd_recipient_restrictions", "check_recipient_a_access cidr:" + cidr
                        + ", check_recipient_ns_access inline:{ {192.0.2.53 = DEFER ns address} }, reject_unauth_destination",
                "relay_domains", "clean.example, nsd.example, sub.nsd.example");
        Address to = Address.parse("root@example.test");
        // sub.nsd.example has no NS records of its own: those of nsd.example count
        assertEquals("554 5.7.1 <sub.nsd.example>: Helo command rejected: bad name server",
                text(c.rcpt(session("127.0.0.2", "sub.nsd.example", "s@good.example"), to)));
        SmtpdState s = session("127.0.0.2", "client.example", "s@good.example");
        assertEquals("554 5.7.1 <x@clean.example>: Recipient address rejected: bad address",
                text(c.rcpt(s, Address.parse("x@clean.example"))));
        assertEquals("450 4.7.1 <x@nsd.example>: Recipient address rejected: ns address",
                text(c.rcpt(s, Address.parse("x@nsd.example"))));
    }

    @Test
    void okFromAServerAccessTableIsAConfigurationError() throws Exception {
        SmtpdCheck c = check("smtpd_sender_restrictions", "check_sender_mx_access inline:{mx.bad.example=OK}");
        assertEquals("451 4.3.5 Server configuration error",
                text(c.rcpt(session("127.0.0.2", "client.example", "a@spammy.example"), Address.parse("root@example.test"))));
        String log = maillog();
        assertTrue(log.contains("warning: restriction check_sender_mx_access returns OK for a@spammy.example"), log);
        assertTrue(log.contains("warning: use DUNNO instead of OK if you want to make an exception"), log);
    }

    // ------------------------------------------------------------------ bare tables and restriction classes

    @Test
    void bareTableIsTheStagesAccessCheck() throws Exception {
        SmtpdCheck c = check(
                "smtpd_client_restrictions", "inline:{ {127.0.0.3 = REJECT go away} }",
                "smtpd_sender_restrictions", "inline:{ {spam@bad.example = REJECT no spam} }",
                "smtpd_recipient_restrictions", "inline:{ {closed@example.test = REJECT closed} }, reject_unauth_destination",
                "smtpd_data_restrictions", "inline:{x=REJECT}");
        Address to = Address.parse("root@example.test");
        assertEquals("554 5.7.1 <unknown[127.0.0.3]>: Client host rejected: go away",
                text(c.rcpt(session("127.0.0.3", "client.example", "s@good.example"), to)));
        assertEquals("554 5.7.1 <spam@bad.example>: Sender address rejected: no spam",
                text(c.rcpt(session("127.0.0.2", "client.example", "spam@bad.example"), to)));
        SmtpdState s = session("127.0.0.2", "client.example", "s@good.example");
        assertEquals("554 5.7.1 <closed@example.test>: Recipient address rejected: closed",
                text(c.rcpt(s, Address.parse("closed@example.test"))));
        assertNull(c.rcpt(s, to));
        s.where = "DATA";
        assertEquals("451 4.3.5 Server configuration error", text(c.data(s)));
        assertTrue(maillog().contains("before Data command restriction \"inline:{x=REJECT}\""), maillog());
    }

    @Test
    void restrictionClassesAsWordsAndAsTableResults() throws Exception {
        SmtpdCheck c = check(
                "smtpd_restriction_classes", "strict, permissive, layered",
                "strict", "reject_unknown_sender_domain, check_sender_access inline:{ {x@good.example = REJECT strict} }",
                "permissive", "permit",
                "layered", "warn_if_reject reject_non_fqdn_sender, strict",
                "smtpd_sender_restrictions", "layered");
        SmtpdState unknownSender = session("127.0.0.2", "client.example", "s@nowhere.example");
        // the sender list runs the class "layered", which runs "strict"
        assertEquals("450 4.1.8 <s@nowhere.example>: Sender address rejected: Domain not found",
                text(c.rcpt(unknownSender, Address.parse("root@example.test"))));
        SmtpdState s = session("127.0.0.2", "client.example", "x@good.example");
        assertEquals("554 5.7.1 <x@good.example>: Sender address rejected: strict",
                text(c.rcpt(s, Address.parse("root@example.test"))));
        SmtpdCheck byTable = check(
                "smtpd_restriction_classes", "strict, permissive",
                "strict", "reject_unknown_sender_domain", "permissive", "permit",
                "smtpd_recipient_restrictions", "check_recipient_access inline:{alice@example.test=strict,"
                        + " root@example.test=permissive, other@example.test=reject_non_fqdn_sender},"
                        + " reject_unauth_destination");
        assertEquals("450 4.1.8 <s@nowhere.example>: Sender address rejected: Domain not found",
                text(byTable.rcpt(unknownSender, Address.parse("alice@example.test"))));
        assertNull(byTable.rcpt(unknownSender, Address.parse("root@example.test")));
        SmtpdState bare = session("127.0.0.2", "client.example", "user@localhost");
        assertEquals("504 5.5.2 <user@localhost>: Sender address rejected: need fully-qualified address",
                text(byTable.rcpt(bare, Address.parse("other@example.test"))));
    }

    @Test
    void classMistakesStopStartUp() {
        ConfigException e = assertThrows(ConfigException.class, () -> check("smtpd_restriction_classes", "strict",
                "smtpd_recipient_restrictions", "strict, reject_unauth_destination"));
        assertEquals("restriction class `strict' needs a definition", e.getMessage());
        e = assertThrows(ConfigException.class, () -> check("smtpd_restriction_classes", "loop",
                "loop", "permit_mynetworks, loop", "smtpd_recipient_restrictions", "loop, reject_unauth_destination"));
        assertTrue(e.getMessage().contains("loop"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> check("smtpd_restriction_classes", "strict",
                "strict", "reject_bogus_word", "smtpd_recipient_restrictions", "strict, reject_unauth_destination"));
        assertEquals("unknown smtpd restriction: \"reject_bogus_word\" in parameter strict", e.getMessage());
        // a class holding the relay control counts as relay control
        check("smtpd_restriction_classes", "relaycontrol", "relaycontrol", "reject_unauth_destination",
                "smtpd_relay_restrictions", "", "smtpd_recipient_restrictions", "permit_mynetworks, relaycontrol");
    }

    @Test
    void unknownWordAsTableResultIsAConfigurationError() throws Exception {
        SmtpdCheck c = check("smtpd_recipient_restrictions",
                "check_recipient_access inline:{root@example.test=bogus_class}, reject_unauth_destination");
        assertEquals("451 4.3.5 Server configuration error",
                text(c.rcpt(session("127.0.0.2", "client.example", "s@good.example"), Address.parse("root@example.test"))));
        assertTrue(maillog().contains("warning: unknown smtpd restriction: \"bogus_class\""), maillog());
    }
}
