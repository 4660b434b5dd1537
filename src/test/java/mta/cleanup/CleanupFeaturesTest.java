package mta.cleanup;

import static mta.e2e.WalkingSkeletonTest.read;
import static mta.e2e.WalkingSkeletonTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import mta.master.Master;
import mta.queue.QueueFile;
import mta.queue.QueueName;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CleanupFeaturesTest - cleanup's rewriting and content checks on a running system: virtual
 * aliases, canonical maps, masquerading, header_checks and body_checks actions.
 */
class CleanupFeaturesTest {
    @TempDir
    Path tmp;

    private static String send(int port, String from, String rcpt, String... lines) throws Exception {
        try (Transcript t = Transcript.connect(port)) {
            t.expect("220 ");
            t.send("EHLO client.example.test").expect("250 ");
            t.send("MAIL FROM:<" + from + ">").expect("250 ");
            t.send("RCPT TO:<" + rcpt + ">").expect("250 ");
            t.send("DATA").expect("354 ");
            for (String l : lines) t.send(l);
            return t.send(".").reply();
        }
    }

    private static String maildirText(Path newDir) throws Exception {
        try (Stream<Path> s = Files.list(newDir)) {
            return Files.readString(s.findFirst().orElseThrow());
        }
    }

    @Test
    void virtualAliasesCanonicalMapsAndMasquerading() throws Exception {
        Files.createDirectories(tmp.resolve("etc"));
        Files.writeString(tmp.resolve("etc/virtual"), "/^info@example\\.test$/ root\n");
        Files.writeString(tmp.resolve("etc/canonical"), "/^alice@(.*)$/ alice.smith@$1\n");
        TestSite site = new TestSite(tmp)
                .param("virtual_alias_maps", "regexp:" + tmp.resolve("etc/virtual"))
                .param("sender_canonical_maps", "regexp:" + tmp.resolve("etc/canonical"))
                .param("masquerade_domains", "example.test")
                .write();
        try (Master m = Master.start(site.config, Master.Options.defaults())) {
            assertTrue(send(site.smtpdPort, "alice@host.example.test", "info@example.test", "Subject: v", "", "x")
                    .startsWith("250 2.0.0 Ok: queued as "));
            Path newDir = site.maildir("root").resolve("new");
            waitFor(() -> mta.e2e.WalkingSkeletonTest.count(newDir) == 1, "delivery through the virtual alias");
            String text = maildirText(newDir);
            assertTrue(text.startsWith("Return-Path: <alice.smith@example.test>\n"), text);
            // the delivery line is logged once the agent returns, a moment after the file is in place
            waitFor(() -> read(site.maillog).contains("to=<root@mx.example.test>, orig_to=<info@example.test>, relay=local"),
                    "the delivery is logged with orig_to");
        }
    }

    @Test
    void headerAndBodyChecks() throws Exception {
        Files.createDirectories(tmp.resolve("etc"));
        Files.writeString(tmp.resolve("etc/header_checks"), String.join("\n",
                "/^Subject: .*viagra/ REJECT no spam here",
                "/^Subject: hold me/ HOLD held for review",
                "/^Subject: drop me/ DISCARD",
                "/^X-Secret:/ IGNORE",
                "/^Subject: tag/ PREPEND X-Tagged: yes", ""));
        Files.writeString(tmp.resolve("etc/body_checks"), "/^password=/ REPLACE password=(removed)\n");
        TestSite site = new TestSite(tmp)
                .param("header_checks", "regexp:" + tmp.resolve("etc/header_checks"))
                .param("body_checks", "regexp:" + tmp.resolve("etc/body_checks"))
                .write();
        try (Master m = Master.start(site.config, Master.Options.defaults())) {
            assertEquals("550 5.7.1 no spam here", send(site.smtpdPort, "a@example.test", "root@example.test",
                    "Subject: cheap VIAGRA", "", "x"));
            String held = send(site.smtpdPort, "a@example.test", "root@example.test", "Subject: hold me", "", "x");
            String heldId = held.substring(held.lastIndexOf(' ') + 1);
            assertTrue(Files.exists(m.queues().file(QueueName.HOLD, heldId)), "held: " + held);
            assertTrue(send(site.smtpdPort, "a@example.test", "root@example.test", "Subject: drop me", "", "x")
                    .startsWith("250 "));
            send(site.smtpdPort, "a@example.test", "root@example.test",
                    "Subject: tag", "X-Secret: 42", "", "password=hunter2", "kept");
            Path newDir = site.maildir("root").resolve("new");
            waitFor(() -> mta.e2e.WalkingSkeletonTest.count(newDir) == 1, "the tagged message is delivered");
            String text = maildirText(newDir);
            assertTrue(text.contains("X-Tagged: yes\nSubject: tag\n"), text);
            assertTrue(!text.contains("X-Secret"), text);
            assertTrue(text.contains("\npassword=(removed)\nkept\n"), text);
            assertEquals(1, QueueFile.readEnvelope(m.queues().file(QueueName.HOLD, heldId)).recipients().size());
            String log = read(site.maillog);
            // Postfix's words: the client, the envelope, proto and helo, then the action's text
            assertTrue(log.contains(": reject: header Subject: cheap VIAGRA from unknown[127.0.0.1]; from=<a@example.test> "
                    + "to=<root@example.test> proto=ESMTP helo=<client.example.test>: 5.7.1 no spam here"), log);
            assertTrue(log.contains(": discard: header Subject: drop me from unknown[127.0.0.1]; from=<a@example.test> "
                    + "to=<root@example.test> proto=ESMTP helo=<client.example.test>\n"), log);
            assertTrue(log.contains(": prepend: header Subject: tag from unknown[127.0.0.1]; from=<a@example.test> "
                    + "to=<root@example.test> proto=ESMTP helo=<client.example.test>: X-Tagged: yes\n"), log);
            assertTrue(log.contains(": replace: body password=hunter2 from unknown[127.0.0.1]; from=<a@example.test> "
                    + "to=<root@example.test> proto=ESMTP helo=<client.example.test>: password=(removed)\n"), log);
            assertTrue(!log.contains("message discarded"), "Postfix writes no line after the discard: line: " + log);
        }
    }
}
