package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import mta.master.Master;
import mta.queue.QueueFile;
import mta.queue.QueueName;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SmtpdSessionTest - transcript tests of the SMTP server against one running system.
 *
 * <p>One Master serves the whole class. Mail for remote domains goes to a relayhost that refuses
 * connections, with a long backoff, so accepted messages stay in {@code deferred/} where the test
 * reads their queue files. Clients on 127.0.0.1 are in mynetworks; other loopback addresses are not
 * (and give each test its own lines in the mail log).
 */
class SmtpdSessionTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final String HOST = "mx.example.test";
    private static final long SIZE_LIMIT = 20000;

    @TempDir
    static Path tmp;
    static TestSite site;
    static Master m;
    static SmtpdTestSupport sup;

    @BeforeAll
    static void start() throws Exception {
        site = new TestSite(tmp)
                .relayedMailWaits()
                .param("message_size_limit", Long.toString(SIZE_LIMIT))
                .param("smtpd_recipient_limit", "3")
                .param("smtpd_hard_error_limit", "10")
                .param("smtpd_helo_required", "yes")
                .write();
        m = Master.start(site.config, Master.Options.defaults());
        sup = new SmtpdTestSupport(site, m);
    }

    @AfterAll
    static void stop() {
        if (m != null) m.close();
    }

    // ------------------------------------------------------------------ helpers (SmtpdTestSupport)

    private static Transcript ehlo(String from) throws IOException {
        return sup.ehlo(from);
    }

    private static void waitFor(BooleanSupplier cond, String what) throws InterruptedException {
        SmtpdTestSupport.waitFor(cond, what);
    }

    private static String log() {
        return sup.log();
    }

    private static void awaitLog(String text) throws InterruptedException {
        sup.awaitLog(text);
    }

    private static String queuedId(String reply) {
        return SmtpdTestSupport.queuedId(reply);
    }

    private static SmtpdTestSupport.Queued awaitDeferred(String id) throws Exception {
        return sup.awaitDeferred(id);
    }

    private static List<Path> queueFiles() throws IOException {
        return sup.queueFiles();
    }

    /** True when some queue file, temporaries included, contains {@code marker}. */
    private static boolean anyQueueFileContains(String marker) throws IOException {
        for (Path p : queueFiles()) {
            try {
                if (new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1).contains(marker)) return true;
            } catch (NoSuchFileException moved) {
                // moved between listing and reading: it is counted under its new name only if listed again
            }
        }
        return false;
    }

    private static List<Path> incomingTemporaries() throws IOException {
        return sup.incomingTemporaries();
    }

    // ------------------------------------------------------------------ greeting, EHLO, HELO

    @Test
    void greetingNamesHostAndMailName() throws Exception {
        try (Transcript t = Transcript.connect(site.smtpdPort)) {
            assertEquals("220 " + HOST + " ESMTP Postfix", t.reply());
            t.send("QUIT").expect("221 2.0.0 Bye");
            t.expectClosed();
        }
    }

    @Test
    void ehloListsCapabilities() throws Exception {
        try (Transcript t = Transcript.connect(site.smtpdPort)) {
            t.expect("220 ");
            String reply = t.send("EHLO client.example").expect("250 ");
            assertEquals(String.join("\n", "250-" + HOST, "250-PIPELINING", "250-SIZE " + SIZE_LIMIT, "250-VRFY",
                    "250-ETRN", "250-ENHANCEDSTATUSCODES", "250-8BITMIME", "250-DSN", "250-SMTPUTF8", "250 CHUNKING"), reply);
            t.send("EHLO").expect("501 Syntax: EHLO hostname");
        }
    }

    @Test
    void heloRepliesWithHostName() throws Exception {
        try (Transcript t = Transcript.connect(site.smtpdPort)) {
            t.expect("220 ");
            assertEquals("250 " + HOST, t.send("HELO client.example").reply());
            t.send("HELO").expect("501 Syntax: HELO hostname");
            t.send("helo again.example").expect("250 " + HOST);
        }
    }

    // ------------------------------------------------------------------ a whole transaction

    @Test
    void mailRcptDataQueuesTheMessageWithReceivedHeader() throws Exception {
        String id;
        try (Transcript t = ehlo(null)) {
            t.send("MAIL FROM:<alice@client.example>").expect("250 2.1.0 Ok");
            t.send("RCPT TO:<bob@remote.example>").expect("250 2.1.5 Ok");
            t.send("DATA").expect("354 End data with <CR><LF>.<CR><LF>");
            t.send("Subject: happy path");
            t.send("");
            t.send("hello");
            id = queuedId(t.send(".").reply());
            t.send("QUIT").expect("221 2.0.0 Bye");
            t.expectClosed();
        }
        SmtpdTestSupport.Queued q = awaitDeferred(id);
        assertEquals("alice@client.example", q.envelope().sender());
        assertEquals(List.of("bob@remote.example"),
                q.envelope().recipients().stream().map(QueueFile.Recipient::address).toList());
        assertEquals("127.0.0.1", q.envelope().attribute("log_client_address"));
        assertEquals("client.example", q.envelope().attribute("log_helo_name"));
        assertEquals("ESMTP", q.envelope().attribute("log_protocol_name"));
        List<String> l = q.lines();
        assertEquals("Received: from client.example (unknown [127.0.0.1])", l.get(0));
        assertEquals("\tby " + HOST + " (Postfix) with ESMTP id " + id, l.get(1));
        assertTrue(Pattern.matches("\tfor <bob@remote\\.example>; \\w{3}, \\d{1,2} \\w{3} \\d{4} \\d\\d:\\d\\d:\\d\\d [+-]\\d{4} \\(.+\\)",
                l.get(2)), l.get(2));
        assertTrue(l.contains("Subject: happy path"), l.toString());
        assertEquals("hello", l.get(l.size() - 1));
        int blank = l.indexOf("");
        assertTrue(blank > 0 && l.subList(0, blank).stream().anyMatch(h -> h.startsWith("Message-Id: ")), l.toString());
        awaitLog(id + ": client=unknown[127.0.0.1]");
        awaitLog("disconnect from unknown[127.0.0.1] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5");
    }

    @Test
    void receivedHeaderWithSeveralRecipientsHasNoFor() throws Exception {
        String id;
        try (Transcript t = Transcript.connect(site.smtpdPort)) {
            t.expect("220 ");
            t.send("HELO old.example").expect("250 ");
            t.send("MAIL FROM:<alice@client.example>").expect("250 2.1.0");
            t.send("RCPT TO:<bob@remote.example>").expect("250 2.1.5");
            t.send("RCPT TO:<carol@remote.example>").expect("250 2.1.5");
            t.send("DATA").expect("354 ");
            t.send("");
            t.send("body");
            id = queuedId(t.send(".").reply());
        }
        List<String> l = awaitDeferred(id).lines();
        assertEquals("Received: from old.example (unknown [127.0.0.1])", l.get(0));
        assertTrue(l.get(1).startsWith("\tby " + HOST + " (Postfix) with SMTP id " + id + "; "), l.get(1));
    }

    @Test
    void dotUnstuffingAndLongLines() throws Exception {
        String longLine = "x".repeat(5000); // longer than line_length_limit: PARTIAL records in the file
        String id;
        try (Transcript t = ehlo(null)) {
            t.send("MAIL FROM:<alice@client.example>").expect("250 2.1.0");
            t.send("RCPT TO:<bob@remote.example>").expect("250 2.1.5");
            t.send("DATA").expect("354 ");
            t.send("Subject: dots");
            t.send("");
            t.send("..x");
            t.send("...");
            t.send(". .");
            t.send("");
            t.send(longLine);
            t.send("end");
            id = queuedId(t.send(".").reply());
        }
        List<String> l = awaitDeferred(id).lines();
        int body = l.indexOf("");
        assertEquals(List.of(".x", "..", " .", "", longLine, "end"), l.subList(body + 1, l.size()));
    }

    // ------------------------------------------------------------------ sequence and syntax errors

    @Test
    void mailBeforeHelo() throws Exception {
        try (Transcript t = Transcript.connect(site.smtpdPort)) {
            t.expect("220 ");
            t.send("MAIL FROM:<a@b.example>").expect("503 5.5.1 Error: send HELO/EHLO first");
        }
    }

    @Test
    void nestedMail() throws Exception {
        try (Transcript t = ehlo(null)) {
            t.send("MAIL FROM:<a@b.example>").expect("250 2.1.0");
            t.send("MAIL FROM:<c@d.example>").expect("503 5.5.1 Error: nested MAIL command");
        }
    }

    @Test
    void rcptBeforeMail() throws Exception {
        try (Transcript t = ehlo(null)) {
            t.send("RCPT TO:<bob@remote.example>").expect("503 5.5.1 Error: need MAIL command");
        }
    }

    @Test
    void dataBeforeMailOrRcpt() throws Exception {
        try (Transcript t = ehlo(null)) {
            t.send("DATA").expect("503 5.5.1 Error: need RCPT command");
            t.send("MAIL FROM:<a@b.example>").expect("250 2.1.0");
            t.send("DATA").expect("554 5.5.1 Error: no valid recipients");
            t.send("RCPT TO:<bob@remote.example>").expect("250 2.1.5");
            t.send("DATA extra").expect("501 5.5.4 Syntax: DATA");
            t.send("RSET").expect("250 2.0.0 Ok");
        }
    }

    @Test
    void dataAfterOnlyRejectedRecipients() throws Exception {
        try (Transcript t = ehlo("127.0.0.7")) {
            t.send("MAIL FROM:<a@b.example>").expect("250 2.1.0");
            t.send("RCPT TO:<x@remote.example>").expect("554 5.7.1 <x@remote.example>: Relay access denied");
            // The client may have pipelined DATA before it saw the rejection (RFC 2920 section 3.1).
            t.send("DATA").expect("554 5.5.1 Error: no valid recipients");
        }
    }

    @Test
    void syntaxErrors() throws Exception {
        try (Transcript t = ehlo(null)) {
            t.send("MAIL").expect("501 5.5.4 Syntax: MAIL FROM:<address>");
            t.send("MAIL TO:<a@b.example>").expect("501 5.5.4 Syntax: MAIL FROM:<address>");
            t.send("MAIL FROM:<a b@c.example>").expect("501 5.1.7 Bad sender address syntax");
            t.send("MAIL FROM:<a@b.example").expect("501 5.1.7 Bad sender address syntax");
            t.send("MAIL FROM:<a@b.example> FOO=bar").expect("555 5.5.4 Unsupported option: FOO=bar");
            t.send("MAIL FROM:<a@b.example> SIZE=lots").expect("501 5.5.4");
            t.send("MAIL FROM:<a@b.example> BODY=8BITMIME SIZE=100").expect("250 2.1.0 Ok");
            t.send("RCPT").expect("501 5.5.4 Syntax: RCPT TO:<address>");
            t.send("RCPT TO:<a b@c.example>").expect("501 5.1.3 Bad recipient address syntax");
            t.send("RCPT TO:<>").expect("501 5.1.3 Bad recipient address syntax");
        }
    }

    @Test
    void unknownCommandIsCountedAndLogged() throws Exception {
        try (Transcript t = Transcript.connectFrom("127.0.0.9", site.smtpdPort)) {
            t.expect("220 ");
            t.send("XYZZY").expect("500 5.5.2 Error: command not recognized");
            t.send("FOO bar").expect("500 5.5.2 Error: command not recognized");
            t.send("NOOP").expect("250 2.0.0 Ok");
            t.send("QUIT").expect("221 2.0.0 Bye");
        }
        awaitLog("disconnect from unknown[127.0.0.9] noop=1 quit=1 unknown=0/2 commands=2/4");
    }

    @Test
    void rsetClearsTheTransaction() throws Exception {
        try (Transcript t = ehlo(null)) {
            t.send("MAIL FROM:<a@b.example>").expect("250 2.1.0");
            t.send("RCPT TO:<bob@remote.example>").expect("250 2.1.5");
            t.send("RSET").expect("250 2.0.0 Ok");
            t.send("RCPT TO:<bob@remote.example>").expect("503 5.5.1 Error: need MAIL command");
            t.send("DATA").expect("503 5.5.1 Error: need RCPT command");
            t.send("MAIL FROM:<c@d.example>").expect("250 2.1.0");
            t.send("NOOP").expect("250 2.0.0 Ok");
            // EHLO also ends a transaction
            t.send("EHLO again.example").expect("250 ");
            t.send("MAIL FROM:<e@f.example>").expect("250 2.1.0");
        }
        // the recipient accepted before RSET opened a queue file that RSET must have thrown away
        waitFor(() -> {
            try {
                return incomingTemporaries().isEmpty();
            } catch (IOException e) {
                return false;
            }
        }, "RSET removes the unfinished queue file");
    }

    @Test
    void noopAndQuit() throws Exception {
        try (Transcript t = Transcript.connect(site.smtpdPort)) {
            t.expect("220 ");
            t.send("NOOP").expect("250 2.0.0 Ok");
            t.send("noop").expect("250 2.0.0 Ok");
            t.send("QUIT").expect("221 2.0.0 Bye");
            t.expectClosed();
        }
    }

    // ------------------------------------------------------------------ limits

    @Test
    void sizeParameterOverLimit() throws Exception {
        try (Transcript t = ehlo(null)) {
            t.send("MAIL FROM:<a@b.example> SIZE=" + (SIZE_LIMIT + 1))
                    .expect("552 5.3.4 Message size exceeds fixed limit");
            t.send("MAIL FROM:<a@b.example> SIZE=" + SIZE_LIMIT).expect("250 2.1.0");
        }
    }

    @Test
    void messageOverLimitIsRefusedAfterTheDotAndNotQueued() throws Exception {
        String marker = "too-big-" + System.nanoTime();
        try (Transcript t = ehlo(null)) {
            t.send("MAIL FROM:<a@b.example>").expect("250 2.1.0");
            t.send("RCPT TO:<bob@remote.example>").expect("250 2.1.5");
            t.send("DATA").expect("354 ");
            t.send("Subject: " + marker);
            t.send("");
            StringBuilder chunk = new StringBuilder();
            for (int i = 0; i < 600; i++) chunk.append("line ").append(i).append(" of a big message ").append(marker).append("\r\n");
            t.sendRaw(chunk.toString());
            t.send(".").expect("552 5.3.4 Error: message file too big");
            t.send("MAIL FROM:<a@b.example>").expect("250 2.1.0"); // the transaction is over
        }
        assertFalse(anyQueueFileContains(marker), "nothing queued");
        assertTrue(incomingTemporaries().isEmpty(), "no temporary file left");
        // Postfix's smtpd logs a warning, no reject line
        assertTrue(Pattern.compile("smtpd\\[\\d+\\]: warning: [0-9A-F]+: queue file size limit exceeded").matcher(log()).find(),
                log());
    }

    @Test
    void recipientLimit() throws Exception {
        try (Transcript t = ehlo(null)) {
            t.send("MAIL FROM:<a@b.example>").expect("250 2.1.0");
            for (int i = 0; i < 3; i++) t.send("RCPT TO:<r" + i + "@remote.example>").expect("250 2.1.5");
            t.send("RCPT TO:<r3@remote.example>").expect("452 4.5.3 Error: too many recipients");
            t.send("RSET").expect("250 2.0.0");
        }
    }

    @Test
    void hardErrorLimitDisconnects() throws Exception {
        try (Transcript t = Transcript.connectFrom("127.0.0.11", site.smtpdPort)) {
            t.expect("220 ");
            for (int i = 0; i < 10; i++) t.send("BOGUS " + i).expect("500 5.5.2 Error: command not recognized");
            t.expect("421 4.7.0 " + HOST + " Error: too many errors");
            t.expectClosed();
        }
        awaitLog("too many errors after UNKNOWN from unknown[127.0.0.11]");
        awaitLog("disconnect from unknown[127.0.0.11] unknown=0/10 commands=0/10");
    }

    @Test
    void overlongCommandLineIsRefusedAndSessionContinues() throws Exception {
        try (Transcript t = ehlo(null)) {
            t.send("NOOP " + "x".repeat(5000)).expect("500 5.5.2");
            t.send("NOOP").expect("250 2.0.0 Ok");
            t.send("MAIL FROM:<a@b.example>").expect("250 2.1.0");
        }
    }

    @Test
    void timeoutSends421AndCloses(@TempDir Path own) throws Exception {
        TestSite s = new TestSite(own).param("smtpd_timeout", "1s").write();
        try (Master other = Master.start(s.config, Master.Options.defaults());
             Transcript t = Transcript.connect(s.smtpdPort)) {
            t.expect("220 ");
            t.send("EHLO client.example").expect("250 ");
            long start = System.nanoTime();
            t.expect("421 4.4.2 " + HOST + " Error: timeout exceeded");
            t.expectClosed();
            assertTrue(System.nanoTime() - start >= 500_000_000L, "waited for the timeout");
            long end = System.nanoTime() + DEADLINE.toNanos();
            while (!Files.readString(s.maillog).contains("timeout after EHLO from unknown[127.0.0.1]")) {
                if (System.nanoTime() > end) fail(Files.readString(s.maillog));
                Thread.sleep(20);
            }
        }
    }

    // ------------------------------------------------------------------ pipelining

    @Test
    void pipelinedGroupGetsRepliesInOrder() throws Exception {
        String id;
        try (Transcript t = ehlo(null)) {
            t.sendRaw("MAIL FROM:<a@b.example>\r\nRCPT TO:<p1@remote.example>\r\nRCPT TO:<nobody@>\r\nRCPT TO:<p2@remote.example>\r\nDATA\r\n");
            t.expect("250 2.1.0 Ok");
            t.expect("250 2.1.5 Ok");
            t.expect("501 5.1.3");
            t.expect("250 2.1.5 Ok");
            t.expect("354 ");
            t.sendRaw("Subject: pipelined\r\n\r\nbody\r\n.\r\nQUIT\r\n");
            id = queuedId(t.reply());
            t.expect("221 2.0.0 Bye");
            t.expectClosed();
        }
        assertEquals(List.of("p1@remote.example", "p2@remote.example"),
                awaitDeferred(id).envelope().recipients().stream().map(QueueFile.Recipient::address).toList());
    }

    // ------------------------------------------------------------------ bare CR (smuggling: SmtpdSmugglingTest)

    @Test
    void bareCrIsNoLineEndAndIsReplaced() throws Exception {
        String id;
        try (Transcript t = ehlo(null)) {
            t.send("MAIL FROM:<a@b.example>").expect("250 2.1.0");
            t.send("RCPT TO:<bob@remote.example>").expect("250 2.1.5");
            t.send("DATA").expect("354 ");
            t.sendRaw("Subject: cr\r\n\r\na\r.\rb\r\n.\r\n");
            id = queuedId(t.reply());
        }
        List<String> l = awaitDeferred(id).lines();
        assertEquals("a . b", l.get(l.size() - 1)); // cleanup_replace_stray_cr_lf = yes
    }

    // ------------------------------------------------------------------ logging

    @Test
    void connectRejectAndDisconnectAreLogged() throws Exception {
        try (Transcript t = ehlo("127.0.0.2")) {
            t.send("MAIL FROM:<spam@outside.example>").expect("250 2.1.0");
            t.send("RCPT TO:<x@remote.example>").expect("554 5.7.1 <x@remote.example>: Relay access denied");
            t.send("QUIT").expect("221 ");
        }
        awaitLog("disconnect from unknown[127.0.0.2] ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4");
        String log = log();
        assertTrue(log.contains("postfix/smtpd["), log);
        assertTrue(log.contains("connect from unknown[127.0.0.2]"), log);
        assertTrue(log.contains("NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 554 5.7.1 <x@remote.example>: "
                + "Relay access denied; from=<spam@outside.example> to=<x@remote.example> proto=ESMTP helo=<client.example>"), log);
    }

    @Test
    void countsFollowTheCommandTableOrder() throws Exception {
        try (Transcript t = Transcript.connectFrom("127.0.0.12", site.smtpdPort)) {
            t.expect("220 ");
            t.send("NOOP").expect("250 ");
            t.send("RSET").expect("250 ");
            t.send("EHLO client.example").expect("250 ");
            t.send("QUIT").expect("221 ");
        }
        awaitLog("disconnect from unknown[127.0.0.12] ehlo=1 rset=1 noop=1 quit=1 commands=4");
    }

    @Test
    void queueStateAfterAcceptance() throws Exception {
        String id;
        try (Transcript t = ehlo(null)) {
            t.send("MAIL FROM:<>").expect("250 2.1.0");
            t.send("RCPT TO:<bob@remote.example>").expect("250 2.1.5");
            t.send("DATA").expect("354 ");
            t.send("");
            t.send("bounce-like");
            id = queuedId(t.send(".").reply());
        }
        SmtpdTestSupport.Queued q = awaitDeferred(id);
        assertEquals("", q.envelope().sender());
        assertNotNull(m.queues().find(id, QueueName.DEFERRED));
        assertTrue(m.queues().list(QueueName.INCOMING).stream().noneMatch(id::equals));
    }
}
