package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import mta.master.Master;
import mta.queue.QueueFile;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SmtpdProtocolTest - the commands and extensions: VRFY, HELP, ETRN, BDAT, DSN, SMTPUTF8, pipelining logs, bad input.
 *
 * <p>One system with two listeners: the default one, and one with {@code -o disable_vrfy_command=yes
 * -o smtputf8_enable=no}. Accepted mail rests in deferred/ (the relayhost refuses connections).
 * Clients on 127.0.0.x other than .1 are outside mynetworks and each test uses its own, so their
 * log lines are their own; remote.example is a relay domain.
 */
class SmtpdProtocolTest {
    private static final String HOST = "mx.example.test";

    @TempDir
    static Path tmp;
    static TestSite site;
    static Master m;
    static SmtpdTestSupport sup;
    static int plainPort;

    @BeforeAll
    static void start() throws Exception {
        plainPort = TestSite.freePort();
        site = new TestSite(tmp)
                .relayedMailWaits()
                .param("relay_domains", "remote.example")
                .param("message_size_limit", "20000")
                .smtpdServices("SMTPD inet n - n - - smtpd",
                        "127.0.0.1:" + plainPort + " inet n - n - - smtpd -o disable_vrfy_command=yes"
                                + " -o smtputf8_enable=no")
                .write();
        m = Master.start(site.config, Master.Options.defaults());
        sup = new SmtpdTestSupport(site, m);
    }

    @AfterAll
    static void stop() {
        if (m != null) m.close();
    }

    private static Transcript transaction(String from) throws Exception {
        Transcript t = sup.ehlo(from);
        t.send("MAIL FROM:<a@client.example>").expect("250 2.1.0");
        t.send("RCPT TO:<bob@remote.example>").expect("250 2.1.5");
        return t;
    }

    // ------------------------------------------------------------------ VRFY, HELP, ETRN

    @Test
    void vrfyHelpEtrn() throws Exception {
        try (Transcript t = Transcript.connectFrom("127.0.0.40", site.smtpdPort)) {
            t.expect("220 ");
            t.send("VRFY root").expect("252 2.0.0 root");
            t.send("VRFY <bob@remote.example>").expect("252 2.0.0 bob@remote.example");
            t.send("VRFY").expect("501 5.5.4 Syntax: VRFY address [SMTPUTF8]");
            assertEquals("214 2.0.0 Commands: HELO EHLO MAIL RCPT DATA BDAT RSET NOOP VRFY ETRN HELP QUIT",
                    t.send("HELP").reply());
            // ETRN (RFC 1985): Postfix's replies, without enhanced status codes
            t.send("ETRN").expect("500 Syntax: ETRN domain");
            t.send("ETRN a b").expect("500 Syntax: ETRN domain");
            t.send("ETRN bad..domain").expect("501 Error: invalid parameter syntax");
            t.send("ETRN example.com").expect("459 <example.com>: service unavailable");
            t.send("ETRN remote.example").expect("250 Queuing started");
            t.send("ETRN @remote.example").expect("250 Queuing started");
            t.send("ETRN #remote.example").expect("250 Queuing started");
            t.send("EHLO client.example").expect("250 ");
            t.send("MAIL FROM:<a@client.example>").expect("250 2.1.0");
            t.send("ETRN remote.example").expect("503 Error: MAIL transaction in progress");
            t.send("QUIT").expect("221 ");
        }
        sup.awaitLog("disconnect from unknown[127.0.0.40] ehlo=1 mail=1 vrfy=2/3 etrn=3/8 help=1 quit=1 commands=9/15");
        sup.awaitLog("warning: reject: ETRN example.com... from unknown[127.0.0.40]");
    }

    @Test
    void disabledVrfyAndSmtputf8AreNotOffered() throws Exception {
        try (Transcript t = Transcript.connect(plainPort)) {
            t.expect("220 ");
            String ehlo = t.send("EHLO client.example").reply();
            assertEquals(String.join("\n", "250-" + HOST, "250-PIPELINING", "250-SIZE 20000", "250-ETRN",
                    "250-ENHANCEDSTATUSCODES", "250-8BITMIME", "250-DSN", "250 CHUNKING"), ehlo);
            t.send("VRFY root").expect("502 5.5.1 VRFY command is disabled");
            t.send("MAIL FROM:<a@client.example> SMTPUTF8").expect("555 5.5.4 Unsupported option: SMTPUTF8");
            t.send("MAIL FROM:<j\u00f6rg@client.example>").expect("553 5.6.7 Must declare SMTPUTF8");
        }
    }

    // ------------------------------------------------------------------ BDAT (RFC 3030)

