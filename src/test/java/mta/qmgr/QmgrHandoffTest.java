package mta.qmgr;

import static mta.qmgr.QmgrSchedulingTest.queueEmpty;
import static mta.qmgr.QmgrSchedulingTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import mta.bounce.Bounce;
import mta.cleanup.Cleanup;
import mta.config.Config;
import mta.config.ConfigLoader;
import mta.deliver.DeliveryAgent;
import mta.deliver.DeliveryRequest;
import mta.deliver.DeliveryStatus;
import mta.deliver.Recipient;
import mta.flush.Flush;
import mta.queue.QueueFile;
import mta.queue.QueueFileWriter;
import mta.queue.QueueName;
import mta.queue.Queues;
import mta.queue.RecordType;
import mta.queue.Trigger;
import mta.testing.ImmutableDirs;
import mta.testing.TestSite;
import mta.util.MailLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QmgrHandoffTest - cleanup's hand-off: a message the queue manager made room for is committed
 * straight into active/ and delivered once, never seen by the scan of incoming/; a message it had
 * no room for waits in incoming/ and the scan finds it.
 */
class QmgrHandoffTest {
    @TempDir
    Path tmp;

    /** Deliveries by queue ID and recipient offset: each must happen exactly once. */
    private final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
    private Qmgr qmgr;
    /** The content each delivery read, by queue ID. */
    private final Map<String, String> contents = new ConcurrentHashMap<>();
    /** The queue IDs whose delivery had the content in memory. */
    private final Set<String> fromMemory = ConcurrentHashMap.newKeySet();
    /** Runs in each delivery, after the content was read. */
    private volatile java.util.function.Consumer<DeliveryRequest> during = r -> { };

    @AfterEach
    void stop() {
        if (qmgr != null) qmgr.stop(5000);
    }

    private Queues start(TestSite site) throws Exception {
        Config config = ConfigLoader.load(site.config).config();
        Queues queues = new Queues(site.queue);
        queues.create();
        MailLog log = MailLog.open(site.maillog, "test.example", "postfix");
        DeliveryAgent counting = new DeliveryAgent() {
            @Override
            public String name() {
                return "smtp";
            }

            @Override
            public List<DeliveryStatus> deliver(DeliveryRequest request) throws java.io.IOException {
                StringBuilder content = new StringBuilder();
                request.forEachLine((b, n) -> content.append(new String(b, 0, n, StandardCharsets.UTF_8)).append('\n'));
                contents.put(request.queueId(), content.toString());
                if (request.contentRecords() != null) fromMemory.add(request.queueId());
                during.accept(request);
                List<DeliveryStatus> out = new ArrayList<>();
                for (Recipient r : request.recipients()) {
                    deliveries.computeIfAbsent(request.queueId() + "/" + r.offset(), k -> new AtomicInteger()).incrementAndGet();
                    out.add(DeliveryStatus.sent(r, "counting", "250 ok", 0, 0));
                }
                return out;
            }
        };
        Map<String, Qmgr.Transport> transports = Map.of("smtp", new Qmgr.Transport(counting, log.channel("smtp")));
        Cleanup bounceCleanup = new Cleanup(config, queues, log, c -> { });
        qmgr = new Qmgr(config, queues, log, transports, new Bounce(config, bounceCleanup, log),
                new Flush(config, queues, c -> { }, log));
        qmgr.start();
        return queues;
    }

    /** Something done to a committed file before its hand-off. */
    private interface FileStep {
        void accept(Path file) throws Exception;
    }

    /** A message committed as cleanup commits one: its ID and the envelope the writer kept. */
    private record Committed(String id, QueueFile.Envelope envelope) {}

    /** Committed to incoming/, as cleanup does when the queue manager has no room. */
    private static Committed commit(Queues queues, int n) throws Exception {
        return commit(queues, n, "body " + n);
    }

    private static Committed commit(Queues queues, int n, String body) throws Exception {
        return commit(queues, n, body, null);
    }

    /**
     * As cleanup commits with room in the active queue: reserved, committed to active/ (after
     * {@code beforeHandOff} ran on the file), and handed over.
     */
    private Committed handOver(Queues queues, int n, String body, FileStep beforeHandOff)
            throws Exception {
        Committed c = commit(queues, n, body, qmgr);
        if (beforeHandOff != null) beforeHandOff.accept(queues.file(QueueName.ACTIVE, c.id()));
        assertTrue(qmgr.handOff(c.id(), c.envelope()), "the running queue manager takes the hand-off");
        return c;
    }

    private Committed handOver(Queues queues, int n, String body) throws Exception {
        return handOver(queues, n, body, null);
    }

