package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mta.master.Master;
import mta.testing.Maildirs;
import mta.testing.TestPem;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SmtpdTlsTest - STARTTLS and wrapper-mode TLS in the SMTP server, against one running system.
 *
 * <p>The keys are made with openssl at test time. master.cf has one listener per TLS set-up,
 * each with its own {@code -o} overrides: plain, may (RSA PKCS#8 key), encrypt, wrapper mode,
 * a PKCS#1 RSA key with a 1s handshake deadline, an EC SEC1 key through the eccert parameters,
 * chain files holding both, Debian's chain files (the key in one file, the certificate in the
 * next), and a missing certificate at level may. Mail for root is delivered into its Maildir. A
 * missing key where TLS is required stops the start (a system of its own).
 */
class SmtpdTlsTest {
    @TempDir
    static Path tmp;
    static TestSite site;
    static Master m;
    static SmtpdTestSupport sup;
    static int plain, may, encrypt, wrapper, pkcs1, ec, chain, missingMay, split;

    @BeforeAll
    static void start() throws Exception {
        Path keys = tmp.resolve("keys");
        TestPem.Pair rsa8 = TestPem.make(keys, TestPem.Form.RSA_PKCS8);
        TestPem.Pair rsa1 = TestPem.make(keys, TestPem.Form.RSA_PKCS1);
        TestPem.Pair ecKey = TestPem.make(keys, TestPem.Form.EC_SEC1);
        Path rsaChain = rsa1.chainFile(keys.resolve("rsa-chain.pem"));
        Path ecChain = ecKey.chainFile(keys.resolve("ec-chain.pem"));
        int[] p = new int[9];
        for (int i = 0; i < p.length; i++) p[i] = TestSite.freePort();
        plain = p[0];
        may = p[1];
        encrypt = p[2];
        wrapper = p[3];
        pkcs1 = p[4];
        ec = p[5];
        chain = p[6];
        missingMay = p[7];
        split = p[8];
        String smtpd = " inet n - n - - smtpd\n";
        String rsa8Files = "  -o smtpd_tls_cert_file=" + rsa8.cert() + "\n  -o smtpd_tls_key_file=" + rsa8.key() + "\n";
        site = new TestSite(tmp.resolve("site"))
                .param("smtpd_tls_loglevel", "1")
                .param("smtpd_tls_received_header", "yes")
                .masterCf("127.0.0.1:" + plain + smtpd
                        + "127.0.0.1:" + may + smtpd + "  -o smtpd_tls_security_level=may\n" + rsa8Files
                        + "127.0.0.1:" + encrypt + smtpd + "  -o smtpd_tls_security_level=encrypt\n"
                        + "  -o smtpd_helo_required=yes\n" + rsa8Files
                        + "127.0.0.1:" + wrapper + smtpd + "  -o syslog_name=postfix/smtps\n"
                        + "  -o smtpd_tls_wrappermode=yes\n" + rsa8Files
                        + "127.0.0.1:" + pkcs1 + smtpd + "  -o smtpd_tls_security_level=may\n"
                        + "  -o smtpd_starttls_timeout=1s\n  -o smtpd_timeout=2s\n"
                        + "  -o smtpd_tls_cert_file=" + rsa1.cert() + "\n  -o smtpd_tls_key_file=" + rsa1.key() + "\n"
                        + "127.0.0.1:" + ec + smtpd + "  -o smtpd_tls_security_level=may\n"
                        + "  -o smtpd_tls_eccert_file=" + ecKey.cert() + "\n  -o smtpd_tls_eckey_file=" + ecKey.key() + "\n"
                        + "127.0.0.1:" + chain + smtpd + "  -o smtpd_tls_security_level=may\n"
                        + "  -o smtpd_tls_chain_files=" + rsaChain + "," + ecChain + "\n"
                        + "127.0.0.1:" + missingMay + smtpd + "  -o smtpd_tls_security_level=may\n"
                        + "  -o smtpd_tls_cert_file=" + keys.resolve("missing.pem") + "\n"
                        + "127.0.0.1:" + split + smtpd + "  -o smtpd_tls_security_level=may\n"
                        + "  -o smtpd_tls_chain_files=" + ecKey.key() + "," + ecKey.cert() + "\n"
                        + "pickup unix n - n 60 1 pickup\n"
                        + "qmgr unix n - n 300 1 qmgr\n"
                        + "local unix - n n - - local\n")
                .write();
        m = Master.start(site.config, Master.Options.defaults());
        sup = new SmtpdTestSupport(site, m);
    }

    @AfterAll
    static void stop() {
        if (m != null) m.close();
    }

