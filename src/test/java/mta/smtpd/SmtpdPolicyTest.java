package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import mta.master.Master;
import mta.policy.FakePolicyServer;
import mta.queue.QueueFile;
import mta.queue.QueueName;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SmtpdPolicyTest - check_policy_service in the SMTP server, against a policy server of our own
 * that records what it is asked: every attribute at every stage (CONNECT, EHLO, MAIL, RCPT,
 * DATA, END-OF-MESSAGE, VRFY) with one instance per message, every access(5) action a policy may
 * answer (HOLD, DISCARD, REDIRECT, BCC, PREPEND, WARN, DEFER_IF_PERMIT, DEFER_IF_REJECT...), the
 * defer_if_permit and defer_if_reject restriction words, and the default action when the server
 * hangs, dies or answers garbage. The real servers are {@link PostgreyTest} and {@link PolicydSpfTest}.
 */
class SmtpdPolicyTest {
    private static final String OUTSIDE = "127.0.0.2";

    @TempDir
    Path tmp;
    FakePolicyServer policy;
    TestSite site;
    Master m;
    SmtpdTestSupport sup;

    @BeforeEach
    void server() throws IOException {
        policy = new FakePolicyServer();
    }

    @AfterEach
    void stop() throws IOException {
        if (m != null) m.close();
        policy.close();
    }

    private void start(String... params) throws IOException {
        site = new TestSite(tmp).relayedMailWaits();
        for (int i = 0; i < params.length; i += 2) site.param(params[i], params[i + 1].replace("POLICY", policy.endpoint()));
        site.write();
        m = Master.start(site.config, Master.Options.defaults());
        sup = new SmtpdTestSupport(site, m);
    }

    private Transcript client(String from) throws IOException {
        Transcript t = Transcript.connectFrom(from, site.smtpdPort);
        t.expect("220 ");
        t.send("EHLO h.example").expect("250 ");
        return t;
    }

    private static final List<String> ATTRIBUTES = List.of("request", "protocol_state", "protocol_name",
            "client_address", "client_name", "client_port", "reverse_client_name", "server_address", "server_port",
            "helo_name", "sender", "recipient", "recipient_count", "queue_id", "instance", "size", "etrn_domain",
            "stress", "sasl_method", "sasl_username", "sasl_sender", "ccert_subject", "ccert_issuer",
            "ccert_fingerprint", "ccert_pubkey_fingerprint", "encryption_protocol", "encryption_cipher",
            "encryption_keysize", "policy_context", "compatibility_level", "mail_version");