    @Test
    void bdatChunksMakeOneMessage() throws Exception {
        String id;
        try (Transcript t = transaction(null)) {
            String c1 = "Subject: chunks\r\n\r\nfirst li";
            String c2 = "ne\r\n.leading dot stays\r\nlast line without CRLF";
            t.sendRaw("BDAT " + c1.length() + "\r\n" + c1);
            t.expect("250 2.0.0 Ok: " + c1.length() + " bytes");
            t.sendRaw("BDAT " + c2.length() + " LAST\r\n" + c2);
            id = SmtpdTestSupport.queuedId(t.reply());
            t.send("QUIT").expect("221 ");
        }
        List<String> l = sup.awaitDeferred(id).lines();
        assertTrue(l.get(1).contains("with ESMTP id " + id), l.toString());
        assertEquals(List.of("first line", ".leading dot stays", "last line without CRLF"),
                l.subList(l.size() - 3, l.size()));
    }

    @Test
    void bdatPipelinedWithEnvelope() throws Exception {
        String id;
        try (Transcript t = sup.ehlo(null)) {
            String body = "Subject: pipelined bdat\r\n\r\nbody\r\n";
            t.sendRaw("MAIL FROM:<a@client.example>\r\nRCPT TO:<bob@remote.example>\r\nBDAT " + body.length()
                    + " LAST\r\n" + body + "QUIT\r\n");
            t.expect("250 2.1.0");
            t.expect("250 2.1.5");
            id = SmtpdTestSupport.queuedId(t.reply());
            t.expect("221 ");
        }
        assertEquals("body", sup.awaitDeferred(id).lines().getLast());
    }

    @Test
    void bdatSequenceAndSizeErrors() throws Exception {
        try (Transcript t = sup.ehlo(null)) {
            t.sendRaw("BDAT 5\r\nhello").expect("503 5.5.1 Error: need RCPT command");
            t.send("NOOP").expect("250 2.0.0 Ok"); // the chunk was skipped, not taken as commands
            t.send("MAIL FROM:<a@client.example>").expect("250 2.1.0");
            t.sendRaw("BDAT 3\r\nabc").expect("554 5.5.1 Error: no valid recipients");
            // The transaction is in error now: chunks are read and thrown away until LAST ends it.
            t.send("RCPT TO:<bob@remote.example>").expect("503 5.5.1 Error: RCPT after BDAT");
            t.sendRaw("BDAT 2\r\nde").expect("551 5.0.0 Discarded 2 bytes after earlier error");
            t.sendRaw("BDAT 2 LAST\r\nfg").expect("551 5.0.0 Discarded 2 bytes after earlier error");
            t.send("RCPT TO:<bob@remote.example>").expect("503 5.5.1 Error: need MAIL command");
            t.send("MAIL FROM:<a@client.example>").expect("250 2.1.0");
            t.send("RCPT TO:<bob@remote.example>").expect("250 2.1.5");
            t.sendRaw("BDAT 3\r\nabc").expect("250 2.0.0 Ok: 3 bytes");
            t.send("DATA").expect("503 5.5.1 Error: DATA after BDAT");
            t.send("RCPT TO:<carol@remote.example>").expect("503 5.5.1 Error: RCPT after BDAT");
            t.send("MAIL FROM:<a@client.example>").expect("503 5.5.1 Error: nested MAIL command");
            t.sendRaw("BDAT 30000 LAST\r\n" + "x".repeat(30000)).expect("552 5.3.4 Chunk exceeds message size limit");
            t.send("RCPT TO:<bob@remote.example>").expect("503 5.5.1 Error: need MAIL command");
            t.send("MAIL FROM:<a@client.example> SIZE=20001").expect("552 5.3.4 Message size exceeds fixed limit");
            t.send("MAIL FROM:<a@client.example>").expect("250 2.1.0");
            t.send("RCPT TO:<bob@remote.example>").expect("250 2.1.5");
            t.sendRaw("BDAT 0\r\n").expect("551 5.7.1 Null BDAT request");
            t.sendRaw("BDAT 1 LAST\r\nx").expect("551 5.0.0 Discarded 1 bytes after earlier error");
            // A count that cannot be trusted leaves no way to find the next command: the session ends.
            t.send("BDAT 12 FIRST").expect("521 5.5.4 Syntax: BDAT count [LAST]");
            t.expectClosed();
        }
        sup.awaitNoTemporaries();
        sup.awaitLog("exceeds message size limit");
        sup.awaitLog("null BDAT request from unknown[127.0.0.1]");
        sup.awaitLog(": malformed BDAT command syntax from unknown[127.0.0.1]: BDAT 12 FIRST");
        assertFalse(sup.log().contains("reject: BDAT"), "Postfix logs warnings here, no reject lines");
    }

