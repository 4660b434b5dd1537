package mta.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import mta.config.Config;
import mta.deliver.DeliveryRequest;
import mta.deliver.DeliveryStatus;
import mta.deliver.DeliveryStatus.Outcome;
import mta.testing.ServerProcess;
import mta.testing.TestDovecotLda;
import mta.testing.TestDovecotLmtp;
import mta.testing.TestSite;
import mta.util.PosixAccounts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LmtpDovecotTest - the LMTP client ({@link SmtpAgent#lmtp}) against a real Dovecot LMTP server
 * with a passwd-file user database: delivery into the Maildir over {@code unix:PATH} (relative to
 * the queue directory) and {@code inet:host:port}; one status per recipient (an unknown user
 * bounces 5.1.1 at RCPT while the others are saved; after DATA, a user over quota bounces 5.2.2
 * while another is saved); a probe that asks RCPT and delivers nothing; a
 * reused connection; and a server that is not there, which defers.
 */
class LmtpDovecotTest {
    private static final List<String> MESSAGE = List.of("Subject: over lmtp", "From: alice@client.test", "",
            "Hello.", ".a line with a dot");
    private static Path base;
    private static Path queue;
    private static TestDovecotLmtp dovecot;

    @BeforeAll
    static void startDovecot() throws Exception {
        TestDovecotLmtp.require();
        base = ServerProcess.directory("mta-lmtp-");
        queue = Files.createDirectories(base.resolve("queue"));
        Files.createDirectories(queue.resolve("private"));
        int uid = PosixAccounts.ROOT ? 65534 : (Integer) Files.getAttribute(base, "unix:uid");
        int gid = PosixAccounts.ROOT ? 65534 : (Integer) Files.getAttribute(base, "unix:gid");
        dovecot = TestDovecotLmtp.start(Files.createDirectories(base.resolve("dovecot")),
                queue.resolve("private/dovecot-lmtp"), List.of(new TestDovecotLda.User("bob@lmtp.test", uid, gid),
                        new TestDovecotLda.User("carol@lmtp.test", uid, gid), new TestDovecotLda.User("full@lmtp.test", uid, gid)));
    }

    @AfterAll
    static void stopDovecot() {
        if (dovecot != null) dovecot.stop();
        ServerProcess.delete(base);
    }

    private static SmtpAgent agent(String... pairs) {
        Map<String, String> m = new HashMap<>(Map.of("myhostname", "client.test", "queue_directory", queue.toString(),
                "lmtp_connection_cache_on_demand", "no"));
        for (int i = 0; i < pairs.length; i += 2) m.put(pairs[i], pairs[i + 1]);
        return SmtpAgent.lmtp(Config.of(m), null, line -> { }, mta.util.SecretFiles.DIRECT);
    }

    private static DeliveryRequest request(String nexthop, Map<String, String> attrs, String... rcpts) throws IOException {
        Path dir = Files.createDirectories(base.resolve("messages"));
        return TestMessages.request(dir, nexthop, "alice@client.test", List.of(rcpts), MESSAGE, attrs);
    }

    private static DeliveryStatus of(List<DeliveryStatus> statuses, String rcpt) {
        return statuses.stream().filter(s -> s.recipient().address().equals(rcpt)).findFirst().orElseThrow();
    }

    private static long count(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void unixSocketRelativeToTheQueueDirectoryOneStatusPerRecipient() throws Exception {
        long bob = count(dovecot.inbox("bob@lmtp.test"));
        long carol = count(dovecot.inbox("carol@lmtp.test"));
        List<DeliveryStatus> st = agent().deliver(request("unix:private/dovecot-lmtp", Map.of(),
                "bob@lmtp.test", "nosuch@lmtp.test", "carol@lmtp.test"));

        DeliveryStatus b = of(st, "bob@lmtp.test");
        assertEquals(Outcome.SENT, b.outcome(), b.reason() + "\n" + dovecot.log());
        assertEquals("2.0.0", b.dsn().toString());
        assertEquals("client.test[private/dovecot-lmtp]", b.relay());
        assertTrue(b.reason().matches("250 2\\.0\\.0 <bob@lmtp\\.test> \\S+ Saved"), b.reason());
        assertTrue(of(st, "carol@lmtp.test").reason().startsWith("250 2.0.0 <carol@lmtp.test> "));
        DeliveryStatus nosuch = of(st, "nosuch@lmtp.test");
        assertEquals(Outcome.BOUNCED, nosuch.outcome());
        assertEquals("5.1.1", nosuch.dsn().toString());
        assertTrue(nosuch.reason().startsWith("host client.test[private/dovecot-lmtp] said: 550 5.1.1 <nosuch@lmtp.test> ")
                && nosuch.reason().endsWith("(in reply to RCPT TO command)"), nosuch.reason());

        assertEquals(bob + 1, count(dovecot.inbox("bob@lmtp.test")));
        assertEquals(carol + 1, count(dovecot.inbox("carol@lmtp.test")));
        String saved;
        try (Stream<Path> s = Files.list(dovecot.inbox("carol@lmtp.test"))) {
            saved = Files.readString(s.sorted().reduce((a, c) -> c).orElseThrow());
        }
        assertTrue(saved.contains("Return-Path: <alice@client.test>") && saved.contains("Subject: over lmtp")
                && saved.contains("\n.a line with a dot"), saved);
    }

    /** RFC 2033: after DATA each recipient has its own reply; Dovecot saves for one and refuses the other. */
    @Test
    void afterDataOneRecipientIsSavedAndTheOtherOverQuota() throws Exception {
        long bob = count(dovecot.inbox("bob@lmtp.test"));
        List<DeliveryStatus> st = agent().deliver(request("unix:private/dovecot-lmtp", Map.of(),
                "full@lmtp.test", "bob@lmtp.test"));
        DeliveryStatus full = of(st, "full@lmtp.test");
        assertEquals(Outcome.BOUNCED, full.outcome(), full.reason());
        assertEquals("5.2.2", full.dsn().toString());
        assertTrue(full.reason().matches("host client\\.test\\[private/dovecot-lmtp\\] said: 552 5\\.2\\.2 <full@lmtp\\.test> "
                + "Quota exceeded.* \\(in reply to end of DATA command\\)"), full.reason());
        DeliveryStatus b = of(st, "bob@lmtp.test");
        assertEquals(Outcome.SENT, b.outcome(), b.reason());
        assertTrue(b.reason().startsWith("250 2.0.0 <bob@lmtp.test> "), b.reason());
        assertEquals(bob + 1, count(dovecot.inbox("bob@lmtp.test")));
    }

    @Test
    void inetHostAndPortWithAndWithoutPrefix() throws Exception {
        long bob = count(dovecot.inbox("bob@lmtp.test"));
        for (String nexthop : List.of("inet:127.0.0.1:" + dovecot.port, "[127.0.0.1]:" + dovecot.port,
                "inet:[127.0.0.1]:" + dovecot.port)) {
            DeliveryStatus s = agent().deliver(request(nexthop, Map.of(), "bob@lmtp.test")).get(0);
            assertEquals(Outcome.SENT, s.outcome(), nexthop + ": " + s.reason());
            assertEquals("127.0.0.1[127.0.0.1]:" + dovecot.port, s.relay());
        }
        assertEquals(bob + 3, count(dovecot.inbox("bob@lmtp.test")));
        // no port: lmtp_tcp_port; no prefix: inet
        for (String nexthop : List.of("inet:127.0.0.1", "127.0.0.1")) {
            DeliveryStatus s = agent("lmtp_tcp_port", Integer.toString(dovecot.port))
                    .deliver(request(nexthop, Map.of(), "bob@lmtp.test")).get(0);
            assertEquals(Outcome.SENT, s.outcome(), nexthop + ": " + s.reason());
        }
    }

    @Test
    void aCachedConnectionServesTheNextDelivery() throws Exception {
        SmtpAgent agent = agent("lmtp_connection_cache_on_demand", "yes", "lmtp_connection_cache_time_limit", "30s");
        try {
            DeliveryStatus first = agent.deliver(request("unix:private/dovecot-lmtp", Map.of(), "bob@lmtp.test")).get(0);
            DeliveryStatus second = agent.deliver(request("unix:private/dovecot-lmtp", Map.of(), "carol@lmtp.test")).get(0);
            assertEquals(Outcome.SENT, first.outcome(), first.reason());
            assertEquals(Outcome.SENT, second.outcome(), second.reason());
            assertEquals(1, first.connUse());
            assertEquals(2, second.connUse());
        } finally {
            agent.closeCachedConnections();
        }
    }

    @Test
    void aProbeAsksRcptAndDeliversNothing() throws Exception {
        long bob = count(dovecot.inbox("bob@lmtp.test"));
        List<DeliveryStatus> st = agent().deliver(request("unix:private/dovecot-lmtp", Map.of("trace_flags", "256"),
                "bob@lmtp.test", "nosuch@lmtp.test"));
        assertEquals(Outcome.SENT, of(st, "bob@lmtp.test").outcome());
        assertEquals("2.1.5", of(st, "bob@lmtp.test").dsn().toString());
        assertEquals(Outcome.BOUNCED, of(st, "nosuch@lmtp.test").outcome());
        assertEquals("5.1.1", of(st, "nosuch@lmtp.test").dsn().toString());
        assertEquals(bob, count(dovecot.inbox("bob@lmtp.test")));
    }

    @Test
    void noServerDefersNeverBounces() throws Exception {
        DeliveryStatus unix = agent().deliver(request("unix:private/nosuch-lmtp", Map.of(), "bob@lmtp.test")).get(0);
        assertEquals(Outcome.DEFERRED, unix.outcome());
        assertEquals("4.4.1", unix.dsn().toString());
        assertTrue(unix.reason().startsWith("connect to private/nosuch-lmtp: "), unix.reason());
        int closed = TestSite.freePort();
        DeliveryStatus inet = agent().deliver(request("inet:127.0.0.1:" + closed, Map.of(), "bob@lmtp.test")).get(0);
        assertEquals(Outcome.DEFERRED, inet.outcome());
        assertEquals("connect to 127.0.0.1[127.0.0.1]:" + closed + ": Connection refused", inet.reason());
    }
}
