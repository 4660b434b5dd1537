package mta.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mta.config.Config;
import mta.mail.Address;
import mta.queue.QueueFile;
import mta.queue.QueueName;
import mta.queue.Queues;
import mta.util.MailLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CleanupHeaderRewriteTest - header addresses of local mail get @$myorigin, canonical maps and
 * masquerading; remote mail's headers stay as they came; display names and comments are kept.
 */
class CleanupHeaderRewriteTest {
    @TempDir
    Path tmp;

    private List<String> submit(Map<String, String> params, String context, String... headerLines) throws Exception {
        Map<String, String> p = new HashMap<>(Map.of("queue_directory", tmp.resolve("spool").toString(),
                "myhostname", "mx.example.test", "myorigin", "example.test", "mydestination", "example.test"));
        p.putAll(params);
        Queues queues = new Queues(tmp.resolve("spool"));
        queues.create();
        Cleanup cleanup = new Cleanup(Config.of(p), queues, MailLog.stderr("postfix"), request -> { });
        String id;
        try (CleanupService.Transaction t = cleanup.open(CleanupService.Source.PICKUP)) {
            t.sender(Address.parse("alice"), "");
            t.attribute("rewrite_context", context);
            t.recipient(Address.parse("bob@remote.test"), null);
            for (String l : headerLines) line(t, l);
            line(t, "");
            line(t, "body");
            id = t.commit();
        }
        Path file = queues.file(QueueName.INCOMING, id);
        List<String> out = new ArrayList<>();
        QueueFile.forEachLine(file, QueueFile.readEnvelope(file).contentOffset(),
                (b, n) -> out.add(new String(b, 0, n, StandardCharsets.UTF_8)));
        return out.subList(0, out.indexOf(""));
    }

    private static void line(CleanupService.Transaction t, String s) throws Exception {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        t.line(b, b.length);
    }

    @Test
    void localMailGetsMyoriginInEveryAddressHeader() throws Exception {
        List<String> h = submit(Map.of(), "local",
                "From: \"Alice A.\" <alice>", "Sender: alice (the real one)", "To: bob, Carol <carol@other.test>",
                "Cc: team: dave;", "Reply-To: eve", "Resent-From: frank", "Subject: alice");
        assertTrue(h.contains("From: \"Alice A.\" <alice@example.test>"), h.toString());
        assertTrue(h.contains("Sender: alice@example.test (the real one)"), h.toString());
        assertTrue(h.contains("To: bob@example.test, Carol <carol@other.test>"), h.toString());
        assertTrue(h.contains("Cc: team: dave@example.test;"), h.toString());
        assertTrue(h.contains("Reply-To: eve@example.test"), h.toString());
        assertTrue(h.contains("Resent-From: frank@example.test"), h.toString());
        assertTrue(h.contains("Subject: alice"), "not an address header: " + h);
    }

    @Test
    void remoteMailHeadersAreLeftAlone() throws Exception {
        List<String> h = submit(Map.of("canonical_maps", "inline:{bob=robert@example.test}"), "remote",
                "From: alice", "To: bob");
        assertEquals(List.of("From: alice", "To: bob"), h.subList(0, 2));
    }

    @Test
    void canonicalMapsApplyByHeaderClass() throws Exception {
        List<String> h = submit(Map.of(
                        "sender_canonical_maps", "inline:{alice@example.test=alice.smith@example.test}",
                        "recipient_canonical_maps", "inline:{alice@example.test=alice-in@example.test}",
                        "canonical_maps", "inline:{bob@example.test=robert@example.test}"), "local",
                "From: Alice <alice>", "To: Alice <alice>, bob (Bob)", "Reply-To: alice");
        assertTrue(h.contains("From: Alice <alice.smith@example.test>"), h.toString());
        assertTrue(h.contains("To: Alice <alice-in@example.test>, robert@example.test (Bob)"), h.toString());
        assertTrue(h.contains("Reply-To: alice-in@example.test"), "Reply-To is a recipient header: " + h);
    }

    @Test
    void canonicalClassesCanLeaveHeadersOut() throws Exception {
        List<String> h = submit(Map.of("canonical_maps", "inline:{bob@example.test=robert@example.test}",
                "canonical_classes", "envelope_sender, envelope_recipient"), "local", "To: bob");
        assertEquals("To: bob@example.test", h.get(0));
    }

    @Test
    void masqueradingFollowsMasqueradeClasses() throws Exception {
        List<String> h = submit(Map.of("masquerade_domains", "example.test"), "local",
                "From: alice@host.example.test", "To: bob@host.example.test", "Cc: carol@host.other.test");
        assertTrue(h.contains("From: alice@example.test"), h.toString());
        assertTrue(h.contains("To: bob@example.test"), "header_recipient is a default class: " + h);
        assertTrue(h.contains("Cc: carol@host.other.test"), h.toString());

        List<String> only = submit(Map.of("masquerade_domains", "example.test", "masquerade_classes", "envelope_sender, header_sender"),
                "local", "From: alice@host.example.test", "To: bob@host.example.test");
        assertTrue(only.contains("To: bob@host.example.test"), only.toString());
    }

    @Test
    void appendAtMyoriginNoLeavesBareNames() throws Exception {
        List<String> h = submit(Map.of("append_at_myorigin", "no"), "local", "From: alice", "To: bob");
        assertEquals(List.of("From: alice", "To: bob"), h.subList(0, 2));
    }

    private static String smtpFromAlice(Path tmp, String... params) throws Exception {
        mta.testing.TestSite site = new mta.testing.TestSite(tmp);
        for (int i = 0; i < params.length; i += 2) site.param(params[i], params[i + 1]);
        site.write();
        try (mta.master.Master m = mta.master.Master.start(site.config, mta.master.Master.Options.defaults());
             mta.testing.Transcript t = mta.testing.Transcript.connect(site.smtpdPort)) {
            t.expect("220 ");
            t.send("EHLO client.example.test").expect("250 ");
            t.send("MAIL FROM:<alice@example.test>").expect("250 ");
            t.send("RCPT TO:<root@example.test>").expect("250 ");
            t.send("DATA").expect("354 ");
            t.send("From: Alice <alice>").send("Subject: x").send("").send("x");
            assertTrue(t.send(".").reply().startsWith("250 "));
            Path newDir = site.maildir("root").resolve("new");
            mta.e2e.WalkingSkeletonTest.waitFor(() -> mta.e2e.WalkingSkeletonTest.count(newDir) == 1, "delivery");
            try (var files = java.nio.file.Files.list(newDir)) {
                return java.nio.file.Files.readString(files.findFirst().orElseThrow());
            }
        }
    }

    @Test
    void smtpClientOnAnAddressOfOursIsLocal() throws Exception {
        assertTrue(smtpFromAlice(tmp.resolve("a")).contains("From: Alice <alice@mx.example.test>"),
                "permit_inet_interfaces: 127.0.0.1 is ours");
    }

    @Test
    void smtpClientOutsideLocalHeaderRewriteClientsIsRemote() throws Exception {
        String text = smtpFromAlice(tmp.resolve("b"), "local_header_rewrite_clients", "permit_mynetworks",
                "mynetworks", "192.0.2.0/24");
        assertTrue(text.contains("From: Alice <alice>\n") || text.contains("From: Alice <alice>\r\n"), text);
    }
}
