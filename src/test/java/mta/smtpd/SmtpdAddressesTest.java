package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Path;
import mta.master.Master;
import mta.testing.Maildirs;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SmtpdAddressesTest - which addresses the SMTP server takes: domain syntax, address literals of
 * this host, and virtual mailbox domains without a mailbox table.
 *
 * <p>The system listens on 127.0.0.1 ({@code inet_interfaces}) behind a NAT whose public address is
 * 192.0.2.25 ({@code proxy_interfaces}). Clients on 127.0.0.3 are outside mynetworks.
 */
class SmtpdAddressesTest {
    private static final String OUTSIDE = "127.0.0.3";

    @TempDir
    static Path tmp;
    static TestSite site;
    static Master m;
    static SmtpdTestSupport sup;

    @BeforeAll
    static void start() throws Exception {
        site = new TestSite(tmp)
                .relayedMailWaits()
                .param("inet_interfaces", "127.0.0.1")
                .param("proxy_interfaces", "192.0.2.25")
                .param("relay_domains", "remote.example")
                .param("virtual_mailbox_domains", "virt.example")
                .write();
        m = Master.start(site.config, Master.Options.defaults());
        sup = new SmtpdTestSupport(site, m);
    }

    @AfterAll
    static void stop() {
        if (m != null) m.close();
    }

    private static Transcript mail(String client) throws Exception {
        Transcript t = sup.ehlo(client);
        t.send("MAIL FROM:<a@client.example>").expect("250 2.1.0");
        return t;
    }

    /**
     * An IP address without brackets, a malformed literal, or a domain that is no host name is bad
     * syntax, in RCPT and in MAIL, with Postfix's warning; even a trusted client gets no further.
     */
    @ParameterizedTest
    @ValueSource(strings = {"user@192.0.2.1", "user@1.2.3", "user@01.2.3.4", "user@1.2.3.4.", "user@[1.2.3]",
            "user@[999.1.1.1]", "user@::1", "user@[::1]", "user@-bad.example", "user@a..b", "user@exa$mple.com",
            "\"user@192.0.2.1\"", "user@[192.0.2.1]x"})
    void badDomainsAreBadSyntax(String address) throws Exception {
        try (Transcript t = mail("127.0.0.1")) {
            t.send("RCPT TO:<" + address + ">").expect("501 5.1.3 Bad recipient address syntax");
            t.send("RCPT TO:<bob@remote.example>").expect("250 2.1.5");
            t.send("RSET").expect("250 ");
            t.send("MAIL FROM:<" + address + ">").expect("501 5.1.7 Bad sender address syntax");
            t.send("VRFY <" + address + ">").expect("501 5.1.3 Bad recipient address syntax");
        }
        sup.awaitLog("warning: Illegal address syntax from unknown[127.0.0.1] in RCPT command: <" + address + ">");
        sup.awaitLog("warning: Illegal address syntax from unknown[127.0.0.1] in MAIL command: <" + address + ">");
    }

    @ParameterizedTest
    @ValueSource(strings = {"user@[192.0.2.1]", "user@[IPv6:2001:db8::1]", "user@remote.example.", "user@host_name.example",
            "user@1example.com", "user@example.123", "user@xn--bcher-kva.example"})
    void goodDomainsPass(String address) throws Exception {
        try (Transcript t = mail("127.0.0.1")) {
            t.send("RCPT TO:<" + address + ">").expect("250 2.1.5");
            t.send("RSET").expect("250 ");
            t.send("MAIL FROM:<" + address + ">").expect("250 2.1.0");
        }
    }

    /** [our address] is a local destination: unknown users are unknown, not relay attempts; known ones get mail. */
    @Test
    void ownAddressLiteralsAreLocal() throws Exception {
        try (Transcript t = mail(OUTSIDE)) {
            t.send("RCPT TO:<nosuchuser@[127.0.0.1]>").expect(
                    "550 5.1.1 <nosuchuser@[127.0.0.1]>: Recipient address rejected: User unknown in local recipient table");
            t.send("RCPT TO:<nosuchuser@[192.0.2.25]>").expect(
                    "550 5.1.1 <nosuchuser@[192.0.2.25]>: Recipient address rejected: User unknown in local recipient table");
            t.send("RCPT TO:<someone@[192.0.2.26]>").expect("554 5.7.1 <someone@[192.0.2.26]>: Relay access denied");
            t.send("RCPT TO:<root@[127.0.0.1]>").expect("250 2.1.5");
            t.send("DATA").expect("354 ");
            t.send("Subject: to a literal");
            t.send("");
            t.send("hello");
            t.send(".").expect("250 2.0.0 Ok: queued as ");
        }
        SmtpdTestSupport.waitFor(() -> Maildirs.bySubject(site.maildir("root"), "to a literal") != null,
                "root@[127.0.0.1] is delivered to root's mailbox");
        assertNotNull(Maildirs.bySubject(site.maildir("root"), "to a literal"));
    }

    /** virtual_mailbox_domains without virtual_mailbox_maps: no table to be unlisted from, so every address passes. */
    @Test
    void virtualMailboxDomainWithoutMapsAcceptsAll() throws Exception {
        try (Transcript t = mail(OUTSIDE)) {
            t.send("RCPT TO:<anyone@virt.example>").expect("250 2.1.5");
            t.send("RCPT TO:<nobody@virt.example>").expect("250 2.1.5");
        }
    }
}
