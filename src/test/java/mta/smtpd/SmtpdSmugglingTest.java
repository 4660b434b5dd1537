package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import mta.master.Master;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SmtpdSmugglingTest - SMTP smuggling (end-of-data variants) under each smtpd_forbid_bare_newline value.
 *
 * <p>Three listeners of one system: the default ({@code normalize}), one with {@code -o
 * smtpd_forbid_bare_newline=reject} and one with {@code =no}. Clients on 127.0.0.3 are outside
 * mynetworks, so the exclusions ({@code $mynetworks}) do not apply to them; remote.example is a
 * relay domain, so they may send there. No published end-of-data variant may end a message, and
 * a smuggled second transaction is never executed.
 */
class SmtpdSmugglingTest {
    private static final String OUTSIDE = "127.0.0.3";

    @TempDir
    static Path tmp;
    static TestSite site;
    static Master m;
    static SmtpdTestSupport sup;
    static int rejectPort;
    static int noPort;

    @BeforeAll
    static void start() throws Exception {
        rejectPort = TestSite.freePort();
        noPort = TestSite.freePort();
        site = new TestSite(tmp)
                .relayedMailWaits()
                .param("relay_domains", "remote.example")
                .smtpdServices("SMTPD inet n - n - - smtpd",
                        "127.0.0.1:" + rejectPort + " inet n - n - - smtpd -o smtpd_forbid_bare_newline=reject",
                        "127.0.0.1:" + noPort + " inet n - n - - smtpd -o smtpd_forbid_bare_newline=no")
                .write();
        m = Master.start(site.config, Master.Options.defaults());
        sup = new SmtpdTestSupport(site, m);
    }

    @AfterAll
    static void stop() {
        if (m != null) m.close();
    }

    private static Transcript open(int port, String from) throws Exception {
        Transcript t = Transcript.connectFrom(from, port);
        t.expect("220 ");
        t.send("EHLO client.example").expect("250 ");
        t.send("MAIL FROM:<a@client.example>").expect("250 2.1.0");
        t.send("RCPT TO:<bob@remote.example>").expect("250 2.1.5");
        return t;
    }

    private static String smuggled(String marker, String fakeEnd) {
        return "Subject: " + marker + "\r\n\r\nfirst part" + fakeEnd
                + "MAIL FROM:<evil-" + marker + "@attacker.example>\r\n"
                + "RCPT TO:<victim@remote.example>\r\n"
                + "DATA\r\n"
                + "Subject: smuggled " + marker + "\r\n\r\nsmuggled body\r\n.\r\n";
    }

    /** The variants published with the attack (SEC Consult, Postfix smtp-smuggling.html), and a few more. */
    @ParameterizedTest
    @ValueSource(strings = {"\n.\n", "\n.\r\n", "\r.\r", "\r\n.\r", "\r\n.\n", "\r.\r\n", "\r.\n", "\n.\r",
            "\r\n\u0000.\r\n", "\r\n.\r\r\n", "\r\r\n.\r\r\n"})
    void normalizeNeverEndsDataEarly(String fakeEnd) throws Exception {
        String marker = "norm-" + System.nanoTime();
        String id;
        try (Transcript t = open(site.smtpdPort, OUTSIDE)) {
            t.send("DATA").expect("354 ");
            t.sendRaw(smuggled(marker, fakeEnd));
            id = SmtpdTestSupport.queuedId(t.reply());
            // No reply to a smuggled command is waiting: the next one answers our RCPT.
            t.send("RCPT TO:<bob@remote.example>").expect("503 5.5.1 Error: need MAIL command");
            t.send("QUIT").expect("221 ");
            t.expectClosed();
        }
        SmtpdTestSupport.Queued q = sup.awaitDeferred(id);
        assertTrue(q.lines().contains("MAIL FROM:<evil-" + marker + "@attacker.example>")
                        || q.lines().stream().anyMatch(l -> l.contains("MAIL FROM:<evil-" + marker)),
                "the smuggled commands are content of the one message: " + q.lines());
        assertEquals(List.of("bob@remote.example"),
                q.envelope().recipients().stream().map(r -> r.address()).toList());
        assertEquals(1, sup.queueFilesContaining(marker), "exactly one message queued");
        assertFalse(sup.log().contains("from=<evil-" + marker), "the smuggled MAIL was not executed");
        sup.awaitNoTemporaries();
    }

