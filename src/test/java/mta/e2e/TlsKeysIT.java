package mta.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mta.testing.RootSite;
import mta.testing.RootSite.Result;
import mta.testing.TestPem;
import mta.testing.TestSite;
import mta.testing.Transcript;
import mta.util.PosixAccounts;
import mta.util.SecretClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TlsKeysIT - TLS with the keys real servers have, under privilege separation: {@code bin/postfix
 * start} as root, the master as mail_owner, the private key {@code 0600 root}. STARTTLS is offered
 * on a port-25-style service (level may) and a submission-style one (level encrypt), openssl's
 * s_client completes the handshake, a TLS 1.2 client's renegotiation is refused, {@code postfix
 * reload} after the certificate was replaced serves the new one, the privileged process serves
 * only files the configuration names, and a key that cannot be loaded where TLS is required makes
 * {@code postfix check} and {@code postfix start} fail with the same message. Needs root, setpriv,
 * openssl and a {@code postfix} account (.ci/run creates it).
 */
class TlsKeysIT {
    private Path base;
    private TestSite site;
    private Path keys;
    private TestPem.Pair pair;
    private int submission;


    @BeforeEach
    void setUp() throws Exception {
        RootSite.assumePrivilegeSeparation();
        // Not JUnit's @TempDir: that is mode 0700, which mail_owner could not reach.
        base = RootSite.base("mta-tlskeys-");
        keys = Files.createDirectories(base.resolve("keys"));
        pair = TestPem.make(keys, TestPem.Form.RSA_PKCS8);
        rootOnly(pair.key());
        Path dh = keys.resolve("dh.pem");
        RootSite.run("openssl", "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "group:ffdhe2048", "-out", dh.toString());
        rootOnly(dh);
        submission = TestSite.freePort();
        site = new TestSite(base.resolve("site"))
                .param("smtpd_tls_security_level", "may")
                .param("smtpd_tls_cert_file", pair.cert().toString())
                .param("smtpd_tls_key_file", pair.key().toString())
                .param("smtpd_tls_dh1024_param_file", dh.toString())
                .param("smtpd_tls_loglevel", "1")
                .param("smtp_tls_security_level", "may")
                .param("smtp_tls_cert_file", pair.cert().toString())
                .param("smtp_tls_key_file", pair.key().toString())
                .smtpdServices("SMTPD inet n - n - - smtpd",
                        "127.0.0.1:" + submission + " inet n - n - - smtpd\n"
                        + "  -o syslog_name=postfix/submission\n  -o smtpd_tls_security_level=encrypt");
        site.write();
    }

    @AfterEach
    void tearDown() throws IOException {
        RootSite.stop(site, base);
    }

    @Test
    void aRootOnlyKeyServesStarttlsUnderPrivilegeSeparation() throws Exception {
        assertFalse(RootSite.run("setpriv", "--reuid=postfix", "--regid=postfix", "--clear-groups", "cat", pair.key().toString())
                .code() == 0, "mail_owner cannot read the key itself");
        Result start = postfix("start");
        assertEquals(0, start.code(), start.out());
        long master = Long.parseLong(Files.readString(site.queue.resolve("pid/master.pid")).strip());
        assertEquals(PosixAccounts.user("postfix").orElseThrow().uid(), uid(master), "the master runs as mail_owner");

        String served = fingerprint(pair.cert());
        for (int port : List.of(site.smtpdPort, submission)) {
            try (Transcript t = Transcript.connect(port)) {
                t.expect("220 ");
                assertTrue(t.send("EHLO client.example").expect("250 ").contains("250-STARTTLS"), "STARTTLS on " + port);
            }
            Result s = sClient(port, "EHLO x\nQUIT\n");
            assertTrue(s.out().contains("New, TLSv1.3, Cipher is TLS_"), s.out());
            assertTrue(s.out().contains("221 2.0.0 Bye"), s.out());
            assertEquals(served, servedFingerprint(port));
        }
        String log = WalkingSkeletonTest.read(site.maillog);
        assertFalse(log.contains("Permission denied"), log);
        assertFalse(log.contains("cannot get"), log);
        assertFalse(log.contains("cannot load DH parameters"), log);
        assertTrue(log.contains("Anonymous TLS connection established from"), log);

        // The privileged process serves what the configuration names, and nothing else.
        SecretClient secrets = new SecretClient(site.queue.resolve("private/secrets"));
        assertTrue(new String(secrets.read(pair.key()), StandardCharsets.US_ASCII).contains("PRIVATE KEY"));
        IOException refused = assertThrows(IOException.class, () -> secrets.read(Path.of("/etc/shadow")));
        assertEquals("not named by the configuration", refused.getMessage());
        WalkingSkeletonTest.waitFor(() -> WalkingSkeletonTest.read(site.maillog).contains(
                "warning: private/secrets: refused to read /etc/shadow: not named by the configuration"), "the refusal is logged");
        assertFalse(WalkingSkeletonTest.read(site.maillog).contains("BEGIN PRIVATE KEY"), "no key material in the log");

        // A TLS 1.2 client asks for a renegotiation ("R"): the server refuses it with a fatal alert.
        Result r = renegotiate(site.smtpdPort);
        assertTrue(r.out().contains("RENEGOTIATING"), r.out());
        assertTrue(r.out().contains("SSL3 alert read:fatal:handshake failure"), r.out());
        assertFalse(r.out().contains("250 2.0.0 Ok"), "no NOOP reply after the refused renegotiation: " + r.out());

        // A new certificate (and key), then postfix reload: the new one is served.
        TestPem.Pair renewed = TestPem.make(keys.resolve("renewed"), TestPem.Form.EC_SEC1);
        Files.copy(renewed.cert(), pair.cert(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(renewed.key(), pair.key(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        rootOnly(pair.key());
        assertNotEquals(served, fingerprint(pair.cert()));
        assertEquals(0, postfix("reload").code());
        String renewedPrint = fingerprint(pair.cert());
        WalkingSkeletonTest.waitFor(() -> {
            try {
                return renewedPrint.equals(servedFingerprint(submission));
            } catch (Exception e) {
                return false;
            }
        }, "the renewed certificate is served after reload");
        assertEquals(renewedPrint, servedFingerprint(site.smtpdPort));
    }

    @Test
    void aKeyThatCannotBeLoadedWhereTlsIsRequiredStopsCheckAndStart() throws Exception {
        Path missing = keys.resolve("missing-key.pem");
        String main = Files.readString(site.config.resolve("master.cf"));
        Files.writeString(site.config.resolve("master.cf"), main.replace("-o smtpd_tls_security_level=encrypt",
                "-o smtpd_tls_security_level=encrypt\n  -o smtpd_tls_key_file=" + missing));
        String expected = "fatal: service 127.0.0.1:" + submission + ": cannot get RSA private key from file \""
                + missing + "\": No such file or directory; TLS is required (smtpd_tls_security_level = encrypt)";

        Result check = postfix("check");
        assertEquals(1, check.code(), check.out());
        assertTrue(check.out().contains("postfix/postfix-script: " + expected), check.out());

        Result start = postfix("start");
        assertEquals(1, start.code(), start.out());
        assertTrue(start.out().contains("postfix/master: " + expected), start.out());
        assertFalse(Files.exists(site.queue.resolve("pid/master.pid")) && postfix("status").code() == 0, "not running");

        // At level may the same key is a warning, and the service runs without STARTTLS.
        Files.writeString(site.config.resolve("master.cf"), main.replace("-o smtpd_tls_security_level=encrypt",
                "-o smtpd_tls_security_level=may\n  -o smtpd_tls_key_file=" + missing));
        Result may = postfix("check");
        assertEquals(0, may.code(), may.out());
        assertTrue(may.out().contains("warning: service 127.0.0.1:" + submission + ": cannot get RSA private key"), may.out());
    }

    // ------------------------------------------------------------------ helpers

    private static void rootOnly(Path f) throws IOException {
        Files.setAttribute(f, "unix:uid", 0);
        Files.setAttribute(f, "unix:gid", 0);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    }

    /** openssl s_client -starttls smtp with {@code input} on its standard input. */
    private static Result sClient(int port, String input) throws Exception {
        Process p = new ProcessBuilder("openssl", "s_client", "-starttls", "smtp", "-crlf", "-ign_eof",
                "-connect", "127.0.0.1:" + port).redirectErrorStream(true).start();
        p.getOutputStream().write(input.getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "s_client ends after QUIT");
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1));
    }

    /**
     * openssl s_client -tls1_2 types "R" (its renegotiation command) once the handshake is done,
     * then NOOP and QUIT. Its standard output is buffered, so the steps follow its {@code -state}
     * lines on standard error (unbuffered): the first handshake ends with "read finished", a
     * renegotiation either ends with a second one or with the server's alert. Returns standard
     * output and standard error together.
     */
    private static Result renegotiate(int port) throws Exception {
        Process p = new ProcessBuilder("openssl", "s_client", "-starttls", "smtp", "-crlf", "-tls1_2", "-state",
                "-connect", "127.0.0.1:" + port).start();
        StringBuffer err = new StringBuffer();
        StringBuffer out = new StringBuffer();
        Thread errReader = drain(p.getErrorStream(), err);
        Thread outReader = drain(p.getInputStream(), out);
        String finished = "SSL_connect:SSLv3/TLS read finished";
        try (var stdin = p.getOutputStream()) {
            assertTrue(await(p, () -> err.indexOf(finished) >= 0), "the handshake: " + err);
            stdin.write("R\n".getBytes(StandardCharsets.US_ASCII));
            stdin.flush();
            await(p, () -> err.indexOf("alert") >= 0 || err.indexOf(finished) != err.lastIndexOf(finished));
            stdin.write("NOOP\nQUIT\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // s_client is gone: the server closed the connection
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "s_client ends");
        errReader.join(5000);
        outReader.join(5000);
        return new Result(p.exitValue(), out + "\n" + err);
    }

    private static Thread drain(java.io.InputStream in, StringBuffer into) {
        return Thread.ofVirtual().start(() -> {
            byte[] buf = new byte[4096];
            try (in) {
                for (int n; (n = in.read(buf)) > 0; ) into.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                // the process ended
            }
        });
    }

    /** Polls (10s at most) until {@code done}; false on timeout or when the process ended first. */
    private static boolean await(Process p, java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (done.getAsBoolean()) return true;
            if (!p.isAlive()) return done.getAsBoolean();
            Thread.sleep(20);
        }
        return false;
    }

    private static String servedFingerprint(int port) throws Exception {
        try (Transcript t = Transcript.connect(port)) {
            t.expect("220 ");
            t.send("EHLO c.example").expect("250 ");
            t.send("STARTTLS").expect("220 ");
            t.startTls();
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(t.tlsSession().getPeerCertificates()[0].getEncoded()));
        }
    }

    private static String fingerprint(Path cert) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                mta.tls.PemFiles.certificates(mta.util.SecretFiles.DIRECT, cert).get(0).getEncoded()));
    }

    private Result postfix(String command) throws Exception {
        return RootSite.postfix(site, command);
    }


    private static long uid(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("Uid:")) return Long.parseLong(line.substring(4).strip().split("\\s+")[0]);
        }
        throw new IOException("no Uid in /proc/" + pid + "/status");
    }
}
