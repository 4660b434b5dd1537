package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import mta.master.Master;
import mta.testing.RawSmtpSink;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SmtpdContentTest - what smtpd and cleanup make of message content, down to the bytes that leave.
 *
 * <p>Mail for remote.example goes to a {@link RawSmtpSink}, which keeps the exact bytes the SMTP
 * client sends; mail for stay.example goes to a closed port and stays in deferred/, where its
 * queue file is read back. Clients on 127.0.0.3 are outside mynetworks, and outside
 * local_header_rewrite_clients (permit_mynetworks).
 */
class SmtpdContentTest {
    private static final String OUTSIDE = "127.0.0.3";

    @TempDir
    static Path tmp;
    static TestSite site;
    static Master m;
    static SmtpdTestSupport sup;
    static RawSmtpSink sink;

    @BeforeAll
    static void start() throws Exception {
        sink = RawSmtpSink.start();
        site = new TestSite(tmp)
                .param("relay_domains", "remote.example, stay.example")
                .param("relayhost", sink.nexthop())
                .param("transport_maps", "inline:{ stay.example=smtp:[127.0.0.1]:" + TestSite.freePort() + " }")
                .param("minimal_backoff_time", "3600s")
                .param("maximal_backoff_time", "7200s")
                .param("local_header_rewrite_clients", "permit_mynetworks")
                .write();
        m = Master.start(site.config, Master.Options.defaults());
        sup = new SmtpdTestSupport(site, m);
    }

    @AfterAll
    static void stop() throws Exception {
        if (m != null) m.close();
        if (sink != null) sink.close();
    }

    private static Transcript open(String rcpt) throws Exception {
        Transcript t = sup.ehlo(OUTSIDE);
        t.send("MAIL FROM:<a@client.example>").expect("250 2.1.0");
        t.send("RCPT TO:<" + rcpt + ">").expect("250 2.1.5");
        return t;
    }

    private static String smuggled(String marker, String fakeEnd) {
        return "Subject: " + marker + "\r\n\r\nfirst part" + fakeEnd
                + "MAIL FROM:<evil-" + marker + "@attacker.example>\r\n"
                + "RCPT TO:<victim@remote.example>\r\n"
                + "DATA\r\n"
                + "Subject: smuggled " + marker + "\r\n\r\nsmuggled body\r\n.\r\n";
    }

    /** The message the sink received whose bytes contain {@code marker}. */
    private static byte[] delivered(String marker) throws InterruptedException {
        byte[][] found = new byte[1][];
        SmtpdTestSupport.waitFor(() -> {
            for (byte[] msg : sink.messages()) {
                if (new String(msg, StandardCharsets.ISO_8859_1).contains(marker)) {
                    found[0] = msg;
                    return true;
                }
            }
            return false;
        }, "the message " + marker + " reaches the next hop");
        return found[0];
    }