    @Test
    void everyStageSendsEveryAttributeAndOneInstancePerMessage() throws Exception {
        start("smtpd_delay_reject", "no",
                "smtpd_client_restrictions", "check_policy_service POLICY",
                "smtpd_helo_restrictions", "check_policy_service POLICY",
                "smtpd_sender_restrictions", "check_policy_service POLICY",
                "smtpd_recipient_restrictions", "check_policy_service POLICY",
                "smtpd_data_restrictions", "check_policy_service POLICY",
                "smtpd_end_of_data_restrictions", "check_policy_service POLICY",
                "smtpd_etrn_restrictions", "check_policy_service POLICY",
                "smtpd_policy_service_policy_context", "inbound");
        String id;
        try (Transcript t = client(OUTSIDE)) {
            t.send("MAIL FROM:<s@remote.example> SIZE=123").expect("250 ");
            t.send("RCPT TO:<alice@example.test>").expect("250 ");
            t.send("DATA").expect("354 ");
            t.send("Subject: one").send("").send("hello");
            id = SmtpdTestSupport.queuedId(t.send(".").expect("250 "));
            t.send("VRFY alice@example.test").expect("252 ");
            t.send("ETRN example.test").reply();
            t.send("MAIL FROM:<>").expect("250 ");
            t.send("RCPT TO:<alice@example.test>").expect("250 ");
            t.send("QUIT").expect("221 ");
        }
        List<FakePolicyServer.Request> r = policy.requests();
        assertEquals(List.of("CONNECT", "EHLO", "MAIL", "RCPT", "DATA", "END-OF-MESSAGE", "VRFY", "ETRN", "MAIL",
                "RCPT"),
                r.stream().map(q -> q.get("protocol_state")).toList());
        for (FakePolicyServer.Request q : r) {
            assertEquals(ATTRIBUTES, List.copyOf(q.attributes().keySet()), "attribute names and order");
            assertEquals(1, q.connection(), "one connection for the whole session");
            assertEquals("smtpd_access_policy", q.get("request"));
            assertEquals("127.0.0.2", q.get("client_address"));
            assertEquals("unknown", q.get("client_name"));
            assertEquals("unknown", q.get("reverse_client_name"));
            assertTrue(q.get("client_port").matches("\\d+"), q.get("client_port"));
            assertEquals("127.0.0.1", q.get("server_address"));
            assertEquals(Integer.toString(site.smtpdPort), q.get("server_port"));
            assertEquals("inbound", q.get("policy_context"));
            assertEquals("3.6", q.get("compatibility_level"));
            assertEquals("3.7.11", q.get("mail_version"));
            assertEquals(q.get("protocol_state").equals("ETRN") ? "example.test" : "", q.get("etrn_domain"));
            assertEquals("0", q.get("encryption_keysize"));
            assertEquals("", q.get("sasl_username"));
        }
        Map<String, String> connect = r.get(0).attributes();
        assertEquals("", connect.get("helo_name"));
        assertEquals("SMTP", connect.get("protocol_name"));
        assertEquals("", connect.get("instance"));
        assertEquals("h.example", r.get(1).get("helo_name"));
        Map<String, String> mail = r.get(2).attributes();
        assertEquals("ESMTP", mail.get("protocol_name"));
        assertEquals("s@remote.example", mail.get("sender"));
        assertEquals("123", mail.get("size"));
        assertEquals("", mail.get("queue_id"));
        String instance = mail.get("instance");
        assertFalse(instance.isEmpty());
        Map<String, String> rcpt = r.get(3).attributes();
        assertEquals("alice@example.test", rcpt.get("recipient"));
        assertEquals("0", rcpt.get("recipient_count"));
        Map<String, String> data = r.get(4).attributes();
        assertEquals("alice@example.test", data.get("recipient"), "the one recipient of the message");
        assertEquals("1", data.get("recipient_count"));
        assertEquals(id, data.get("queue_id"));
        Map<String, String> eom = r.get(5).attributes();
        assertEquals(id, eom.get("queue_id"));
        assertEquals("1", eom.get("recipient_count"));
        long size = Long.parseLong(eom.get("size"));
        assertTrue(size > 20 && size != 123, "the size received: " + size);
        for (int i = 2; i <= 5; i++) assertEquals(instance, r.get(i).get("instance"), "one instance per message");
        assertEquals("alice@example.test", r.get(6).get("recipient"));
        assertEquals("", r.get(8).get("sender"), "the null sender");
        assertNotEquals(instance, r.get(8).get("instance"), "the next message has its own instance");
        assertEquals(r.get(8).get("instance"), r.get(9).get("instance"));
    }

    @Test
    void actionsOfThePolicyServer() throws Exception {
        policy.answer(a -> switch (a.get("sender").replaceAll("@.*", "")) {
            case "hold" -> "HOLD";
            case "discard" -> "DISCARD spam trap";
            case "redirect" -> "REDIRECT carol@remote.example";
            case "bcc" -> "BCC dave@remote.example";
            case "prepend" -> "PREPEND X-Policy: checked by policy";
            case "warn" -> "WARN suspicious sender";
            case "reject" -> "REJECT 5.7.9 Go away";
            case "code" -> "421 4.7.0 Not now";
            case "ok" -> "OK";
            default -> "DUNNO";
        });
        start("smtpd_recipient_restrictions", "check_policy_service POLICY");
        String hold = send("hold", "bob@remote.example", "250 ");
        sup.awaitLog("NOQUEUE: hold: RCPT from unknown[127.0.0.1]: <bob@remote.example>: Recipient address triggers"
                + " HOLD action; from=<hold@remote.example> to=<bob@remote.example> proto=ESMTP helo=<h.example>");
        SmtpdTestSupport.waitFor(() -> Files.exists(m.queues().file(QueueName.HOLD, hold)), "the message is on hold");

        String discarded = send("discard", "bob@remote.example", "250 ");
        sup.awaitLog("NOQUEUE: discard: RCPT from unknown[127.0.0.1]: <bob@remote.example>: Recipient address"
                + " spam trap; from=<discard@remote.example>");
        assertEquals(0, sup.queueFilesContaining("discard@remote.example"), "nothing kept of " + discarded);

        QueueFile.Envelope redirected = sup.awaitDeferred(send("redirect", "bob@remote.example", "250 ")).envelope();
        assertEquals(List.of("carol@remote.example"), redirected.recipients().stream().map(QueueFile.Recipient::address).toList());
        sup.awaitLog("redirect: RCPT from unknown[127.0.0.1]: <bob@remote.example>: Recipient address triggers"
                + " REDIRECT carol@remote.example;");

        QueueFile.Envelope bcc = sup.awaitDeferred(send("bcc", "bob@remote.example", "250 ")).envelope();
        assertEquals(List.of("bob@remote.example", "dave@remote.example"),
                bcc.recipients().stream().map(QueueFile.Recipient::address).toList());

        SmtpdTestSupport.Queued prepended = sup.awaitDeferred(send("prepend", "bob@remote.example", "250 "));
        assertEquals("X-Policy: checked by policy", prepended.lines().get(0), "above our Received: header");
        assertTrue(prepended.lines().get(1).startsWith("Received: from h.example"), prepended.lines().toString());

        send("warn", "bob@remote.example", "250 ");
        sup.awaitLog("NOQUEUE: warn: RCPT from unknown[127.0.0.1]: suspicious sender; from=<warn@remote.example>"
                + " to=<bob@remote.example> proto=ESMTP helo=<h.example>");

        send("reject", "bob@remote.example", "554 5.7.9 <bob@remote.example>: Recipient address rejected: Go away");
        send("code", "bob@remote.example", "421 4.7.0 <bob@remote.example>: Recipient address rejected: Not now");
        send("ok", "bob@remote.example", "250 ");
        send("other", "bob@remote.example", "250 ");
        // a session returns its connection to the pool when it ends, just after its 221: the next
        // session usually finds it there (PolicyClientTest shows the reuse without the race)
        assertTrue(policy.connections() < policy.requests().size(), "connections reused: " + policy.connections()
                + " connections for " + policy.requests().size() + " requests");
    }

