package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import mta.master.Master;
import mta.testing.PostfixSmtpSink;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SmtpdProxyFilterIT - smtpd_proxy_filter, the before-queue content filter, end to end.
 *
 * <p>The filters are real SMTP servers: Postfix's smtp-sink (accepting; rejecting recipients or
 * the content; hanging up at the end of the content) and a second smtpd of this system, which
 * queues what the first one passes on, as a Postfix site runs it (with and without
 * {@code speed_adjust}). For failure modes a real filter cannot be made to produce on demand, a
 * closed port (the filter is down) and a socket that never answers (smtpd_proxy_timeout). Each
 * front smtpd is a master.cf service of one started system.
 */
class SmtpdProxyFilterIT {
    @TempDir
    static Path tmp;
    static TestSite site;
    static Master m;
    static SmtpdTestSupport sup;
    static PostfixSmtpSink sink;
    static PostfixSmtpSink rejectsRcpt;
    static PostfixSmtpSink rejectsContent;
    static PostfixSmtpSink hangsUp;
    static ServerSocket silent;
    static final List<Socket> held = new ArrayList<>();
    static int toSink, toRejectsRcpt, toRejectsContent, toHangsUp, toDown, toSilent, toOwnSmtpd, toOwnSpeedAdjust, back;

    @BeforeAll
    static void start() throws Exception {
        sink = PostfixSmtpSink.start(tmp);
        rejectsRcpt = PostfixSmtpSink.start(tmp, "-f", "rcpt");
        rejectsContent = PostfixSmtpSink.start(tmp, "-f", ".");
        hangsUp = PostfixSmtpSink.start(tmp, "-q", ".");
        silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            try {
                while (true) held.add(silent.accept()); // accepts, never says a word
            } catch (IOException closed) {
                // the test is over
            }
        });
        int down = TestSite.freePort();
        toRejectsRcpt = TestSite.freePort();
        toRejectsContent = TestSite.freePort();
        toHangsUp = TestSite.freePort();
        toDown = TestSite.freePort();
        toSilent = TestSite.freePort();
        toOwnSmtpd = TestSite.freePort();
        toOwnSpeedAdjust = TestSite.freePort();
        back = TestSite.freePort();
        site = new TestSite(tmp.resolve("site"));
        toSink = site.smtpdPort;
        site.smtpdServices(
                "SMTPD inet n - n - - smtpd -o smtpd_proxy_filter=" + sink.nexthop().replace("[", "").replace("]", ""),
                front(toRejectsRcpt, "inet:" + rejectsRcpt.nexthop()),
                front(toRejectsContent, rejectsContent.nexthop()),
                front(toHangsUp, hangsUp.nexthop()),
                front(toDown, "127.0.0.1:" + down),
                front(toSilent, "127.0.0.1:" + silent.getLocalPort()) + " -o smtpd_proxy_timeout=2s",
                front(toOwnSmtpd, "127.0.0.1:" + back),
                front(toOwnSpeedAdjust, "127.0.0.1:" + back) + " -o smtpd_proxy_options=speed_adjust",
                "127.0.0.1:" + back + " inet n - n - - smtpd")
                .param("smtpd_proxy_ehlo", "front.example.test")
                .write();
        m = Master.start(site.config, Master.Options.defaults());
        sup = new SmtpdTestSupport(site, m);
    }

    private static String front(int port, String filter) {
        return "127.0.0.1:" + port + " inet n - n - - smtpd -o smtpd_proxy_filter=" + filter;
    }

    @AfterAll
    static void stop() throws IOException {
        if (m != null) m.close();
        for (PostfixSmtpSink s : new PostfixSmtpSink[] {sink, rejectsRcpt, rejectsContent, hangsUp}) {
            if (s != null) s.close();
        }
        if (silent != null) silent.close();
        for (Socket s : held) s.close();
    }

    private static Transcript client(int port) throws IOException {
        Transcript t = Transcript.connectFrom("127.0.0.1", port);
        t.expect("220 ");
        t.send("EHLO client.example").expect("250 ");
        return t;
    }

    /** The delivered message (a file under the mail spool, mailbox or Maildir) that holds {@code marker}, or null. */
    private static String delivered(String marker) {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(site.spool)) {
            for (Path f : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                String text = java.nio.file.Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1);
                if (text.contains(marker)) return text;
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            return null; // not there yet, or moved (Maildir tmp/ to new/) meanwhile
        }
        return null;
    }

    @Test
    void theFiltersRepliesAreTheClientsAndNothingIsQueuedHere() throws Exception {
        String reply;
        try (Transcript t = client(toSink)) {
            t.send("MAIL FROM:<a@client.example> SIZE=100").expect("250 ");
            t.send("RCPT TO:<bob@remote.example> NOTIFY=NEVER").expect("250 ");
            t.send("DATA").expect("354 ");
            t.send("Subject: through the filter").send("").send("..leading dot").send("body").send(".");
            reply = t.expect("250 ");
            t.send("QUIT").expect("221 ");
        }
        sup.awaitLog("NOQUEUE: proxy-accept: END-OF-MESSAGE: " + reply + "; from=<a@client.example>"
                + " to=<bob@remote.example> proto=ESMTP helo=<client.example>");
        String dump = String.join("\n", sink.dumps());
        assertTrue(dump.contains("SIZE=100"), dump);
        assertTrue(dump.contains("NOTIFY=NEVER"), dump);
        assertTrue(dump.contains("Received: from client.example (unknown [127.0.0.1])"), dump);
        assertTrue(dump.contains("Subject: through the filter"), dump);
        assertTrue(dump.contains("\n.leading dot\n") || dump.contains("\n..leading dot\n"), dump); // stuffed again
        assertEquals(0, sup.queueFilesContaining("through the filter"), "nothing is queued by the front smtpd");
    }

    @Test
    void aFilterThatRefusesRefusesForUs() throws Exception {
        try (Transcript t = client(toRejectsRcpt)) {
            t.send("MAIL FROM:<a@client.example>").expect("250 ");
            String r = t.send("RCPT TO:<bob@remote.example>").expect("5"); // smtp-sink's own refusal
            assertTrue(r.startsWith("500 5.3.0"), r);
            t.send("DATA").expect("554 5.5.1 Error: no valid recipients");
        }
        sup.awaitLog("rejected \"RCPT TO:<bob@remote.example>\"");
        String refused;
        try (Transcript t = client(toRejectsContent)) {
            t.send("MAIL FROM:<a@client.example>").expect("250 ");
            t.send("RCPT TO:<bob@remote.example>").expect("250 ");
            t.send("DATA").expect("354 ");
            t.send("Subject: refused content").send("").send("body").send(".");
            refused = t.expect("5");
        }
        sup.awaitLog("NOQUEUE: proxy-reject: END-OF-MESSAGE: " + refused + "; from=<a@client.example>");
    }

    @Test
    void aFilterThatIsDownSlowOrGoneGivesATemporaryErrorNeverAnAcceptance() throws Exception {
        try (Transcript t = client(toDown)) {
            t.send("MAIL FROM:<a@client.example>").expect("250 ");
            t.send("RCPT TO:<bob@remote.example>").expect("451 4.3.0 Error: queue file write error");
            t.send("RCPT TO:<carol@remote.example>").expect("451 4.3.0 Error: queue file write error");
            t.send("DATA").expect("554 5.5.1 Error: no valid recipients");
        }
        sup.awaitLog("warning: connect to proxy filter 127.0.0.1:");
        try (Transcript t = client(toSilent)) {
            t.send("MAIL FROM:<a@client.example>").expect("250 ");
            t.send("RCPT TO:<bob@remote.example>").expect("451 4.3.0 Error: queue file write error");
        }
        sup.awaitLog("warning: timeout talking to proxy 127.0.0.1:" + silent.getLocalPort());
        try (Transcript t = client(toHangsUp)) {
            t.send("MAIL FROM:<a@client.example>").expect("250 ");
            t.send("RCPT TO:<bob@remote.example>").expect("250 ");
            t.send("DATA").expect("354 ");
            t.send("Subject: lost").send("").send("body").send(".");
            t.expect("451 4.3.0 Error: queue file write error");
            t.send("QUIT").expect("221 ");
        }
        sup.awaitLog("warning: lost connection with proxy " + hangsUp.nexthop());
        assertEquals(0, sup.queueFilesContaining("Subject: lost"));
    }

    @Test
    void ourOwnSmtpdAsTheFilterQueuesTheMessageWithAndWithoutSpeedAdjust() throws Exception {
        for (int port : new int[] {toOwnSmtpd, toOwnSpeedAdjust}) {
            String marker = "through our own filter " + port;
            String reply;
            try (Transcript t = client(port)) {
                t.send("MAIL FROM:<a@client.example>").expect("250 ");
                t.send("RCPT TO:<alice@example.test>").expect("250 ");
                t.send("RCPT TO:<nosuchuser@example.test>").expect("550 5.1.1 <nosuchuser@example.test>: Recipient"
                        + " address rejected: User unknown in local recipient table");
                t.send("DATA").expect("354 ");
                t.send("Subject: " + marker).send("").send("body").send(".");
                reply = t.expect("250 2.0.0 Ok: queued as ");
            }
            String id = SmtpdTestSupport.queuedId(reply);
            sup.awaitLog(id + ": client=unknown[127.0.0.1]");
            sup.awaitLog("NOQUEUE: proxy-accept: END-OF-MESSAGE: " + reply + ";");
            java.util.concurrent.atomic.AtomicReference<String> found = new java.util.concurrent.atomic.AtomicReference<>();
            try {
                SmtpdTestSupport.waitFor(() -> {
                    found.set(delivered(marker));
                    return found.get() != null;
                }, "delivery of " + id + " under " + site.spool);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n--- log:\n" + sup.log(), e);
            }
            String mail = found.get();
            assertTrue(mail.contains(marker), mail);
            assertTrue(mail.contains("Received: from client.example (unknown [127.0.0.1])"), mail);
            assertTrue(mail.contains("Received: from front.example.test (unknown [127.0.0.1])"), mail);
        }
        assertFalse(sup.log().contains("warning: access table"), sup.log());
    }
}
