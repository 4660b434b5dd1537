package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import mta.master.Master;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SmtpdHaproxyTest - smtpd_upstream_proxy_protocol = haproxy: the PROXY header names the client.
 *
 * <p>One system with two proxied listeners (one with a short smtpd_upstream_proxy_timeout) and
 * the plain one. Headers are written over real sockets from 127.0.0.2; mynetworks is
 * 127.0.0.1/32, so relay permission shows which address the server believed.
 */
class SmtpdHaproxyTest {
    @TempDir
    static Path tmp;
    static TestSite site;
    static Master m;
    static SmtpdTestSupport sup;
    static int proxied;
    static int impatient;

    @BeforeAll
    static void start() throws Exception {
        proxied = TestSite.freePort();
        impatient = TestSite.freePort();
        site = new TestSite(tmp)
                .masterCf(String.join("\n",
                        "SMTPD inet n - n - - smtpd",
                        "127.0.0.1:" + proxied + " inet n - n - - smtpd -o smtpd_upstream_proxy_protocol=haproxy",
                        "127.0.0.1:" + impatient + " inet n - n - - smtpd -o smtpd_upstream_proxy_protocol=haproxy"
                                + " -o smtpd_upstream_proxy_timeout=1s",
                        "pickup unix n - n 60 1 pickup",
                        "qmgr unix n - n 300 1 qmgr",
                        "local unix - n n - - local", ""))
                .write();
        m = Master.start(site.config, Master.Options.defaults());
        sup = new SmtpdTestSupport(site, m);
    }

    @AfterAll
    static void stop() {
        if (m != null) m.close();
    }

