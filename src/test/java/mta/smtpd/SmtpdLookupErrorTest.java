package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import mta.master.Master;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SmtpdLookupErrorTest - a table that fails during a session gives the client a temporary error, never silence.
 *
 * <p>The tables: a {@code hash:} table whose {@code .db} file is garbage, and a {@code regexp:}
 * table whose file is removed after the system started. Each listener uses one of them in another
 * place (an access table, local_recipient_maps, mydestination, the sender restrictions). Postfix's
 * replies: an access table that cannot be read is {@code 451 4.3.5 ... Server configuration
 * error}; any other lookup {@code 451 4.3.0 <addr>: Temporary lookup failure}; a table cleanup
 * needs makes the message {@code 451 4.3.0 Error: queue file write error}. The session goes on.
 */
class SmtpdLookupErrorTest {
    @TempDir
    static Path tmp;
    static TestSite site;
    static Master m;
    static SmtpdTestSupport sup;
    static int localPort;
    static int destinationPort;
    static int senderPort;
    static int regexpPort;
    static Path corrupt;
    static Path vanishing;

    @BeforeAll
    static void start() throws Exception {
        Path etc = tmp.resolve("etc");
        Files.createDirectories(etc);
        corrupt = etc.resolve("corrupt");
        Files.writeString(corrupt, "bob@remote.example OK\n");
        Files.write(etc.resolve("corrupt.db"), "this is no table file at all\n".repeat(200).getBytes(StandardCharsets.US_ASCII));
        vanishing = etc.resolve("vanishing.regexp");
        Files.writeString(vanishing, "/^nobody@/ REJECT\n");
        localPort = TestSite.freePort();
        destinationPort = TestSite.freePort();
        senderPort = TestSite.freePort();
        regexpPort = TestSite.freePort();
        String smtpd = " inet n - n - - smtpd";
        site = new TestSite(tmp)
                .relayedMailWaits()
                .param("relay_domains", "remote.example")
                .param("canonical_maps", "hash:" + etc.resolve("corrupt-canonical"))
                .param("canonical_classes", "header_sender")
                .smtpdServices("SMTPD" + smtpd + " -o smtpd_recipient_restrictions=check_recipient_access,hash:" + corrupt,
                        "127.0.0.1:" + localPort + smtpd + " -o local_recipient_maps=hash:" + corrupt,
                        "127.0.0.1:" + destinationPort + smtpd + " -o mydestination=hash:" + corrupt,
                        "127.0.0.1:" + senderPort + smtpd + " -o smtpd_delay_reject=no"
                                + " -o smtpd_sender_restrictions=check_sender_access,hash:" + corrupt,
                        "127.0.0.1:" + regexpPort + smtpd + " -o smtpd_recipient_restrictions=check_recipient_access,regexp:"
                                + vanishing)
                .write();
        Files.writeString(etc.resolve("corrupt-canonical"), "x y\n");
        Files.write(etc.resolve("corrupt-canonical.db"), "garbage".repeat(500).getBytes(StandardCharsets.US_ASCII));
        m = Master.start(site.config, Master.Options.defaults());
        sup = new SmtpdTestSupport(site, m);
        Files.delete(vanishing);
    }

    @AfterAll
    static void stop() {
        if (m != null) m.close();
    }

    private static Transcript session(int port) throws Exception {
        Transcript t = Transcript.connect(port);
        t.expect("220 ");
        t.send("EHLO client.example").expect("250 ");
        return t;
    }

    @Test
    void accessTableThatCannotBeReadIsAConfigurationError() throws Exception {
        try (Transcript t = session(site.smtpdPort)) {
            t.send("MAIL FROM:<a@client.example>").expect("250 2.1.0");
            t.send("RCPT TO:<bob@remote.example>")
                    .expect("451 4.3.5 <bob@remote.example>: Recipient address rejected: Server configuration error");
            t.send("RCPT TO:<carol@remote.example>").expect("451 4.3.5 ");
            t.send("NOOP").expect("250 ");
        }
        sup.awaitLog("warning: hash:" + corrupt + " lookup error for \"bob@remote.example\"");
        sup.awaitLog("NOQUEUE: reject: RCPT from unknown[127.0.0.1]: 451 4.3.5 <bob@remote.example>: Recipient address"
                + " rejected: Server configuration error; from=<a@client.example> to=<bob@remote.example>");
    }

    @Test
    void localRecipientTableThatFailsIsATemporaryLookupFailure() throws Exception {
        try (Transcript t = session(localPort)) {
            t.send("MAIL FROM:<a@client.example>").expect("250 2.1.0");
            t.send("RCPT TO:<bob@example.test>").expect("451 4.3.0 <bob@example.test>: Temporary lookup failure");
            t.send("RCPT TO:<bob@remote.example>").expect("250 2.1.5");
        }
    }

    @Test
    void domainListTableThatFailsIsATemporaryLookupFailure() throws Exception {
        try (Transcript t = session(destinationPort)) {
            t.send("MAIL FROM:<a@client.example>").expect("250 2.1.0");
            t.send("RCPT TO:<bob@elsewhere.example>").expect("451 4.3.0 <bob@elsewhere.example>: Temporary lookup failure");
            t.send("NOOP").expect("250 ");
        }
    }

    @Test
    void senderAccessTableThatFailsAtMail() throws Exception {
        try (Transcript t = session(senderPort)) {
            t.send("MAIL FROM:<a@client.example>")
                    .expect("451 4.3.5 <a@client.example>: Sender address rejected: Server configuration error");
            t.send("NOOP").expect("250 ");
        }
    }

    @Test
    void regexpTableWhoseFileIsGone() throws Exception {
        try (Transcript t = session(regexpPort)) {
            t.send("MAIL FROM:<a@client.example>").expect("250 2.1.0");
            t.send("RCPT TO:<nobody@remote.example>")
                    .expect("451 4.3.5 <nobody@remote.example>: Recipient address rejected: Server configuration error");
            t.send("QUIT").expect("221 ");
        }
        sup.awaitLog("warning: regexp:" + vanishing + " lookup error for \"nobody@remote.example\"");
    }

    /** A table cleanup needs (canonical_maps here) fails: the message is refused for now, nothing is queued. */
    @Test
    void cleanupTableThatFailsRefusesTheMessageForNow() throws Exception {
        try (Transcript t = session(localPort)) {
            t.send("MAIL FROM:<a@client.example>").expect("250 2.1.0");
            t.send("RCPT TO:<bob@remote.example>").expect("250 2.1.5");
            t.send("DATA").expect("354 ");
            t.sendRaw("From: someone@client.example\r\nSubject: canonical\r\n\r\nbody\r\n.\r\n");
            t.expect("451 4.3.0 Error: queue file write error");
            t.send("NOOP").expect("250 ");
        }
        sup.awaitLog("map lookup problem -- message not accepted, try again later");
        sup.awaitNoTemporaries();
        assertTrue(sup.queueFilesContaining("Subject: canonical") == 0);
    }
}
