package mta.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.IOException;
import java.nio.file.Files;
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
import mta.testing.TestCa;
import mta.testing.TestPem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SmtpTlsLevelsTest - the SMTP client's TLS levels against TLS servers whose certificates a test
 * CA (made by openssl) signed: verify and secure with their match rules, CAfile and tafile,
 * fingerprint, smtp_tls_policy_maps with its attributes and its errors, and DANE with TLSA
 * records that the test DNS server signs (validated by the client itself), in success and failure,
 * with Postfix's deferral texts; and smtp_tls_wrappermode against GreenMail's SMTPS server.
 */
class SmtpTlsLevelsTest {
    @TempDir
    static Path keys;
    static TestCa ca;
    static TestCa otherCa;
    static SSLContext mxExampleTest;
    static SSLContext wrongName;
    static SSLContext foreignCa;
    static TestPem.Pair mxPair;
    static TestDnsServer dns;

    @TempDir
    Path queue;
    private ScriptedSmtpServer server;
    private final List<String> log = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void certificates() throws Exception {
        ca = TestCa.create(keys.resolve("ca"), "Test CA");
        otherCa = TestCa.create(keys.resolve("other"), "Other CA");
        mxPair = ca.issue("mx", "mx.example.test", "mx.dane.test");
        mxExampleTest = TestCa.serverContext(mxPair);
        wrongName = TestCa.serverContext(ca.issue("wrong", "mail.elsewhere.test"));
        foreignCa = TestCa.serverContext(otherCa.issue("foreign", "mx.example.test"));
        dns = TestDnsServer.start()
                .mx("example.test", 10, "mx.example.test").a("mx.example.test", "127.0.0.1")
                .signZone("dane.test").mx("dane.test", 10, "mx.dane.test").a("mx.dane.test", "127.0.0.1");
    }

    @AfterAll
    static void stopDns() {
        dns.close();
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private DeliveryStatus deliver(String nexthop, String... pairs) throws IOException {
        Map<String, String> m = new HashMap<>(Map.of("myhostname", "client.test", "smtp_connection_cache_on_demand", "no",
                "smtp_tls_loglevel", "1"));
        for (int i = 0; i < pairs.length; i += 2) m.put(pairs[i], pairs[i + 1]);
        SmtpAgent agent = new SmtpAgent(Config.of(m), new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(2),
                dns.trustAnchor()), server.port(), log::add);
        return agent.deliver(TestMessages.request(queue, nexthop, "alice@client.test",
                List.of("bob@example.test"), List.of("Subject: tls levels", "", "secret"))).get(0);
    }

    private static void assertDeferred(DeliveryStatus s, String dsn, String reason) {
        assertEquals(Outcome.DEFERRED, s.outcome(), s.reason());
        assertEquals(dsn, s.dsn().toString());
        assertEquals(reason, s.reason());
    }

    private void assertNothingSentInTheClearOrAfter() {
        assertFalse(server.commands().stream().anyMatch(l -> l.startsWith("MAIL")), server.commands().toString());
    }

    private String logged(String prefix) {
        return log.stream().filter(l -> l.startsWith(prefix)).findFirst().orElse(null);
    }

    // ------------------------------------------------------------------ verify and secure

    @Test
    void verifyAcceptsACaSignedCertificateForTheMxHostName() throws Exception {
        server = ScriptedSmtpServer.start().startTls(mxExampleTest);

        DeliveryStatus s = deliver("example.test", "smtp_tls_security_level", "verify",
                "smtp_tls_CAfile", ca.caCert.toString());

        assertEquals(Outcome.SENT, s.outcome(), s.reason());
        assertTrue(server.tlsCommands().contains("DATA"));
        String line = logged("Verified TLS connection established to mx.example.test[127.0.0.1]:" + server.port() + ": TLSv1.");
        assertTrue(line != null && line.contains(" with cipher TLS_"), log.toString());
    }

    @Test
    void verifyDefersWhenTheNameDoesNotMatch() throws Exception {
        server = ScriptedSmtpServer.start().startTls(wrongName);

        DeliveryStatus s = deliver("example.test", "smtp_tls_security_level", "verify",
                "smtp_tls_CAfile", ca.caCert.toString());

        assertDeferred(s, "4.7.5", "Server certificate not verified");
        assertNothingSentInTheClearOrAfter();
        assertTrue(logged("Trusted TLS connection established to mx.example.test") != null, log.toString());
    }

    @Test
    void verifyDefersWhenTheIssuerIsNotTrusted() throws Exception {
        server = ScriptedSmtpServer.start().startTls(foreignCa);

        DeliveryStatus s = deliver("example.test", "smtp_tls_security_level", "verify",
                "smtp_tls_CAfile", ca.caCert.toString());

        assertDeferred(s, "4.7.5", "Server certificate not trusted");
        assertTrue(logged("Untrusted TLS connection established to mx.example.test") != null, log.toString());
    }

