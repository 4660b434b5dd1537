package mta.e2e;

import static mta.e2e.WalkingSkeletonTest.inboxSize;
import static mta.e2e.WalkingSkeletonTest.queueEmpty;
import static mta.e2e.WalkingSkeletonTest.read;
import static mta.e2e.WalkingSkeletonTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import mta.master.Master;
import mta.queue.QueueName;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ReloadTest - postfix reload changes behaviour without losing queued mail or cutting sessions:
 * a new relayhost takes a deferred message; a changed mynetworks takes effect for new sessions;
 * master.cf listeners open and close; a broken configuration is refused and the old one stays.
 */
class ReloadTest {
    @TempDir
    Path tmp;

    @Test
    void reloadChangesRelayhostAndMynetworksWithoutLosingMail() throws Exception {
        int deadPort = TestSite.freePort();
        int mxPort = TestSite.freePort();
        TestSite site = new TestSite(tmp).param("relayhost", "[127.0.0.1]:" + deadPort)
                .param("minimal_backoff_time", "300s").param("maximal_backoff_time", "300s").write();
        GreenMail gm = new GreenMail(new ServerSetup(mxPort, "127.0.0.1", "smtp"));
        gm.start();
        try (Master m = Master.start(site.config, Master.Options.defaults())) {
            String id;
            try (Transcript t = Transcript.connect(site.smtpdPort)) {
                t.expect("220 ");
                t.send("HELO client").expect("250 ");
                t.send("MAIL FROM:<alice@example.test>").expect("250 ");
                t.send("RCPT TO:<bob@remote.example>").expect("250 ");
                t.send("DATA").expect("354 ");
                t.send("Subject: survives reload");
                t.send("");
                t.send(".").expect("250 ");
                t.send("QUIT").expect("221 ");
            }
            waitFor(() -> {
                try {
                    return m.queues().list(QueueName.DEFERRED).size() == 1;
                } catch (Exception e) {
                    return false;
                }
            }, "deferred while the relayhost is down");
            id = m.queues().list(QueueName.DEFERRED).get(0);

            // A session opened before the reload keeps working across it.
            try (Transcript open = Transcript.connectFrom("127.0.0.2", site.smtpdPort)) {
                open.expect("220 ");
                open.send("HELO outside").expect("250 ");
                open.send("MAIL FROM:<x@outside.example>").expect("250 ");
                open.send("RCPT TO:<y@remote.example>").expect("554 5.7.1");

                site.param("relayhost", "[127.0.0.1]:" + mxPort).param("mynetworks", "127.0.0.0/8").write();
                m.reload();
                waitFor(() -> read(site.maillog).contains("reload -- version "), "the reload is logged");

                open.send("NOOP").expect("250 ");
                open.send("QUIT").expect("221 ");
            }
            // New sessions see the new mynetworks at once.
            try (Transcript t = Transcript.connectFrom("127.0.0.2", site.smtpdPort)) {
                t.expect("220 ");
                t.send("HELO inside-now").expect("250 ");
                t.send("MAIL FROM:<x@example.test>").expect("250 ");
                t.send("RCPT TO:<y@remote.example>").expect("250 2.1.5 Ok");
                t.send("QUIT").expect("221 ");
            }
            // The deferred message goes to the new relayhost when flushed.
            m.triggerQmgr('A');
            waitFor(() -> inboxSize(gm, "bob@remote.example") == 1, "the deferred message reaches the new relayhost");
            waitFor(() -> queueEmpty(m), "the queue empties");
            assertTrue(read(site.maillog).contains(id + ": to=<bob@remote.example>, relay=127.0.0.1[127.0.0.1]:" + mxPort));
        } finally {
            gm.stop();
        }
    }

    @Test
    void reloadOpensAndClosesListenersAndRefusesABrokenConfiguration() throws Exception {
        TestSite site = new TestSite(tmp).write();
        int second = TestSite.freePort();
        try (Master m = Master.start(site.config, Master.Options.defaults())) {
            assertEquals(1, m.smtpdPorts().size());
            Path masterCf = site.config.resolve("master.cf");
            String original = Files.readString(masterCf);
            Files.writeString(masterCf, original + "127.0.0.1:" + second
                    + " inet n - n - - smtpd\n  -o smtpd_banner=second.example.test\n");
            m.reload();
            assertEquals(2, m.smtpdPorts().size());
            try (Transcript t = Transcript.connect(second)) {
                t.expect("220 second.example.test");
            }
            Files.writeString(masterCf, original);
            m.reload();
            assertEquals(java.util.List.of(site.smtpdPort), m.smtpdPorts());

            Files.writeString(site.config.resolve("main.cf"), "message_size_limit = lots\n", java.nio.file.StandardOpenOption.APPEND);
            m.reload();
            assertTrue(read(site.maillog).contains("warning: reload refused, configuration unchanged: bad numerical configuration: "
                    + "message_size_limit = lots"), read(site.maillog));
            try (Transcript t = Transcript.connect(site.smtpdPort)) {
                t.expect("220 mx.example.test");
            }
        }
    }
}