    @Test
    void normalizeTakesBareLfAsLineEnd() throws Exception {
        String id;
        try (Transcript t = open(site.smtpdPort, OUTSIDE)) {
            t.send("DATA").expect("354 ");
            t.sendRaw("Subject: lf\n\nline one\nline two\r\n.\r\n");
            id = SmtpdTestSupport.queuedId(t.reply());
        }
        List<String> l = sup.awaitDeferred(id).lines();
        assertTrue(l.contains("Subject: lf"), l.toString());
        assertEquals(List.of("line one", "line two"), l.subList(l.size() - 2, l.size()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\n.\n", "\n.\r\n", "\r\n.\n", "\nplain bare LF line\r\n"})
    void rejectRefusesTheMessageAndDisconnects(String fakeEnd) throws Exception {
        String marker = "rej-" + System.nanoTime();
        try (Transcript t = open(rejectPort, OUTSIDE)) {
            t.send("DATA").expect("354 ");
            t.sendRaw(smuggled(marker, fakeEnd));
            t.expect("550 5.5.2 Error: bare <LF> received");
            t.expectClosed();
        }
        assertEquals(0, sup.queueFilesContaining(marker), "nothing of the message was queued");
        sup.awaitNoTemporaries();
        assertFalse(sup.log().contains("from=<evil-" + marker), "the smuggled MAIL was not executed");
        sup.awaitLog("reject: DATA from unknown[" + OUTSIDE + "]: 550 5.5.2 Error: bare <LF> received;");
    }

    @Test
    void rejectRefusesABareLfCommand() throws Exception {
        try (Transcript t = Transcript.connectFrom(OUTSIDE, rejectPort)) {
            t.expect("220 ");
            t.sendRaw("EHLO client.example\n");
            t.expect("550 5.5.2 Error: bare <LF> received");
            t.expectClosed();
        }
    }

    @Test
    void rejectRefusesBareLfInBdat() throws Exception {
        String marker = "bdat-rej-" + System.nanoTime();
        try (Transcript t = open(rejectPort, OUTSIDE)) {
            String chunk = "Subject: " + marker + "\r\n\r\nbare\nlf\r\n";
            t.sendRaw("BDAT " + chunk.length() + " LAST\r\n" + chunk);
            t.expect("550 5.5.2 Error: bare <LF> received");
            t.expectClosed();
        }
        assertEquals(0, sup.queueFilesContaining(marker));
        sup.awaitNoTemporaries();
    }

    @Test
    void normalizeAcceptsABareLfCommand() throws Exception {
        try (Transcript t = Transcript.connectFrom(OUTSIDE, site.smtpdPort)) {
            t.expect("220 ");
            t.sendRaw("NOOP\n");
            t.expect("250 2.0.0 Ok");
        }
    }

    /** With "no" (the pre-3.9 behaviour) a "." line ends DATA however it ends: the admin chose that. */
    @Test
    void noEndsDataAtAnyDotLine() throws Exception {
        try (Transcript t = open(noPort, OUTSIDE)) {
            t.send("DATA").expect("354 ");
            t.sendRaw("Subject: old\r\n\r\nbody\n.\n");
            SmtpdTestSupport.queuedId(t.reply());
        }
    }

    /** smtpd_forbid_bare_newline_exclusions = $mynetworks: a trusted client gets the "no" behaviour. */
    @Test
    void excludedClientGetsTheOldBehaviour() throws Exception {
        try (Transcript t = open(site.smtpdPort, "127.0.0.1")) {
            t.send("DATA").expect("354 ");
            t.sendRaw("Subject: trusted\r\n\r\nbody\n.\n");
            SmtpdTestSupport.queuedId(t.reply());
        }
    }

    /** BDAT has no end mark at all: a chunk that holds CRLF.CRLF and commands is content. */
    @Test
    void bdatChunkCannotEndEarly() throws Exception {
        String marker = "bdat-" + System.nanoTime();
        String id;
        try (Transcript t = open(site.smtpdPort, OUTSIDE)) {
            String chunk = smuggled(marker, "\r\n.\r\n");
            t.sendRaw("BDAT " + chunk.length() + " LAST\r\n" + chunk);
            id = SmtpdTestSupport.queuedId(t.reply());
            t.send("RCPT TO:<bob@remote.example>").expect("503 5.5.1 Error: need MAIL command");
        }
        sup.awaitDeferred(id);
        assertEquals(1, sup.queueFilesContaining(marker));
        assertFalse(sup.log().contains("from=<evil-" + marker));
    }
}
