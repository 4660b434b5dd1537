package mta.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import mta.cleanup.Cleanup;
import mta.config.Config;
import mta.lookup.Table;
import mta.lookup.Tables;
import mta.queue.QueueFile;
import mta.queue.QueueName;
import mta.queue.Queues;
import mta.queue.TraceFlags;
import mta.queue.VerifyClient.Result;
import mta.queue.VerifyClient.Status;
import mta.util.MailLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * VerifyTest - the verify service's cache rules and probes, with the real cleanup writing into a
 * real queue and a clock the test moves: what a query answers, when a probe goes out, what an
 * update may replace, expiry, the negative cache switch, cleanup runs, the probe sender, and the
 * MVStore file that outlives the service.
 */
class VerifyTest {
    private static final long DAY = 86400;

    @TempDir
    Path tmp;

    private final AtomicLong now = new AtomicLong(1_800_000_000L);
    private final Map<String, String> params = new HashMap<>();
    private Queues queues;
    private MailLog mailLog;
    private Verify verify;

    @BeforeEach
    void setUp() throws Exception {
        queues = new Queues(tmp.resolve("spool"));
        queues.create();
        mailLog = MailLog.open(tmp.resolve("maillog"), "mx.origin.test", "postfix");
        params.put("myhostname", "mx.origin.test");
        params.put("myorigin", "origin.test");
        params.put("queue_directory", tmp.resolve("spool").toString());
        params.put("data_directory", tmp.resolve("data").toString());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (verify != null) verify.close();
        mailLog.close();
    }

    private Verify start() {
        Config c = Config.of(params);
        verify = new Verify(c, new Cleanup(c, queues, mailLog, r -> { }), mailLog, now::get);
        return verify;
    }

    private List<String> probes() throws Exception {
        return queues.list(QueueName.INCOMING);
    }

    private String log() throws Exception {
        return Files.readString(tmp.resolve("maillog"));
    }

    @Test
    void anUnknownAddressIsInProgressAndGetsOneProbe() throws Exception {
        start();
        Result r = verify.query("Bob@Example.NET");
        assertEquals(Status.TODO, r.status());
        assertEquals("Address verification in progress", r.text());
        assertEquals(Status.TODO, verify.query("bob@example.net").status());
        assertEquals(1, probes().size(), "one probe while one is in flight");
        QueueFile.Envelope env = QueueFile.readEnvelope(queues.file(QueueName.INCOMING, probes().get(0)));
        assertEquals("double-bounce@origin.test", env.sender());
        assertEquals("Bob@Example.NET", env.recipients().get(0).address());
        assertTrue(TraceFlags.of(env.attributes()).probe(), env.attributes().toString());
    }

    @Test
    void aProbeTakenAsLostIsSentAgainAfterAThousandSeconds() throws Exception {
        start();
        verify.query("bob@example.net");
        now.addAndGet(999);
        verify.query("bob@example.net");
        assertEquals(1, probes().size());
        now.addAndGet(2);
        assertEquals(Status.TODO, verify.query("bob@example.net").status());
        assertEquals(2, probes().size());
    }

    @Test
    void aDeliverableResultIsUsedRefreshedAndExpires() throws Exception {
        start();
        verify.query("bob@example.net");
        assertTrue(verify.update("bob@example.net", Status.OK, "250 2.1.5 Ok"));
        assertEquals(new Result(Status.OK, "250 2.1.5 Ok"), verify.query("bob@example.net"));
        assertEquals(1, probes().size(), "no probe for a fresh result");
        // a failed probe does not replace a deliverable result
        verify.update("bob@example.net", Status.BOUNCE, "550 no");
        assertEquals(Status.OK, verify.query("bob@example.net").status());
        // after the refresh time: still deliverable, and probed again in the background
        now.addAndGet(7 * DAY + 1);
        assertEquals(Status.OK, verify.query("bob@example.net").status());
        assertEquals(2, probes().size());
        // after the expire time (and the probe taken as lost): unknown again
        now.addAndGet(24 * DAY + 1);
        assertEquals(Status.TODO, verify.query("bob@example.net").status());
    }