    private static Transcript greeted(int port) throws IOException {
        Transcript t = Transcript.connect(port);
        t.expect("220 ");
        return t;
    }

    private static List<String> ehloLines(Transcript t, String name) throws IOException {
        return List.of(t.send("EHLO " + name).expect("250 ").split("\n"));
    }

    /** Sends one message for root over an open session and returns its queue ID. */
    private static String send(Transcript t, String subject) throws IOException {
        t.send("MAIL FROM:<sender@example.test>").expect("250 ");
        t.send("RCPT TO:<root@mx.example.test>").expect("250 ");
        t.send("DATA").expect("354 ");
        t.send("Subject: " + subject).send("").send("over TLS");
        return SmtpdTestSupport.queuedId(t.send(".").expect("250 "));
    }

    private static MimeMessage delivered(String subject) throws InterruptedException {
        Path root = site.maildir("root");
        SmtpdTestSupport.waitFor(() -> Maildirs.bySubject(root, subject) != null, "\"" + subject + "\" is delivered");
        return Maildirs.bySubject(root, subject);
    }

    private static String received(MimeMessage msg) throws Exception {
        return msg.getHeader("Received")[0];
    }

    @Test
    void ehloOffersStarttlsOnlyWhenConfiguredAndOnlyBeforeTls() throws Exception {
        try (Transcript t = greeted(plain)) {
            assertFalse(ehloLines(t, "c.example").contains("250-STARTTLS"));
            t.send("STARTTLS").expect("502 5.5.1 Error: command not implemented");
        }
        try (Transcript t = greeted(may)) {
            List<String> lines = ehloLines(t, "c.example");
            int etrn = lines.indexOf("250-ETRN");
            assertEquals("250-STARTTLS", lines.get(etrn + 1), "STARTTLS right after ETRN: " + lines);
            assertEquals("250-ENHANCEDSTATUSCODES", lines.get(etrn + 2));
            t.send("STARTTLS now").expect("501 5.5.4 Syntax: STARTTLS");
            t.send("STARTTLS").expect("220 2.0.0 Ready to start TLS");
            t.startTls();
            assertEquals("TLSv1.3", t.tlsSession().getProtocol());
            assertFalse(ehloLines(t, "c.example").contains("250-STARTTLS"), "not offered under TLS");
            t.send("STARTTLS").expect("554 5.5.1 Error: TLS already active");
            t.send("QUIT").expect("221 ");
        }
    }

    @Test
    void mailOverStarttlsIsDeliveredWithEsmtpsAndTheCipherInReceived() throws Exception {
        String id;
        try (Transcript t = greeted(may)) {
            t.send("EHLO tls.example").expect("250 ");
            t.send("STARTTLS").expect("220 2.0.0 ");
            t.startTls();
            t.send("EHLO tls.example").expect("250 ");
            id = send(t, "starttls round trip");
            t.send("QUIT").expect("221 ");
        }
        String r = received(delivered("starttls round trip"));
        assertTrue(r.contains("with ESMTPS id " + id), r);
        assertTrue(r.matches("(?s).*\\(using TLSv1\\.3 with cipher TLS_AES_\\w+ \\((128|256)/(128|256) bits\\)\\).*"), r);
        assertTrue(r.contains("(No client certificate requested)"), r);
        sup.awaitLog("Anonymous TLS connection established from unknown[127.0.0.1]: TLSv1.3 with cipher TLS_AES_");
        sup.awaitLog("ehlo=2 starttls=1 mail=1 rcpt=1 data=1 quit=1 commands=7");
    }

    @Test
    void commandsInjectedAfterStarttlsAreDiscarded() throws Exception {
        for (String injected : List.of("RSET\r\n", "MAIL FROM:<a@b.example>\r\n")) {
            try (Transcript t = greeted(may)) {
                t.send("EHLO inject.example").expect("250 ");
                t.sendRaw("STARTTLS\r\n" + injected).expect("220 2.0.0 Ready to start TLS");
                t.startTls();
                String first = t.send("EHLO inject.example").reply();
                assertTrue(first.startsWith("250-mx.example.test\n250-PIPELINING"),
                        "the first reply under TLS answers EHLO, not the injected " + injected.strip() + ": " + first);
                t.send("RCPT TO:<root@mx.example.test>").expect("503 5.5.1 Error: need MAIL command");
                t.send("NOOP").expect("250 2.0.0 Ok");
                t.send("QUIT").expect("221 ");
            }
        }
        sup.awaitLog("improper command pipelining after STARTTLS from unknown[127.0.0.1]: RSET\\r\\n");
    }