    /** Each malformed BDAT line ends the session with 521: nothing after it can be read as a command. */
    @ParameterizedTest
    @ValueSource(strings = {"BDAT", "BDAT -1", "BDAT x", "BDAT 1 2", "BDAT 99999999999999999999", "BDAT 12 FIRST"})
    void malformedBdatEndsTheSession(String line) throws Exception {
        try (Transcript t = transaction(null)) {
            t.sendRaw(line + "\r\nNOOP\r\n").expect("521 5.5.4 Syntax: BDAT count [LAST]");
            t.expectClosed();
        }
    }

    @Test
    void emptyBdatLast() throws Exception {
        try (Transcript t = transaction(null)) {
            t.sendRaw("BDAT 0 LAST\r\n");
            SmtpdTestSupport.queuedId(t.reply());
        }
    }

    // ------------------------------------------------------------------ DSN (RFC 3461)

    @Test
    void dsnParametersAreStored() throws Exception {
        String id;
        try (Transcript t = sup.ehlo(null)) {
            t.send("MAIL FROM:<a@client.example> RET=HDRS ENVID=abc+2Bdef").expect("250 2.1.0");
            t.send("RCPT TO:<bob@remote.example> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;Bob+40Remote.example")
                    .expect("250 2.1.5");
            t.send("RCPT TO:<carol@remote.example> NOTIFY=never").expect("250 2.1.5");
            t.send("RCPT TO:<dave@remote.example>").expect("250 2.1.5");
            t.send("DATA").expect("354 ");
            t.send("Subject: dsn");
            t.send("");
            t.send("body");
            id = SmtpdTestSupport.queuedId(t.send(".").reply());
        }
        QueueFile.Envelope env = sup.awaitDeferred(id).envelope();
        assertEquals("HDRS", env.attribute("dsn_ret"));
        assertEquals("abc+def", env.attribute("dsn_envid"));
        List<QueueFile.Recipient> r = env.recipients();
        assertEquals("SUCCESS,FAILURE", r.get(0).dsnNotify());
        assertEquals("rfc822;Bob@Remote.example", r.get(0).dsnOrcpt());
        assertEquals("NEVER", r.get(1).dsnNotify());
        assertNull(r.get(1).dsnOrcpt());
        assertNull(r.get(2).dsnNotify());
    }

    @Test
    void badDsnParameters() throws Exception {
        try (Transcript t = sup.ehlo(null)) {
            t.send("MAIL FROM:<a@client.example> RET=ALL").expect("501 5.5.4 Bad RET parameter syntax");
            t.send("MAIL FROM:<a@client.example> ENVID=a=b").expect("501 5.5.4 Bad ENVID parameter syntax");
            t.send("MAIL FROM:<a@client.example> ENVID=a+4").expect("501 5.5.4 Bad ENVID parameter syntax");
            t.send("MAIL FROM:<a@client.example> RET=FULL RET=HDRS").expect("501 5.5.4 Bad RET parameter syntax");
            t.send("MAIL FROM:<a@client.example> BODY=BINARYMIME").expect("555 5.5.4 Unsupported option: BODY=BINARYMIME");
            t.send("MAIL FROM:<a@client.example> RET=FULL BODY=7BIT").expect("250 2.1.0");
            t.send("RCPT TO:<b@remote.example> NOTIFY=NEVER,SUCCESS").expect("501 5.5.4 Error: Bad NOTIFY parameter syntax");
            t.send("RCPT TO:<b@remote.example> NOTIFY=SUCCESS,SUCCESS").expect("501 5.5.4 Error: Bad NOTIFY parameter syntax");
            t.send("RCPT TO:<b@remote.example> NOTIFY=").expect("501 5.5.4 Error: Bad NOTIFY parameter syntax");
            t.send("RCPT TO:<b@remote.example> ORCPT=b@remote.example").expect("501 5.5.4 Error: Bad ORCPT parameter syntax");
            t.send("RCPT TO:<b@remote.example> ORCPT=rfc822;").expect("501 5.5.4 Error: Bad ORCPT parameter syntax");
            t.send("RCPT TO:<b@remote.example> FOO=1").expect("555 5.5.4 Unsupported option: FOO=1");
            t.send("RCPT TO:<b@remote.example> ORCPT=RFC822;b+40remote.example").expect("250 2.1.5");
        }
    }

    // ------------------------------------------------------------------ SMTPUTF8 (RFC 6531)