    /** Every CR is followed by LF and every LF follows a CR: no stray line end leaves this system. */
    private static void assertOnlyCrlf(byte[] b, String what) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\r' && (i + 1 == b.length || b[i + 1] != '\n')) fail(what + ": bare CR at byte " + i + ": " + show(b));
            if (b[i] == '\n' && (i == 0 || b[i - 1] != '\r')) fail(what + ": bare LF at byte " + i + ": " + show(b));
        }
    }

    private static String show(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n");
    }

    /**
     * Every end-of-data variant of the smuggling attack (SmtpdSmugglingTest), sent by DATA: what
     * goes out to the next hop has no bare CR or LF, so no lax receiver down the line can find
     * an end of data in it, and the smuggled commands travel as text of the one message.
     */
    @ParameterizedTest
    @ValueSource(strings = {"\n.\n", "\n.\r\n", "\r.\r", "\r\n.\r", "\r\n.\n", "\r.\r\n", "\r.\n", "\n.\r",
            "\r\n\u0000.\r\n", "\r\n.\r\r\n", "\r\r\n.\r\r\n", "\r", "\rbare\rcr\r"})
    void noStrayCrOrLfLeavesThisSystem(String fakeEnd) throws Exception {
        String marker = "out-" + System.nanoTime();
        try (Transcript t = open("bob@remote.example")) {
            t.send("DATA").expect("354 ");
            t.sendRaw(smuggled(marker, fakeEnd));
            SmtpdTestSupport.queuedId(t.reply());
        }
        byte[] out = delivered(marker);
        assertOnlyCrlf(out, "variant " + show(fakeEnd.getBytes(StandardCharsets.ISO_8859_1)));
        String text = new String(out, StandardCharsets.ISO_8859_1);
        assertTrue(text.contains("MAIL FROM:<evil-" + marker + "@attacker.example>"), show(out));
        assertFalse(sink.commands().stream().anyMatch(c -> c.contains("evil-" + marker)), "a smuggled MAIL reached the next hop");
    }

    /** The same through BDAT, whose chunks may hold any byte. */
    @ParameterizedTest
    @ValueSource(strings = {"\r.\r", "\n.\r", "\r\n.\r", "\rbare\rcr\r"})
    void noStrayCrOrLfLeavesThisSystemAfterBdat(String fakeEnd) throws Exception {
        String marker = "bdat-out-" + System.nanoTime();
        try (Transcript t = open("bob@remote.example")) {
            String chunk = smuggled(marker, fakeEnd);
            t.sendRaw("BDAT " + chunk.getBytes(StandardCharsets.UTF_8).length + " LAST\r\n" + chunk);
            SmtpdTestSupport.queuedId(t.reply());
        }
        byte[] out = delivered(marker);
        assertOnlyCrlf(out, "variant " + show(fakeEnd.getBytes(StandardCharsets.ISO_8859_1)));
        assertFalse(sink.commands().stream().anyMatch(c -> c.contains("evil-" + marker)));
    }

    /** A stray CR inside a line becomes a space in the queue file (cleanup_replace_stray_cr_lf = yes). */
    @Test
    void strayCrBecomesASpace() throws Exception {
        String id;
        try (Transcript t = open("bob@stay.example")) {
            t.send("DATA").expect("354 ");
            t.sendRaw("Subject: cr\rin header\r\n\r\na\r.\rb\r\n\r\n.\r\n");
            id = SmtpdTestSupport.queuedId(t.reply());
        }
        List<String> l = sup.awaitDeferred(id).lines();
        assertTrue(l.contains("Subject: cr in header"), l.toString());
        assertEquals("a . b", l.get(l.size() - 2));
    }

    private static String received(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) sb.append("Received: from h").append(i).append(" by x; Mon, 1 Jan 2024 00:00:00 +0000\r\n");
        return sb.toString();
    }

    /**
     * hopcount_limit (50): with this system's own Received: header, a message that would carry 50
     * or more is refused as Postfix's cleanup refuses it; one fewer passes.
     */
    @Test
    void tooManyHopsAreRefused() throws Exception {
        try (Transcript t = open("bob@stay.example")) {
            t.send("DATA").expect("354 ");
            t.sendRaw(received(48) + "Subject: hops ok\r\n\r\nbody\r\n.\r\n");
            SmtpdTestSupport.queuedId(t.reply());
            t.send("MAIL FROM:<a@client.example>").expect("250 2.1.0");
            t.send("RCPT TO:<bob@stay.example>").expect("250 2.1.5");
            t.send("DATA").expect("354 ");
            t.sendRaw(received(49) + "Subject: hops\r\n\r\nbody\r\n.\r\n");
            t.expect("554 5.4.0 Error: too many hops");
            String chunk = received(60) + "Subject: hops\r\n\r\nbody\r\n";
            t.send("MAIL FROM:<a@client.example>").expect("250 2.1.0");
            t.send("RCPT TO:<bob@stay.example>").expect("250 2.1.5");
            t.sendRaw("BDAT " + chunk.length() + " LAST\r\n" + chunk).expect("554 5.4.0 Error: too many hops");
        }
        sup.awaitLog("cleanup[");
        sup.awaitLog(": message rejected: hopcount exceeded");
        sup.awaitNoTemporaries();
    }

    /**
     * A header line longer than header_size_limit is cut at the limit, as Postfix's cleanup cuts
     * it: the headers after it are still headers and the body is untouched.
     */
    @Test
    void overlongHeaderIsTruncatedAndLaterHeadersStayHeaders() throws Exception {
        String id;
        try (Transcript t = open("bob@stay.example")) {
            t.send("DATA").expect("354 ");
            t.sendRaw("X-Long: " + "a".repeat(150_000) + "\r\nSubject: after the long one\r\nX-Other: yes\r\n\r\nbody line\r\n.\r\n");
            id = SmtpdTestSupport.queuedId(t.reply());
        }
        List<String> l = sup.awaitDeferred(id).lines();
        int blank = l.indexOf("");
        assertTrue(blank > 0, l.toString());
        List<String> headers = l.subList(0, blank);
        String xlong = headers.stream().filter(h -> h.startsWith("X-Long: ")).findFirst().orElseThrow();
        assertEquals(102_400, xlong.length(), "the header is cut at header_size_limit");
        assertTrue(headers.contains("Subject: after the long one"), headers.stream().map(h -> h.length() > 80
                ? h.substring(0, 80) + "..." : h).toList().toString());
        assertTrue(headers.contains("X-Other: yes"));
        assertEquals(List.of("body line"), l.subList(blank + 1, l.size()));
    }

    /** A body line longer than smtpd's reading buffer is still one line, not several. */
    @Test
    void longBodyLineStaysOneLine() throws Exception {
        String id;
        String line = "b".repeat(200_000);
        try (Transcript t = open("bob@stay.example")) {
            t.send("DATA").expect("354 ");
            t.sendRaw("Subject: long line\r\n\r\n" + line + "\r\nafter\r\n.\r\n");
            id = SmtpdTestSupport.queuedId(t.reply());
        }
        List<String> l = sup.awaitDeferred(id).lines();
        assertEquals(List.of(line, "after"), l.subList(l.size() - 2, l.size()));
    }

    /**
     * always_add_missing_headers = no: mail from a client outside local_header_rewrite_clients keeps
     * its header as it came (Postfix logs message-id=<>); local mail gets Message-Id, Date and From,
     * and no To: (undisclosed_recipients_header is empty).
     */
    @Test
    void missingHeadersAreAddedToLocalMailOnly() throws Exception {
        String remote;
        try (Transcript t = open("bob@stay.example")) {
            t.send("DATA").expect("354 ");
            t.sendRaw("Subject: from outside\r\n\r\nbody\r\n.\r\n");
            remote = SmtpdTestSupport.queuedId(t.reply());
        }
        List<String> r = sup.awaitDeferred(remote).lines();
        List<String> remoteHeaders = r.subList(0, r.indexOf(""));
        assertTrue(remoteHeaders.stream().noneMatch(h -> h.matches("(?i)(Message-Id|Date|From|To):.*")), remoteHeaders.toString());
        sup.awaitLog(remote + ": message-id=<>");
        String local = Transcript.mail(site.smtpdPort, "a@client.example", "bob@stay.example", "Subject: from inside", "", "body");
        String localId = SmtpdTestSupport.queuedId(local);
        List<String> l = sup.awaitDeferred(localId).lines();
        List<String> localHeaders = l.subList(0, l.indexOf(""));
        assertTrue(localHeaders.stream().anyMatch(h -> h.startsWith("Message-Id: <")), localHeaders.toString());
        assertTrue(localHeaders.stream().anyMatch(h -> h.startsWith("Date: ")), localHeaders.toString());
        assertTrue(localHeaders.stream().anyMatch(h -> h.equals("From: a@client.example")), localHeaders.toString());
        assertTrue(localHeaders.stream().noneMatch(h -> h.startsWith("To:")), localHeaders.toString());
    }
}