    @Test
    void starttlsForgetsTheHeloName() throws Exception {
        try (Transcript t = greeted(may)) {
            t.send("EHLO before-tls.example").expect("250 ");
            t.send("STARTTLS").expect("220 ");
            t.startTls();
            send(t, "no helo after tls"); // smtpd_helo_required = no: MAIL without EHLO is fine
            t.send("QUIT").expect("221 ");
        }
        String r = received(delivered("no helo after tls"));
        assertFalse(r.contains("before-tls.example"), r);
        assertTrue(r.startsWith("from unknown (unknown [127.0.0.1])"), r);
        assertTrue(r.contains("with SMTPS") || r.contains("with ESMTPS"), r);
        try (Transcript t = greeted(encrypt)) { // smtpd_helo_required = yes there
            t.send("EHLO before-tls.example").expect("250 ");
            t.send("STARTTLS").expect("220 ");
            t.startTls();
            t.send("MAIL FROM:<a@example.test>").expect("503 5.5.1 Error: send HELO/EHLO first");
        }
    }

    @Test
    void levelEncryptRefusesMailBeforeStarttls() throws Exception {
        try (Transcript t = greeted(encrypt)) {
            t.send("EHLO enc.example").expect("250 ");
            t.send("MAIL FROM:<a@example.test>").expect("530 5.7.0 Must issue a STARTTLS command first");
            t.send("VRFY root").expect("530 5.7.0 ");
            t.send("ETRN example.test").expect("530 5.7.0 ");
            t.send("NOOP").expect("250 ");
            t.send("STARTTLS").expect("220 ");
            t.startTls();
            t.send("EHLO enc.example").expect("250 ");
            send(t, "level encrypt");
            t.send("QUIT").expect("221 ");
        }
        assertTrue(received(delivered("level encrypt")).contains("with ESMTPS"));
    }

