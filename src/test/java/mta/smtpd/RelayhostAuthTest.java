package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import mta.lookup.TableBuilder;
import mta.master.Master;
import mta.testing.TestPem;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RelayhostAuthTest - a home server that relays through its provider with a password: the SMTP
 * client's AUTH against this project's own submission service backed by a real Dovecot.
 *
 * <p>The "provider" is one master with three smtpd services that relay for authenticated clients
 * only, to a GreenMail MX: submission (STARTTLS required, then AUTH), two more like it (the
 * relays of two senders, through sender_dependent_relayhost_maps: one with the right password, one
 * with a wrong one), and one that offers AUTH without TLS. The "home" master sends everything to {@code relayhost = [127.0.0.1]:submission} with
 * smtp_tls_security_level = encrypt, smtp_sasl_auth_enable and a postmapped sasl_passwd, as
 * docs/smtp-client.md tells an administrator to do. Shown: the right password relays, a wrong one
 * defers and the message waits in deferred/ (never a bounce), no password goes out without TLS
 * under noplaintext, the per-sender relay and the per-sender password are used, and no password
 * reaches either mail log.
 */
class RelayhostAuthTest {
    @TempDir
    static Path tmp;
    static TestSite provider;
    static TestSite home;
    static Master providerMaster;
    static Master homeMaster;
    static GreenMail mx;
    static SmtpdTestSupport homeSup;
    static SmtpdTestSupport providerSup;
    static int submission;
    static int otherRelay;
    static int clearAuth;
    static int wrongPassword;

    @BeforeAll
    static void start() throws Exception {
        TestDovecot dovecot = TestDovecot.get();
        TestPem.Pair cert = TestPem.make(tmp.resolve("keys"), TestPem.Form.RSA_PKCS8);
        submission = TestSite.freePort();
        otherRelay = TestSite.freePort();
        clearAuth = TestSite.freePort();
        wrongPassword = TestSite.freePort();
        int mxPort = TestSite.freePort();
        mx = new GreenMail(new ServerSetup(mxPort, "127.0.0.1", "smtp"));
        mx.start();
        String authOnly = " -o smtpd_sasl_auth_enable=yes -o smtpd_relay_restrictions=permit_sasl_authenticated,reject";
        provider = new TestSite(tmp.resolve("provider"))
                .param("myhostname", "smtp.provider.test")
                .param("mydestination", "$myhostname")
                .param("mynetworks", "127.0.0.9/32") // the home server is an ordinary client here
                .param("relayhost", "[127.0.0.1]:" + mxPort)
                .param("smtpd_tls_cert_file", cert.cert().toString())
                .param("smtpd_tls_key_file", cert.key().toString())
                .param("smtpd_sasl_type", "dovecot")
                .param("smtpd_sasl_path", dovecot.socket.toString())
                .smtpdServices(
                        "127.0.0.1:" + submission + " inet n - n - - smtpd -o syslog_name=postfix/submission"
                                + " -o smtpd_tls_security_level=encrypt" + authOnly,
                        "127.0.0.1:" + otherRelay + " inet n - n - - smtpd -o syslog_name=postfix/other"
                                + " -o smtpd_tls_security_level=encrypt" + authOnly,
                        "127.0.0.1:" + wrongPassword + " inet n - n - - smtpd -o syslog_name=postfix/wrong"
                                + " -o smtpd_tls_security_level=encrypt" + authOnly,
                        "127.0.0.1:" + clearAuth + " inet n - n - - smtpd -o syslog_name=postfix/clear"
                                + " -o smtpd_tls_security_level=none" + authOnly)
                .write();
        providerMaster = Master.start(provider.config, Master.Options.defaults());
        providerSup = new SmtpdTestSupport(provider, providerMaster);

        home = new TestSite(tmp.resolve("home"))
                .param("myhostname", "home.test")
                .param("mydestination", "$myhostname")
                .param("relayhost", "[127.0.0.1]:" + submission)
                .param("minimal_backoff_time", "3600s") // a deferred message stays in deferred/
                .param("maximal_backoff_time", "7200s")
                .param("smtp_tls_security_level", "encrypt")
                .param("smtp_tls_policy_maps", "inline:{ [127.0.0.1]:" + clearAuth + "=none }")
                .param("smtp_sasl_auth_enable", "yes")
                .param("smtp_sender_dependent_authentication", "yes")
                .param("smtp_sasl_tls_security_options", "noanonymous");
        Path etc = home.config;
        home.param("smtp_sasl_password_maps", "hash:" + postmap(etc.resolve("sasl_passwd"), Map.of(
                        "[127.0.0.1]:" + submission, "alice:alice-secret",
                        "[127.0.0.1]:" + clearAuth, "alice:alice-secret",
                        "bob@home.test", "bob:bob-secret",
                        "mallory@home.test", "alice:wrong-password")))
                .param("sender_dependent_relayhost_maps", "hash:" + postmap(etc.resolve("sender_relay"), Map.of(
                        "bob@home.test", "[127.0.0.1]:" + otherRelay,
                        "clear@home.test", "[127.0.0.1]:" + clearAuth,
                        // a relay of its own, so that its failures do not suspend the others' relay
                        "mallory@home.test", "[127.0.0.1]:" + wrongPassword)))
                .write();
        homeMaster = Master.start(home.config, Master.Options.defaults());
        homeSup = new SmtpdTestSupport(home, homeMaster);
    }

