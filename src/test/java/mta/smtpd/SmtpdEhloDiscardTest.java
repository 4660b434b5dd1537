package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import mta.master.Master;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SmtpdEhloDiscardTest - smtpd_discard_ehlo_keywords and smtpd_discard_ehlo_keyword_address_maps:
 * the keywords EHLO leaves out, the log line, and the commands and parameters refused with them.
 *
 * <p>One started system; clients on real sockets from 127.0.0.2 (the parameter's list) and
 * 127.0.0.3 (a table entry of its own, with silent-discard).
 */
class SmtpdEhloDiscardTest {
    @TempDir
    static Path tmp;
    static TestSite site;
    static Master m;
    static SmtpdTestSupport sup;

    @BeforeAll
    static void start() throws IOException {
        site = new TestSite(tmp);
        site.param("smtpd_discard_ehlo_keywords", "chunking, DSN, pipelining, smtputf8, starttls, auth, no-such-keyword")
                .param("smtpd_discard_ehlo_keyword_address_maps", "inline:{ {127.0.0.3 = silent-discard etrn} }")
                .write();
        m = Master.start(site.config, Master.Options.defaults());
        sup = new SmtpdTestSupport(site, m);
    }

    @AfterAll
    static void stop() {
        if (m != null) m.close();
    }

    private static Transcript connect(String from) throws IOException {
        Transcript t = Transcript.connectFrom(from, site.smtpdPort);
        t.expect("220 ");
        return t;
    }

    @Test
    void ehloLeavesTheKeywordsOutAndLogsIt() throws Exception {
        try (Transcript t = connect("127.0.0.2")) {
            String ehlo = t.send("EHLO client.example").expect("250 ");
            for (String gone : List.of("PIPELINING", "DSN", "SMTPUTF8", "CHUNKING", "STARTTLS", "AUTH")) {
                assertFalse(ehlo.contains("250-" + gone) || ehlo.contains("250 " + gone), gone + " in " + ehlo);
            }
            for (String kept : List.of("SIZE", "ETRN", "ENHANCEDSTATUSCODES", "8BITMIME")) {
                assertTrue(ehlo.contains(kept), kept + " missing in " + ehlo);
            }
        }
        sup.awaitLog("discarding EHLO keywords: PIPELINING AUTH STARTTLS DSN SMTPUTF8 CHUNKING");
    }

    @Test
    void discardedKeywordsAreRefusedAsCommandsAndParameters() throws Exception {
        try (Transcript t = connect("127.0.0.2")) {
            t.send("EHLO client.example").expect("250 ");
            t.send("MAIL FROM:<a@client.example> RET=FULL").expect("501 5.7.1 DSN support is disabled");
            t.send("MAIL FROM:<a@client.example> ENVID=x").expect("501 5.7.1 DSN support is disabled");
            t.send("MAIL FROM:<a@client.example> SMTPUTF8").expect("555 5.5.4 Unsupported option: SMTPUTF8");
            t.send("AUTH PLAIN AGFAYg==").expect("503 5.5.1 Error: authentication not enabled");
            t.send("STARTTLS").expect("502 5.5.1 Error: command not implemented");
            t.send("MAIL FROM:<a@client.example>").expect("250 ");
            t.send("RCPT TO:<alice@example.test> NOTIFY=NEVER").expect("501 5.7.1 DSN support is disabled");
            t.send("RCPT TO:<alice@example.test> ORCPT=rfc822;alice@example.test")
                    .expect("501 5.7.1 DSN support is disabled");
            t.send("RCPT TO:<alice@example.test>").expect("250 ");
            t.sendRaw("BDAT 5 LAST\r\nhello");
            t.expect("521 5.5.1 Error: command not implemented");
            t.expectClosed();
        }
    }

    @Test
    void withoutPipeliningSendingAheadIsImproper() throws Exception {
        try (Transcript t = connect("127.0.0.2")) {
            t.send("EHLO client.example").expect("250 ");
            t.sendRaw("MAIL FROM:<b@client.example>\r\nRCPT TO:<alice@example.test>\r\n");
            t.expect("250 ");
            t.expect("250 ");
        }
        sup.awaitLog("improper command pipelining after MAIL from unknown[127.0.0.2]: RCPT TO:<alice@example.test>\\r\\n");
    }

    @Test
    void aTableEntryReplacesTheListForItsClientAndSilentDiscardIsNotLogged() throws Exception {
        try (Transcript t = connect("127.0.0.3")) {
            String ehlo = t.send("EHLO other.example").expect("250 ");
            assertFalse(ehlo.contains("ETRN"), ehlo);
            for (String kept : List.of("PIPELINING", "DSN", "SMTPUTF8", "CHUNKING")) {
                assertTrue(ehlo.contains(kept), kept + " missing in " + ehlo);
            }
            t.send("MAIL FROM:<a@client.example> RET=FULL").expect("250 ");
        }
        assertFalse(sup.log().contains("discarding EHLO keywords: ETRN"), sup.log());
    }

    @Test
    void keywordParsing() {
        assertEquals(Set.of("PIPELINING", "SILENT-DISCARD"), SmtpdEhloDiscard.parse("Pipelining, silent-discard, bogus"));
        assertNull(SmtpdEhloDiscard.logText(Set.of("SILENT-DISCARD", "DSN")));
        assertEquals("8BITMIME DSN", SmtpdEhloDiscard.logText(Set.of("DSN", "8BITMIME")));
        assertTrue(SmtpdEhloDiscard.hides(Set.of("AUTH"), "AUTH=PLAIN LOGIN"));
        assertTrue(SmtpdEhloDiscard.hides(Set.of("SIZE"), "SIZE 10240000"));
        assertFalse(SmtpdEhloDiscard.hides(Set.of("SIZE"), "SMTPUTF8"));
    }
}
