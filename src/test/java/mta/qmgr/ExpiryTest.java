package mta.qmgr;

import static mta.qmgr.QmgrSchedulingTest.read;
import static mta.qmgr.QmgrSchedulingTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.internet.MimeMessage;
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
 * ExpiryTest - a deferred message older than maximal_queue_lifetime is returned to its sender; a
 * bounce older than bounce_queue_lifetime is given up (and, without 2bounce, discarded).
 */
class ExpiryTest {
    @TempDir
    Path tmp;

    @Test
    void aMessageOlderThanTheQueueLifetimeIsReturnedToTheSender() throws Exception {
        int refused = TestSite.freePort();
        TestSite site = new TestSite(tmp).param("relayhost", "[127.0.0.1]:" + refused)
                .param("maximal_queue_lifetime", "1h").write();
        Queues queues = new Queues(site.queue);
        String id = TestQueue.write(queues, QueueName.DEFERRED, Instant.now().minus(Duration.ofHours(2)),
                "root@example.test", List.of("bob@remote.example"), "too old");
        Path root = site.maildir("root");
        try (Master m = Master.start(site.config, Master.Options.defaults())) {
            waitFor(() -> Maildirs.messages(root).size() == 1, "the notice reaches the sender");
            waitFor(() -> QmgrSchedulingTest.queueEmpty(queues), "the queue empties");
        }
        String log = read(site.maillog);
        assertTrue(log.matches("(?s).*postfix/qmgr\\[\\d+\\]: " + id
                + ": from=<root@example\\.test>, status=expired, returned to sender\n.*"), log);
        assertTrue(log.contains(id + ": sender non-delivery notification: "), log);
        MimeMessage dsn = Maildirs.bySubject(root, "Undelivered Mail Returned to Sender");
        assertNotNull(dsn);
        String status = BounceText.of(dsn, 1);
        assertTrue(status.contains("Action: failed"), status);
        assertTrue(status.contains("Status: 4.4.1"), status);
        assertTrue(status.contains("Diagnostic-Code: X-Postfix; connect to 127.0.0.1[127.0.0.1]:" + refused
                + ": Connection refused"), status);
    }

    @Test
    void aBounceOlderThanTheBounceQueueLifetimeIsGivenUp() throws Exception {
        int refused = TestSite.freePort();
        TestSite site = new TestSite(tmp).param("relayhost", "[127.0.0.1]:" + refused)
                .param("bounce_queue_lifetime", "1h").write();
        Queues queues = new Queues(site.queue);
        String id = TestQueue.write(queues, QueueName.DEFERRED, Instant.now().minus(Duration.ofHours(2)),
                "", List.of("bob@remote.example"), "old bounce");
        String young = TestQueue.write(queues, QueueName.DEFERRED, Instant.now().minus(Duration.ofHours(2)),
                "alice@example.test", List.of("carol@remote.example"), "old but not expired");
        try (Master m = Master.start(site.config, Master.Options.defaults())) {
            waitFor(() -> read(site.maillog).contains(id + ": removed"), "the bounce is given up");
            waitFor(() -> read(site.maillog).contains(young + ": to=<carol@remote.example>"), "the other is tried");
        }
        String log = read(site.maillog);
        assertTrue(log.contains(id + ": from=<>, status=expired, returned to sender"), log);
        assertTrue(log.contains(id + ": undeliverable bounce message discarded"), log);
        assertTrue(!log.contains(young + ": from=<alice@example.test>, status=expired"), log);
        assertEquals(0, Maildirs.messages(site.maildir("root")).size());
    }
}
