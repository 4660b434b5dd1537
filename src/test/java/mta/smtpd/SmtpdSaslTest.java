package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import mta.config.ConfigException;
import mta.master.Master;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SmtpdSaslTest - SMTP AUTH (RFC 4954) against a real Dovecot ({@link TestDovecot}).
 *
 * <p>Each test starts its own system with smtpd_sasl_path pointing at the shared Dovecot's auth
 * socket. Clients connect from 127.0.0.2, outside mynetworks (127.0.0.1/32), unless said otherwise.
 */
class SmtpdSaslTest {
    private static final String OUTSIDE = "127.0.0.2";
    private static final String ALICE_PLAIN = b64("\0alice\0alice-secret");

    @TempDir
    Path tmp;
    TestDovecot dovecot;
    TestSite site;
    Master m;
    SmtpdTestSupport support;

    @BeforeEach
    void dovecot() throws Exception {
        dovecot = TestDovecot.get();
    }

    @AfterEach
    void stop() {
        if (m != null) m.close();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Starts a system with AUTH on (through the test Dovecot) and these main.cf settings (name, value...). */
    private void start(String... params) throws IOException {
        site = new TestSite(tmp).param("smtpd_sasl_auth_enable", "yes").param("smtpd_sasl_type", "dovecot")
                .param("smtpd_sasl_path", dovecot.socket.toString());
        for (int i = 0; i < params.length; i += 2) site.param(params[i], params[i + 1]);
        site.write();
        m = Master.start(site.config, Master.Options.defaults());
        support = new SmtpdTestSupport(site, m);
    }

    private Transcript client(String from) throws IOException {
        Transcript t = Transcript.connectFrom(from, site.smtpdPort);
        t.expect("220 ");
        return t;
    }

    @Test
    void ehloOffersDovecotMechanismsAfterTheOtherKeywords() throws Exception {
        start("broken_sasl_auth_clients", "yes");
        try (Transcript t = client(OUTSIDE)) {
            String ehlo = t.send("EHLO client.example").expect("250 ");
            assertTrue(ehlo.contains("250-VRFY\n250-ETRN\n250-AUTH PLAIN LOGIN\n250-AUTH=PLAIN LOGIN\n250-ENHANCEDSTATUSCODES"), ehlo);
            t.send("QUIT").expect("221 ");
        }
    }

    @Test
    void securityOptionsAndExceptionNetworksHideAuth() throws Exception {
        start("smtpd_sasl_security_options", "noanonymous, noplaintext", "smtpd_sasl_exceptions_networks", "127.0.0.3/32");
        try (Transcript t = client(OUTSIDE)) {
            String ehlo = t.send("EHLO client.example").expect("250 ");
            assertFalse(ehlo.contains("AUTH"), "noplaintext removes PLAIN and LOGIN, the only mechanisms: " + ehlo);
            t.send("AUTH PLAIN " + ALICE_PLAIN).expect("535 5.7.8 Error: authentication failed: Invalid authentication mechanism");
        }
        m.close();
        start("smtpd_sasl_exceptions_networks", "127.0.0.3/32");
        try (Transcript t = client("127.0.0.3")) {
            assertFalse(t.send("EHLO client.example").expect("250 ").contains("AUTH"));
            t.send("AUTH PLAIN " + ALICE_PLAIN).expect("235 2.7.0 Authentication successful"); // hidden, not refused
        }
        try (Transcript t = client(OUTSIDE)) {
            assertTrue(t.send("EHLO client.example").expect("250 ").contains("250-AUTH PLAIN LOGIN"));
        }
    }

    @Test
    void authOnlyUnderTlsIsNeitherOfferedNorAcceptedOnAPlainSession() throws Exception {
        start("smtpd_tls_auth_only", "yes");
        try (Transcript t = client(OUTSIDE)) {
            assertFalse(t.send("EHLO client.example").expect("250 ").contains("AUTH"));
            t.send("AUTH PLAIN " + ALICE_PLAIN).expect("504 5.5.4 Encryption required for requested authentication mechanism");
        }
    }

    @Test
    void disabledAuthIsNotOfferedAndRefused() throws Exception {
        start("smtpd_sasl_auth_enable", "no");
        try (Transcript t = client(OUTSIDE)) {
            assertFalse(t.send("EHLO client.example").expect("250 ").contains("AUTH"));
            t.send("AUTH PLAIN " + ALICE_PLAIN).expect("503 5.5.1 Error: authentication not enabled");
            t.send("MAIL FROM:<a@example.com> AUTH=<>").expect("555 5.5.4 Unsupported option: AUTH=<>");
        }
    }

    @Test
    void unsupportedSaslTypeIsAFatalErrorNamingDovecotAndCyrus() throws IOException {
        site = new TestSite(tmp).param("smtpd_sasl_auth_enable", "yes").param("smtpd_sasl_type", "nosuch");
        ConfigException e = assertThrows(ConfigException.class, () -> {
            site.write();
            m = Master.start(site.config, Master.Options.defaults());
        });
        assertTrue(e.getMessage().contains("unsupported SASL server implementation: nosuch")
                && e.getMessage().contains("dovecot or cyrus"), e.getMessage());
    }

    @Test
    void plainWithInitialResponseAndWithChallengeAndLoginSucceed() throws Exception {
        start();
        long counted = mta.metrics.MailMetrics.SMTPD_SASL.get().get();
        try (Transcript t = client(OUTSIDE)) {
            t.send("EHLO client.example").expect("250 ");
            t.send("AUTH PLAIN " + ALICE_PLAIN).expect("235 2.7.0 Authentication successful");
            t.send("AUTH PLAIN " + ALICE_PLAIN).expect("503 5.5.1 Error: already authenticated");
            t.send("QUIT").expect("221 ");
        }
        support.awaitLog("disconnect from unknown[127.0.0.2] ehlo=1 auth=1/2 quit=1 commands=3/4");
        try (Transcript t = client(OUTSIDE)) {
            t.send("EHLO client.example").expect("250 ");
            assertEquals("334 ", t.send("AUTH PLAIN").expect("334"));
            t.send(b64("\0bob\0bob-secret")).expect("235 2.7.0 Authentication successful");
        }
        try (Transcript t = client(OUTSIDE)) {
            t.send("EHLO client.example").expect("250 ");
            t.send("AUTH LOGIN").expect("334 VXNlcm5hbWU6");
            t.send(b64("alice")).expect("334 UGFzc3dvcmQ6");
            t.send(b64("alice-secret")).expect("235 2.7.0 Authentication successful");
        }
        assertEquals(counted + 3, mta.metrics.MailMetrics.SMTPD_SASL.get().get(), "postfix_smtpd_sasl_authentications_total");
    }

    @Test
    void wrongPasswordsFailWithoutLoggingThemAndCountAsErrors() throws Exception {
        start("smtpd_hard_error_limit", "3");
        String wrong = b64("\0alice\0not-her-password");
        long failures = mta.metrics.MailMetrics.SMTPD_SASL_FAILURES.get().get();
        try (Transcript t = client(OUTSIDE)) {
            t.send("EHLO client.example").expect("250 ");
            t.send("AUTH PLAIN " + wrong).expect("535 5.7.8 Error: authentication failed: authentication failure");
            t.send("AUTH LOGIN").expect("334 VXNlcm5hbWU6");
            t.send(b64("alice")).expect("334 UGFzc3dvcmQ6");
            t.send(b64("also-wrong")).expect("535 5.7.8 Error: authentication failed: UGFzc3dvcmQ6");
            t.send("AUTH PLAIN " + wrong).expect("535 5.7.8");
            t.expect("421 4.7.0 mx.example.test Error: too many errors");
            t.expectClosed();
        }
        assertEquals(failures + 3, mta.metrics.MailMetrics.SMTPD_SASL_FAILURES.get().get(),
                "postfix_smtpd_sasl_authentication_failures_total");
        support.awaitLog("warning: unknown[127.0.0.2]: SASL PLAIN authentication failed: authentication failure,"
                + " sasl_username=alice");
        support.awaitLog("warning: unknown[127.0.0.2]: SASL LOGIN authentication failed: UGFzc3dvcmQ6, sasl_username=alice");
        support.awaitLog("too many errors after AUTH from unknown[127.0.0.2]");
        support.awaitLog("disconnect from unknown[127.0.0.2] ehlo=1 auth=0/3 commands=1/4");
        String log = support.log();
        for (String secret : new String[] {"not-her-password", wrong, b64("also-wrong"), "also-wrong"}) {
            assertFalse(log.contains(secret), "the log must not show " + secret + ":\n" + log);
        }
    }

    @Test
    void abortBadBase64AndOverlongResponses() throws Exception {
        start("smtpd_sasl_response_limit", "100");
        try (Transcript t = client(OUTSIDE)) {
            t.send("EHLO client.example").expect("250 ");
            t.send("AUTH LOGIN").expect("334 VXNlcm5hbWU6");
            t.send("*").expect("501 5.7.0 Authentication aborted");
            t.send("AUTH PLAIN not-base64!").expect("535 5.7.8 Error: authentication failed: Invalid base64 data in initial response");
            t.send("AUTH PLAIN").expect("334 ");
            t.send("%%%").expect("535 5.7.8 Error: authentication failed: Invalid base64 data in continued response");
            t.send("AUTH PLAIN").expect("334 ");
            t.send("A".repeat(400)).expect("500 5.5.6 SASL response limit exceeded");
            t.send("AUTH").expect("501 5.5.4 Syntax: AUTH mechanism");
            t.send("MAIL FROM:<x@example.com>").expect("250 ");
            t.send("AUTH PLAIN " + ALICE_PLAIN).expect("503 5.5.1 Error: MAIL transaction in progress");
            t.send("RSET").expect("250 ");
            t.send("AUTH PLAIN " + ALICE_PLAIN).expect("235 2.7.0 Authentication successful");
        }
        support.awaitLog("warning: unknown[127.0.0.2]: SASL LOGIN authentication aborted");
    }

    @Test
    void authenticatedClientRelaysAndIsNamedInLogAndReceived() throws Exception {
        int mxPort = TestSite.freePort();
        GreenMail gm = new GreenMail(new ServerSetup(mxPort, "127.0.0.1", "smtp"));
        gm.start();
        try {
            start("relayhost", "[127.0.0.1]:" + mxPort, "smtpd_sasl_authenticated_header", "yes",
                    "smtpd_relay_restrictions", "permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination");
            try (Transcript t = client(OUTSIDE)) {
                t.send("EHLO client.example").expect("250 ");
                t.send("MAIL FROM:<alice@client.example>").expect("250 ");
                t.send("RCPT TO:<friend@remote.example>")
                        .expect("454 4.7.1 <friend@remote.example>: Relay access denied");
                t.send("RSET").expect("250 ");
                t.send("AUTH PLAIN " + ALICE_PLAIN).expect("235 ");
                t.send("MAIL FROM:<alice@client.example> AUTH=alice+40client.example").expect("250 2.1.0 Ok");
                t.send("RCPT TO:<friend@remote.example>").expect("250 2.1.5 Ok");
                t.send("DATA").expect("354 ");
                t.send("Subject: authenticated").send("").send("hello");
                t.send(".").expect("250 2.0.0 Ok: queued as ");
                t.send("QUIT").expect("221 ");
            }
            SmtpdTestSupport.waitFor(() -> gm.getReceivedMessages().length == 1, "GreenMail gets the message");
            MimeMessage got = gm.getReceivedMessages()[0];
            String received = String.join("\n", got.getHeader("Received"));
            assertTrue(received.contains("(Authenticated sender: alice)"), received);
            assertTrue(received.contains("with ESMTPA id"), received);
            support.awaitLog(": client=unknown[127.0.0.2], sasl_method=PLAIN, sasl_username=alice,"
                    + " sasl_sender=alice@client.example");
        } finally {
            gm.stop();
        }
    }

    @Test
    void senderLoginMaps() throws Exception {
        start("smtpd_sender_login_maps", "inline:{alice@example.com=alice, { shared@example.com = alice bob }}",
                "smtpd_sender_restrictions", "reject_sender_login_mismatch");
        try (Transcript t = client(OUTSIDE)) {
            t.send("EHLO client.example").expect("250 ");
            t.send("MAIL FROM:<alice@example.com>").expect("250 ");
            t.send("RCPT TO:<root@mx.example.test>")
                    .expect("553 5.7.1 <alice@example.com>: Sender address rejected: not logged in");
            t.send("RSET").expect("250 ");
            t.send("MAIL FROM:<nobody@elsewhere.example>").expect("250 ");
            t.send("RCPT TO:<root@mx.example.test>").expect("250 ");
            t.send("RSET").expect("250 ");
            t.send("AUTH PLAIN " + b64("\0bob\0bob-secret")).expect("235 ");
            t.send("MAIL FROM:<alice@example.com>").expect("250 ");
            t.send("RCPT TO:<root@mx.example.test>")
                    .expect("553 5.7.1 <alice@example.com>: Sender address rejected: not owned by user bob");
            t.send("RSET").expect("250 ");
            t.send("MAIL FROM:<shared@example.com>").expect("250 ");
            t.send("RCPT TO:<root@mx.example.test>").expect("250 ");
            t.send("RSET").expect("250 ");
            t.send("MAIL FROM:<nobody@elsewhere.example>").expect("250 ");
            t.send("RCPT TO:<root@mx.example.test>")
                    .expect("553 5.7.1 <nobody@elsewhere.example>: Sender address rejected: not owned by user bob");
        }
        support.awaitLog("NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 553 5.7.1 <alice@example.com>: Sender address"
                + " rejected: not owned by user bob;");
    }

    @Test
    void knownSenderLoginMismatchLetsUnownedAddressesPass() throws Exception {
        start("smtpd_sender_login_maps", "inline:{alice@example.com=alice}",
                "smtpd_sender_restrictions", "reject_known_sender_login_mismatch");
        try (Transcript t = client(OUTSIDE)) {
            t.send("EHLO client.example").expect("250 ");
            t.send("AUTH PLAIN " + b64("\0bob\0bob-secret")).expect("235 ");
            t.send("MAIL FROM:<nobody@elsewhere.example>").expect("250 ");
            t.send("RCPT TO:<root@mx.example.test>").expect("250 ");
            t.send("RSET").expect("250 ");
            t.send("MAIL FROM:<alice@example.com>").expect("250 ");
            t.send("RCPT TO:<root@mx.example.test>").expect("553 5.7.1 <alice@example.com>: Sender address rejected:"
                    + " not owned by user bob");
        }
    }

    @Test
    void authRateLimit() throws Exception {
        start("smtpd_client_auth_rate_limit", "2");
        try (Transcript t = client(OUTSIDE)) {
            t.send("EHLO client.example").expect("250 ");
            t.send("AUTH LOGIN").expect("334 ");
            t.send("*").expect("501 ");
            t.send("AUTH LOGIN").expect("334 ");
            t.send("*").expect("501 ");
            t.send("AUTH PLAIN " + ALICE_PLAIN).expect("450 4.7.1 Error: too many AUTH commands from 127.0.0.2");
        }
        support.awaitLog("warning: AUTH command rate limit exceeded: 3 from unknown[127.0.0.2] for service "
                + "127.0.0.1:" + site.smtpdPort);
        try (Transcript t = client("127.0.0.1")) { // mynetworks: smtpd_client_event_limit_exceptions
            t.send("EHLO client.example").expect("250 ");
            for (int i = 0; i < 3; i++) {
                t.send("AUTH LOGIN").expect("334 ");
                t.send("*").expect("501 ");
            }
            t.send("AUTH PLAIN " + ALICE_PLAIN).expect("235 ");
        }
    }
}
