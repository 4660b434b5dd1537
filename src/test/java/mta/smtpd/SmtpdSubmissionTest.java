package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mta.master.Master;
import mta.testing.TestPem;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SmtpdSubmissionTest - roaming users: the shipped master.cf's submission (STARTTLS, then AUTH)
 * and submissions (implicit TLS) services, uncommented, against a real Dovecot.
 *
 * <p>Clients connect from 127.0.0.2, outside mynetworks. The relay host is a GreenMail server, so
 * a relayed message is seen arriving at a real remote MX. The shipped lines are used as they are,
 * with only the service name replaced by a free loopback port; main.cf gets the certificate and
 * the Dovecot socket, as docs/smtpd.md tells an administrator to do.
 */
class SmtpdSubmissionTest {
    private static final String OUTSIDE = "127.0.0.2";
    private static final String ALICE_PLAIN = b64("\0alice\0alice-secret");

    @TempDir
    static Path tmp;
    static TestSite site;
    static Master m;
    static GreenMail mx;
    static SmtpdTestSupport sup;
    static int submission, submissions, clearAuth;

    @BeforeAll
    static void start() throws Exception {
        TestDovecot dovecot = TestDovecot.get();
        TestPem.Pair cert = TestPem.make(tmp.resolve("keys"), TestPem.Form.RSA_PKCS8);
        submission = TestSite.freePort();
        submissions = TestSite.freePort();
        clearAuth = TestSite.freePort();
        int mxPort = TestSite.freePort();
        mx = new GreenMail(new ServerSetup(mxPort, "127.0.0.1", "smtp"));
        mx.start();
        site = new TestSite(tmp.resolve("site"))
                .param("relayhost", "[127.0.0.1]:" + mxPort)
                .param("smtpd_tls_cert_file", cert.cert().toString())
                .param("smtpd_tls_key_file", cert.key().toString())
                .param("smtpd_tls_loglevel", "1")
                .param("smtpd_sasl_type", "dovecot")
                .param("smtpd_sasl_path", dovecot.socket.toString())
                .masterCf(shippedWithSubmission())
                .write();
        m = Master.start(site.config, Master.Options.defaults());
        sup = new SmtpdTestSupport(site, m);
    }

    @AfterAll
    static void stop() {
        if (m != null) m.close();
        if (mx != null) mx.stop();
    }

