package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import mta.master.Master;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SmtpdLimitsTest - per-client connection count and rate (Anvil), the per-line deadline, error sleep, a flood of connections.
 *
 * <p>One system, several listeners with {@code -o} overrides so that each limit is tested alone.
 * Clients other than 127.0.0.1 are outside mynetworks and so not exempt from the client limits.
 */
class SmtpdLimitsTest {
    private static final String HOST = "mx.example.test";

    @TempDir
    static Path tmp;
    static TestSite site;
    static Master m;
    static SmtpdTestSupport sup;
    static int countPort;
    static int ratePort;
    static int slowPort;
    static int sleepPort;
    static int floodPort;
    static int messageRatePort;
    static int recipientRatePort;

    @BeforeAll
    static void start() throws Exception {
        countPort = TestSite.freePort();
        ratePort = TestSite.freePort();
        slowPort = TestSite.freePort();
        sleepPort = TestSite.freePort();
        floodPort = TestSite.freePort();
        messageRatePort = TestSite.freePort();
        recipientRatePort = TestSite.freePort();
        site = new TestSite(tmp)
                .masterCf(String.join("\n",
                        "SMTPD inet n - n - - smtpd",
                        "127.0.0.1:" + countPort + " inet n - n - - smtpd -o smtpd_client_connection_count_limit=2",
                        "127.0.0.1:" + ratePort + " inet n - n - - smtpd -o smtpd_client_connection_rate_limit=3",
                        "127.0.0.1:" + slowPort + " inet n - n - - smtpd -o smtpd_timeout=2s",
                        "127.0.0.1:" + sleepPort + " inet n - n - - smtpd -o smtpd_soft_error_limit=2"
                                + " -o smtpd_error_sleep_time=1s",
                        "127.0.0.1:" + floodPort + " inet n - n - 2000 smtpd",
                        "127.0.0.1:" + messageRatePort + " inet n - n - - smtpd -o smtpd_client_message_rate_limit=2",
                        "127.0.0.1:" + recipientRatePort + " inet n - n - - smtpd -o smtpd_client_recipient_rate_limit=3",
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

    @Test
    void connectionCountLimitPerClient() throws Exception {
        List<Transcript> open = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Transcript t = Transcript.connectFrom("127.0.0.50", countPort);
                t.expect("220 ");
                open.add(t);
            }
            try (Transcript third = Transcript.connectFrom("127.0.0.50", countPort)) {
                third.expect("421 4.7.0 " + HOST + " Error: too many connections from 127.0.0.50");
                third.expectClosed();
            }
            sup.awaitLog("warning: Connection concurrency limit exceeded: 3 from unknown[127.0.0.50] for service 127.0.0.1:"
                    + countPort);
            // Another client is not affected, and mynetworks is exempt.
            try (Transcript other = Transcript.connectFrom("127.0.0.51", countPort)) {
                other.expect("220 ");
            }
            for (int i = 0; i < 3; i++) open.add(Transcript.connect(countPort));
            for (Transcript t : open.subList(2, 5)) t.expect("220 ");
            // When one session ends, its slot is free again.
            open.get(0).send("QUIT").expect("221 ");
            open.get(0).expectClosed();
            long end = System.nanoTime() + SmtpdTestSupport.DEADLINE.toNanos();
            while (true) {
                try (Transcript again = Transcript.connectFrom("127.0.0.50", countPort)) {
                    if (again.reply().startsWith("220 ")) break;
                }
                assertTrue(System.nanoTime() < end, "the slot never came back");
                Thread.sleep(20);
            }
        } finally {
            for (Transcript t : open) t.close();
        }
    }

    @Test
    void connectionRateLimitPerClient() throws Exception {
        for (int i = 0; i < 3; i++) {
            try (Transcript t = Transcript.connectFrom("127.0.0.52", ratePort)) {
                t.expect("220 ");
                t.send("QUIT").expect("221 ");
            }
        }
        try (Transcript t = Transcript.connectFrom("127.0.0.52", ratePort)) {
            t.expect("421 4.7.0 " + HOST + " Error: too many connections from 127.0.0.52");
            t.expectClosed();
        }
        sup.awaitLog("warning: Connection rate limit exceeded: 4 from unknown[127.0.0.52] for service");
        try (Transcript t = Transcript.connect(ratePort)) { // mynetworks: exempt
            t.expect("220 ");
        }
    }

    @Test
    void anvilWindowAndCleanup() {
        long[] now = {0};
        Anvil a = new Anvil(Duration.ofSeconds(60), () -> now[0]);
        assertEquals(new Anvil.Counts(1, 1), a.connect("x"));
        assertEquals(new Anvil.Counts(2, 2), a.connect("x"));
        a.disconnect("x");
        a.disconnect("x");
        now[0] += Duration.ofSeconds(61).toNanos();
        assertEquals(new Anvil.Counts(1, 1), a.connect("x"), "a new window starts");
        a.disconnect("x");
        a.connect("y");
        now[0] += Duration.ofSeconds(121).toNanos();
        a.connect("z");
        assertEquals(2, a.size(), "idle x was dropped; y still has a session");
    }

    @Test
    void anvilCountsEachEventKindInItsOwnWindow() {
        long[] now = {0};
        Anvil a = new Anvil(Duration.ofSeconds(60), () -> now[0]);
        assertEquals(1, a.rate(Anvil.Event.MESSAGE, "x"));
        assertEquals(2, a.rate(Anvil.Event.MESSAGE, "x"));
        assertEquals(1, a.rate(Anvil.Event.MESSAGE, "y"));
        assertEquals(new Anvil.Counts(1, 1), a.connect("x"), "connections are counted apart");
        a.disconnect("x");
        now[0] += Duration.ofSeconds(30).toNanos();
        assertEquals(1, a.rate(Anvil.Event.RECIPIENT, "x"), "each kind has its own window");
        now[0] += Duration.ofSeconds(31).toNanos();
        assertEquals(1, a.rate(Anvil.Event.MESSAGE, "x"), "the MAIL window has closed");
        assertEquals(2, a.rate(Anvil.Event.RECIPIENT, "x"), "the RCPT window is still open");
        now[0] += Duration.ofSeconds(121).toNanos();
        a.rate(Anvil.Event.MESSAGE, "z");
        assertEquals(1, a.size(), "idle clients with only closed windows are dropped");
    }

    @Test
    void messageRateLimitPerClient() throws Exception {
        try (Transcript t = Transcript.connectFrom("127.0.0.53", messageRatePort)) {
            t.expect("220 ");
            t.send("EHLO client.example").expect("250 ");
            for (int i = 0; i < 2; i++) {
                t.send("MAIL FROM:<a@example.test>").expect("250 ");
                t.send("RSET").expect("250 ");
            }
            t.send("MAIL FROM:<a@example.test>").expect("450 4.7.1 Error: too much mail from 127.0.0.53");
        }
        // The count follows the client across connections.
        try (Transcript t = Transcript.connectFrom("127.0.0.53", messageRatePort)) {
            t.expect("220 ");
            t.send("MAIL FROM:<a@example.test>").expect("450 4.7.1 Error: too much mail from 127.0.0.53");
        }
        sup.awaitLog("warning: Message delivery request rate limit exceeded: 3 from unknown[127.0.0.53] for service 127.0.0.1:"
                + messageRatePort);
        try (Transcript t = Transcript.connectFrom("127.0.0.54", messageRatePort)) { // another client
            t.expect("220 ");
            t.send("MAIL FROM:<a@example.test>").expect("250 ");
        }
        try (Transcript t = Transcript.connect(messageRatePort)) { // mynetworks: exempt
            t.expect("220 ");
            for (int i = 0; i < 4; i++) {
                t.send("MAIL FROM:<a@example.test>").expect("250 ");
                t.send("RSET").expect("250 ");
            }
        }
    }

    @Test
    void recipientRateLimitPerClient() throws Exception {
        try (Transcript t = Transcript.connectFrom("127.0.0.55", recipientRatePort)) {
            t.expect("220 ");
            t.send("EHLO client.example").expect("250 ");
            t.send("MAIL FROM:<a@example.test>").expect("250 ");
            for (int i = 0; i < 3; i++) t.send("RCPT TO:<root@example.test>").expect("250 ");
            t.send("RCPT TO:<root@example.test>").expect("450 4.7.1 Error: too many recipients from 127.0.0.55");
            t.send("DATA").expect("354 ");
            t.send("Subject: three of four").send(".").expect("250 ");
        }
        sup.awaitLog("warning: Recipient address rate limit exceeded: 4 from unknown[127.0.0.55] for service 127.0.0.1:"
                + recipientRatePort);
        try (Transcript t = Transcript.connect(recipientRatePort)) { // mynetworks: exempt
            t.expect("220 ");
            t.send("MAIL FROM:<a@example.test>").expect("250 ");
            for (int i = 0; i < 5; i++) t.send("RCPT TO:<root@example.test>").expect("250 ");
        }
    }

    /** A client that sends one byte a second never completes a line: the per-line deadline ends it. */
    @Test
    void tricklingClientTimesOutWithoutSlowingOthers() throws Exception {
        try (Socket slow = new Socket()) {
            slow.connect(new InetSocketAddress("127.0.0.1", slowPort));
            slow.setSoTimeout(20_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(slow.getInputStream(), StandardCharsets.UTF_8));
            assertTrue(in.readLine().startsWith("220 "));
            OutputStream out = slow.getOutputStream();
            long start = System.nanoTime();
            AtomicLong otherReply = new AtomicLong(-1);
            Thread other = Thread.ofVirtual().start(() -> {
                try (Transcript t = Transcript.connect(slowPort)) {
                    long s = System.nanoTime();
                    t.expect("220 ");
                    t.send("NOOP").expect("250 ");
                    otherReply.set(System.nanoTime() - s);
                } catch (Exception e) {
                    otherReply.set(Long.MAX_VALUE);
                }
            });
            String line = trickle(slow, in, out, 250);
            long took = System.nanoTime() - start;
            assertTrue(line != null && line.startsWith("421 4.4.2 " + HOST + " Error: timeout exceeded"), "got " + line);
            assertTrue(took >= 1_500_000_000L && took < 8_000_000_000L, "timed out after smtpd_timeout: " + took);
            other.join();
            assertTrue(otherReply.get() >= 0 && otherReply.get() < 1_000_000_000L, "the other session was served at once");
        }
        sup.awaitLog("timeout after CONNECT from unknown[127.0.0.1]");
    }

    /**
     * Sends one byte at a time, each {@code pollMillis} after the last, until the server answers
     * (40 bytes at most, or until it closes); its reply line, or null.
     */
    private static String trickle(Socket slow, BufferedReader in, OutputStream out, int pollMillis) throws IOException {
        for (int i = 0; i < 40; i++) {
            try {
                out.write('N');
                out.flush();
            } catch (IOException closed) {
                return null;
            }
            slow.setSoTimeout(pollMillis);
            try {
                return in.readLine();
            } catch (java.net.SocketTimeoutException notYet) {
                // keep trickling
            }
        }
        return null;
    }

    /**
     * The first command's deadline starts when the session begins waiting for it, after the
     * greeting: a client silent for most of smtpd_timeout that then trickles is cut at
     * smtpd_timeout (2 s) after the greeting, not a whole smtpd_timeout after its first byte.
     */
    @Test
    void firstCommandDeadlineCountsFromTheGreeting() throws Exception {
        try (Socket slow = new Socket()) {
            slow.connect(new InetSocketAddress("127.0.0.1", slowPort));
            slow.setSoTimeout(20_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(slow.getInputStream(), StandardCharsets.UTF_8));
            assertTrue(in.readLine().startsWith("220 "));
            long start = System.nanoTime();
            Thread.sleep(1_600);
            OutputStream out = slow.getOutputStream();
            String line = trickle(slow, in, out, 200);
            long took = System.nanoTime() - start;
            assertTrue(line != null && line.startsWith("421 4.4.2 " + HOST + " Error: timeout exceeded"), "got " + line);
            assertTrue(took >= 1_500_000_000L && took < 3_000_000_000L, "cut at smtpd_timeout after the greeting: " + took);
        }
    }

    /**
     * A client that goes quiet in the middle of its message gets the 421 after smtpd_timeout (2 s)
     * and the timeout is logged with the bytes received; nothing of the message stays in the queue.
     */
    @Test
    void aClientQuietInsideDataTimesOutAndLeavesNothingQueued() throws Exception {
        try (Transcript t = Transcript.connect(slowPort)) {
            t.expect("220 ");
            t.send("EHLO quiet-data.example").expect("250 ");
            t.send("MAIL FROM:<quiet@example.test>").expect("250 ");
            t.send("RCPT TO:<root@" + HOST + ">").expect("250 ");
            t.send("DATA").expect("354 ");
            t.send("Subject: half a message").send("").send("and then nothing");
            long start = System.nanoTime();
            t.expect("421 4.4.2 " + HOST + " Error: timeout exceeded");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 1_500 && ms < 8_000, "timed out after " + ms + " ms");
            t.expectClosed();
        }
        sup.awaitLog("timeout after DATA (");
        sup.awaitNoTemporaries();
        assertEquals(0, sup.queueFilesContaining("and then nothing"), "the half message was queued");
    }

