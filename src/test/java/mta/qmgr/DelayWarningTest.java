package mta.qmgr;

import static mta.qmgr.QmgrSchedulingTest.count;
import static mta.qmgr.QmgrSchedulingTest.read;
import static mta.qmgr.QmgrSchedulingTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import mta.master.Master;
import mta.queue.QueueName;
import mta.queue.Queues;
import mta.testing.Maildirs;
import mta.testing.TestQueue;
import mta.testing.TestSite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DelayWarningTest - a message queued longer than delay_warning_time earns its sender exactly one
 * "Delayed Mail (still being retried)" notice, however often it is retried; the default 0h sends none.
 */
class DelayWarningTest {
    @TempDir
    Path tmp;

    @Test
    void oneWarningPerMessage() throws Exception {
        int refused = TestSite.freePort();
        TestSite site = new TestSite(tmp).param("relayhost", "[127.0.0.1]:" + refused)
                .param("delay_warning_time", "1h").write();
        Queues queues = new Queues(site.queue);
        String id = TestQueue.write(queues, QueueName.DEFERRED, Instant.now().minus(Duration.ofHours(2)),
                "root@example.test", List.of("bob@remote.example"), "slow");
        Path root = site.maildir("root");
        try (Master m = Master.start(site.config, Master.Options.defaults())) {
            waitFor(() -> count(read(site.maillog), id + ": to=<bob@remote\\.example>.*status=deferred") >= 3,
                    "three attempts");
            waitFor(() -> Maildirs.messages(root).size() == 1, "the warning reaches the sender");
            assertTrue(Files.exists(DelayMarker.path(queues, id)), "the warning is remembered");
        }
        String log = read(site.maillog);
        assertEquals(1, count(log, id + ": sender delay notification: [0-9A-F]+"), log);
        MimeMessage warning = Maildirs.bySubject(root, "Delayed Mail (still being retried)");
        assertNotNull(warning);
        assertEquals("<>", warning.getHeader("Return-Path")[0]);
        assertTrue(BounceText.of(warning, 0).contains("2 hour(s)"));
        String status = BounceText.of(warning, 1);
        assertTrue(status.contains("Action: delayed"), status);
        assertTrue(status.contains("Will-Retry-Until: "), status);
        assertEquals(1, Maildirs.messages(root).size());
    }

    @Test
    void noWarningByDefault() throws Exception {
        int refused = TestSite.freePort();
        TestSite site = new TestSite(tmp).param("relayhost", "[127.0.0.1]:" + refused).write();
        Queues queues = new Queues(site.queue);
        String id = TestQueue.write(queues, QueueName.DEFERRED, Instant.now().minus(Duration.ofDays(1)),
                "root@example.test", List.of("bob@remote.example"), "slow");
        try (Master m = Master.start(site.config, Master.Options.defaults())) {
            waitFor(() -> count(read(site.maillog), id + ": to=<bob@remote\\.example>.*status=deferred") >= 1,
                    "an attempt");
        }
        assertTrue(!read(site.maillog).contains("delay notification"));
    }
}
