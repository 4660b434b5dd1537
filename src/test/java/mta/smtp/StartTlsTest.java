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
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import mta.config.Config;
import mta.deliver.DeliveryStatus;
import mta.deliver.DeliveryStatus.Outcome;
import mta.dns.DnsjavaResolver;
import mta.dns.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * StartTlsTest - smtp_tls_security_level none, may and encrypt against a scripted server that
 * offers STARTTLS with a self-signed certificate made by keytool at test time.
 */
class StartTlsTest {
    @TempDir
    static Path keys;
    private static SSLContext serverTls;

    @TempDir
    Path queue;
    private TestDnsServer dns;
    private ScriptedSmtpServer server;
    private final List<String> log = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void certificate() throws Exception {
        serverTls = TestTls.serverContext(keys);
    }

    @BeforeEach
    void start() throws IOException {
        dns = TestDnsServer.start();
    }

    @AfterEach
    void stop() {
        dns.close();
        if (server != null) server.close();
    }

    private DeliveryStatus deliver(String... pairs) throws IOException {
        Map<String, String> m = new HashMap<>(Map.of("myhostname", "client.test",
                "smtp_connection_cache_on_demand", "no"));
        for (int i = 0; i < pairs.length; i += 2) m.put(pairs[i], pairs[i + 1]);
        SmtpAgent agent = new SmtpAgent(Config.of(m), new DnsjavaResolver(List.of(dns.address()),
                Duration.ofSeconds(2)), 25, log::add);
        return agent.deliver(TestMessages.request(queue, server.nexthop(), "alice@client.test",
                List.of("bob@server.test"), List.of("Subject: tls", "", "secret"))).get(0);
    }

    @Test
    void mayUpgradesAndTheWholeTransactionIsInsideTls() throws Exception {
        server = ScriptedSmtpServer.start().startTls(serverTls);

        DeliveryStatus s = deliver("smtp_tls_security_level", "may", "smtp_tls_loglevel", "1");

        assertEquals(Outcome.SENT, s.outcome(), s.reason());
        List<String> c = server.commands();
        assertEquals(List.of("EHLO client.test", "STARTTLS", "EHLO client.test"), c.subList(0, 3));
        List<String> inTls = server.tlsCommands();
        assertEquals("EHLO client.test", inTls.get(0));
        assertTrue(inTls.stream().anyMatch(l -> l.startsWith("MAIL FROM:<alice@client.test>")), inTls.toString());
        assertTrue(inTls.contains("RCPT TO:<bob@server.test>"), inTls.toString());
        assertTrue(inTls.contains("DATA"), inTls.toString());
        assertTrue(server.dataLines().contains("secret"));
        assertEquals(1, log.size(), log.toString());
        String expected = "Untrusted TLS connection established to 127.0.0.1[127.0.0.1]:" + server.port() + ": TLSv1.";
        assertTrue(log.get(0).startsWith(expected) && log.get(0).contains(" with cipher TLS_"), log.get(0));
    }

    @Test
    void mayWithoutAnOfferStaysInPlaintext() throws Exception {
        server = ScriptedSmtpServer.start();

        DeliveryStatus s = deliver("smtp_tls_security_level", "may");

        assertEquals(Outcome.SENT, s.outcome(), s.reason());
        assertFalse(server.commands().contains("STARTTLS"));
        assertTrue(server.tlsCommands().isEmpty());
    }

    @Test
    void theDefaultLevelNoneIgnoresTheOffer() throws Exception {
        server = ScriptedSmtpServer.start().startTls(serverTls);

        DeliveryStatus s = deliver();

        assertEquals(Outcome.SENT, s.outcome(), s.reason());
        assertFalse(server.commands().contains("STARTTLS"));
        assertTrue(log.isEmpty(), "no TLS, no TLS log");
    }

    @Test
    void encryptDefersWhenTlsIsNotOffered() throws Exception {
        server = ScriptedSmtpServer.start();

        DeliveryStatus s = deliver("smtp_tls_security_level", "encrypt");

        assertEquals(Outcome.DEFERRED, s.outcome());
        assertEquals("4.7.4", s.dsn().toString());
        assertEquals("TLS is required, but was not offered by host 127.0.0.1[127.0.0.1]", s.reason());
        assertFalse(server.commands().stream().anyMatch(l -> l.startsWith("MAIL")), "nothing sent in the clear");
    }

    @Test
    void encryptDeliversWhenTlsIsOffered() throws Exception {
        server = ScriptedSmtpServer.start().startTls(serverTls);

        DeliveryStatus s = deliver("smtp_tls_security_level", "encrypt");

        assertEquals(Outcome.SENT, s.outcome(), s.reason());
        assertTrue(server.tlsCommands().contains("DATA"));
        assertTrue(log.isEmpty(), "smtp_tls_loglevel 0 logs nothing");
    }

    @Test
    void mayRetriesInPlaintextWhenTheServerRefusesStartTls() throws Exception {
        server = ScriptedSmtpServer.start().startTls(serverTls).on("STARTTLS", "454 4.7.0 TLS not available");

        DeliveryStatus s = deliver("smtp_tls_security_level", "may");

        assertEquals(Outcome.SENT, s.outcome(), s.reason());
        assertTrue(server.tlsCommands().isEmpty());
    }
}
