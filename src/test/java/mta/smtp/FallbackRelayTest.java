package mta.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mta.config.Config;
import mta.deliver.DeliveryStatus;
import mta.deliver.DeliveryStatus.Outcome;
import mta.dns.DnsjavaResolver;
import mta.dns.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FallbackRelayTest - smtp_fallback_relay after a destination that is unreachable, defers, or
 * cannot be found; never after a permanent refusal; and the MX session limit before it.
 */
class FallbackRelayTest {
    @TempDir
    Path queue;
    private TestDnsServer dns;
    private ScriptedSmtpServer fallback;
    private ScriptedSmtpServer primary;

    @BeforeEach
    void start() throws IOException {
        dns = TestDnsServer.start();
        fallback = ScriptedSmtpServer.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        dns.close();
        fallback.close();
        if (primary != null) primary.close();
    }

    private DeliveryStatus deliver(String nexthop, int defaultPort, String... pairs) throws IOException {
        Map<String, String> m = new HashMap<>(Map.of("myhostname", "client.test",
                "smtp_connection_cache_on_demand", "no", "smtp_fallback_relay", fallback.nexthop()));
        for (int i = 0; i < pairs.length; i += 2) m.put(pairs[i], pairs[i + 1]);
        SmtpAgent agent = new SmtpAgent(Config.of(m), new DnsjavaResolver(List.of(dns.address()),
                Duration.ofSeconds(2)), defaultPort);
        return agent.deliver(TestMessages.request(queue, nexthop, "alice@client.test",
                List.of("bob@server.test"), List.of("Subject: fallback", "", "body"))).get(0);
    }

    private static int deadPort() throws IOException {
        return mta.testing.TestSite.freePort();
    }

    @Test
    void anUnreachableDestinationGoesToTheFallbackRelay() throws Exception {
        DeliveryStatus s = deliver("[127.0.0.1]:" + deadPort(), 25);

        assertEquals(Outcome.SENT, s.outcome(), s.reason());
        assertEquals("127.0.0.1[127.0.0.1]:" + fallback.port(), s.relay());
        assertEquals(1, fallback.connections());
    }

    @Test
    void aDestinationThatDefersGoesToTheFallbackRelay() throws Exception {
        primary = ScriptedSmtpServer.start("127.0.0.1", 0).on("MAIL FROM", "451 4.3.0 Try later");

        DeliveryStatus s = deliver(primary.nexthop(), 25);

        assertEquals(Outcome.SENT, s.outcome(), s.reason());
        assertEquals("127.0.0.1[127.0.0.1]:" + fallback.port(), s.relay());
    }

    @Test
    void aPermanentRefusalIsFinal() throws Exception {
        primary = ScriptedSmtpServer.start("127.0.0.1", 0).on("RCPT TO", "550 5.1.1 No such user");

        DeliveryStatus s = deliver(primary.nexthop(), 25);

        assertEquals(Outcome.BOUNCED, s.outcome());
        assertEquals(0, fallback.connections());
    }

    @Test
    void aDomainThatIsNotFoundGoesToTheFallbackRelay() throws Exception {
        DeliveryStatus s = deliver("nowhere.test", 25);

        assertEquals(Outcome.SENT, s.outcome(), s.reason());
    }

    @Test
    void whenTheFallbackFailsTooTheMessageIsDeferred() throws Exception {
        fallback.close();
        DeliveryStatus s = deliver("[127.0.0.1]:" + deadPort(), 25);

        assertEquals(Outcome.DEFERRED, s.outcome());
        assertEquals("4.4.1", s.dsn().toString());
        assertTrue(s.reason().startsWith("connect to 127.0.0.1[127.0.0.1]:" + fallback.port()), s.reason());
    }

    @Test
    void theMxSessionLimitStopsBeforeTheThirdServer() throws Exception {
        // three MX hosts on 127.0.0.2-4 share one port; each defers MAIL
        ScriptedSmtpServer mx1 = ScriptedSmtpServer.start("127.0.0.2", 0).on("MAIL FROM", "451 4.3.0 Busy");
        int port = mx1.port();
        ScriptedSmtpServer mx2 = ScriptedSmtpServer.start("127.0.0.3", port).on("MAIL FROM", "451 4.3.0 Busy");
        ScriptedSmtpServer mx3 = ScriptedSmtpServer.start("127.0.0.4", port);
        try {
            dns.mx("server.test", 10, "mx1.server.test").a("mx1.server.test", "127.0.0.2")
               .mx("server.test", 20, "mx2.server.test").a("mx2.server.test", "127.0.0.3")
               .mx("server.test", 30, "mx3.server.test").a("mx3.server.test", "127.0.0.4");

            DeliveryStatus s = deliver("server.test", port, "smtp_fallback_relay", "");

            assertEquals(Outcome.DEFERRED, s.outcome());
            assertTrue(s.reason().startsWith("host mx2.server.test[127.0.0.3] said: 451 4.3.0 Busy"), s.reason());
            assertEquals(List.of(1, 1, 0), List.of(mx1.connections(), mx2.connections(), mx3.connections()));
        } finally {
            mx1.close();
            mx2.close();
            mx3.close();
        }
    }
}