    @Test
    void smtputf8AddressesOnlyWhenDeclared() throws Exception {
        String id;
        try (Transcript t = sup.ehlo(null)) {
            t.send("MAIL FROM:<j\u00f6rg@client.example>")
                    .expect("553 5.6.7 Must declare SMTPUTF8 to send unicode address");
            t.send("MAIL FROM:<j\u00f6rg@client.example> SMTPUTF8").expect("250 2.1.0");
            t.send("RCPT TO:<\u7528\u6237@remote.example>").expect("250 2.1.5");
            t.send("DATA").expect("354 ");
            t.send("Subject: utf8");
            t.send("");
            t.send("gr\u00fc\u00dfe");
            id = SmtpdTestSupport.queuedId(t.send(".").reply());
            t.send("MAIL FROM:<a@client.example>").expect("250 2.1.0");
            t.send("RCPT TO:<\u7528\u6237@remote.example>").expect("553 5.6.7");
        }
        SmtpdTestSupport.Queued q = sup.awaitDeferred(id);
        assertEquals("j\u00f6rg@client.example", q.envelope().sender());
        assertEquals("\u7528\u6237@remote.example", q.envelope().recipients().get(0).address());
        assertEquals("UTF8ESMTP", q.envelope().attribute("log_protocol_name"));
        assertEquals("gr\u00fc\u00dfe", q.lines().getLast());
    }

    // ------------------------------------------------------------------ pipelining and logging

    @Test
    void pipeliningWithoutEhloIsLogged() throws Exception {
        try (Transcript t = Transcript.connectFrom("127.0.0.41", site.smtpdPort)) {
            t.expect("220 ");
            t.send("HELO client.example").expect("250 ");
            t.sendRaw("MAIL FROM:<a@client.example>\r\nRCPT TO:<p@remote.example>\r\n");
            t.expect("250 2.1.0");
            t.expect("250 2.1.5");
            t.send("QUIT").expect("221 ");
        }
        sup.awaitLog("disconnect from unknown[127.0.0.41]");
        assertTrue(sup.log().contains("improper command pipelining after MAIL from unknown[127.0.0.41]:"
                + " RCPT TO:<p@remote.example>\\r\\n"), sup.log());
    }

    @Test
    void pipeliningAfterEhloIsFine() throws Exception {
        try (Transcript t = sup.ehlo("127.0.0.42")) {
            t.sendRaw("MAIL FROM:<a@client.example>\r\nRCPT TO:<p@remote.example>\r\nRSET\r\n");
            t.expect("250 2.1.0");
            t.expect("250 2.1.5");
            t.expect("250 2.0.0");
            t.send("QUIT").expect("221 ");
        }
        sup.awaitLog("disconnect from unknown[127.0.0.42]");
        // A client that answers our replies at once is not taken for one that did not wait.
        assertFalse(sup.log().contains("from unknown[127.0.0.42]: "), sup.log());
    }

    /**
     * Replies to complete commands are sent at once, even while the start of the next command
     * line is already in: nothing waits for the rest of a partial line.
     */
    @Test
    void repliesDoNotWaitForAPartialLine() throws Exception {
        try (Transcript t = sup.ehlo(null)) {
            t.sendRaw("NOOP\r\nNOO").expect("250 2.0.0 Ok");
            t.sendRaw("P\r\nRSET\r\nNOOP\r\nNO").expect("250 2.0.0 Ok");
            t.expect("250 2.0.0 Ok");
            t.expect("250 2.0.0 Ok");
            t.sendRaw("OP\r\n").expect("250 2.0.0 Ok");
            t.send("MAIL FROM:<a@client.example>").expect("250 2.1.0");
            t.send("RCPT TO:<bob@remote.example>").expect("250 2.1.5");
            t.sendRaw("BDAT 3\r\nabcBDAT 3 LA").expect("250 2.0.0 Ok: 3 bytes");
            t.sendRaw("ST\r\ndef");
            SmtpdTestSupport.queuedId(t.reply());
        }
    }

    @Test
    void contentBeforeThe354IsLoggedButStillContent() throws Exception {
        String id;
        try (Transcript t = transaction("127.0.0.47")) {
            t.sendRaw("DATA\r\nSubject: eager\r\n\r\nbody\r\n.\r\n");
            t.expect("354 ");
            id = SmtpdTestSupport.queuedId(t.reply());
        }
        assertEquals("body", sup.awaitDeferred(id).lines().getLast());
        sup.awaitLog("improper command pipelining after DATA from unknown[127.0.0.47]: Subject: eager\\r\\n");
    }