    /** One message from 127.0.0.1 (mynetworks); returns its queue ID, or the RCPT reply when refused. */
    private String send(String senderLocal, String rcpt, String expect) throws IOException {
        try (Transcript t = client("127.0.0.1")) {
            t.send("MAIL FROM:<" + senderLocal + "@remote.example>").expect("250 ");
            String reply = t.send("RCPT TO:<" + rcpt + ">").expect(expect);
            if (!expect.equals("250 ")) return reply;
            t.send("DATA").expect("354 ");
            t.send("Subject: " + senderLocal).send("").send("body");
            String id = SmtpdTestSupport.queuedId(t.send(".").expect("250 "));
            t.send("QUIT").expect("221 ");
            return id;
        }
    }

    @Test
    void deferIfPermitYieldsToALaterRejectAndDeferIfRejectSoftensIt() throws Exception {
        policy.answer(a -> a.get("sender").startsWith("grey") ? "DEFER_IF_PERMIT 4.2.0 Greylisted, come back later"
                : "DEFER_IF_REJECT 4.7.1 Policy not decided");
        start("smtpd_relay_restrictions", "",
                "smtpd_recipient_restrictions", "check_policy_service POLICY, reject_unauth_destination");
        try (Transcript t = client(OUTSIDE)) {
            t.send("MAIL FROM:<grey@remote.example>").expect("250 ");
            t.send("RCPT TO:<bob@remote.example>").expect("554 5.7.1 <bob@remote.example>: Relay access denied");
            t.send("RCPT TO:<alice@example.test>")
                    .expect("450 4.2.0 <alice@example.test>: Recipient address rejected: Greylisted, come back later");
            t.send("RSET").expect("250 ");
            t.send("MAIL FROM:<soft@remote.example>").expect("250 ");
            t.send("RCPT TO:<bob@remote.example>")
                    .expect("450 4.7.1 <bob@remote.example>: Recipient address rejected: Policy not decided");
            t.send("RCPT TO:<alice@example.test>").expect("250 ");
            t.send("QUIT").expect("221 ");
        }
        sup.awaitLog("NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 450 4.2.0 <alice@example.test>: Recipient address"
                + " rejected: Greylisted, come back later; from=<grey@remote.example> to=<alice@example.test>");
    }

    @Test
    void theRestrictionWordsDeferIfPermitAndDeferIfReject() throws Exception {
        start("smtpd_relay_restrictions", "",
                "smtpd_sender_restrictions", "check_sender_access inline:{ soft@remote.example=defer_if_reject }",
                "smtpd_recipient_restrictions", "check_recipient_access inline:{ grey@example.test=defer_if_permit },"
                        + " reject_unauth_destination");
        try (Transcript t = client(OUTSIDE)) {
            t.send("VRFY bob@remote.example").expect("554 5.7.1 <bob@remote.example>: Relay access denied");
            t.send("VRFY alice@example.test").expect("252 2.0.0 alice@example.test");
            t.send("MAIL FROM:<x@remote.example>").expect("250 ");
            t.send("RCPT TO:<bob@remote.example>").expect("554 5.7.1 <bob@remote.example>: Relay access denied");
            t.send("RSET").expect("250 ");
            t.send("MAIL FROM:<soft@remote.example>").expect("250 ");
            t.send("RCPT TO:<bob@remote.example>").expect("554 5.7.1 ");
            t.send("QUIT").expect("221 ");
        }
        m.close();
        m = null;
        start("smtpd_relay_restrictions", "", "smtpd_recipient_restrictions", "defer_if_reject, reject_unauth_destination");
        try (Transcript t = client(OUTSIDE)) {
            t.send("MAIL FROM:<x@remote.example>").expect("250 ");
            t.send("RCPT TO:<bob@remote.example>")
                    .expect("450 4.7.0 <bob@remote.example>: Recipient address rejected: defer_if_reject requested");
            t.send("RCPT TO:<alice@example.test>").expect("250 ");
            t.send("QUIT").expect("221 ");
        }
        m.close();
        m = null;
        start("smtpd_relay_restrictions", "", "smtpd_sender_restrictions", "defer_if_permit",
                "smtpd_recipient_restrictions", "reject_unauth_destination");
        try (Transcript t = client(OUTSIDE)) {
            t.send("MAIL FROM:<x@remote.example>").expect("250 ");
            t.send("RCPT TO:<bob@remote.example>").expect("554 5.7.1 <bob@remote.example>: Relay access denied");
            t.send("RCPT TO:<alice@example.test>")
                    .expect("450 4.7.0 <x@remote.example>: Sender address rejected: defer_if_permit requested");
            t.send("QUIT").expect("221 ");
        }
    }

