package mta.postscreen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import mta.dns.DnsjavaResolver;
import mta.dns.TestDnsServer;
import mta.master.Master;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostscreenIT - postscreen on the SMTP port in front of smtpd, end to end over real sockets.
 *
 * <p>master.cf as Debian, mail-in-a-box, docker-mailserver and mailcow write it: an {@code inet}
 * postscreen entry, the {@code smtpd pass} entry behind it (whose {@code -o} overrides must reach
 * the smtpd session), dnsblog and tlsproxy. DNSBL zones come from a {@link TestDnsServer}.
 * Clients connect from 127.0.0.x addresses outside mynetworks (127.0.0.1/32), one address per
 * test, so the cache entries of one test do not touch another's.
 */
class PostscreenIT {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    static TestDnsServer dns;

    @TempDir
    Path tmp;
    TestSite site;
    Master m;

    @BeforeAll
    static void zones() throws IOException {
        dns = TestDnsServer.start();
        dns.a("4.0.0.127.zen.example", "127.0.0.4"); // listed, inside the filter: weight 3
        dns.a("5.0.0.127.bl.example", "127.0.0.2"); // listed by the weight-1 list only
        dns.a("6.0.0.127.zen.example", "127.0.0.255"); // outside zen's filter
        dns.a("7.0.0.127.zen.example", "127.0.0.4").a("7.0.0.127.wl.example", "127.0.0.2"); // 3 - 5
        dns.a("8.0.0.127.wl.example", "127.0.0.2"); // allow list only
    }

    @AfterAll
    static void stopDns() {
        dns.close();
    }

    @AfterEach
    void stop() {
        if (m != null) m.close();
    }

    /** Starts with these main.cf parameters and a pass entry with {@code passOptions}. */
    private void start(String passOptions, String... params) throws IOException {
        startWith("", passOptions, params);
    }

