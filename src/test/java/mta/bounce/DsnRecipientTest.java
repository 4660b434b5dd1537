package mta.bounce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** DsnRecipientTest - the per-recipient fields of a report, and which notices a recipient wants. */
class DsnRecipientTest {
    private static DsnRecipient rcpt(String original, String notify, String orcpt) {
        return new DsnRecipient("bob@example.net", original, "5.1.1", "failed",
                "host mx.example.net[192.0.2.1] said: 550 5.1.1 no such user (in reply to RCPT TO command)",
                "mx.example.net[192.0.2.1]:25", notify, orcpt);
    }

    @Test
    void orcptWinsOverTheRewrittenAddress() {
        assertEquals("rfc822; Bob@Example.NET", rcpt("bob@alias.example", null, "rfc822;Bob@Example.NET").originalRecipient());
        assertEquals("rfc822; bob@alias.example", rcpt("bob@alias.example", null, null).originalRecipient());
        assertNull(rcpt("bob@example.net", null, null).originalRecipient());
    }

    @Test
    void notifyDecidesWhichNoticesAreSent() {
        assertTrue(rcpt(null, null, null).wants().failure());
        assertTrue(rcpt(null, null, null).wants().delay());
        assertFalse(rcpt(null, null, null).wants().success());
        assertFalse(rcpt(null, "NEVER", null).wants().failure());
        assertFalse(rcpt(null, "SUCCESS,FAILURE", null).wants().delay());
        assertTrue(rcpt(null, "SUCCESS", null).wants().success());
    }

    @Test
    void withActionKeepsTheDsnRequest() {
        DsnRecipient r = rcpt(null, "DELAY", "rfc822;x@y").withAction("delayed");
        assertEquals("delayed", r.action());
        assertEquals("DELAY", r.dsnNotify());
        assertEquals("rfc822;x@y", r.dsnOrcpt());
    }

    @Test
    void diagnosticCodeQuotesTheServer() {
        assertEquals("smtp; 550 5.1.1 no such user", rcpt(null, null, null).diagnosticCode());
        DsnRecipient relayed = new DsnRecipient("bob@example.net", null, "2.0.0", "relayed",
                "250 2.0.0 Ok: queued as 7C1A2", "mx.example.net[192.0.2.1]:25");
        assertEquals("smtp; 250 2.0.0 Ok: queued as 7C1A2", relayed.diagnosticCode());
        DsnRecipient local = new DsnRecipient("root@example.test", null, "2.0.0", "delivered",
                "delivered to maildir", "local");
        assertEquals("X-Postfix; delivered to maildir", local.diagnosticCode());
        assertNull(local.remoteMta());
        DsnRecipient piped = new DsnRecipient("joe@example.test", null, "5.1.1", "failed",
                "user unknown. Command output: no such user ", "maildrop");
        assertNull(piped.remoteMta(), "a pipe service is no remote MTA");
        assertEquals("X-Postfix; user unknown. Command output: no such user ", piped.diagnosticCode());
    }
}