    @Test
    void verifyDefersWhenTlsIsNotOffered() throws Exception {
        server = ScriptedSmtpServer.start();

        DeliveryStatus s = deliver("example.test", "smtp_tls_security_level", "verify",
                "smtp_tls_CAfile", ca.caCert.toString());

        assertDeferred(s, "4.7.4", "TLS is required, but was not offered by host mx.example.test[127.0.0.1]");
        assertNothingSentInTheClearOrAfter();
    }

    @Test
    void secureMatchesTheNexthopDomainAndItsSubdomains() throws Exception {
        server = ScriptedSmtpServer.start().startTls(mxExampleTest);
        DeliveryStatus ok = deliver("example.test", "smtp_tls_security_level", "secure",
                "smtp_tls_CAfile", ca.caCert.toString());
        assertEquals(Outcome.SENT, ok.outcome(), ok.reason());

        // The same server for another destination: its certificate is not for that domain.
        DeliveryStatus wrong = deliver(server.nexthop(), "smtp_tls_security_level", "secure",
                "smtp_tls_CAfile", ca.caCert.toString());
        assertDeferred(wrong, "4.7.5", "Server certificate not verified");
    }

    @Test
    void capathIsADirectoryOfCaFiles() throws Exception {
        Path dir = Files.createDirectories(keys.resolve("capath"));
        Files.copy(ca.caCert, dir.resolve("test-ca.pem"));
        Files.writeString(dir.resolve("README"), "not a certificate");
        server = ScriptedSmtpServer.start().startTls(mxExampleTest);

        DeliveryStatus s = deliver("example.test", "smtp_tls_security_level", "verify", "smtp_tls_CApath", dir.toString());

        assertEquals(Outcome.SENT, s.outcome(), s.reason());
    }

    @Test
    void aTrustAnchorFileReplacesTheCas() throws Exception {
        server = ScriptedSmtpServer.start().startTls(mxExampleTest);
        DeliveryStatus s = deliver("example.test", "smtp_tls_security_level", "secure",
                "smtp_tls_trust_anchor_file", ca.caCert.toString());
        assertEquals(Outcome.SENT, s.outcome(), s.reason());

        DeliveryStatus other = deliver("example.test", "smtp_tls_security_level", "secure",
                "smtp_tls_CAfile", ca.caCert.toString(), "smtp_tls_trust_anchor_file", otherCa.caCert.toString());
        assertDeferred(other, "4.7.5", "Server certificate not trusted");
    }

    @Test
    void fingerprintMatchesTheCertificateDigest() throws Exception {
        server = ScriptedSmtpServer.start().startTls(mxExampleTest);
        String fp = TestCa.certSha256(mxPair.cert()).toUpperCase().replaceAll("(..)(?!$)", "$1:");

        DeliveryStatus s = deliver(server.nexthop(), "smtp_tls_security_level", "fingerprint",
                "smtp_tls_fingerprint_cert_match", fp);
        assertEquals(Outcome.SENT, s.outcome(), s.reason());

        // a digest that differs in its first digit, whatever the certificate's digest is
        String other = (fp.charAt(0) == '0' ? "1" : "0") + fp.substring(1);
        DeliveryStatus wrong = deliver(server.nexthop(), "smtp_tls_security_level", "fingerprint",
                "smtp_tls_fingerprint_cert_match", other);
        assertDeferred(wrong, "4.7.5", "Server certificate not trusted");
    }

    // ------------------------------------------------------------------ policy maps

    private String policyMap(String text) throws IOException {
        Path f = Files.createTempFile(keys, "tls_policy", "");
        Files.writeString(f, text);
        return "texthash:" + f;
    }

    @Test
    void aPolicyTableEntryOverridesMainCf() throws Exception {
        server = ScriptedSmtpServer.start().startTls(mxExampleTest);
        String map = policyMap("# the real form\n"
                + "example.test   secure match=.example.test:example.test protocols=TLSv1.2 ciphers=high\n");

        DeliveryStatus s = deliver("example.test", "smtp_tls_security_level", "may", "smtp_tls_policy_maps", map,
                "smtp_tls_CAfile", ca.caCert.toString());

        assertEquals(Outcome.SENT, s.outcome(), s.reason());
        String line = logged("Verified TLS connection established to mx.example.test");
        assertTrue(line != null && line.contains(": TLSv1.2 with cipher TLS_ECDHE_ECDSA_WITH_"), log.toString());
    }

