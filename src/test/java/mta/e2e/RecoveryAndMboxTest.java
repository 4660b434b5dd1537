package mta.e2e;

import static mta.e2e.WalkingSkeletonTest.queueEmpty;
import static mta.e2e.WalkingSkeletonTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import mta.master.Master;
import mta.queue.QueueFileWriter;
import mta.queue.QueueName;
import mta.queue.Queues;
import mta.queue.RecordType;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RecoveryAndMboxTest - a message left in active/ by a crash is delivered at the next start; mail
 * to an mbox spool gets a From_ line and >From quoting; a corrupt queue file goes to corrupt/.
 */
class RecoveryAndMboxTest {
    @TempDir
    Path tmp;

    /** Writes a queue file the way cleanup does, directly into {@code queue}. */
    private static String queueFile(Queues queues, QueueName queue, String rcpt, String body) throws Exception {
        QueueFileWriter w = QueueFileWriter.create(queues.dir(queue), false);
        w.record(RecordType.TIME, Long.toString(System.currentTimeMillis()));
        w.record(RecordType.SENDER, "alice@example.test");
        w.record(RecordType.RECIPIENT, rcpt);
        w.startContent();
        for (String line : ("Subject: recovered\n\n" + body).split("\n", -1)) {
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            w.contentLine(b, 0, b.length, 2048);
        }
        w.commit();
        return w.id();
    }

    @Test
    void aMessageLeftInActiveIsDeliveredAtTheNextStart() throws Exception {
        TestSite site = new TestSite(tmp).param("mail_spool_directory", tmp.resolve("mail").toString()).write();
        Queues queues = new Queues(site.queue);
        queues.create();
        String id = queueFile(queues, QueueName.ACTIVE, "root@example.test", "From the crash\nend");
        try (Master m = Master.start(site.config, Master.Options.defaults())) {
            Path mbox = tmp.resolve("mail").resolve("root");
            waitFor(() -> Files.exists(mbox) && WalkingSkeletonTest.read(mbox).contains("\nend\n"), "mbox delivery");
            waitFor(() -> queueEmpty(m), "the queue empties");
            String text = Files.readString(mbox);
            assertTrue(text.startsWith("From alice@example.test  "), text);
            assertTrue(text.contains("\n>From the crash\n"), text);
            assertTrue(text.endsWith("\nend\n\n"), text);
            String log = Files.readString(site.maillog);
            assertTrue(log.contains(id + ": requeued from active after restart"), log);
            assertTrue(log.contains(id + ": to=<root@example.test>, relay=local"), log);
            assertTrue(log.contains("status=sent (delivered to mailbox)"), log);
        }
    }

    @Test
    void aCorruptQueueFileIsMovedToCorrupt() throws Exception {
        TestSite site = new TestSite(tmp).write();
        Queues queues = new Queues(site.queue);
        queues.create();
        Files.writeString(queues.dir(QueueName.INCOMING).resolve("ABCDEF12345"), "not a queue file");
        try (Master m = Master.start(site.config, Master.Options.defaults())) {
            waitFor(() -> Files.exists(queues.file(QueueName.CORRUPT, "ABCDEF12345")), "moved to corrupt/");
            assertTrue(WalkingSkeletonTest.read(site.maillog).contains(
                    "warning: saving corrupt file \"ABCDEF12345\" from queue \"active\" to queue \"corrupt\""));
            // The system goes on working.
            try (Transcript t = Transcript.connect(site.smtpdPort)) {
                t.expect("220 ");
                t.send("QUIT").expect("221 ");
            }
            assertEquals(0, m.queues().list(QueueName.ACTIVE).size());
        }
    }
}