    /** After STARTTLS, smtpd_timeout still holds: an idle client gets the 421 over TLS, and the timeout is logged. */
    @Test
    void anIdleClientTimesOutOverTls() throws Exception {
        try (Transcript t = greeted(pkcs1)) {
            t.send("STARTTLS").expect("220 ");
            t.startTls();
            t.send("EHLO idle-tls.example").expect("250 ");
            long start = System.nanoTime();
            t.expect("421 4.4.2 mx.example.test Error: timeout exceeded");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 1_500 && ms < 4_500, "timed out after " + ms + " ms"); // not the handshake's limit (1 s + 5 s)
        }
        sup.awaitLog("timeout after EHLO from unknown[127.0.0.1]");
    }

    @Test
    void wrapperModeGreetsOverTls() throws Exception {
        try (Transcript t = Transcript.connectTls(wrapper)) {
            t.expect("220 mx.example.test ESMTP");
            assertFalse(ehloLines(t, "smtps.example").contains("250-STARTTLS"));
            t.send("STARTTLS").expect("554 5.5.1 Error: TLS already active");
            send(t, "wrapper mode");
            t.send("QUIT").expect("221 ");
        }
        assertTrue(received(delivered("wrapper mode")).contains("with ESMTPS"));
        sup.awaitLog("postfix/smtps/smtpd[");
    }

    @Test
    void pemKeysInEveryFormServeTls() throws Exception {
        for (int[] c : new int[][] {{may, 'R'}, {pkcs1, 'R'}, {ec, 'E'}}) {
            try (Transcript t = greeted(c[0])) {
                t.send("STARTTLS").expect("220 ");
                t.startTls();
                String alg = t.tlsSession().getPeerCertificates()[0].getPublicKey().getAlgorithm();
                assertEquals(c[1] == 'R' ? "RSA" : "EC", alg, "port " + c[0]);
                t.send("EHLO keys.example").expect("250 ");
            }
        }
        for (String scheme : List.of("rsa_pss_rsae_sha256", "ecdsa_secp256r1_sha256")) {
            try (Transcript t = greeted(chain)) {
                t.send("STARTTLS").expect("220 ");
                t.startTls(scheme, "rsa_pkcs1_sha256"); // the latter only for the self-signed RSA certificate
                String alg = t.tlsSession().getPeerCertificates()[0].getPublicKey().getAlgorithm();
                assertEquals(scheme.startsWith("rsa") ? "RSA" : "EC", alg, "chain files, " + scheme);
                t.send("EHLO keys.example").expect("250 ");
            }
        }
    }

    @Test
    void aFailedHandshakeEndsTheSession() throws Exception {
        try (Transcript t = greeted(may)) {
            t.send("STARTTLS").expect("220 ");
            t.sendRaw("this is not a TLS record\r\n");
            t.awaitClosed();
        }
        sup.awaitLog("warning: TLS library problem: ");
        sup.awaitLog("lost connection after STARTTLS from unknown[127.0.0.1]");
        sup.awaitLog("disconnect from unknown[127.0.0.1] starttls=0/1 commands=0/1");
    }

    @Test
    void theHandshakeHasADeadline() throws Exception {
        long start = System.nanoTime();
        try (Transcript t = greeted(pkcs1)) { // smtpd_starttls_timeout = 1s
            t.send("STARTTLS").expect("220 ");
            t.expectClosed();
        }
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
        sup.awaitLog("warning: TLS library problem: timed out");
    }

    @Test
    void aMissingCertificateAtLevelMayDisablesTlsAndPlainMailWorks() throws Exception {
        sup.awaitLog("warning: cannot get RSA certificate from file \"" + tmp.resolve("keys/missing.pem")
                + "\": disabling TLS support");
        sup.awaitLog("warning: TLS library problem: cannot read file \"" + tmp.resolve("keys/missing.pem")
                + "\": No such file or directory");
        try (Transcript t = greeted(missingMay)) {
            assertFalse(ehloLines(t, "c.example").contains("250-STARTTLS"));
            t.send("STARTTLS").expect("454 4.7.0 TLS not available due to local problem");
            send(t, "plain despite missing cert");
            t.send("QUIT").expect("221 ");
        }
        assertTrue(received(delivered("plain despite missing cert")).contains("with ESMTP id"));
    }

    @Test
    void aKeyThatCannotBeReadWhereTlsIsRequiredStopsTheStart() throws Exception {
        Path missing = tmp.resolve("keys/missing-key.pem");
        for (String how : List.of("  -o smtpd_tls_security_level=encrypt\n", "  -o smtpd_tls_wrappermode=yes\n")) {
            TestSite other = new TestSite(tmp.resolve("other" + how.length()))
                    .masterCf("127.0.0.1:" + TestSite.freePort() + " inet n - n - - smtpd\n" + how
                            + "  -o smtpd_tls_cert_file=" + tmp.resolve("keys/rsa_pkcs8-cert.pem") + "\n"
                            + "  -o smtpd_tls_key_file=" + missing + "\n")
                    .write();
            mta.config.ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(mta.config.ConfigException.class,
                    () -> Master.start(other.config, Master.Options.defaults()).close());
            String why = how.contains("wrapper") ? "smtpd_tls_wrappermode = yes" : "smtpd_tls_security_level = encrypt";
            assertTrue(e.getMessage().matches("service 127\\.0\\.0\\.1:\\d+: cannot get RSA private key from file \""
                    + java.util.regex.Pattern.quote(missing.toString())
                    + "\": No such file or directory; TLS is required \\(" + java.util.regex.Pattern.quote(why) + "\\)"),
                    e.getMessage());
        }
    }

    @Test
    void debiansChainFilesWithTheKeyAndTheCertificateInSeparateFiles() throws Exception {
        try (Transcript t = greeted(split)) {
            assertTrue(ehloLines(t, "c.example").contains("250-STARTTLS"));
            t.send("STARTTLS").expect("220 ");
            t.startTls("ecdsa_secp256r1_sha256");
            assertEquals("EC", t.tlsSession().getPeerCertificates()[0].getPublicKey().getAlgorithm());
        }
    }

    @Test
    void opensslSClientTalksStarttls() throws Exception {
        assumeTrue(onPath("openssl"), "openssl is not installed");
        Process p = new ProcessBuilder("openssl", "s_client", "-starttls", "smtp", "-crlf", "-ign_eof",
                "-connect", "127.0.0.1:" + may).redirectErrorStream(true).start();
        p.getOutputStream().write("EHLO x\nQUIT\n".getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "openssl s_client ends after QUIT");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertTrue(out.contains("New, TLSv1.3, Cipher is TLS_"), out);
        assertTrue(out.contains("250-mx.example.test") && out.contains("250 CHUNKING"), out);
        assertTrue(out.contains("221 2.0.0 Bye"), out);
    }

    @Test
    void swaksSendsOverStarttls() throws Exception {
        assumeTrue(onPath("swaks"), "swaks is not installed");
        Process p = new ProcessBuilder("swaks", "--server", "127.0.0.1:" + may, "--tls", "--ehlo", "swaks.example",
                "--from", "sender@example.test", "--to", "root@mx.example.test",
                "--header", "Subject: swaks over tls", "--body", "hello").redirectErrorStream(true).start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "swaks ends");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("TLS started"), out);
        assertTrue(received(delivered("swaks over tls")).contains("with ESMTPS"));
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) return true;
        }
        return false;
    }
}
