package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import mta.master.Master;
import mta.testing.TestSaslauthd;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SmtpdCyrusSaslTest - SMTP AUTH with {@code smtpd_sasl_type = cyrus}: an {@code smtpd.conf} with
 * {@code pwcheck_method: saslauthd}, passwords checked by a real saslauthd ({@link TestSaslauthd},
 * itself checking them against a private slapd), as Debian's Cyrus SASL set-ups do.
 *
 * <p>Clients connect from 127.0.0.2, outside mynetworks (127.0.0.1/32).
 */
class SmtpdCyrusSaslTest {
    private static final String OUTSIDE = "127.0.0.2";
    private static final String PASSWORD = "carol-cyrus-secret";
    private static TestSaslauthd saslauthd;

    @TempDir
    Path tmp;
    TestSite site;
    Master m;
    SmtpdTestSupport support;

    @BeforeAll
    static void saslauthd() throws Exception {
        saslauthd = TestSaslauthd.get();
        saslauthd.user("carol", PASSWORD);
    }

    @AfterEach
    void stop() {
        if (m != null) m.close();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Starts a system with AUTH on and smtpd_sasl_type left at its default (cyrus), with this smtpd.conf. */
    private void start(String smtpdConf) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("sasl"));
        if (smtpdConf != null) Files.writeString(dir.resolve("smtpd.conf"), smtpdConf);
        else Files.deleteIfExists(dir.resolve("smtpd.conf"));
        site = new TestSite(tmp).param("smtpd_sasl_auth_enable", "yes")
                .param("cyrus_sasl_config_path", dir.toString());
        site.write();
        m = Master.start(site.config, Master.Options.defaults());
        support = new SmtpdTestSupport(site, m);
    }

    private String saslauthdConf() {
        return "pwcheck_method: saslauthd\nmech_list: PLAIN LOGIN CRAM-MD5\nsaslauthd_path: " + saslauthd.socket + "\n";
    }

    private Transcript client() throws IOException {
        Transcript t = Transcript.connectFrom(OUTSIDE, site.smtpdPort);
        t.expect("220 ");
        return t;
    }

    @Test
    void plainWithTheRightPasswordAuthenticatesAndMayRelay() throws Exception {
        start(saslauthdConf());
        try (Transcript t = client()) {
            String ehlo = t.send("EHLO client.example").expect("250 ");
            assertTrue(ehlo.contains("250-AUTH PLAIN LOGIN\n"), "CRAM-MD5 needs a password saslauthd cannot give: " + ehlo);
            t.send("MAIL FROM:<carol@example.com>").expect("250 ");
            t.send("RCPT TO:<someone@elsewhere.example>").expect("554 5.7.1"); // not yet authenticated: no relay
            t.send("RSET").expect("250 ");
            t.send("AUTH PLAIN " + b64("\0carol\0" + PASSWORD)).expect("235 2.7.0 Authentication successful");
            t.send("MAIL FROM:<carol@example.com>").expect("250 ");
            t.send("RCPT TO:<someone@elsewhere.example>").expect("250 ");
            t.send("QUIT").expect("221 ");
        }
        support.awaitLog("sasl_method=PLAIN, sasl_username=carol");
    }

    @Test
    void loginAsksForUsernameThenPassword() throws Exception {
        start(saslauthdConf());
        try (Transcript t = client()) {
            t.send("EHLO client.example").expect("250 ");
            t.send("AUTH LOGIN").expect("334 VXNlcm5hbWU6");
            t.send(b64("carol")).expect("334 UGFzc3dvcmQ6");
            t.send(b64(PASSWORD)).expect("235 2.7.0 Authentication successful");
        }
        try (Transcript t = client()) {
            t.send("EHLO client.example").expect("250 ");
            t.send("AUTH LOGIN " + b64("carol")).expect("334 UGFzc3dvcmQ6");
            t.send(b64(PASSWORD)).expect("235 2.7.0 Authentication successful");
        }
    }

    @Test
    void aWrongPasswordIs535AndNeverLogged() throws Exception {
        start(saslauthdConf());
        try (Transcript t = client()) {
            t.send("EHLO client.example").expect("250 ");
            t.send("AUTH PLAIN " + b64("\0carol\0wrong-cyrus-password"))
                    .expect("535 5.7.8 Error: authentication failed: authentication failure");
            t.send("AUTH PLAIN " + b64("carol\0carol\0" + PASSWORD)).expect("235 "); // authzid = authcid is allowed
        }
        support.awaitLog("SASL PLAIN authentication failed: authentication failure, sasl_username=carol");
        assertFalse(support.log().contains("wrong-cyrus-password") || support.log().contains(PASSWORD), support.log());
    }

    @Test
    void anotherAuthorizationIdentityIsRefused() throws Exception {
        start(saslauthdConf());
        try (Transcript t = client()) {
            t.send("EHLO client.example").expect("250 ");
            t.send("AUTH PLAIN " + b64("root\0carol\0" + PASSWORD)).expect("535 5.7.8");
        }
    }

    @Test
    void saslauthdDownIsATemporaryFailure() throws Exception {
        start(saslauthdConf());
        saslauthd.stop();
        try (Transcript t = client()) {
            t.send("EHLO client.example").expect("250 ");
            t.send("AUTH PLAIN " + b64("\0carol\0" + PASSWORD))
                    .expect("454 4.7.0 Temporary authentication failure: generic failure");
        } finally {
            saslauthd.start();
        }
        support.awaitLog("cannot connect to saslauthd server " + saslauthd.socket);
        try (Transcript t = client()) {
            t.send("EHLO client.example").expect("250 ");
            t.send("AUTH PLAIN " + b64("\0carol\0" + PASSWORD)).expect("235 ");
        }
    }

    @Test
    void auxpropOrNoApplicationFileOffersNoAuthAndSaysWhy() throws Exception {
        start("pwcheck_method: auxprop\nauxprop_plugin: sasldb\nmech_list: PLAIN LOGIN\n");
        try (Transcript t = client()) {
            assertFalse(t.send("EHLO client.example").expect("250 ").contains("AUTH"));
            t.send("AUTH PLAIN " + b64("\0carol\0" + PASSWORD)).expect("454 4.7.0");
        }
        support.awaitLog("pwcheck_method auxprop is not supported (use pwcheck_method: saslauthd, or smtpd_sasl_type = dovecot)");
        m.close();
        m = null;
        start(null);
        try (Transcript t = client()) {
            assertFalse(t.send("EHLO client.example").expect("250 ").contains("AUTH"));
        }
        support.awaitLog("no Cyrus SASL application file (smtpd.conf) found");
    }
}