    @Test
    void aParentDomainEntryWithALeadingDotCoversSubdomains() throws Exception {
        server = ScriptedSmtpServer.start().startTls(mxExampleTest);
        String map = policyMap(".test encrypt\n");

        DeliveryStatus s = deliver("example.test", "smtp_tls_policy_maps", map);

        assertEquals(Outcome.SENT, s.outcome(), s.reason());
        assertTrue(server.tlsCommands().contains("DATA"), "encrypt from the .test entry although main.cf says none");
    }

    @Test
    void aNoneEntryTurnsTlsOffAndNotesTheOffer() throws Exception {
        server = ScriptedSmtpServer.start().startTls(mxExampleTest);
        String map = policyMap("[127.0.0.1]:" + server.port() + " none\n");

        DeliveryStatus s = deliver(server.nexthop(), "smtp_tls_security_level", "encrypt", "smtp_tls_policy_maps", map,
                "smtp_tls_note_starttls_offer", "yes");

        assertEquals(Outcome.SENT, s.outcome(), s.reason());
        assertFalse(server.commands().contains("STARTTLS"));
        assertTrue(log.contains("Host offered STARTTLS: [127.0.0.1]"), log.toString());
    }

    @Test
    void aBadPolicyEntryDefersWithAWarning() throws Exception {
        server = ScriptedSmtpServer.start().startTls(mxExampleTest);
        String map = policyMap("example.test  may match=mx.example.test\n");

        DeliveryStatus s = deliver("example.test", "smtp_tls_policy_maps", map);

        assertDeferred(s, "4.7.5", "client TLS configuration problem");
        assertTrue(log.contains("warning: smtp_tls_policy_maps, next-hop destination \"example.test\": "
                + "attribute \"match\" invalid at security level \"may\""), log.toString());
        assertEquals(0, server.connections());
    }

    @Test
    void anUnknownProtocolDefersAndAnIpLiteralGetsNoSni() throws Exception {
        server = ScriptedSmtpServer.start().startTls(mxExampleTest);
        String map = policyMap("example.test encrypt protocols=TLSv9\n");

        DeliveryStatus s = deliver("example.test", "smtp_tls_policy_maps", map);
        assertDeferred(s, "4.7.5", "client TLS configuration problem");
        assertTrue(log.contains("warning: next-hop destination example.test: unknown TLS protocol \"TLSv9\""),
                log.toString());

        DeliveryStatus literal = deliver(server.nexthop(), "smtp_tls_security_level", "encrypt",
                "smtp_tls_servername", "hostname");
        assertEquals(Outcome.SENT, literal.outcome(), literal.reason());
    }

    @Test
    void aPolicyTafileAuthenticatesWithoutCas() throws Exception {
        server = ScriptedSmtpServer.start().startTls(mxExampleTest);
        String map = policyMap("example.test verify tafile=" + ca.caCert + "\n");

        DeliveryStatus s = deliver("example.test", "smtp_tls_policy_maps", map);

        assertEquals(Outcome.SENT, s.outcome(), s.reason());
        assertTrue(logged("Verified TLS connection established") != null, log.toString());
    }

    @Test
    void excludedCiphersAreNotOffered() throws Exception {
        server = ScriptedSmtpServer.start().startTls(mxExampleTest);
        String map = policyMap("example.test encrypt protocols=TLSv1.2 exclude=AESGCM:ECDHE-ECDSA-AES128-SHA256\n");

        DeliveryStatus s = deliver("example.test", "smtp_tls_policy_maps", map);

        assertEquals(Outcome.SENT, s.outcome(), s.reason());
        String line = logged("Untrusted TLS connection established");
        assertTrue(line != null && line.contains("TLSv1.2") && !line.contains("_GCM_") && !line.contains("AES_128_CBC_SHA256"),
                log.toString());
    }

    // ------------------------------------------------------------------ a third-party TLS server

    @Test
    void wrapperModeDeliversToGreenMailsSmtpsAndVerifyRefusesItsCertificate() throws Exception {
        GreenMail smtps = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtps").dynamicPort());
        smtps.start();
        try {
            server = ScriptedSmtpServer.start(); // only for the agent's default port; not used
            String nexthop = "[127.0.0.1]:" + smtps.getSmtps().getPort();
            DeliveryStatus s = deliver(nexthop, "smtp_tls_security_level", "encrypt", "smtp_tls_wrappermode", "yes");
            assertEquals(Outcome.SENT, s.outcome(), s.reason());
            assertEquals(1, smtps.getReceivedMessages().length);
            assertTrue(logged("Untrusted TLS connection established to 127.0.0.1[127.0.0.1]:" + smtps.getSmtps().getPort())
                    != null, log.toString());

            DeliveryStatus v = deliver(nexthop, "smtp_tls_security_level", "verify", "smtp_tls_wrappermode", "yes",
                    "smtp_tls_CAfile", ca.caCert.toString());
            assertDeferred(v, "4.7.5", "Server certificate not trusted");
            assertEquals(1, smtps.getReceivedMessages().length);
        } finally {
            smtps.stop();
        }
    }