    @Test
    void aServerThatHangsGivesTheDefaultActionAndTheSessionGoesOn() throws Exception {
        policy.mode(FakePolicyServer.Mode.HANG);
        start("smtpd_recipient_restrictions", "check_policy_service { POLICY, timeout=1s, try_limit=1 }");
        try (Transcript t = client(OUTSIDE)) {
            t.send("MAIL FROM:<s@remote.example>").expect("250 ");
            long start = System.nanoTime();
            t.send("RCPT TO:<alice@example.test>")
                    .expect("451 4.3.5 <alice@example.test>: Recipient address rejected: Server configuration problem");
            assertTrue(System.nanoTime() - start < 10_000_000_000L, "given up after the timeout");
            t.send("RSET").expect("250 ");
            t.send("NOOP").expect("250 ");
            t.send("QUIT").expect("221 ");
        }
        sup.awaitLog("warning: problem talking to server 127.0.0.1:" + policy.port() + ": Connection timed out");
        sup.awaitLog("NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 451 4.3.5 <alice@example.test>: Recipient address"
                + " rejected: Server configuration problem; from=<s@remote.example> to=<alice@example.test>");
        assertFalse(sup.log().contains("Exception"), sup.log());
    }

    @Test
    void aServerThatDiesOrAnswersGarbageGivesTheDefaultAction() throws Exception {
        policy.mode(FakePolicyServer.Mode.DIE);
        start("smtpd_recipient_restrictions", "check_policy_service { POLICY, default_action=DUNNO }",
                "smtpd_data_restrictions", "check_policy_service POLICY",
                "smtpd_policy_service_retry_delay", "1s");
        try (Transcript t = client(OUTSIDE)) {
            t.send("MAIL FROM:<s@remote.example>").expect("250 ");
            t.send("RCPT TO:<alice@example.test>").expect("250 ");
            policy.mode(FakePolicyServer.Mode.GARBAGE);
            t.send("DATA").expect("451 4.3.5 <DATA>: Data command rejected: Server configuration problem");
            t.send("QUIT").expect("221 ");
        }
        sup.awaitLog("warning: problem talking to server 127.0.0.1:" + policy.port() + ": lost connection");
        sup.awaitLog("warning: problem talking to server 127.0.0.1:" + policy.port() + ": malformed reply");
        assertEquals(4, policy.requests().size(), "two tries at RCPT, two at DATA");
    }

    @Test
    void accessTablesKnowTheSameActions() throws Exception {
        start("smtpd_sender_restrictions", "check_sender_access inline:{ { hold@remote.example = HOLD is held },"
                + " { bcc@remote.example = BCC dave@remote.example } }");
        String id = send("hold", "bob@remote.example", "250 ");
        sup.awaitLog("NOQUEUE: hold: RCPT from unknown[127.0.0.1]: <hold@remote.example>: Sender address is held;");
        SmtpdTestSupport.waitFor(() -> Files.exists(m.queues().file(QueueName.HOLD, id)), "the message is on hold");
        QueueFile.Envelope bcc = sup.awaitDeferred(send("bcc", "bob@remote.example", "250 ")).envelope();
        assertEquals(List.of("bob@remote.example", "dave@remote.example"),
                bcc.recipients().stream().map(QueueFile.Recipient::address).toList());
    }

    @Test
    void aBadPolicyServiceArgumentStopsTheStart() throws Exception {
        site = new TestSite(tmp);
        site.param("smtpd_recipient_restrictions", "check_policy_service 127.0.0.1:10023").write();
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> m = Master.start(site.config, Master.Options.defaults()));
        assertTrue(String.valueOf(e.getMessage()).contains("smtpd_recipient_restrictions"), e.getMessage());
    }
}