    /** With {@code reserving}, room is made first and the file goes to active/, else to incoming/. */
    private static Committed commit(Queues queues, int n, String body, Qmgr reserving) throws Exception {
        QueueFileWriter w = QueueFileWriter.create(queues.spares(), queues.dir(QueueName.INCOMING), false); // as cleanup writes one
        w.record(RecordType.TIME, Long.toString(System.currentTimeMillis()));
        w.record(RecordType.SENDER, "alice@example.test");
        w.record(RecordType.RECIPIENT, "bob" + n + "@remote.example");
        w.record(RecordType.DSN_NOTIFY, "NEVER");
        w.record(RecordType.RECIPIENT, "carol" + n + "@remote.example");
        w.startContent();
        for (String line : List.of("Subject: m" + n, "", body)) {
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            w.contentLine(b, 0, b.length, 2048);
        }
        if (reserving != null) {
            assertTrue(reserving.reserve(w.id()), "room in the active queue");
            w.commit(queues.dir(QueueName.ACTIVE));
        } else {
            w.commit();
        }
        assertNotNull(w.envelope(), "the writer keeps the envelope of a committed file");
        return new Committed(w.id(), w.envelope());
    }

    @Test
    void aHandedOffMessageIsDeliveredOnceWhileTheScanRuns() throws Exception {
        TestSite site = new TestSite(tmp).param("relayhost", "[127.0.0.1]:9").write();
        Queues queues = start(site);
        List<Committed> all = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            qmgr.trigger(Trigger.SCAN_INCOMING); // a scan at the same time: it never sees these files
            Committed c = handOver(queues, i, "body " + i);
            all.add(c);
        }
        waitFor(() -> deliveries.size() == 120, "every recipient delivered");
        waitFor(() -> queueEmpty(queues), "the queue empties");
        Thread.sleep(300); // a second taker would deliver now
        for (Committed c : all) {
            for (QueueFile.Recipient r : c.envelope().recipients()) {
                assertEquals(1, deliveries.get(c.id() + "/" + r.offset()).get(), c.id() + " to " + r.address());
            }
        }
        assertEquals(120, deliveries.size());
        String log = Files.readString(site.maillog);
        for (Committed c : all) {
            assertEquals(1, count(log, c.id() + ": removed"), log);
            assertEquals(1, count(log, c.id() + ": from=<alice@example.test>, size=" + c.envelope().contentSize()
                    + ", nrcpt=2 (queue active)"), log);
        }
    }

    @Test
    void aMessageInIncomingIsFoundByTheScan() throws Exception {
        // No trigger, no hand-off: only the periodic scan of the queues (queue_run_delay) can find it.
        TestSite site = new TestSite(tmp).param("relayhost", "[127.0.0.1]:9").param("queue_run_delay", "1s").write();
        Queues queues = start(site);
        Thread.sleep(200); // past the scans of start-up
        Committed waiting = commit(queues, 1);
        waitFor(() -> deliveries.size() == 2, "the scan delivers the message");
        waitFor(() -> logHas(site, waiting.id() + ": removed"), "the message leaves the queue");
        assertTrue(queueEmpty(queues));
        for (QueueFile.Recipient r : waiting.envelope().recipients()) {
            assertEquals(1, deliveries.get(waiting.id() + "/" + r.offset()).get());
        }
        assertEquals(1, count(Files.readString(site.maillog), waiting.id() + ": removed"));
    }

    /** The room a reservation made is given back when the commit fails, and counts until then. */
    @Test
    void theActiveLimitCountsReservations() throws Exception {
        TestSite site = new TestSite(tmp).param("relayhost", "[127.0.0.1]:9")
                .param("qmgr_message_active_limit", "2").write();
        start(site);
        assertTrue(qmgr.reserve("A1"));
        assertTrue(qmgr.reserve("A2"));
        assertTrue(!qmgr.reserve("A3"), "the active queue is full");
        qmgr.release("A1");
        assertTrue(qmgr.reserve("A3"), "room again once a reservation is given back");
    }

    @Test
    void aStoppedQueueManagerRefusesTheHandOffAndTheFileWaits() throws Exception {
        TestSite site = new TestSite(tmp).param("relayhost", "[127.0.0.1]:9").write();
        Queues queues = start(site);
        qmgr.stop(5000);
        assertTrue(!qmgr.reserve("B1"), "no room while stopped: the message goes to incoming/");
        Committed c = commit(queues, 1);
        assertEquals(List.of(c.id()), queues.list(QueueName.INCOMING));
        assertTrue(deliveries.isEmpty());
    }

    /**
     * A handed-over message is delivered from the content cleanup wrote, held in memory: the file
     * is not read back. Shown by changing the body in the file after the commit: the delivery
     * still sees what was written. A message the scan finds is read from its file.
     */
    @Test
    void aHandedOffMessageIsDeliveredFromMemory() throws Exception {
        TestSite site = new TestSite(tmp).param("relayhost", "[127.0.0.1]:9").write();
        Queues queues = start(site);
        Committed c = handOver(queues, 1, "written body", f -> rewriteBody(f, "written body", "changed body"));
        waitFor(() -> queueEmpty(queues), "the queue empties");
        assertEquals("Subject: m1\n\nwritten body\n", contents.get(c.id()));
        assertTrue(fromMemory.contains(c.id()));

        Committed scanned = commit(queues, 2, "written body");
        rewriteBody(queues.file(QueueName.INCOMING, scanned.id()), "written body", "changed body");
        qmgr.trigger(Trigger.SCAN_INCOMING);
        waitFor(() -> contents.containsKey(scanned.id()), "the scan delivers it");
        assertEquals("Subject: m2\n\nchanged body\n", contents.get(scanned.id()), "read from the file");
        assertTrue(!fromMemory.contains(scanned.id()));
    }

    /**
     * A delivered file is kept as a spare ({@link mta.queue.SpareFiles}), ready once the next
     * commit has forced active/, and the message cleanup writes after that goes over it: the same
     * inode, holding only the new message.
     */
    @Test
    void aDeliveredFileBecomesTheNextMessagesFile() throws Exception {
        TestSite site = new TestSite(tmp).param("relayhost", "[127.0.0.1]:9").write();
        Queues queues = start(site);
        long[] ino = new long[1];
        Committed first = handOver(queues, 1, "first body, a little longer than the next", f -> ino[0] = inode(f));
        // "removed" is logged once the file is out of the queue: kept as a spare, ready
        waitFor(() -> logHas(site, first.id() + ": removed"), "delivered, its file kept");
        assertEquals(1, queues.spares().size());
        Committed between = commit(queues, 3, "between"); // taken before its commit forced active/: a new file
        assertTrue(inode(queues.file(QueueName.INCOMING, between.id())) != ino[0]);
        Committed next = commit(queues, 2, "second");
        assertEquals(ino[0], inode(queues.file(QueueName.INCOMING, next.id())), "written into the kept file");
        qmgr.trigger(Trigger.SCAN_INCOMING); // found by the scan: read from the file
        waitFor(() -> contents.containsKey(next.id()), "the scan delivers it");
        assertEquals("Subject: m2\n\nsecond\n", contents.get(next.id()));
        assertTrue(!fromMemory.contains(next.id()));
    }

    private static long inode(Path p) throws java.io.IOException {
        return ((Number) Files.getAttribute(p, "unix:ino")).longValue();
    }

    /**
     * The content held in memory has a ceiling ({@link Qmgr#CONTENT_IN_MEMORY}): while messages
     * wait (here, every delivery holds until all are handed over), those beyond it are read from
     * their files, with the same content; once they are delivered the memory is free again.
     */
    @Test
    void theContentInMemoryHasACeiling() throws Exception {
        TestSite site = new TestSite(tmp).param("relayhost", "[127.0.0.1]:9").write();
        Queues queues = start(site);
        java.util.concurrent.CountDownLatch all = new java.util.concurrent.CountDownLatch(1);
        during = r -> {
            try {
                all.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        String body = "z".repeat(15000);
        Committed first = handOver(queues, 0, body);
        int size = first.envelope().contentRecords().length;
        int fit = (int) (Qmgr.CONTENT_IN_MEMORY / size);
        List<Committed> sent = new ArrayList<>(List.of(first));
        for (int i = 1; i < fit + 20; i++) {
            sent.add(handOver(queues, i % 10, body)); // the same size for all
        }
        all.countDown();
        waitFor(() -> contents.size() == sent.size(), "every message delivered");
        waitFor(() -> queueEmpty(queues), "the queue empties");
        assertEquals(fit, fromMemory.size(), "as many in memory as fit under the ceiling");
        for (Committed c : sent) assertTrue(contents.get(c.id()).endsWith(body + "\n"), c.id());

        during = r -> { };
        Committed later = handOver(queues, 1, body);
        waitFor(() -> contents.containsKey(later.id()), "delivered");
        assertTrue(fromMemory.contains(later.id()), "the ceiling's room was given back");
    }

    /**
     * A message that one attempt sent in full is removed without crossing off its recipients first.
     * When the removal fails (here the active directory is made immutable during the delivery),
     * the recipients are crossed off then, so that the file, left behind, is not delivered again.
     */
    @Test
    void whenTheRemovalFailsTheSentRecipientsAreCrossedOff() throws Exception {
        TestSite site = new TestSite(tmp).param("relayhost", "[127.0.0.1]:9").write();
        Queues queues = start(site);
        Path active = queues.dir(QueueName.ACTIVE);
        ImmutableDirs.assumeSupported(active);
        during = r -> ImmutableDirs.set(active, true);
        Committed c;
        try {
            c = handOver(queues, 1, "body 1");
            waitFor(() -> logHas(site, c.id() + ": cannot defer"), "the removal and the deferral fail");
        } finally {
            ImmutableDirs.set(active, false);
        }
        QueueFile.Envelope left = QueueFile.readEnvelope(queues.file(QueueName.ACTIVE, c.id()));
        assertEquals(2, left.recipients().size());
        assertEquals(List.of(), left.pending(), "both sent recipients crossed off");
    }

    private static boolean logHas(TestSite site, String what) {
        try {
            return Files.readString(site.maillog).contains(what);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Replaces {@code from} by {@code to} (of the same length) in the file's bytes. */
    private static void rewriteBody(Path file, String from, String to) throws Exception {
        String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        assertTrue(bytes.contains(from));
        Files.write(file, bytes.replace(from, to).getBytes(StandardCharsets.ISO_8859_1));
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) n++;
        return n;
    }
}