    /** conf/master.cf with its submission entries uncommented and bound to free loopback ports. */
    private static String shippedWithSubmission() throws IOException {
        List<String> out = new ArrayList<>();
        boolean inEntry = false;
        for (String l : Files.readAllLines(Path.of("conf/master.cf"))) {
            if (l.startsWith("#submission ")) {
                inEntry = true;
                l = "127.0.0.1:" + submission + l.substring("#submission".length());
            } else if (l.startsWith("#submissions ")) {
                inEntry = true;
                l = "127.0.0.1:" + submissions + l.substring("#submissions".length());
            } else if (inEntry && l.startsWith("#  -o ")) {
                l = l.substring(1);
            } else {
                inEntry = false;
                if (l.startsWith("127.0.0.1:2525 ")) l = "SMTPD" + l.substring("127.0.0.1:2525".length());
            }
            out.add(l);
        }
        out.add("127.0.0.1:" + clearAuth + " inet n - n - - smtpd -o smtpd_tls_security_level=may"
                + " -o smtpd_sasl_auth_enable=yes -o smtpd_relay_restrictions=permit_sasl_authenticated,reject");
        String text = String.join("\n", out) + "\n";
        assertTrue(text.contains("127.0.0.1:" + submission + " inet") && text.contains("127.0.0.1:" + submissions + " inet"),
                "the shipped master.cf has the submission entries");
        return text;
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static Transcript greeted(int port) throws IOException {
        Transcript t = Transcript.connectFrom(OUTSIDE, port);
        t.expect("220 ");
        return t;
    }

    private static void sendTo(Transcript t, String rcpt, String subject) throws IOException {
        t.send("MAIL FROM:<alice@roaming.example>").expect("250 ");
        t.send("RCPT TO:<" + rcpt + ">").expect("250 ");
        t.send("DATA").expect("354 ");
        t.send("Subject: " + subject).send("").send("hello from the road");
        t.send(".").expect("250 2.0.0 Ok: queued as ");
    }

    private static String arrivedAtMx(String subject) throws Exception {
        SmtpdTestSupport.waitFor(() -> find(subject) != null, "the remote MX receives \"" + subject + "\"");
        return find(subject);
    }

    private static String find(String subject) {
        try {
            for (var msg : mx.getReceivedMessages()) {
                if (subject.equals(msg.getSubject())) return String.join("\n", msg.getHeader("Received"));
            }
            return null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void authIsNotOfferedBeforeTlsAndIsAfterwards() throws Exception {
        try (Transcript t = greeted(submission)) {
            String plain = t.send("EHLO laptop.example").expect("250 ");
            assertTrue(plain.contains("250-STARTTLS"), plain);
            assertFalse(plain.contains("AUTH"), plain);
            t.send("AUTH PLAIN " + ALICE_PLAIN).expect("530 5.7.0 Must issue a STARTTLS command first");
            t.send("MAIL FROM:<alice@roaming.example>").expect("530 5.7.0 Must issue a STARTTLS command first");
            t.send("STARTTLS").expect("220 ");
            t.startTls();
            String secure = t.send("EHLO laptop.example").expect("250 ");
            assertTrue(secure.contains("250-AUTH PLAIN LOGIN"), secure);
            assertFalse(secure.contains("STARTTLS"), secure);
            t.send("QUIT").expect("221 ");
        }
    }

    @Test
    void anAuthenticatedClientRelaysOverStarttls() throws Exception {
        try (Transcript t = greeted(submission)) {
            t.send("EHLO laptop.example").expect("250 ");
            t.send("STARTTLS").expect("220 ");
            t.startTls();
            t.send("EHLO laptop.example").expect("250 ");
            t.send("AUTH PLAIN " + ALICE_PLAIN).expect("235 2.7.0 Authentication successful");
            sendTo(t, "friend@remote.example", "over starttls");
            t.send("QUIT").expect("221 ");
        }
        String received = arrivedAtMx("over starttls");
        assertTrue(received.contains("with ESMTPSA id"), received);
        sup.awaitLog("postfix/submission/smtpd");
        sup.awaitLog("sasl_method=PLAIN, sasl_username=alice");
    }

    @Test
    void anUnauthenticatedClientIsRefusedEvenUnderTls() throws Exception {
        try (Transcript t = greeted(submission)) {
            t.send("EHLO laptop.example").expect("250 ");
            t.send("STARTTLS").expect("220 ");
            t.startTls();
            t.send("EHLO laptop.example").expect("250 ");
            t.send("MAIL FROM:<alice@roaming.example>").expect("250 ");
            t.send("RCPT TO:<friend@remote.example>").expect("554 5.7.1 <friend@remote.example>: Recipient address rejected: Access denied");
            // Local recipients too: this service accepts mail from logged-in users only.
            t.send("RCPT TO:<root@mx.example.test>").expect("554 5.7.1 <root@mx.example.test>: Recipient address rejected: Access denied");
            t.send("RSET").expect("250 ");
            t.send("AUTH PLAIN " + b64("\0alice\0wrong")).expect("535 5.7.8 Error: authentication failed");
            t.send("QUIT").expect("221 ");
        }
    }

    @Test
    void aLoginInTheClearIsForgottenByStarttls() throws Exception {
        // A service that allows AUTH in the clear (smtpd_tls_auth_only=no): after STARTTLS the
        // earlier login must not carry over (RFC 3207 section 4.2).
        try (Transcript t = greeted(clearAuth)) {
            t.send("EHLO laptop.example").expect("250 ");
            t.send("AUTH PLAIN " + ALICE_PLAIN).expect("235 ");
            t.send("STARTTLS").expect("220 ");
            t.startTls();
            t.send("EHLO laptop.example").expect("250 ");
            t.send("MAIL FROM:<alice@roaming.example>").expect("250 ");
            t.send("RCPT TO:<friend@remote.example>").expect("554 5.7.1 <friend@remote.example>: Recipient address rejected: Access denied");
            t.send("QUIT").expect("221 ");
        }
    }

    @Test
    void implicitTlsSubmissionRelays() throws Exception {
        try (Transcript t = Transcript.connectFrom(OUTSIDE, submissions)) {
            t.startTls();
            t.expect("220 ");
            String ehlo = t.send("EHLO laptop.example").expect("250 ");
            assertTrue(ehlo.contains("250-AUTH PLAIN LOGIN"), ehlo);
            assertFalse(ehlo.contains("STARTTLS"), ehlo);
            t.send("AUTH LOGIN").expect("334 VXNlcm5hbWU6");
            t.send(b64("bob")).expect("334 UGFzc3dvcmQ6");
            t.send(b64("bob-secret")).expect("235 ");
            sendTo(t, "friend@remote.example", "over implicit tls");
            t.send("QUIT").expect("221 ");
        }
        assertTrue(arrivedAtMx("over implicit tls").contains("with ESMTPSA id"));
        sup.awaitLog("postfix/submissions/smtpd");
    }

    @Test
    void swaksWithTlsAndAuth() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/swaks")), "swaks is not installed");
        Process p = new ProcessBuilder("swaks", "--server", "127.0.0.1:" + submission, "--local-interface", OUTSIDE,
                "--tls", "--auth", "PLAIN", "--auth-user", "alice", "--auth-password", "alice-secret",
                "--ehlo", "laptop.example", "--from", "alice@roaming.example", "--to", "friend@remote.example",
                "--header", "Subject: swaks tls auth", "--body", "hello").redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "swaks ends");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("TLS started") && out.contains("235 2.7.0 Authentication successful"), out);
        assertTrue(arrivedAtMx("swaks tls auth").contains("with ESMTPSA id"));
        assertFalse(sup.log().contains("alice-secret"), "the password is never logged");
    }

    @Test
    void opensslStarttlsClientSeesAuthAfterTheHandshake() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
        Process p = new ProcessBuilder("openssl", "s_client", "-starttls", "smtp", "-connect", "127.0.0.1:" + submission,
                "-quiet", "-ign_eof").redirectErrorStream(true).start();
        p.getOutputStream().write("EHLO laptop.example\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "openssl ends");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertTrue(out.contains("250-AUTH PLAIN LOGIN") && out.contains("221 2.0.0 Bye"), out);
    }
}