    /** Writes a postmap source file and its .db, as postmap does; returns the source's path. */
    private static Path postmap(Path source, Map<String, String> entries) throws IOException {
        StringBuilder text = new StringBuilder();
        entries.forEach((k, v) -> text.append(k).append(' ').append(v).append('\n'));
        Files.writeString(source, text);
        TableBuilder.write(Path.of(source + ".db"), new LinkedHashMap<>(entries), source);
        return source;
    }

    @AfterAll
    static void stop() {
        if (homeMaster != null) homeMaster.close();
        if (providerMaster != null) providerMaster.close();
        if (mx != null) mx.stop();
    }

    /** Submits a message to the home server from its own network; returns the queue ID. */
    private static String submit(String sender, String subject) throws Exception {
        try (Transcript t = homeSup.ehlo(null)) {
            t.send("MAIL FROM:<" + sender + ">").expect("250 ");
            t.send("RCPT TO:<friend@remote.test>").expect("250 ");
            t.send("DATA").expect("354 ");
            t.send("Subject: " + subject).send("").send("hello through the provider");
            String id = SmtpdTestSupport.queuedId(t.send(".").expect("250 "));
            t.send("QUIT").expect("221 ");
            return id;
        }
    }

    private static boolean arrived(String subject) {
        try {
            for (var msg : mx.getReceivedMessages()) if (subject.equals(msg.getSubject())) return true;
            return false;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theRightPasswordRelaysThroughTheProvider() throws Exception {
        String id = submit("alice@home.test", "right password");
        SmtpdTestSupport.waitFor(() -> arrived("right password"), "the provider relays the message to the MX\n--- home:\n"
                + homeSup.log() + "\n--- provider:\n" + providerSup.log());
        homeSup.awaitLog(id + ": to=<friend@remote.test>, relay=127.0.0.1[127.0.0.1]:" + submission);
        assertTrue(homeSup.log().contains("status=sent (250 2.0.0 Ok: queued as "), homeSup.log());
        providerSup.awaitLog("postfix/submission/smtpd");
        providerSup.awaitLog("sasl_method=PLAIN, sasl_username=alice");
    }

    @Test
    void aWrongPasswordDefersAndTheMessageWaitsInTheDeferredQueue() throws Exception {
        String id = submit("mallory@home.test", "wrong password");
        homeSup.awaitLog(id + ": to=<friend@remote.test>, relay=127.0.0.1[127.0.0.1]:" + wrongPassword);
        String line = lineWith(homeSup.log(), id + ": to=<friend@remote.test>");
        assertTrue(line.contains(", dsn=4.7.8, status=deferred (SASL authentication failed; server 127.0.0.1[127.0.0.1]"
                + " said: 535 5.7.8 Error: authentication failed"), line);
        homeSup.awaitDeferred(id); // the message waits in deferred/
        assertFalse(homeSup.log().lines().anyMatch(l -> l.contains(id) && l.contains("status=bounced")), "never bounced");
        assertFalse(homeSup.log().contains(id + ": sender non-delivery notification"), "no bounce message");
        providerSup.awaitLog("postfix/wrong/smtpd");
        assertFalse(arrived("wrong password"));
    }

    @Test
    void noPasswordLeavesWithoutTlsWhenTheOptionsForbidPlaintext() throws Exception {
        String id = submit("clear@home.test", "no tls");
        homeSup.awaitLog(id + ": to=<friend@remote.test>, relay=127.0.0.1[127.0.0.1]:" + clearAuth);
        String line = lineWith(homeSup.log(), id + ": to=<friend@remote.test>");
        assertTrue(line.contains(", dsn=4.7.0, status=deferred (SASL authentication failed; cannot authenticate to"
                + " server 127.0.0.1[127.0.0.1]: no mechanism available)"), line);
        assertTrue(homeSup.log().contains("warning: SASL authentication failure: No worthy mechs found"), homeSup.log());
        providerSup.awaitLog("postfix/clear/smtpd");
        SmtpdTestSupport.waitFor(() -> providerSup.log().lines()
                .anyMatch(l -> l.contains("postfix/clear/smtpd") && l.contains("disconnect from")), "the disconnect line");
        String disconnect = providerSup.log().lines()
                .filter(l -> l.contains("postfix/clear/smtpd") && l.contains("disconnect from")).findFirst().orElseThrow();
        assertFalse(disconnect.contains("auth="), "no AUTH command reached the server: " + disconnect);
        homeSup.awaitDeferred(id);
    }

    @Test
    void aSendersOwnRelayAndPasswordAreUsed() throws Exception {
        String id = submit("bob@home.test", "per sender");
        SmtpdTestSupport.waitFor(() -> arrived("per sender"), "bob's relay passes the message on");
        homeSup.awaitLog(id + ": to=<friend@remote.test>, relay=127.0.0.1[127.0.0.1]:" + otherRelay);
        providerSup.awaitLog("sasl_method=PLAIN, sasl_username=bob");
        assertTrue(providerSup.log().lines().anyMatch(l -> l.contains("postfix/other/smtpd")
                && l.contains("sasl_username=bob")), providerSup.log());
    }

    @Test
    void noPasswordReachesEitherLog() throws Exception {
        submit("alice@home.test", "log check");
        String wrong = submit("mallory@home.test", "log check, wrong password");
        SmtpdTestSupport.waitFor(() -> arrived("log check"), "the message with the right password arrives");
        homeSup.awaitLog(wrong + ": to=<friend@remote.test>"); // tried now, or suspended after an earlier try
        providerSup.awaitLog("postfix/wrong/smtpd[");
        providerSup.awaitLog("SASL PLAIN authentication failed");
        for (String log : new String[] {homeSup.log(), providerSup.log()}) {
            for (String secret : new String[] {"alice-secret", "bob-secret", "wrong-password"}) {
                assertFalse(log.contains(secret), secret + " in the log:\n" + log);
                assertFalse(log.contains(b64(secret)), secret + " (base64) in the log");
            }
            assertFalse(log.contains(b64("\0alice\0alice-secret")), "an AUTH PLAIN response in the log");
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String lineWith(String log, String text) {
        return log.lines().filter(l -> l.contains(text)).reduce((a, b) -> b).orElse("");
    }
}