    @Test
    void xtextNotifyOrcpt() {
        assertEquals("a+b=c", SmtpdParams.xtext("a+2Bb+3Dc"));
        assertNull(SmtpdParams.xtext("a=b"));
        assertNull(SmtpdParams.xtext("a+2"));
        assertNull(SmtpdParams.xtext("a+zz"));
        assertNull(SmtpdParams.xtext("a b"));
        assertEquals("DELAY,SUCCESS", SmtpdParams.notify("delay,success"));
        assertNull(SmtpdParams.notify("NEVER,DELAY"));
        assertNull(SmtpdParams.notify(""));
        assertEquals("rfc822;u@d", SmtpdParams.orcpt("RFC822;u+40d"));
        assertNull(SmtpdParams.orcpt(";u@d"));
        assertNull(SmtpdParams.orcpt("rfc822;u+0Ad"));
    }

    @Test
    void lostConnectionInDataLeavesNothing() throws Exception {
        try (Transcript t = transaction("127.0.0.44")) {
            t.send("DATA").expect("354 ");
            t.sendRaw("Subject: cut\r\n\r\npartial");
        }
        sup.awaitLog("lost connection after DATA (");
        sup.awaitLog("bytes) from unknown[127.0.0.44]");
        sup.awaitLog("disconnect from unknown[127.0.0.44] ehlo=1 mail=1 rcpt=1 data=0/1 commands=3/4");
        sup.awaitNoTemporaries();
    }

    @Test
    void lostConnectionInBdatLeavesNothing() throws Exception {
        try (Transcript t = transaction("127.0.0.45")) {
            t.sendRaw("BDAT 1000 LAST\r\n0123456789");
            // let the server read the ten bytes before the connection goes
            sup.awaitLog("127.0.0.45]");
        }
        sup.awaitLog("lost connection after BDAT (");
        sup.awaitLog("disconnect from unknown[127.0.0.45] ehlo=1 mail=1 rcpt=1 bdat=0/1 commands=3/4");
        sup.awaitNoTemporaries();
    }

    /**
     * A client that hangs up once its message was answered did nothing wrong: Postfix logs only
     * the disconnect line (with DATA and with BDAT), no "lost connection after END-OF-MESSAGE".
     */
    @Test
    void hangUpAfterTheMessageIsNoLostConnection() throws Exception {
        try (Transcript t = transaction("127.0.0.48")) {
            t.send("DATA").expect("354 ");
            t.sendRaw("Subject: done\r\n\r\nbody\r\n.\r\n");
            SmtpdTestSupport.queuedId(t.reply());
        }
        try (Transcript t = transaction("127.0.0.49")) {
            t.sendRaw("BDAT 5 LAST\r\nx\r\n\r\n");
            SmtpdTestSupport.queuedId(t.reply());
        }
        sup.awaitLog("disconnect from unknown[127.0.0.48] ehlo=1 mail=1 rcpt=1 data=1 commands=4");
        sup.awaitLog("disconnect from unknown[127.0.0.49] ehlo=1 mail=1 rcpt=1 bdat=1 commands=4");
        assertFalse(sup.log().contains("lost connection after END-OF-MESSAGE"), sup.log());
    }

    @Test
    void lostConnectionAfterRcpt() throws Exception {
        try (Transcript t = transaction("127.0.0.46")) {
            t.send("NOOP").expect("250 ");
            t.send("RCPT TO:<c@remote.example>").expect("250 ");
        }
        sup.awaitLog("lost connection after RCPT from unknown[127.0.0.46]");
        sup.awaitNoTemporaries();
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void badBytesAreAnswered() throws Exception {
        try (Transcript t = sup.ehlo(null)) {
            t.sendBytes("NO\u0000OP\r\n".getBytes(StandardCharsets.ISO_8859_1)).expect("500 5.5.2");
            t.sendBytes(new byte[] {'N', 'O', 'O', 'P', ' ', (byte) 0xC3, (byte) 0x28, '\r', '\n'})
                    .expect("500 5.5.2 Error: bad UTF-8 syntax");
            t.sendBytes("MAIL FROM:<a\u0000b@client.example>\r\n".getBytes(StandardCharsets.ISO_8859_1))
                    .expect("501 5.1.7");
            ByteArrayOutputStream big = new ByteArrayOutputStream();
            for (int i = 0; i < 100_000; i++) big.write('A' + i % 26);
            big.write('\r');
            big.write('\n');
            t.sendBytes(big.toByteArray()).expect("500 5.5.2 Error: line too long");
            t.send("NOOP").expect("250 2.0.0 Ok");
            t.send("RSET").expect("250 2.0.0 Ok");
        }
    }
}
