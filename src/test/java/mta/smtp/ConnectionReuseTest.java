package mta.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mta.config.Config;
import mta.deliver.DeliveryRequest;
import mta.deliver.DeliveryStatus;
import mta.deliver.DeliveryStatus.Outcome;
import mta.dns.DnsjavaResolver;
import mta.dns.TestDnsServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ConnectionReuseTest - the connection cache: deliveries to one next-hop in quick succession share
 * a connection, which is checked with RSET, counted in conn_use, and closed with QUIT when idle.
 */
class ConnectionReuseTest {
    @TempDir
    Path queue;
    private ScriptedSmtpServer server;
    private SmtpAgent agent;
    private TestDnsServer dns;

    @BeforeEach
    void start() throws IOException {
        dns = TestDnsServer.start(); // no test here looks anything up; the agent needs a resolver
    }

    @AfterEach
    void stop() {
        dns.close();
        if (agent != null) agent.closeCachedConnections();
        if (server != null) server.close();
    }

    private SmtpAgent agent(String... pairs) {
        Map<String, String> m = new HashMap<>(Map.of("myhostname", "client.test"));
        for (int i = 0; i < pairs.length; i += 2) m.put(pairs[i], pairs[i + 1]);
        agent = new SmtpAgent(Config.of(m), new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(2)), 25);
        return agent;
    }

    private DeliveryStatus send(String rcpt) throws IOException {
        DeliveryRequest req = TestMessages.request(queue, server.nexthop(), "alice@client.test", List.of(rcpt),
                List.of("Subject: reuse", "", "body"));
        return agent.deliver(req).get(0);
    }

    @Test
    void twoDeliveriesToOneNexthopShareAConnection() throws Exception {
        server = ScriptedSmtpServer.start();
        agent();

        DeliveryStatus first = send("bob@server.test");
        DeliveryStatus second = send("carol@server.test");

        assertEquals(Outcome.SENT, first.outcome(), first.reason());
        assertEquals(Outcome.SENT, second.outcome(), second.reason());
        assertEquals(1, first.connUse());
        assertEquals(2, second.connUse());
        assertEquals(1, server.connections());
        List<String> c = server.commands();
        assertEquals(1, c.stream().filter(l -> l.startsWith("EHLO")).count(), c.toString());
        int rset = c.indexOf("RSET");
        assertTrue(rset > 0 && c.get(rset + 1).startsWith("MAIL FROM:"), "RSET checks the cached session: " + c);
        assertTrue(server.followedAtOnce().contains("RSET"),
                "the server offers PIPELINING: RSET goes in one write with the envelope: " + server.followedAtOnce());
        assertFalse(c.contains("QUIT"), "the connection stays open while cached");

        agent.closeCachedConnections();
        assertEquals("QUIT", server.commands().get(server.commands().size() - 1));
    }

    @Test
    void aCachedConnectionThatDiedIsReplacedTransparently() throws Exception {
        server = ScriptedSmtpServer.start().hangUpAfterMessages(1);
        agent();

        bothSentTheSecondOverAFreshConnection();
        assertEquals(2, server.commands().stream().filter(l -> l.startsWith("MAIL FROM:")).count());
    }

    @Test
    void withoutPipeliningTheRsetHasItsOwnRoundTrip() throws Exception {
        server = ScriptedSmtpServer.start().ehlo("250-scripted.test\n250 8BITMIME");
        agent();

        assertEquals(Outcome.SENT, send("bob@server.test").outcome());
        DeliveryStatus second = send("carol@server.test");

        assertEquals(Outcome.SENT, second.outcome(), second.reason());
        assertEquals(2, second.connUse());
        assertTrue(server.commands().contains("RSET"), server.commands().toString());
        assertFalse(server.followedAtOnce().contains("RSET"), "no command follows RSET before its reply: " + server.followedAtOnce());
    }

    @Test
    void aCachedConnectionThatRefusesRsetIsReplacedTransparently() throws Exception {
        // the server answers RSET with 421 but goes on reading: the pipelined MAIL, RCPT and DATA
        // after it must not count, and the message goes over a fresh connection
        server = ScriptedSmtpServer.start().on("RSET", "421 4.4.2 scripted.test Error: timeout exceeded");
        agent();

        bothSentTheSecondOverAFreshConnection();
        // how much of the pipelined envelope after the refused RSET the server still reads before
        // the client's close reaches it varies; the fresh connection then carries the message
        List<String> c = server.commands();
        List<String> verbs = c.stream().map(l -> l.split("[ :]", 2)[0]).toList();
        int rset = verbs.indexOf("RSET");
        int fresh = verbs.lastIndexOf("EHLO");
        assertTrue(rset > 0 && fresh > rset, c.toString());
        assertEquals(List.of("EHLO", "MAIL", "RCPT", "DATA"), verbs.subList(fresh, verbs.size()), c.toString());
        assertEquals(2, server.dataLines().stream().filter(l -> l.startsWith("Subject: reuse")).count(),
                "two messages, each once: " + server.dataLines());
    }

    /** Two deliveries in a row, both sent; the cached connection was unusable, so the second has a new one. */
    private void bothSentTheSecondOverAFreshConnection() throws IOException {
        DeliveryStatus first = send("bob@server.test");
        DeliveryStatus second = send("carol@server.test");

        assertEquals(Outcome.SENT, first.outcome(), first.reason());
        assertEquals(Outcome.SENT, second.outcome(), second.reason());
        assertEquals(1, second.connUse(), "a fresh connection");
        assertEquals(2, server.connections());
    }

    @Test
    void reuseCountLimitAllowsNPlusOneUses() throws Exception {
        server = ScriptedSmtpServer.start();
        agent("smtp_connection_reuse_count_limit", "1");

        List<Integer> uses = List.of(send("a@server.test").connUse(), send("b@server.test").connUse(),
                send("c@server.test").connUse());

        assertEquals(List.of(1, 2, 1), uses);
        assertEquals(2, server.connections());
    }

    @Test
    void withoutCachingEachDeliveryHasItsOwnConnection() throws Exception {
        server = ScriptedSmtpServer.start();
        agent("smtp_connection_cache_on_demand", "no");

        send("a@server.test");
        send("b@server.test");

        assertEquals(2, server.connections());
        assertEquals(2, server.commands().stream().filter("QUIT"::equals).count());
    }

    @Test
    void anIdleConnectionIsClosedWithQuitAfterTheCacheTimeLimit() throws Exception {
        server = ScriptedSmtpServer.start();
        agent("smtp_connection_cache_time_limit", "1s");

        assertEquals(Outcome.SENT, send("bob@server.test").outcome());
        assertEquals(1, agent.cache.size());

        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!server.commands().contains("QUIT") && System.nanoTime() < deadline) Thread.sleep(20); // polling, bounded by the deadline
        assertTrue(server.commands().contains("QUIT"), "the reaper said QUIT: " + server.commands());
        assertEquals(0, agent.cache.size());
    }
}
