package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import mta.master.Master;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RelayBatteryTest - no open relay under any address trick, against a running system.
 *
 * <p>A client outside mynetworks (127.0.0.2) tries every known way of smuggling a remote
 * recipient past relay control; a GreenMail server is the relayhost, so anything relayed would
 * land there. Every trick must be refused at RCPT time; postmaster of our domains must be
 * accepted and delivered locally; at the end GreenMail must have received only the one message a
 * trusted client (127.0.0.1) sent on purpose, which proves the relay path itself works.
 */
class RelayBatteryTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    /** Recipient spellings that must never be accepted from an outsider. */
    private static final List<String> TRICKS = List.of(
            "victim@remote.example",
            "victim@REMOTE.Example",
            "victim@remote.example.",
            "victim@REMOTE.example.",
            "victim%remote.example@mx.example.test",
            "victim%remote.example@example.test",
            "\"victim@remote.example\"@mx.example.test",
            "victim@remote.example@mx.example.test",
            "remote.example!victim@mx.example.test",
            "@mx.example.test:victim@remote.example",
            "@mx.example.test,@example.test:victim@remote.example",
            "victim@[192.0.2.1]",
            "victim@[127.0.0.1]",
            "victim@[IPv6:::1]",
            "postmaster@remote.example",
            "postmaster%remote.example@example.test");

    @TempDir
    Path tmp;

    @Test
    void everyTrickIsRefusedAndNothingIsRelayed() throws Exception {
        int mxPort = TestSite.freePort();
        GreenMail gm = new GreenMail(new ServerSetup(mxPort, "127.0.0.1", "smtp"));
        gm.start();
        try {
            TestSite site = new TestSite(tmp).param("relayhost", "[127.0.0.1]:" + mxPort).write();
            try (Master m = Master.start(site.config, Master.Options.defaults())) {
                try (Transcript t = Transcript.connectFrom("127.0.0.2", site.smtpdPort)) {
                    t.expect("220 ");
                    t.send("EHLO outside.example").expect("250");
                    t.send("MAIL FROM:<spammer@outside.example>").expect("250 2.1.0");
                    for (String rcpt : TRICKS) {
                        String reply = t.send("RCPT TO:<" + rcpt + ">").reply();
                        // [127.0.0.1] and [IPv6:::1] are this host's own literals: local, and victim is unknown there
                        assertTrue(reply.startsWith("554 5.7.1 ") || reply.startsWith("501 ")
                                        || reply.startsWith("550 5.1.1 <victim@[") && reply.endsWith("User unknown in local recipient table"),
                                "RCPT TO:<" + rcpt + "> must be refused, got: " + reply);
                    }
                    t.send("DATA").expect("554 5.5.1 Error: no valid recipients");
                    t.send("RSET").expect("250");
                    // Postmaster of our domains, in any case, is always accepted (RFC 5321 4.5.1).
                    t.send("MAIL FROM:<spammer@outside.example>").expect("250");
                    t.send("RCPT TO:<PostMaster>").expect("250 2.1.5");
                    t.send("RCPT TO:<POSTMASTER@Example.Test>").expect("250 2.1.5");
                    t.send("DATA").expect("354");
                    t.send("Subject: to postmaster");
                    t.send("");
                    t.send("hello");
                    t.send(".").expect("250 2.0.0 Ok: queued as");
                    t.send("QUIT").expect("221");
                }
                Path rootNew = site.maildir("root").resolve("new");
                waitFor(() -> count(rootNew) >= 1, "the postmaster message is delivered locally (postmaster: root)");
                try (Transcript t = Transcript.connect(site.smtpdPort)) {
                    t.expect("220 ");
                    t.send("EHLO inside.example").expect("250");
                    t.send("MAIL FROM:<root@example.test>").expect("250");
                    t.send("RCPT TO:<control@remote.example>").expect("250 2.1.5");
                    t.send("DATA").expect("354");
                    t.send("Subject: control");
                    t.send("");
                    t.send(".").expect("250 2.0.0 Ok: queued as");
                }
                waitFor(() -> gm.getReceivedMessages().length >= 1, "the trusted client's message reaches GreenMail");
                String log = Files.readString(site.maillog);
                assertTrue(log.contains("NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 554 5.7.1 <victim@remote.example>:"
                        + " Relay access denied; from=<spammer@outside.example> to=<victim@remote.example>"
                        + " proto=ESMTP helo=<outside.example>"), log);
            }
            assertEquals(1, gm.getReceivedMessages().length, "GreenMail must hold only the trusted client's message");
            assertEquals("control", gm.getReceivedMessages()[0].getSubject());
        } finally {
            gm.stop();
        }
    }

    private static void waitFor(BooleanSupplier cond, String what) throws InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) fail("timed out waiting until " + what);
            Thread.sleep(20);
        }
    }

    private static long count(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        } catch (IOException e) {
            return 0;
        }
    }
}