    @Test
    void aFailedResultIsRefreshedAfterHoursAndForgottenAfterDays() throws Exception {
        start();
        verify.query("x@example.net");
        verify.update("x@example.net", Status.BOUNCE, "host mx said: 550 5.1.1 unknown");
        assertEquals(new Result(Status.BOUNCE, "host mx said: 550 5.1.1 unknown"), verify.query("x@example.net"));
        now.addAndGet(3 * 3600 + 1);
        assertEquals(Status.BOUNCE, verify.query("x@example.net").status());
        assertEquals(2, probes().size(), "refreshed after address_verify_negative_refresh_time");
        // a deliverable result replaces a failed one at once
        verify.update("x@example.net", Status.OK, "250 Ok");
        assertEquals(Status.OK, verify.query("x@example.net").status());
        verify.update("y@example.net", Status.DEFER, "connect to mx: Connection refused");
        now.addAndGet(3 * DAY + 1);
        assertEquals(Status.TODO, verify.query("y@example.net").status());
    }

    @Test
    void withoutTheNegativeCacheFailuresAreNotKept() throws Exception {
        params.put("address_verify_negative_cache", "no");
        start();
        verify.query("x@example.net");
        verify.query("x@example.net");
        assertEquals(2, probes().size(), "nothing is stored for an unknown address: every query probes");
        assertFalse(verify.update("x@example.net", Status.BOUNCE, "550 no"));
        assertEquals(Status.TODO, verify.query("x@example.net").status());
        assertTrue(verify.update("x@example.net", Status.OK, "250 Ok"));
        assertEquals(Status.OK, verify.query("x@example.net").status());
    }

    @Test
    void aCleanupRunDropsExpiredEntriesAndTheFileOutlivesTheService() throws Exception {
        start();
        verify.update("old@example.net", Status.BOUNCE, "550 no");
        now.addAndGet(4 * DAY);
        verify.update("new@example.net", Status.OK, "250 Ok");
        verify.cleanupNow();
        assertTrue(log().contains("postfix/verify[") && log().contains(": cache btree:" + tmp.resolve("data")
                .resolve("verify_cache") + " full cleanup: retained=1 dropped=1 entries"), log());
        verify.close();
        verify = null;
        Path db = tmp.resolve("data").resolve("verify_cache.db");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(db)));
        try (Table t = Tables.open("btree:" + tmp.resolve("data").resolve("verify_cache"))) {
            assertTrue(t.get("new@example.net").startsWith("0:0:" + now.get() + ":250 Ok"), t.get("new@example.net"));
            assertEquals(null, t.get("old@example.net"));
        }
        start();
        assertEquals(new Result(Status.OK, "250 Ok"), verify.query("new@example.net"));
    }

    @Test
    void anUpdateEndsTheWaitAtOnce() throws Exception {
        start();
        verify.query("bob@example.net");
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                verify.awaitUpdate("bob@example.net", Duration.ofMinutes(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        verify.update("bob@example.net", Status.OK, "250 Ok");
        waiter.join(Duration.ofSeconds(30));
        assertFalse(waiter.isAlive(), "the waiter returned when the answer came");
        // an answer already in returns at once too
        verify.awaitUpdate("bob@example.net", Duration.ofMinutes(5));
    }

    @Test
    void theProbeSenderChangesWithItsTtlAndIsRecognised() throws Exception {
        params.put("address_verify_sender", "postmaster");
        params.put("address_verify_sender_ttl", "3000s");
        start();
        verify.query("bob@example.net");
        String sender = QueueFile.readEnvelope(queues.file(QueueName.INCOMING, probes().get(0))).sender();
        String stamp = Long.toString(now.get() / 3000, 31);
        assertEquals("postmaster" + stamp + "@origin.test", sender);
        assertTrue(verify.isProbeSender(sender));
        assertTrue(verify.isProbeSender("POSTMASTER" + stamp.toUpperCase() + "@Origin.Test"));
        assertTrue(verify.isProbeSender("postmaster" + Long.toString(now.get() / 3000 - 1, 31) + "@origin.test"));
        assertFalse(verify.isProbeSender("postmaster" + Long.toString(now.get() / 3000 - 2, 31) + "@origin.test"));
        assertFalse(verify.isProbeSender("postmaster@origin.test"));
        assertFalse(verify.isProbeSender(sender.replace("origin.test", "other.test")));
    }

    @Test
    void theNullSenderCanBeTheProbeSender() throws Exception {
        params.put("address_verify_sender", "<>");
        start();
        verify.query("bob@example.net");
        assertEquals("", QueueFile.readEnvelope(queues.file(QueueName.INCOMING, probes().get(0))).sender());
        assertFalse(verify.isProbeSender(""));
        assertFalse(verify.isProbeSender("double-bounce@origin.test"));
    }
}