    private static Transcript proxy(byte[] header) throws IOException {
        Transcript t = Transcript.connectFrom("127.0.0.2", proxied);
        t.sendBytes(header);
        return t;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A version 2 header: PROXY (or LOCAL) over TCP, with {@code tlv} extra bytes after the addresses. */
    private static byte[] v2(boolean local, String client, String server, int tlv) throws IOException {
        byte[] src = client == null ? new byte[0] : InetAddress.getByName(client).getAddress();
        byte[] dst = server == null ? new byte[0] : InetAddress.getByName(server).getAddress();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(new byte[] {'\r', '\n', '\r', '\n', 0, '\r', '\n', 'Q', 'U', 'I', 'T', '\n'});
        b.write(local ? 0x20 : 0x21);
        b.write(local ? 0x00 : src.length == 4 ? 0x11 : 0x21);
        int len = src.length + dst.length + (local ? 0 : 4) + tlv;
        b.write(len >> 8);
        b.write(len & 0xff);
        b.write(src);
        b.write(dst);
        if (!local) b.write(new byte[] {(byte) 0x9c, 0x40, 0, 25}); // ports 40000 and 25
        for (int i = 0; i < tlv; i++) b.write(i == 0 ? 0x04 : 'x'); // a TLV of type PP2_TYPE_NOOP
        return b.toByteArray();
    }

    /** EHLO, MAIL, RCPT to a remote domain: the reply says whether the client may relay. */
    private static String relayAttempt(Transcript t) throws IOException {
        t.expect("220 ");
        t.send("EHLO lb.example").expect("250 ");
        t.send("MAIL FROM:<a@example.test>").expect("250 ");
        t.send("RCPT TO:<x@remote.example>");
        return t.reply();
    }

    @Test
    void v1Tcp4NamesTheClientAndRelayFollowsIt() throws Exception {
        try (Transcript t = proxy(ascii("PROXY TCP4 10.9.8.7 127.0.0.1 40000 25\r\n"))) {
            assertEquals("554 5.7.1 <x@remote.example>: Relay access denied", relayAttempt(t));
        }
        sup.awaitLog("connect from unknown[10.9.8.7]");
        sup.awaitLog("NOQUEUE: reject: RCPT from unknown[10.9.8.7]: 554 5.7.1 <x@remote.example>: Relay access denied;");
    }

    @Test
    void proxiedLoopbackMayRelayAndIsTheMessagesClient() throws Exception {
        try (Transcript t = proxy(ascii("PROXY TCP4 127.0.0.1 127.0.0.1 40001 25\r\n"))) {
            assertEquals("250 2.1.5 Ok", relayAttempt(t));
            t.send("RSET").expect("250 ");
            t.send("MAIL FROM:<a@example.test>").expect("250 ");
            t.send("RCPT TO:<root@example.test>").expect("250 ");
            t.send("DATA").expect("354 ");
            String id = SmtpdTestSupport.queuedId(t.send("Subject: via the balancer").send(".").expect("250 "));
            sup.awaitLog(id + ": client=unknown[127.0.0.1]");
        }
        // The same socket address without a header on the plain port is an outsider.
        try (Transcript t = Transcript.connectFrom("127.0.0.2", site.smtpdPort)) {
            assertEquals("554 5.7.1 <x@remote.example>: Relay access denied", relayAttempt(t));
        }
    }

    @Test
    void v1Tcp6() throws Exception {
        try (Transcript t = proxy(ascii("PROXY TCP6 2001:db8::7 2001:db8::1 40000 25\r\n"))) {
            assertEquals("554 5.7.1 <x@remote.example>: Relay access denied", relayAttempt(t));
        }
        sup.awaitLog("connect from unknown[2001:db8:0:0:0:0:0:7]");
    }

    @Test
    void v2Ipv4WithTlvsAndPipelinedSmtpAfterIt() throws Exception {
        byte[] header = v2(false, "10.1.2.3", "127.0.0.1", 5);
        byte[] both = new byte[header.length + 12];
        System.arraycopy(header, 0, both, 0, header.length);
        System.arraycopy(ascii("EHLO lb.ex\r\n"), 0, both, header.length, 12);
        try (Transcript t = proxy(both)) {
            t.expect("220 ");
            t.expect("250 "); // the EHLO that came with the header was not swallowed
        }
        sup.awaitLog("connect from unknown[10.1.2.3]");
    }

    @Test
    void v2Ipv6() throws Exception {
        try (Transcript t = proxy(v2(false, "2001:db8::9", "2001:db8::1", 0))) {
            assertEquals("554 5.7.1 <x@remote.example>: Relay access denied", relayAttempt(t));
        }
        sup.awaitLog("connect from unknown[2001:db8:0:0:0:0:0:9]");
    }

    @Test
    void v2LocalKeepsThePeer() throws Exception {
        try (Transcript t = Transcript.connectFrom("127.0.0.1", proxied)) {
            t.sendBytes(v2(true, null, null, 0));
            assertEquals("250 2.1.5 Ok", relayAttempt(t)); // 127.0.0.1 is in mynetworks
        }
        try (Transcript t = proxy(v2(true, null, null, 0))) {
            assertEquals("554 5.7.1 <x@remote.example>: Relay access denied", relayAttempt(t));
        }
    }

    @Test
    void garbageClosesWithoutGreeting() throws Exception {
        try (Transcript t = proxy(ascii("EHLO spammer.example\r\n"))) {
            t.expectClosed();
        }
        sup.awaitLog("warning: haproxy read: unrecognized protocol header: E");
        try (Transcript t = proxy(ascii("PROXY UNKNOWN\r\n"))) {
            t.expectClosed();
        }
        sup.awaitLog("warning: haproxy read: bad or missing protocol type: PROXY UNKNOWN\\r\\n");
        try (Transcript t = proxy(ascii("PROXY TCP4 10.9.8.300 127.0.0.1 40000 25\r\n"))) {
            t.expectClosed();
        }
        sup.awaitLog("warning: haproxy read: bad or missing client address: PROXY TCP4 10.9.8.300");
        try (Transcript t = proxy(ascii("PROXY TCP4 10.9.8.7 127.0.0.1 40000 25 " + "x".repeat(100)))) {
            t.expectClosed();
        }
        sup.awaitLog("warning: haproxy read: missing protocol header terminator: PROXY TCP4");
        byte[] v3 = v2(false, "10.1.2.3", "127.0.0.1", 0);
        v3[12] = 0x31;
        try (Transcript t = proxy(v3)) {
            t.expectClosed();
        }
        sup.awaitLog("warning: haproxy read: unrecognized protocol version: \\r\\n\\r\\n\\000\\r\\nQUIT\\n1");
    }

    @Test
    void lateHeaderTimesOut() throws Exception {
        long start = System.nanoTime();
        try (Transcript t = Transcript.connectFrom("127.0.0.2", impatient)) {
            t.sendBytes(ascii("PROXY TCP4 10.9"));
            t.expectClosed();
        }
        sup.awaitLog("warning: haproxy read: timeout error");
        long ms = (System.nanoTime() - start) / 1_000_000;
        org.junit.jupiter.api.Assertions.assertTrue(ms >= 900 && ms < 10_000, ms + " ms");
    }

    /**
     * smtpd_upstream_proxy_timeout limits the header only: a client quiet for longer than it
     * after the greeting is still served (smtpd_timeout, 300 s, applies).
     */
    @Test
    void theHeaderTimeoutEndsWithTheHeader() throws Exception {
        try (Transcript t = Transcript.connectFrom("127.0.0.2", impatient)) {
            t.sendBytes(ascii("PROXY TCP4 192.0.2.7 127.0.0.1 40000 25\r\n"));
            t.expect("220 ");
            Thread.sleep(1_500);
            t.send("EHLO quiet.example").expect("250 ");
            t.send("QUIT").expect("221 ");
        }
    }
}