    /** The same, with {@code -o} options on the postscreen entry too. */
    private void startWith(String postscreenOptions, String passOptions, String... params) throws IOException {
        site = new TestSite(tmp);
        site.param("postscreen_greet_wait", "1s");
        for (int i = 0; i < params.length; i += 2) site.param(params[i], params[i + 1]);
        site.masterCf(String.join("\n",
                "SMTPD inet n - y - 1 postscreen" + postscreenOptions,
                "smtpd pass - - y - - smtpd",
                "  -o { smtpd_banner = $myhostname ESMTP pass-entry }" + passOptions,
                "dnsblog unix - - y - 0 dnsblog",
                "tlsproxy unix - - y - 0 tlsproxy",
                "pickup unix n - n 60 1 pickup",
                "qmgr unix n - n 300 1 qmgr",
                "smtp unix - - n - - smtp",
                "relay unix - - n - - smtp",
                "local unix - n n - - local", ""));
        site.write();
        m = Master.start(site.config, new Master.Options(
                new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(2)), 25));
        assertEquals(List.of(site.smtpdPort), m.postscreenPorts());
    }

    private Transcript connect(String from) throws IOException {
        return Transcript.connectFrom(from, site.smtpdPort);
    }

    private String log() {
        try {
            return Files.readString(site.maillog, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }

    private void awaitLog(String regex) throws InterruptedException {
        Pattern p = Pattern.compile(regex);
        waitFor(() -> p.matcher(log()).find(), "the mail log matches " + regex);
    }

    private static void waitFor(BooleanSupplier cond, String what) throws InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) fail("timed out waiting until " + what);
            Thread.sleep(20);
        }
    }

    private static String q(String text) {
        return Pattern.quote(text);
    }

    /** A whole accepted message through smtpd after the greeting was read. */
    private static void deliver(Transcript t) throws IOException {
        t.send("EHLO client.example").expect("250 ");
        t.send("MAIL FROM:<a@client.example>").expect("250");
        t.send("RCPT TO:<root@example.test>").expect("250");
        t.send("DATA").expect("354");
        t.send("Subject: hi").send("").send("hello").send(".").expect("250 2.0.0 Ok: queued as ");
        t.send("QUIT").expect("221");
    }

    @Test
    void patientClientPassesToSmtpdWithThePassEntrysOverridesAndIsCached() throws Exception {
        start("", "postscreen_greet_action", "enforce");
        try (Transcript t = connect("127.0.0.2")) {
            String greeting = t.expect("220 ");
            // postscreen's teaser line (main.cf's banner), then smtpd's greeting with the pass entry's -o banner
            assertEquals("220-mx.example.test ESMTP Postfix\n220 mx.example.test ESMTP pass-entry", greeting);
            deliver(t);
        }
        awaitLog("postscreen\\[\\d+\\]: CONNECT from \\[127\\.0\\.0\\.2\\]:\\d+ to \\[127\\.0\\.0\\.1\\]:" + site.smtpdPort);
        awaitLog("postscreen\\[\\d+\\]: PASS NEW \\[127\\.0\\.0\\.2\\]:\\d+\n");
        awaitLog("smtpd\\[\\d+\\]: connect from unknown\\[127\\.0\\.0\\.2\\]");
        awaitLog("smtpd\\[\\d+\\]: disconnect from unknown\\[127\\.0\\.0\\.2\\]");
        assertFalse(log().contains("PREGREET"), log());
        assertTrue(Files.exists(tmp.resolve("data").resolve("postscreen_cache.db")), "the btree cache file");

        // the second connection: straight to smtpd, no teaser line, no wait
        try (Transcript t = connect("127.0.0.2")) {
            assertEquals("220 mx.example.test ESMTP pass-entry", t.expect("220 "));
            deliver(t);
        }
        awaitLog("PASS OLD \\[127\\.0\\.0\\.2\\]:\\d+\n");
    }

    @Test
    void pregreetingClientIsRefusedWithEnforce() throws Exception {
        start("", "postscreen_greet_action", "enforce");
        try (Transcript t = connect("127.0.0.3")) {
            t.sendRaw("EHLO x\r\n"); // before the greeting
            t.expect("220 ");
            String ehlo = t.expect("250 ");
            assertFalse(ehlo.contains("PIPELINING"), ehlo);
            t.send("MAIL FROM:<spam@client.example>").expect("250 2.1.0 Ok");
            t.send("RCPT TO:<root@example.test>").expect("550 5.5.1 Protocol error");
            t.send("QUIT").expect("221");
        }
        awaitLog("PREGREET 8 after 0\\.\\d\\d from \\[127\\.0\\.0\\.3\\]:\\d+: EHLO x\\\\r\\\\n\n");
        awaitLog("NOQUEUE: reject: RCPT from \\[127\\.0\\.0\\.3\\]:\\d+: 550 5\\.5\\.1 Protocol error;"
                + " from=<spam@client\\.example>, to=<root@example\\.test>, proto=ESMTP, helo=<x>");
        awaitLog("DISCONNECT \\[127\\.0\\.0\\.3\\]:\\d+");
        assertFalse(log().contains("PASS NEW [127.0.0.3]"), log());
        assertFalse(log().contains("connect from unknown[127.0.0.3]"), "never reached smtpd");
    }

    @Test
    void pregreetingClientIsDroppedWithDrop() throws Exception {
        start("", "postscreen_greet_action", "drop");
        try (Transcript t = connect("127.0.0.3")) {
            t.sendRaw("HELO x\r\n");
            assertEquals("220-mx.example.test ESMTP Postfix\n521 5.5.1 Protocol error", t.reply());
            t.expectClosed();
        }
        awaitLog("PREGREET 8 after 0\\.\\d\\d from \\[127\\.0\\.0\\.3\\]:\\d+: HELO x\\\\r\\\\n");
    }

    @Test
    void pregreetIgnoredGoesToSmtpdWhichReadsTheEarlyCommand() throws Exception {
        start("");
        try (Transcript t = connect("127.0.0.3")) {
            t.sendRaw("EHLO early.example\r\n");
            t.expect("220 ");
            String ehlo = t.expect("250 "); // smtpd answers the command that came too early
            assertTrue(ehlo.contains("PIPELINING"), ehlo);
            t.send("QUIT").expect("221");
        }
        awaitLog("PREGREET 20 after 0\\.\\d\\d from \\[127\\.0\\.0\\.3\\]");
        awaitLog("improper command pipelining after CONNECT from unknown\\[127\\.0\\.0\\.3\\]");
        assertFalse(log().contains("PASS NEW [127.0.0.3]"), "an ignored failure is no pass: " + log());
    }

    @Test
    void dnsblWeightsFiltersAndThreshold() throws Exception {
        Files.createDirectories(tmp.resolve("etc"));
        Files.writeString(tmp.resolve("etc").resolve("dnsbl_reply"), "zen.example zen.public.example\n");
        start("", "postscreen_dnsbl_sites", "zen.example=127.0.0.[2..11]*3 bl.example*1 wl.example*-5",
                "postscreen_dnsbl_threshold", "3", "postscreen_dnsbl_action", "enforce",
                "postscreen_dnsbl_reply_map", "texthash:" + tmp.resolve("etc").resolve("dnsbl_reply"));
        try (Transcript t = connect("127.0.0.4")) {
            t.expect("220 ");
            t.send("EHLO bot.example").expect("250 ");
            t.send("MAIL FROM:<>").expect("250");
            t.send("RCPT TO:<root@example.test>").expect(
                    "550 5.7.1 Service unavailable; client [127.0.0.4] blocked using zen.public.example");
        }
        awaitLog("DNSBL rank 3 for \\[127\\.0\\.0\\.4\\]:\\d+\n");
        awaitLog("NOQUEUE: reject: RCPT from \\[127\\.0\\.0\\.4\\]:\\d+: 550 5\\.7\\.1 Service unavailable; client"
                + " \\[127\\.0\\.0\\.4\\] blocked using zen\\.public\\.example; from=<>, to=<root@example\\.test>,"
                + " proto=ESMTP, helo=<bot\\.example>");
        awaitLog("dnsblog\\[\\d+\\]: addr 127\\.0\\.0\\.4 listed by domain zen\\.example as 127\\.0\\.0\\.4");
        // below the threshold (1), outside the filter (0), offset by an allow list (3 - 5): all pass
        for (String ip : List.of("127.0.0.5", "127.0.0.6", "127.0.0.7")) {
            try (Transcript t = connect(ip)) {
                t.expect("220 ");
                deliver(t);
            }
            awaitLog("PASS NEW " + q("[" + ip + "]") + ":\\d+\n");
        }
        assertFalse(Pattern.compile("DNSBL rank \\d+ for \\[127\\.0\\.0\\.[567]\\]").matcher(log()).find(), log());
    }

    @Test
    void dnsblDropAndAllowlistThreshold() throws Exception {
        start("", "postscreen_dnsbl_sites", "zen.example=127.0.0.[2..11]*3 wl.example*-5",
                "postscreen_dnsbl_action", "drop", "postscreen_dnsbl_allowlist_threshold", "-1",
                "postscreen_greet_wait", "3s", "postscreen_greet_action", "enforce");
        try (Transcript t = connect("127.0.0.4")) {
            assertEquals("220-mx.example.test ESMTP Postfix\n"
                    + "521 5.7.1 Service unavailable; client [127.0.0.4] blocked using zen.example", t.reply());
            t.expectClosed();
        }
        // an allow-listed client skips the rest of the 3 s greet wait and every other test
        long start = System.nanoTime();
        try (Transcript t = connect("127.0.0.8")) {
            t.expect("220 mx.example.test ESMTP pass-entry");
            assertTrue(System.nanoTime() - start < Duration.ofMillis(2500).toNanos(), "did not wait out the greet wait");
            deliver(t);
        }
        awaitLog("PASS NEW \\[127\\.0\\.0\\.8\\]:\\d+\n");
    }

    @Test
    void accessListAllowsAndDenies() throws Exception {
        Path cidr = tmp.resolve("postscreen_access.cidr");
        Files.writeString(cidr, "127.0.0.9/32 permit\n127.0.0.10/32 reject\n127.0.0.0/8 dunno\n");
        start("", "postscreen_access_list", "permit_mynetworks, cidr:" + cidr, "postscreen_blacklist_action", "drop");
        try (Transcript t = connect("127.0.0.9")) {
            assertEquals("220 mx.example.test ESMTP pass-entry", t.expect("220 "));
            deliver(t);
        }
        awaitLog("ALLOWLISTED \\[127\\.0\\.0\\.9\\]:\\d+\n");
        try (Transcript t = connect("127.0.0.10")) {
            assertEquals("521 5.3.2 Service currently unavailable", t.reply());
            t.expectClosed();
        }
        awaitLog("DENYLISTED \\[127\\.0\\.0\\.10\\]:\\d+\n");
        try (Transcript t = connect("127.0.0.1")) { // mynetworks
            assertEquals("220 mx.example.test ESMTP pass-entry", t.expect("220 "));
            t.send("QUIT").expect("221");
        }
        awaitLog("ALLOWLISTED \\[127\\.0\\.0\\.1\\]:\\d+\n");
    }

    @Test
    void deepProtocolTestsPassThenTheClientMustReconnect() throws Exception {
        start("", "postscreen_pipelining_enable", "yes", "postscreen_non_smtp_command_enable", "yes",
                "postscreen_bare_newline_enable", "yes", "postscreen_bare_newline_action", "enforce");
        try (Transcript t = connect("127.0.0.11")) {
            assertEquals("220-mx.example.test ESMTP Postfix\n220 mx.example.test ESMTP Postfix", t.expect("220 "));
            String ehlo = t.send("EHLO good.example").expect("250 ");
            assertFalse(ehlo.contains("PIPELINING") || ehlo.contains("STARTTLS"), ehlo);
            t.send("MAIL FROM:<a@good.example>").expect("250");
            t.send("RCPT TO:<root@example.test>").expect("450 4.3.2 Service currently unavailable");
            t.send("QUIT").expect("221");
        }
        awaitLog("PASS NEW \\[127\\.0\\.0\\.11\\]:\\d+\n");
        awaitLog("NOQUEUE: reject: RCPT from \\[127\\.0\\.0\\.11\\]:\\d+: 450 4\\.3\\.2 Service currently unavailable;"
                + " from=<a@good\\.example>, to=<root@example\\.test>, proto=ESMTP, helo=<good\\.example>");
        try (Transcript t = connect("127.0.0.11")) {
            t.expect("220 mx.example.test ESMTP pass-entry");
            deliver(t);
        }
        awaitLog("PASS OLD \\[127\\.0\\.0\\.11\\]:\\d+\n");
    }

    @Test
    void deepProtocolTestFailures() throws Exception {
        start("", "postscreen_pipelining_enable", "yes", "postscreen_non_smtp_command_enable", "yes",
                "postscreen_bare_newline_enable", "yes", "postscreen_bare_newline_action", "enforce");
        try (Transcript t = connect("127.0.0.12")) { // pipelining without PIPELINING: enforce (the default)
            t.expect("220 ");
            t.sendRaw("EHLO bot.example\r\nMAIL FROM:<a@bot.example>\r\n");
            t.expect("250 ");
            t.expect("250");
            t.send("RCPT TO:<root@example.test>").expect("550 5.5.1 Protocol error");
        }
        awaitLog("COMMAND PIPELINING from \\[127\\.0\\.0\\.12\\]:\\d+ after EHLO: MAIL FROM:<a@bot\\.example>\\\\r\\\\n");
        try (Transcript t = connect("127.0.0.13")) { // a proxy probe: drop (the default)
            t.expect("220 ");
            t.send("CONNECT relay.example:25 HTTP/1.0").expect("521 5.5.1 Protocol error");
            t.expectClosed();
        }
        awaitLog("NON-SMTP COMMAND from \\[127\\.0\\.0\\.13\\]:\\d+ after CONNECT: CONNECT relay\\.example:25 HTTP/1\\.0");
        try (Transcript t = connect("127.0.0.14")) { // bare newline: enforce
            t.expect("220 ");
            t.sendRaw("HELO bare.example\n");
            t.expect("250 ");
            t.send("MAIL FROM:<>").expect("250");
            t.send("RCPT TO:<root@example.test>").expect("550 5.5.1 Protocol error");
        }
        awaitLog("BARE NEWLINE from \\[127\\.0\\.0\\.14\\]:\\d+ after CONNECT");
        awaitLog("NOQUEUE: reject: RCPT from \\[127\\.0\\.0\\.14\\]:\\d+: 550 5\\.5\\.1 Protocol error; from=<>,"
                + " to=<root@example\\.test>, proto=SMTP, helo=<bare\\.example>");
        for (String ip : List.of("127.0.0.12", "127.0.0.13", "127.0.0.14")) {
            assertFalse(log().contains("PASS NEW [" + ip + "]"), log());
        }
    }

    @Test
    void reloadGivesNewSessionsTheNewSettings() throws Exception {
        start("");
        try (Transcript t = connect("127.0.0.15")) { // the default greet action: ignore
            t.sendRaw("HELO early.example\r\n");
            t.expect("220 ");
            t.expect("250 ");
        }
        site.param("postscreen_greet_action", "drop").write();
        m.reload();
        awaitLog("reload -- version");
        try (Transcript t = connect("127.0.0.15")) {
            t.sendRaw("HELO early.example\r\n");
            assertEquals("220-mx.example.test ESMTP Postfix\n521 5.5.1 Protocol error", t.reply());
            t.expectClosed();
        }
        assertEquals(List.of(site.smtpdPort), m.postscreenPorts(), "the same listener, reconfigured");
    }

    @Test
    void behindHaproxyTheProxyHeaderNamesTheClient() throws Exception {
        dns.a("7.2.0.192.zen.example", "127.0.0.2");
        startWith("\n  -o postscreen_upstream_proxy_protocol=haproxy", "",
                "postscreen_dnsbl_sites", "zen.example", "postscreen_dnsbl_action", "enforce");
        // a version 1 header by hand: the client it names is screened, listed, refused
        try (Transcript t = connect("127.0.0.1")) {
            t.sendRaw("PROXY TCP4 192.0.2.7 198.51.100.25 4711 25\r\n");
            t.expect("220 ");
            t.send("HELO bot.example").expect("250 ");
            t.send("MAIL FROM:<>").expect("250");
            t.send("RCPT TO:<root@example.test>").expect(
                    "550 5.7.1 Service unavailable; client [192.0.2.7] blocked using zen.example");
        }
        awaitLog("CONNECT from \\[192\\.0\\.2\\.7\\]:4711 to \\[198\\.51\\.100\\.25\\]:25\n");
        awaitLog("DNSBL rank 1 for \\[192\\.0\\.2\\.7\\]:4711\n");
        // a real HAProxy (version 2 headers): the client is allow-listed by its own address, and its
        // smtpd session sees the addresses HAProxy saw
        Files.createDirectories(tmp.resolve("haproxy"));
        try (mta.testing.TestHaproxy haproxy = mta.testing.TestHaproxy.start(tmp.resolve("haproxy"),
                List.of(site.smtpdPort))) {
            try (Transcript t = Transcript.connect(haproxy.port)) {
                t.expect("220 mx.example.test ESMTP pass-entry");
                deliver(t);
            }
            awaitLog("CONNECT from \\[127\\.0\\.0\\.1\\]:\\d+ to \\[127\\.0\\.0\\.1\\]:" + haproxy.port + "\n");
            awaitLog("ALLOWLISTED \\[127\\.0\\.0\\.1\\]:\\d+\n");
        }
        try (Transcript t = connect("127.0.0.2")) { // no header: refused without a greeting
            t.sendRaw("EHLO no-header.example\r\n");
            t.expectClosed();
        }
        awaitLog("warning: haproxy read: unrecognized protocol header");
    }
}
