package mta.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import mta.config.Config;
import mta.deliver.DeliveryRequest;
import mta.deliver.DeliveryStatus;
import mta.deliver.DeliveryStatus.Outcome;
import mta.dns.DnsjavaResolver;
import mta.dns.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SmtpAgentTest - the SMTP client against real servers on loopback: GreenMail, a scripted server,
 * and MX routing through a DNS responder of our own.
 */
class SmtpAgentTest {
    private static final List<String> MESSAGE = List.of(
            "Subject: test", "From: alice@client.test", "",
            "first line", ".hidden line starts with a dot", ".", "last line");

    @TempDir
    Path queue;
    private TestDnsServer dns;
    private DnsjavaResolver resolver;
    private GreenMail greenMail;
    private ScriptedSmtpServer scripted;

    @BeforeEach
    void start() throws IOException {
        dns = TestDnsServer.start();
        resolver = new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(2));
    }

    @AfterEach
    void stop() {
        dns.close();
        if (greenMail != null) greenMail.stop();
        if (scripted != null) scripted.close();
    }

    private static Config config(String... pairs) {
        Map<String, String> m = new java.util.HashMap<>(Map.of("myhostname", "client.test"));
        for (int i = 0; i < pairs.length; i += 2) m.put(pairs[i], pairs[i + 1]);
        return Config.of(m);
    }

    /** Without the connection cache, so that each test sees one whole conversation, QUIT included. */
    private SmtpAgent agent(int defaultPort) {
        return new SmtpAgent(config("smtp_connection_cache_on_demand", "no"), resolver, defaultPort);
    }

    private GreenMail greenMail() {
        greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
        greenMail.start();
        return greenMail;
    }

    private DeliveryRequest request(String nexthop, String... recipients) throws IOException {
        return TestMessages.request(queue, nexthop, "alice@client.test", List.of(recipients), MESSAGE);
    }

    // ------------------------------------------------------------------ delivery

    @Test
    void deliversToGreenMailWithEnvelopeAndBodyIntact() throws Exception {
        int port = greenMail().getSmtp().getPort();
        DeliveryRequest req = request("[127.0.0.1]:" + port, "bob@server.test", "carol@server.test");

        List<DeliveryStatus> statuses = agent(25).deliver(req);

        assertEquals(2, statuses.size());
        for (DeliveryStatus s : statuses) {
            assertEquals(Outcome.SENT, s.outcome(), s.reason());
            assertEquals("2.0.0", s.dsn().toString());
            assertEquals("127.0.0.1[127.0.0.1]:" + port, s.relay());
            assertTrue(s.reason().startsWith("250 "), s.reason());
        }
        assertTrue(greenMail.waitForIncomingEmail(5000, 2));
        MimeMessage[] got = greenMail.getReceivedMessages();
        assertEquals(2, got.length);
        assertEquals(List.of("<alice@client.test>"), List.of(got[0].getHeader("Return-Path")));
        // GreenMail files one copy per envelope recipient, creating the mailbox on first use
        for (String rcpt : List.of("bob@server.test", "carol@server.test")) {
            assertTrue(greenMail.getUserManager().getUserByEmail(rcpt) != null, "no mailbox for " + rcpt);
        }
        String body = GreenMailUtil.getBody(got[0]).replace("\r\n", "\n");
        assertEquals("first line\n.hidden line starts with a dot\n.\nlast line", body.strip());
    }

    @Test
    void dotStuffsLinesThatStartWithADot() throws Exception {
        scripted = ScriptedSmtpServer.start();
        List<DeliveryStatus> statuses = agent(25).deliver(request(scripted.nexthop(), "bob@server.test"));

        assertEquals(Outcome.SENT, statuses.get(0).outcome());
        assertEquals("250 2.0.0 Ok: queued as SCRIPT1", statuses.get(0).reason());
        List<String> data = scripted.dataLines();
        assertTrue(data.contains("..hidden line starts with a dot"), data.toString());
        assertTrue(data.contains(".."), data.toString());
        assertEquals("EHLO client.test", scripted.commands().get(0));
        assertTrue(scripted.commands().contains("MAIL FROM:<alice@client.test> SIZE=" + statusSize()));
    }

    private static long statusSize() {
        return MESSAGE.stream().mapToLong(l -> l.length() + 2).sum();
    }

    @Test
    void perRecipientRejectionBouncesOnlyThatRecipient() throws Exception {
        scripted = ScriptedSmtpServer.start()
                .on("RCPT TO:<bad@", "550 5.1.1 <bad@server.test>: Recipient address rejected: User unknown");

        List<DeliveryStatus> statuses = agent(25).deliver(
                request(scripted.nexthop(), "good@server.test", "bad@server.test"));

        DeliveryStatus good = statuses.get(0);
        DeliveryStatus bad = statuses.get(1);
        assertEquals("good@server.test", good.recipient().address());
        assertEquals(Outcome.SENT, good.outcome());
        assertEquals(Outcome.BOUNCED, bad.outcome());
        assertEquals("5.1.1", bad.dsn().toString());
        assertEquals("host 127.0.0.1[127.0.0.1] said: 550 5.1.1 <bad@server.test>: Recipient address rejected:"
                + " User unknown (in reply to RCPT TO command)", bad.reason());
        assertEquals(1, scripted.commands().stream().filter(c -> c.equals("DATA")).count());
    }

    @Test
    void temporaryRcptRejectionDefersWithoutPipelining() throws Exception {
        scripted = ScriptedSmtpServer.start().ehlo("250-scripted.test\n250 SIZE")
                .on("RCPT TO:<later@", "450 4.2.0 <later@server.test>: Mailbox busy");

        List<DeliveryStatus> statuses = agent(25).deliver(request(scripted.nexthop(), "later@server.test"));

        assertEquals(Outcome.DEFERRED, statuses.get(0).outcome());
        assertEquals("4.2.0", statuses.get(0).dsn().toString());
        assertTrue(statuses.get(0).reason().endsWith("(in reply to RCPT TO command)"));
        assertTrue(!scripted.commands().contains("DATA"), "DATA was sent though no recipient was accepted");
        assertEquals("QUIT", scripted.commands().get(scripted.commands().size() - 1));
    }

    @Test
    void multiLineRejectionIsJoinedAndEnhancedCodeKept() throws Exception {
        scripted = ScriptedSmtpServer.start()
                .on("MAIL FROM", "553-5.7.1 Sender rejected\n553 5.7.1 See policy");

        List<DeliveryStatus> statuses = agent(25).deliver(request(scripted.nexthop(), "a@server.test", "b@server.test"));

        for (DeliveryStatus s : statuses) {
            assertEquals(Outcome.BOUNCED, s.outcome());
            assertEquals("5.7.1", s.dsn().toString());
            assertEquals("host 127.0.0.1[127.0.0.1] said: 553-5.7.1 Sender rejected 553 5.7.1 See policy"
                    + " (in reply to MAIL FROM command)", s.reason());
        }
    }

    @Test
    void rejectedDataContentBouncesAcceptedRecipients() throws Exception {
        scripted = ScriptedSmtpServer.start().finalReply("554 5.7.1 Message content rejected");

        List<DeliveryStatus> statuses = agent(25).deliver(request(scripted.nexthop(), "bob@server.test"));

        assertEquals(Outcome.BOUNCED, statuses.get(0).outcome());
        assertTrue(statuses.get(0).reason().endsWith("(in reply to end of DATA command)"), statuses.get(0).reason());
    }

    @Test
    void fallsBackToHeloWhenEhloIsRejected() throws Exception {
        scripted = ScriptedSmtpServer.start().on("EHLO", "502 5.5.2 Error: command not recognized");

        List<DeliveryStatus> statuses = agent(25).deliver(request(scripted.nexthop(), "bob@server.test"));

        assertEquals(Outcome.SENT, statuses.get(0).outcome());
        assertEquals("HELO client.test", scripted.commands().get(1));
        assertEquals("MAIL FROM:<alice@client.test>", scripted.commands().get(2)); // no SIZE without EHLO
    }

    @Test
    void messageLargerThanServerLimitBounces() throws Exception {
        scripted = ScriptedSmtpServer.start().ehlo("250-scripted.test\n250 SIZE 10");

        DeliveryStatus s = agent(25).deliver(request(scripted.nexthop(), "bob@server.test")).get(0);

        assertEquals(Outcome.BOUNCED, s.outcome());
        assertEquals("5.3.4", s.dsn().toString());
        assertTrue(!scripted.commands().stream().anyMatch(c -> c.startsWith("MAIL")));
    }

    // ------------------------------------------------------------------ failures

    @Test
    void refusedConnectionDefers() throws Exception {
        int port = freePort();
        DeliveryStatus s = agent(25).deliver(request("[127.0.0.1]:" + port, "bob@server.test")).get(0);

        assertEquals(Outcome.DEFERRED, s.outcome());
        assertEquals("4.4.1", s.dsn().toString());
        assertEquals("none", s.relay());
        assertEquals("connect to 127.0.0.1[127.0.0.1]:" + port + ": Connection refused", s.reason());
    }

    @Test
    void garbledReplyDefersAndDoesNotThrow() throws Exception {
        scripted = ScriptedSmtpServer.start().on("MAIL FROM", "this is not smtp");

        DeliveryStatus s = agent(25).deliver(request(scripted.nexthop(), "bob@server.test")).get(0);

        assertEquals(Outcome.DEFERRED, s.outcome());
        assertEquals("4.5.0", s.dsn().toString());
        assertTrue(s.reason().startsWith("conversation with 127.0.0.1[127.0.0.1] failed while sending MAIL FROM"),
                s.reason());
    }

    @Test
    void silentServerTimesOut() throws Exception {
        scripted = ScriptedSmtpServer.start().greeting(null);
        SmtpAgent agent = new SmtpAgent(config("smtp_helo_timeout", "1s"), resolver, 25);

        DeliveryStatus s = agent.deliver(request(scripted.nexthop(), "bob@server.test")).get(0);

        assertEquals(Outcome.DEFERRED, s.outcome());
        assertEquals("4.4.2", s.dsn().toString());
        assertEquals("conversation with 127.0.0.1[127.0.0.1] timed out while receiving the initial server greeting",
                s.reason());
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void contentThatStopsMovingTimesOutAfterTheTransferLimit() throws Exception {
        // a server that takes the envelope and the DATA command, then reads nothing more: the
        // content fills the socket buffers and the client's writes block until the watchdog closes it
        try (java.net.ServerSocket listener = new java.net.ServerSocket()) {
            listener.setReceiveBufferSize(4096);
            listener.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
            java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
            Thread server = Thread.ofPlatform().daemon().start(() -> {
                try (java.net.Socket s = listener.accept()) {
                    var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                            java.nio.charset.StandardCharsets.US_ASCII));
                    var out = s.getOutputStream();
                    out.write("220 stuck.test ESMTP\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    for (String line; (line = in.readLine()) != null; ) {
                        String reply = line.startsWith("EHLO") ? "250 stuck.test"
                                : line.startsWith("DATA") ? "354 go ahead" : "250 ok";
                        out.write((reply + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        if (line.startsWith("DATA")) break;
                    }
                    done.await(); // holds the connection open without reading
                } catch (IOException | InterruptedException ignored) {
                    // the test is over
                }
            });
            List<String> lines = new java.util.ArrayList<>(List.of("Subject: big", ""));
            String filler = "x".repeat(998);
            for (int i = 0; i < 16_000; i++) lines.add(filler); // 16 MB: more than any socket buffer holds
            DeliveryRequest big = TestMessages.request(queue, "[127.0.0.1]:" + listener.getLocalPort(),
                    "alice@client.test", List.of("bob@server.test"), lines);
            SmtpAgent agent = new SmtpAgent(config("smtp_connection_cache_on_demand", "no",
                    "smtp_data_xfer_timeout", "1s"), resolver, 25);
            try {
                long t0 = System.nanoTime();
                DeliveryStatus s = agent.deliver(big).get(0);
                long took = System.nanoTime() - t0;

                assertEquals(Outcome.DEFERRED, s.outcome());
                assertEquals("conversation with 127.0.0.1[127.0.0.1] timed out while sending message body",
                        s.reason());
                assertTrue(took >= 1_000_000_000L && took < 30_000_000_000L, "gave up after " + took + " ns");
            } finally {
                done.countDown();
                server.join(5000);
            }
        }
    }

    @Test
    void rejectedGreetingOnLastHostBounces() throws Exception {
        scripted = ScriptedSmtpServer.start().greeting("554 5.7.1 No service for you");

        DeliveryStatus s = agent(25).deliver(request(scripted.nexthop(), "bob@server.test")).get(0);

        assertEquals(Outcome.BOUNCED, s.outcome());
        assertEquals("host 127.0.0.1[127.0.0.1] refused to talk to me: 554 5.7.1 No service for you", s.reason());
    }

    // ------------------------------------------------------------------ MX routing

    @Test
    void routesThroughMxToGreenMail() throws Exception {
        int port = greenMail().getSmtp().getPort();
        dns.mx("server.test", 10, "mx1.server.test").a("mx1.server.test", "127.0.0.1");

        DeliveryStatus s = agent(port).deliver(request("server.test", "bob@server.test")).get(0);

        assertEquals(Outcome.SENT, s.outcome(), s.reason());
        assertEquals("mx1.server.test[127.0.0.1]:" + port, s.relay());
        assertTrue(greenMail.waitForIncomingEmail(5000, 1));
    }

    @Test
    void triesTheNextMxWhenTheFirstRejectsTheGreeting() throws Exception {
        ScriptedSmtpServer rude = ScriptedSmtpServer.start("127.0.0.2", 0).greeting("554 5.3.2 Not now");
        try {
            scripted = ScriptedSmtpServer.start("127.0.0.1", rude.port());
            dns.mx("server.test", 10, "mx1.server.test").a("mx1.server.test", "127.0.0.2")
               .mx("server.test", 20, "mx2.server.test").a("mx2.server.test", "127.0.0.1");

            DeliveryStatus s = agent(rude.port()).deliver(request("server.test", "bob@server.test")).get(0);

            assertEquals(Outcome.SENT, s.outcome(), s.reason());
            assertEquals("mx2.server.test[127.0.0.1]:" + rude.port(), s.relay());
        } finally {
            rude.close();
        }
    }

    @Test
    void unknownDomainBounces() throws Exception {
        DeliveryStatus s = agent(25).deliver(request("nowhere.test", "bob@nowhere.test")).get(0);

        assertEquals(Outcome.BOUNCED, s.outcome());
        assertEquals("5.4.4", s.dsn().toString());
        assertEquals("Host or domain name not found. Name service error for name=nowhere.test type=MX: Host not found",
                s.reason());
    }

    @Test
    void dnsFailureDefers() throws Exception {
        dns.servfail("broken.test");
        DeliveryStatus s = agent(25).deliver(request("broken.test", "bob@broken.test")).get(0);

        assertEquals(Outcome.DEFERRED, s.outcome());
        assertEquals("4.4.3", s.dsn().toString());
    }

    @Test
    void nullMxBounces() throws Exception {
        dns.nullMx("nomail.test");
        DeliveryStatus s = agent(25).deliver(request("nomail.test", "bob@nomail.test")).get(0);

        assertEquals(Outcome.BOUNCED, s.outcome());
        assertEquals("5.1.10", s.dsn().toString());
        assertEquals("Domain nomail.test does not accept mail (nullMX)", s.reason());
    }

    @Test
    void nexthopForms() {
        assertEquals(new Nexthop("127.0.0.1", 2525, false), Nexthop.parse("[127.0.0.1]:2525", 25));
        assertEquals(new Nexthop("mail.example.com", 25, false), Nexthop.parse("[mail.example.com]", 25));
        assertEquals(new Nexthop("ipv6:2001:db8::1", 25, false), Nexthop.parse("[ipv6:2001:db8::1]", 25));
        assertEquals(new Nexthop("example.com", 587, true), Nexthop.parse("example.com:587", 25));
        assertEquals(new Nexthop("example.com", 25, true), Nexthop.parse("example.com", 25));
    }

    private static int freePort() throws IOException {
        return mta.testing.TestSite.freePort();
    }
}
