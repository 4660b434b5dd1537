package mta.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
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
import mta.lookup.TableBuilder;
import mta.util.SecretFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SmtpSaslTest - the SMTP client's AUTH against a scripted server, for the cases a real server
 * cannot be made to produce on demand: which mechanism is chosen (PLAIN, LOGIN, the filter), no
 * password outside TLS under noplaintext, the lookup keys of smtp_sasl_password_maps, the reply
 * classes and soft bounce, and the password never in the log. The same client against a real
 * Dovecot-backed submission service is SmtpSaslRelayTest.
 */
class SmtpSaslTest {
    private static final String EHLO = "250-scripted.test\n250-AUTH PLAIN LOGIN\n250 8BITMIME";
    private static final String PASSWORD = "s3cret-Pa55";
    @TempDir
    static Path keys;
    private static SSLContext serverTls;

    @TempDir
    Path dir;
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

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A hash: table (postmap's format) with the given entries, and its specification. */
    private String passwords(Map<String, String> entries) {
        Path source = dir.resolve("sasl_passwd");
        TableBuilder.write(dir.resolve("sasl_passwd.db"), entries, null);
        return "hash:" + source;
    }

    private DeliveryStatus deliver(String sender, String... pairs) throws IOException {
        Map<String, String> m = new HashMap<>(Map.of("myhostname", "client.test",
                "smtp_connection_cache_on_demand", "no", "smtp_sasl_auth_enable", "yes"));
        for (int i = 0; i < pairs.length; i += 2) m.put(pairs[i], pairs[i + 1]);
        SmtpAgent agent = new SmtpAgent(Config.of(m), new DnsjavaResolver(List.of(dns.address()),
                Duration.ofSeconds(2)), 25, log::add, SecretFiles.DIRECT);
        return agent.deliver(TestMessages.request(dir, server.nexthop(), sender,
                List.of("bob@remote.test"), List.of("Subject: auth", "", "hello"))).get(0);
    }

    private void noPasswordLogged(DeliveryStatus s) {
        String all = String.join("\n", log) + "\n" + s.reason();
        assertFalse(all.contains(PASSWORD), all);
        assertFalse(all.contains(b64("\0alice\0" + PASSWORD)), all);
        assertFalse(all.contains(b64(PASSWORD)), all);
    }

    @Test
    void plainInsideTlsWithTheNextHopsPassword() throws Exception {
        server = ScriptedSmtpServer.start().startTls(serverTls).ehlo(EHLO)
                .on("AUTH PLAIN " + b64("\0alice\0" + PASSWORD), "235 2.7.0 Authentication successful");

        DeliveryStatus s = deliver("me@home.test", "smtp_tls_security_level", "encrypt",
                "smtp_sasl_password_maps", passwords(Map.of(server.nexthop(), "alice:" + PASSWORD)),
                "smtp_sasl_tls_security_options", "noanonymous");

        assertEquals(Outcome.SENT, s.outcome(), s.reason());
        List<String> tls = server.tlsCommands();
        assertEquals("EHLO client.test", tls.get(0));
        assertEquals("AUTH PLAIN " + b64("\0alice\0" + PASSWORD), tls.get(1), "AUTH right after the EHLO inside TLS");
        assertTrue(tls.get(2).startsWith("MAIL FROM:<me@home.test>"), tls.toString());
        assertFalse(server.commands().subList(0, 2).stream().anyMatch(c -> c.startsWith("AUTH")), "nothing before TLS");
        noPasswordLogged(s);
    }

    @Test
    void noplaintextWithoutTlsSendsNoPasswordAndDefers() throws Exception {
        server = ScriptedSmtpServer.start().ehlo(EHLO).on("AUTH", "235 2.7.0 Authentication successful");

        DeliveryStatus s = deliver("me@home.test",
                "smtp_sasl_password_maps", passwords(Map.of(server.nexthop(), "alice:" + PASSWORD)));

        assertEquals(Outcome.DEFERRED, s.outcome());
        assertEquals("4.7.0", s.dsn().toString());
        assertEquals("SASL authentication failed; cannot authenticate to server 127.0.0.1[127.0.0.1]:"
                + " no mechanism available", s.reason());
        assertTrue(log.contains("warning: SASL authentication failure: No worthy mechs found"), log.toString());
        assertFalse(server.commands().stream().anyMatch(c -> c.startsWith("AUTH") || c.startsWith("MAIL")),
                server.commands().toString());
        assertTrue(server.commands().contains("QUIT"), server.commands().toString());
        noPasswordLogged(s);
    }

    @Test
    void aRejectedPasswordDefersUnlessSoftBounceIsOff() throws Exception {
        String rejected = "535 5.7.8 Error: authentication failed: authentication failure";
        server = ScriptedSmtpServer.start().ehlo(EHLO).on("AUTH", rejected);
        String table = passwords(Map.of(server.nexthop(), "alice:" + PASSWORD));

        DeliveryStatus s = deliver("me@home.test", "smtp_sasl_password_maps", table,
                "smtp_sasl_security_options", "noanonymous");

        assertEquals(Outcome.DEFERRED, s.outcome());
        assertEquals("4.7.8", s.dsn().toString());
        assertEquals("SASL authentication failed; server 127.0.0.1[127.0.0.1] said: " + rejected, s.reason());
        assertFalse(server.commands().stream().anyMatch(c -> c.startsWith("MAIL")), "no MAIL after a failed AUTH");
        noPasswordLogged(s);

        DeliveryStatus hard = deliver("me@home.test", "smtp_sasl_password_maps", table,
                "smtp_sasl_security_options", "noanonymous", "smtp_sasl_auth_soft_bounce", "no");
        assertEquals(Outcome.BOUNCED, hard.outcome());
        assertEquals("5.7.8", hard.dsn().toString());
    }

    @Test
    void aTemporaryRejectionDefers() throws Exception {
        server = ScriptedSmtpServer.start().ehlo(EHLO).on("AUTH", "454 4.7.0 Temporary authentication failure");

        DeliveryStatus s = deliver("me@home.test", "smtp_sasl_auth_soft_bounce", "no",
                "smtp_sasl_password_maps", passwords(Map.of(server.nexthop(), "alice:" + PASSWORD)),
                "smtp_sasl_security_options", "");

        assertEquals(Outcome.DEFERRED, s.outcome());
        assertEquals("4.7.0", s.dsn().toString());
    }

    @Test
    void loginWhenTheFilterAllowsOnlyLogin() throws Exception {
        server = ScriptedSmtpServer.start().ehlo(EHLO)
                .on("AUTH LOGIN", "334 VXNlcm5hbWU6")
                .on(b64("alice"), "334 UGFzc3dvcmQ6")
                .on(b64(PASSWORD), "235 2.7.0 Authentication successful");

        DeliveryStatus s = deliver("me@home.test",
                "smtp_sasl_password_maps", passwords(Map.of(server.nexthop(), "alice:" + PASSWORD)),
                "smtp_sasl_security_options", "noanonymous", "smtp_sasl_mechanism_filter", "!plain, static:rest");

        assertEquals(Outcome.SENT, s.outcome(), s.reason());
        List<String> c = server.commands();
        int auth = c.indexOf("AUTH LOGIN");
        assertTrue(auth > 0, c.toString());
        assertEquals(List.of(b64("alice"), b64(PASSWORD)), c.subList(auth + 1, auth + 3));
        noPasswordLogged(s);
    }

    @Test
    void aFilterThatLeavesNothingDefers() throws Exception {
        server = ScriptedSmtpServer.start().ehlo(EHLO);

        DeliveryStatus s = deliver("me@home.test",
                "smtp_sasl_password_maps", passwords(Map.of(server.nexthop(), "alice:" + PASSWORD)),
                "smtp_sasl_security_options", "noanonymous", "smtp_sasl_mechanism_filter", "cram-md5");

        assertEquals(Outcome.DEFERRED, s.outcome());
        assertTrue(s.reason().endsWith(": no mechanism available"), s.reason());
    }

    @Test
    void withoutAPasswordForTheServerNoAuthIsTried() throws Exception {
        server = ScriptedSmtpServer.start().ehlo(EHLO);

        DeliveryStatus s = deliver("me@home.test",
                "smtp_sasl_password_maps", passwords(Map.of("[other.test]:587", "alice:" + PASSWORD)),
                "smtp_sasl_security_options", "noanonymous");

        assertEquals(Outcome.SENT, s.outcome(), s.reason());
        assertFalse(server.commands().stream().anyMatch(c -> c.startsWith("AUTH")), server.commands().toString());
    }

    @Test
    void theLookupKeysInPostfixOrder() throws Exception {
        server = ScriptedSmtpServer.start().ehlo(EHLO).on("AUTH PLAIN", "235 2.7.0 Ok");
        String hop = server.nexthop();
        Map<String, String> all = Map.of("me@home.test", "sender:pw", "@home.test", "domain:pw",
                hop, "nexthop:pw", "127.0.0.1", "host:pw");

        assertEquals("nexthop", userSentFor("me@home.test", all, "no"));
        assertEquals("sender", userSentFor("me@home.test", all, "yes"));
        assertEquals("domain", userSentFor("you@home.test", all, "yes"));
        assertEquals("nexthop", userSentFor("you@elsewhere.test", all, "yes"));
        assertEquals("nexthop", userSentFor("", all, "yes"));
        assertEquals("host", userSentFor("me@home.test", Map.of("127.0.0.1", "host:pw", "[127.0.0.1]", "x:pw"), "no"));
    }

    /** The user name in the AUTH PLAIN that the client sends for mail from {@code sender}. */
    private String userSentFor(String sender, Map<String, String> table, String senderDependent) throws Exception {
        int before = server.commands().size();
        Files.deleteIfExists(dir.resolve("sasl_passwd.db"));
        DeliveryStatus s = deliver(sender, "smtp_sasl_password_maps", passwords(table),
                "smtp_sasl_security_options", "noanonymous", "smtp_sender_dependent_authentication", senderDependent);
        assertEquals(Outcome.SENT, s.outcome(), s.reason());
        String auth = server.commands().subList(before, server.commands().size()).stream()
                .filter(c -> c.startsWith("AUTH PLAIN ")).findFirst().orElseThrow();
        String decoded = new String(Base64.getDecoder().decode(auth.substring("AUTH PLAIN ".length())),
                StandardCharsets.UTF_8);
        return decoded.split("\0")[1];
    }

    @Test
    void aTableThatCannotBeReadDefers() throws Exception {
        server = ScriptedSmtpServer.start().ehlo(EHLO);

        DeliveryStatus s = deliver("me@home.test", "smtp_sasl_password_maps", "hash:" + dir.resolve("missing"),
                "smtp_sasl_security_options", "noanonymous");

        assertEquals(Outcome.DEFERRED, s.outcome());
        assertEquals("4.3.0", s.dsn().toString());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("warning: smtp_sasl_password_maps lookup error: ")), log.toString());
    }

    @Test
    void aServerWithoutAuthGetsTheMailWithoutAuth() throws Exception {
        server = ScriptedSmtpServer.start();

        DeliveryStatus s = deliver("me@home.test",
                "smtp_sasl_password_maps", passwords(Map.of(server.nexthop(), "alice:" + PASSWORD)));

        assertEquals(Outcome.SENT, s.outcome(), s.reason());
    }

    @Test
    void theLmtpClientAuthenticatesWithItsLmtpTwins() throws Exception {
        server = ScriptedSmtpServer.start()
                .on("LHLO", "250-scripted.test\n250-AUTH PLAIN LOGIN\n250 PIPELINING")
                .on("AUTH PLAIN " + b64("\0lmtp-user\0" + PASSWORD), "235 2.7.0 Authentication successful");
        String nexthop = "inet:127.0.0.1:" + server.port();
        Map<String, String> m = new HashMap<>(Map.of("myhostname", "client.test", "queue_directory", dir.toString(),
                "lmtp_connection_cache_on_demand", "no", "lmtp_sasl_auth_enable", "yes",
                "lmtp_sasl_security_options", "noanonymous",
                "lmtp_sasl_password_maps", passwords(Map.of(nexthop, "lmtp-user:" + PASSWORD))));
        SmtpAgent lmtp = SmtpAgent.lmtp(Config.of(m), null, log::add, SecretFiles.DIRECT);

        DeliveryStatus s = lmtp.deliver(TestMessages.request(dir, nexthop, "me@home.test",
                List.of("bob@remote.test"), List.of("Subject: auth", "", "hello"))).get(0);

        assertEquals(Outcome.SENT, s.outcome(), s.reason());
        List<String> c = server.commands();
        assertTrue(c.get(0).startsWith("LHLO "), c.toString());
        assertEquals("AUTH PLAIN " + b64("\0lmtp-user\0" + PASSWORD), c.get(1), "AUTH right after LHLO");
        noPasswordLogged(s);
    }

    @Test
    void plaintextOnlyWithAVerifiedServerWhenTheVerifiedOptionsSaySo() throws Exception {
        server = ScriptedSmtpServer.start().startTls(serverTls).ehlo(EHLO).on("AUTH PLAIN", "235 2.7.0 Ok");
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keys.resolve("server.p12"))) {
            ks.load(in, "changeit".toCharArray());
        }
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(ks.getCertificate("server").getEncoded());
        String fp = java.util.HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        String table = passwords(Map.of(server.nexthop(), "alice:" + PASSWORD));

        DeliveryStatus verified = deliver("me@home.test", "smtp_tls_security_level", "fingerprint",
                "smtp_tls_fingerprint_cert_match", fp, "smtp_sasl_password_maps", table,
                "smtp_sasl_tls_verified_security_options", "noanonymous");
        assertEquals(Outcome.SENT, verified.outcome(), verified.reason());
        assertTrue(server.tlsCommands().stream().anyMatch(c -> c.startsWith("AUTH PLAIN ")), server.tlsCommands().toString());

        int before = server.commands().size();
        DeliveryStatus unverified = deliver("me@home.test", "smtp_tls_security_level", "encrypt",
                "smtp_sasl_password_maps", table, "smtp_sasl_tls_verified_security_options", "noanonymous");
        assertEquals(Outcome.DEFERRED, unverified.outcome());
        assertTrue(unverified.reason().endsWith(": no mechanism available"), unverified.reason());
        assertFalse(server.commands().subList(before, server.commands().size()).stream()
                .anyMatch(c -> c.startsWith("AUTH")), "no password for a server whose certificate is not verified");
    }
}
