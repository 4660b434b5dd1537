package mta.e2e;

import static mta.e2e.WalkingSkeletonTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import mta.master.Master;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * VirtualDomainsTest - virtual alias domains (named addresses and a catch-all) and virtual mailbox
 * domains, delivered by the virtual agent into a Maildir and an mbox under virtual_mailbox_base;
 * unknown addresses in both kinds of domain are refused at RCPT TO.
 */
class VirtualDomainsTest {
    @TempDir
    Path tmp;

    @Test
    void aliasDomainsAndMailboxDomains() throws Exception {
        Path vmail = TestSite.virtualMailboxBase(tmp.resolve("vmail"), 5000, 5001);
        Path mailboxes = tmp.resolve("vmailbox");
        Files.writeString(mailboxes, "ann@box.example box.example/ann/\nben@box.example box.example/ben\n");
        Path aliases = tmp.resolve("virtual");
        Files.writeString(aliases, "info@alias.example ann@box.example\n@catch.example ben@box.example\n");
        TestSite site = new TestSite(tmp.resolve("site")).masterCf(RoutingTest.MASTER_CF)
                .param("virtual_alias_domains", "alias.example, catch.example")
                .param("virtual_alias_maps", "texthash:" + aliases)
                .param("virtual_mailbox_domains", "box.example")
                .param("virtual_mailbox_maps", "texthash:" + mailboxes)
                .param("virtual_mailbox_base", vmail.toString())
                .param("virtual_uid_maps", "static:5000")
                .param("virtual_gid_maps", "static:5001")
                .write();
        try (Master m = Master.start(site.config, Master.Options.defaults());
             Transcript t = Transcript.connectFrom("127.0.0.2", site.smtpdPort)) {
            t.expect("220 ");
            t.send("HELO outside.example").expect("250 ");
            t.send("MAIL FROM:<sender@outside.example>").expect("250 2.1.0 Ok");
            t.send("RCPT TO:<info@alias.example>").expect("250 2.1.5 Ok");
            t.send("RCPT TO:<nobody@alias.example>").expect(
                    "550 5.1.1 <nobody@alias.example>: Recipient address rejected: User unknown in virtual alias table");
            t.send("RCPT TO:<anything@catch.example>").expect("250 2.1.5 Ok");
            t.send("RCPT TO:<ann@box.example>").expect("250 2.1.5 Ok");
            t.send("RCPT TO:<ben@box.example>").expect("250 2.1.5 Ok");
            t.send("RCPT TO:<ghost@box.example>").expect(
                    "550 5.1.1 <ghost@box.example>: Recipient address rejected: User unknown in virtual mailbox table");
            t.send("DATA").expect("354 ");
            t.send("Subject: virtual");
            t.send("");
            t.send("From the start");
            t.send(".").expect("250 2.0.0 Ok: queued as ");
            t.send("QUIT").expect("221 ");
            waitFor(() -> WalkingSkeletonTest.queueEmpty(m), "the queue empties");
        }
        // info@ and ann@ are one address after alias expansion: cleanup keeps one copy.
        Path ann = vmail.resolve("box.example/ann");
        assertEquals(1, count(ann.resolve("new")));
        String maildirMessage;
        try (Stream<Path> s = Files.list(ann.resolve("new"))) {
            maildirMessage = Files.readString(s.findFirst().orElseThrow());
        }
        assertTrue(maildirMessage.startsWith("Return-Path: <sender@outside.example>\nX-Original-To: ann@box.example\nDelivered-To: ann@box.example\n"),
                maildirMessage);
        // anything@catch.example -> ben@box.example, and ben@ himself: one copy, in an mbox.
        Path ben = vmail.resolve("box.example/ben");
        String mbox = Files.readString(ben);
        assertTrue(mbox.startsWith("From sender@outside.example "), mbox);
        assertTrue(mbox.contains("Delivered-To: ben@box.example\n"), mbox);
        assertTrue(mbox.contains("\n>From the start\n"), mbox);
        if ("root".equals(System.getProperty("user.name"))) {
            assertEquals(5000, Files.getAttribute(ben, "unix:uid"));
            assertEquals(5001, Files.getAttribute(ben, "unix:gid"));
            assertEquals(5000, Files.getAttribute(ann.resolve("new"), "unix:uid"));
        }
        String log = Files.readString(site.maillog);
        assertTrue(log.matches("(?s).*postfix/virtual\\[\\d+\\]: [0-9A-F]+: to=<ann@box\\.example>, orig_to=<info@alias\\.example>, "
                + "relay=virtual, .*status=sent \\(delivered to maildir\\).*"), log);
        assertTrue(log.matches("(?s).*to=<ben@box\\.example>, orig_to=<anything@catch\\.example>, relay=virtual, .*status=sent \\(delivered to mailbox\\).*"), log);
    }

    @Test
    void aUidBelowTheMinimumIsDeferredNotDelivered() throws Exception {
        Path vmail = tmp.resolve("vmail");
        Path mailboxes = tmp.resolve("vmailbox");
        Files.writeString(mailboxes, "@box.example box.example/all/\n");
        TestSite site = new TestSite(tmp.resolve("site")).masterCf(RoutingTest.MASTER_CF)
                .param("virtual_mailbox_domains", "box.example")
                .param("virtual_mailbox_maps", "texthash:" + mailboxes)
                .param("virtual_mailbox_base", vmail.toString())
                .param("virtual_uid_maps", "static:0")
                .param("virtual_gid_maps", "static:0")
                .write();
        try (Master m = Master.start(site.config, Master.Options.defaults());
             Transcript t = Transcript.connect(site.smtpdPort)) {
            t.expect("220 ");
            t.send("HELO client.example").expect("250 ");
            t.send("MAIL FROM:<a@client.example>").expect("250 2.1.0 Ok");
            t.send("RCPT TO:<anyone@box.example>").expect("250 2.1.5 Ok");
            t.send("DATA").expect("354 ");
            t.send("Subject: root");
            t.send(".").expect("250 2.0.0 Ok: queued as ");
            t.send("QUIT").expect("221 ");
            waitFor(() -> log(site).contains("status=deferred (mail system configuration error: recipient "
                    + "anyone@box.example: bad uid 0 in virtual_uid_maps)"), "the delivery is deferred");
        }
        assertTrue(Files.notExists(vmail.resolve("box.example")));
    }

    private static String log(TestSite site) {
        try {
            return Files.readString(site.maillog);
        } catch (IOException e) {
            return "";
        }
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }
}