    @Test
    void errorsPastTheSoftLimitAreSlowed() throws Exception {
        try (Transcript t = Transcript.connect(sleepPort)) {
            t.expect("220 ");
            long s = System.nanoTime();
            t.send("BOGUS").expect("500 ");
            t.send("BOGUS").expect("500 ");
            assertTrue(System.nanoTime() - s < 900_000_000L, "no delay up to the soft limit");
            s = System.nanoTime();
            t.send("BOGUS").expect("500 ");
            assertTrue(System.nanoTime() - s >= 900_000_000L, "delayed past the soft limit");
        }
    }

    /** 1,000 clients at once: every one is greeted (maxproc 2000 in master.cf). */
    @Test
    void thousandConnectionsAreAllGreeted() throws Exception {
        List<Socket> socks = new ArrayList<>();
        try {
            for (int i = 0; i < 1000; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", floodPort), 10_000);
                s.setSoTimeout(20_000);
                socks.add(s);
            }
            int greeted = 0;
            for (Socket s : socks) {
                byte[] b = new byte[4];
                int n = s.getInputStream().readNBytes(b, 0, 4);
                if (n == 4 && new String(b, StandardCharsets.US_ASCII).equals("220 ")) greeted++;
            }
            assertEquals(1000, greeted);
            for (Socket s : socks) s.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
        } finally {
            for (Socket s : socks) s.close();
        }
    }
}
