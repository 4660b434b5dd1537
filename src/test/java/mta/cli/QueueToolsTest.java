package mta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import mta.queue.DeferLog;
import mta.queue.QueueFileWriter;
import mta.queue.QueueName;
import mta.queue.Queues;
import mta.queue.RecordType;
import mta.testing.TestSite;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QueueToolsTest - mailq, postsuper and postcat on a queue with known files, without a running
 * system (they work on the queue directories directly, as Postfix's do).
 */
class QueueToolsTest {
    @TempDir
    Path tmp;
    TestSite site;
    Queues queues;

    @BeforeEach
    void setUp() throws Exception {
        site = new TestSite(tmp).write();
        queues = new Queues(site.queue);
        queues.create();
    }

    /** Writes a queue file with a chosen ID, arrival time and content size. */
    private void file(QueueName q, String id, String sender, List<String> rcpts, int size) throws Exception {
        QueueFileWriter w = QueueFileWriter.create(queues.dir(q), false);
        long arrival = LocalDateTime.of(2026, 11, 25, 17, 31, 14).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
        w.record(RecordType.TIME, Long.toString(arrival));
        w.record(RecordType.SENDER, sender);
        for (String r : rcpts) w.record(RecordType.RECIPIENT, r);
        w.startContent();
        byte[] subject = "Subject: fixture".getBytes(StandardCharsets.UTF_8);
        w.contentLine(subject, 0, subject.length, 2048);
        w.contentLine(new byte[0], 0, 0, 2048);
        byte[] body = "x".repeat(size - subject.length - 2 - 2 - 2).getBytes(StandardCharsets.UTF_8);
        w.contentLine(body, 0, body.length, 2048);
        Path written = w.commit();
        Path target = queues.file(q, id);
        Files.createDirectories(target.getParent());
        Files.move(written, target);
    }

    private String[] run(java.util.function.BiFunction<PrintStream, PrintStream, Integer> cmd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = cmd.apply(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {Integer.toString(rc), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void mailqMatchesPostfixByteForByte() throws Exception {
        file(QueueName.ACTIVE, "6B07020C22F", "", List.of("dave@example.net"), 124);
        file(QueueName.DEFERRED, "60C1520C22E", "alice@example.com",
                List.of("bob@example.net", "carol@example.org"), 194);
        DeferLog.write(queues, QueueName.DEFER, "60C1520C22E", List.of(new DeferLog.Entry("bob@example.net", "4.4.1",
                "delayed", "connect to mx.example.net[192.0.2.10]:25: Connection timed out")));
        file(QueueName.HOLD, "73C4720C230", "root", List.of("erin@example.com"), 147);
        String[] r = run((out, err) -> Postqueue.run(new String[] {"-c", site.config.toString(), "-p"}, out, err));
        String expected = new String(QueueToolsTest.class.getResourceAsStream("/cli/mailq-fixture.ref").readAllBytes(),
                StandardCharsets.UTF_8);
        // Listing order is maildrop, incoming, active, deferred, hold, as Postfix's.
        assertEquals(expected, r[1]);
        String[] j = run((out, err) -> Postqueue.run(new String[] {"-c", site.config.toString(), "-j"}, out, err));
        assertTrue(j[1].contains("{\"queue_name\": \"deferred\", \"queue_id\": \"60C1520C22E\", \"arrival_time\": "), j[1]);
        assertTrue(j[1].contains("\"recipients\": [{\"address\": \"bob@example.net\", \"delay_reason\": \"connect to "
                + "mx.example.net[192.0.2.10]:25: Connection timed out\"}, {\"address\": \"carol@example.org\"}]}"), j[1]);
    }

    @Test
    void postsuperHoldsReleasesRequeuesAndDeletes() throws Exception {
        file(QueueName.DEFERRED, "A1B2C3D4E5", "alice@example.com", List.of("bob@example.net"), 200);
        file(QueueName.INCOMING, "B1B2C3D4E5", "alice@example.com", List.of("carol@example.net"), 200);
        String c = site.config.toString();
        String[] hold = run((out, err) -> Postsuper.run(new String[] {"-c", c, "-h", "ALL"}, System.in, err));
        assertEquals("0", hold[0]);
        assertTrue(hold[2].contains("postsuper: A1B2C3D4E5: placed on hold\n"), hold[2]);
        assertTrue(hold[2].endsWith("postsuper: Placed on hold: 2 messages\n"), hold[2]);
        assertEquals(List.of(), queues.list(QueueName.DEFERRED));

        String[] release = run((out, err) -> Postsuper.run(new String[] {"-c", c, "-H", "A1B2C3D4E5"}, System.in, err));
        assertEquals("postsuper: A1B2C3D4E5: released from hold\npostsuper: Released from hold: 1 message\n", release[2]);
        assertTrue(Files.exists(queues.file(QueueName.DEFERRED, "A1B2C3D4E5")));
        assertTrue(Files.getLastModifiedTime(queues.file(QueueName.DEFERRED, "A1B2C3D4E5")).toMillis()
                <= System.currentTimeMillis(), "due at once");

        String[] requeue = run((out, err) -> Postsuper.run(new String[] {"-c", c, "-r", "A1B2C3D4E5"}, System.in, err));
        assertEquals("postsuper: A1B2C3D4E5: requeued\npostsuper: Requeued: 1 message\n", requeue[2]);
        assertTrue(Files.exists(queues.file(QueueName.MAILDROP, "A1B2C3D4E5")));

        String[] delete = run((out, err) -> Postsuper.run(new String[] {"-c", c, "-d", "-"},
                new ByteArrayInputStream("A1B2C3D4E5\nB1B2C3D4E5\n".getBytes(StandardCharsets.UTF_8)), err));
        assertEquals("0", delete[0]);
        assertTrue(delete[2].endsWith("postsuper: Deleted: 2 messages\n"), delete[2]);
        String[] mailq = run((out, err) -> Postqueue.run(new String[] {"-c", c, "-p"}, out, err));
        assertEquals("Mail queue is empty\n", mailq[1]);

        String[] bad = run((out, err) -> Postsuper.run(new String[] {"-c", c, "-x"}, System.in, err));
        assertEquals("1", bad[0]);
        assertTrue(bad[2].startsWith("postsuper: invalid option -- 'x'\npostsuper: fatal: usage: postsuper"), bad[2]);
    }

    @Test
    void postcatShowsRecordsByName() throws Exception {
        file(QueueName.DEFERRED, "C1B2C3D4E5", "alice@example.com", List.of("bob@example.net"), 100);
        String c = site.config.toString();
        String[] r = run((out, err) -> Postcat.run(new String[] {"-c", c, "-q", "C1B2C3D4E5"}, out, err));
        assertEquals("0", r[0], r[2]);
        String text = r[1];
        assertTrue(text.startsWith("*** ENVELOPE RECORDS deferred/C1B2C3D4E5 ***\n"), text);
        assertTrue(text.contains("\nmessage_arrival_time: Wed Nov 25 17:31:14 2026\n"), text);
        assertTrue(text.contains("\nsender: alice@example.com\nrecipient: bob@example.net\n"), text);
        assertTrue(text.contains("*** MESSAGE CONTENTS deferred/C1B2C3D4E5 ***\nSubject: fixture\n\nxxx"), text);
        assertTrue(text.endsWith("*** HEADER EXTRACTED deferred/C1B2C3D4E5 ***\n*** MESSAGE FILE END deferred/C1B2C3D4E5 ***\n"), text);
        String[] headers = run((out, err) -> Postcat.run(new String[] {"-c", c, "-qh", "C1B2C3D4E5"}, out, err));
        assertEquals("*** MESSAGE CONTENTS deferred/C1B2C3D4E5 ***\nSubject: fixture\n", headers[1]);
        String[] missing = run((out, err) -> Postcat.run(new String[] {"-c", c, "-q", "NOSUCHID"}, out, err));
        assertEquals("1", missing[0]);
        assertEquals("postcat: fatal: open queue file NOSUCHID: No such file or directory\n", missing[2]);
    }
}