    // ------------------------------------------------------------------ DANE

    private static final String DANE = "dane.test";

    @Test
    void daneAuthenticatesWithAValidatedTlsaRecord() throws Exception {
        server = ScriptedSmtpServer.start().startTls(mxExampleTest);
        dns.tlsa("mx.dane.test", server.port(), 3, 1, 1, TestCa.spkiSha256(mxPair.cert()));

        DeliveryStatus s = deliver(DANE, "smtp_tls_security_level", "dane", "smtp_dns_support_level", "dnssec");

        assertEquals(Outcome.SENT, s.outcome(), s.reason());
        assertTrue(logged("Verified TLS connection established to mx.dane.test[127.0.0.1]:" + server.port()) != null,
                log.toString());
    }

    @Test
    void daneTrustAnchorRecordsCheckTheChainAndTheName() throws Exception {
        server = ScriptedSmtpServer.start().startTls(mxExampleTest);
        dns.tlsa("mx.dane.test", server.port(), 2, 0, 1, TestCa.certSha256(ca.caCert));

        DeliveryStatus s = deliver(DANE, "smtp_tls_security_level", "dane-only", "smtp_dns_support_level", "dnssec");

        assertEquals(Outcome.SENT, s.outcome(), s.reason());
    }

    @Test
    void daneDefersWhenTheTlsaRecordDoesNotMatch() throws Exception {
        server = ScriptedSmtpServer.start().startTls(wrongName);
        dns.tlsa("mx.dane.test", server.port(), 3, 1, 1, TestCa.spkiSha256(mxPair.cert()));

        DeliveryStatus s = deliver(DANE, "smtp_tls_security_level", "dane", "smtp_dns_support_level", "dnssec");

        assertDeferred(s, "4.7.5", "Server certificate not trusted");
        assertNothingSentInTheClearOrAfter();
    }

    @Test
    void daneWithoutTlsaRecordsIsMayAndDaneOnlyDefers() throws Exception {
        server = ScriptedSmtpServer.start().startTls(mxExampleTest); // no TLSA record for this port

        DeliveryStatus may = deliver(DANE, "smtp_tls_security_level", "dane", "smtp_dns_support_level", "dnssec");
        assertEquals(Outcome.SENT, may.outcome(), may.reason());
        assertTrue(logged("Untrusted TLS connection established to mx.dane.test") != null, log.toString());

        DeliveryStatus only = deliver(DANE, "smtp_tls_security_level", "dane-only", "smtp_dns_support_level", "dnssec");
        assertDeferred(only, "4.7.5", "no TLSA records found");
    }

    @Test
    void daneOutsideASignedZoneIsMay() throws Exception {
        server = ScriptedSmtpServer.start().startTls(mxExampleTest);
        dns.tlsa("mx.example.test", server.port(), 3, 1, 1, "00"); // unsigned: must not be used

        DeliveryStatus s = deliver("example.test", "smtp_tls_security_level", "dane", "smtp_dns_support_level", "dnssec");

        assertEquals(Outcome.SENT, s.outcome(), s.reason());
        assertTrue(logged("Untrusted TLS connection established to mx.example.test") != null, log.toString());
    }

    @Test
    void forgedTlsaRecordsDefer() throws Exception {
        server = ScriptedSmtpServer.start().startTls(mxExampleTest);
        String host = "forged" + server.port() + ".dane.test";
        dns.mx("f" + server.port() + ".dane.test", 10, host).a(host, "127.0.0.1")
                .tlsa(host, server.port(), 3, 1, 1, TestCa.spkiSha256(mxPair.cert()))
                .breakSignatures("_" + server.port() + "._tcp." + host);

        DeliveryStatus s = deliver("f" + server.port() + ".dane.test", "smtp_tls_security_level", "dane",
                "smtp_dns_support_level", "dnssec");

        assertDeferred(s, "4.7.5", "TLSA lookup error for " + host + ":" + server.port());
        assertEquals(0, server.connections());
    }

    @Test
    void daneWithoutDnssecLookupsIsMayWithAWarning() throws Exception {
        server = ScriptedSmtpServer.start().startTls(mxExampleTest);
        dns.tlsa("mx.dane.test", server.port(), 3, 1, 1, "00");

        DeliveryStatus s = deliver(DANE, "smtp_tls_security_level", "dane");

        assertEquals(Outcome.SENT, s.outcome(), s.reason());
        assertTrue(log.contains("warning: dane.test: dane configured with dnssec lookups disabled"), log.toString());
    }
}
