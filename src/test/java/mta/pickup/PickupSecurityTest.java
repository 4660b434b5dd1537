package mta.pickup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import mta.cleanup.Cleanup;
import mta.config.Config;
import mta.queue.MaildropFile;
import mta.queue.QueueFile;
import mta.queue.QueueName;
import mta.queue.Queues;
import mta.testing.HostileFiles;
import mta.util.MailLog;
import mta.util.PosixAccounts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PickupSecurityTest - pickup against a hostile maildrop (issue 12, findings 3 and 4): a FIFO, a
 * symbolic link and a hard link to a file outside the queue, a file whose contents claim another
 * poster, and a record that claims 2 GB. Each time pickup must skip or set aside the bad file
 * with Postfix's warning and still pick up the next good message.
 *
 * <p>Real queue directories, the real cleanup, the pickup service as the master runs it. The
 * cases that change file owners run only as root (CI runs as root).
 */
class PickupSecurityTest {
    @TempDir
    Path tmp;
    Queues queues;
    Path maildrop;
    MailLog mailLog;
    Pickup pickup;

    @BeforeEach
    void setUp() throws IOException {
        queues = new Queues(tmp.resolve("queue"));
        queues.create();
        maildrop = queues.dir(QueueName.MAILDROP);
        mailLog = MailLog.open(tmp.resolve("maillog"), "mx.example.test", "postfix");
    }

    @AfterEach
    void tearDown() throws IOException {
        if (pickup != null) pickup.stop();
        mailLog.close();
    }

    private void startPickup() {
        Config config = Config.of(Map.of("myhostname", "mx.example.test", "mydestination", "example.test",
                "queue_directory", queues.root().toString()));
        pickup = new Pickup(queues, new Cleanup(config, queues, mailLog, c -> { }), mailLog, 3600);
        pickup.start();
    }

    /** A message in maildrop/ as sendmail leaves it; returns its queue id. */
    private String post(Queues q, String rcpt, String subject) throws IOException {
        try (MaildropFile m = MaildropFile.create(q, false, 2048)) {
            m.sender("alice@example.test");
            m.recipient(rcpt);
            for (String line : List.of("Subject: " + subject, "", "body")) {
                byte[] b = line.getBytes(StandardCharsets.UTF_8);
                m.line(b, 0, b.length);
            }
            m.commit();
            return m.id();
        }
    }

    private String log() throws IOException {
        return Files.readString(tmp.resolve("maillog"));
    }

    private List<String> incomingSubjects() throws IOException {
        List<String> out = new java.util.ArrayList<>();
        for (String id : queues.list(QueueName.INCOMING)) {
            Path f = queues.file(QueueName.INCOMING, id);
            QueueFile.Envelope env = QueueFile.readEnvelope(f);
            QueueFile.forEachLine(f, env.contentOffset(), (b, len) -> {
                String l = new String(b, 0, len, StandardCharsets.UTF_8);
                if (l.startsWith("Subject: ")) out.add(l.substring(9));
            });
        }
        return out;
    }

    private static void waitFor(BooleanSupplier ok, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
            Thread.sleep(20);
        }
    }

    private boolean logHas(String text) {
        try {
            return log().contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    private boolean picked(String subject) {
        try {
            return incomingSubjects().contains(subject);
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aFileBeingCommittedIsNotTakenForAHardLink() throws Exception {
        // A commit links the file under its queue ID before it removes the temporary name: for a
        // moment it has two links, which pickup must not take for an attack (nor remove).
        String id = post(queues, "joe@example.test", "being committed");
        Path file = queues.file(QueueName.MAILDROP, id);
        Path temp = maildrop.resolve(".t12345.1");
        Files.createLink(temp, file);
        startPickup();
        Thread.sleep(300);
        assertTrue(Files.exists(file), "left for the writer to finish");
        assertFalse(picked("being committed"));
        Files.delete(temp);
        waitFor(() -> picked("being committed"), "picked up once the commit is done");
        assertFalse(log().contains("links"), log());
    }

    @Test
    void aFifoDoesNotBlockPickup() throws Exception {
        Path fifo = maildrop.resolve("ABCDEF12347");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mk.waitFor());
        post(queues, "joe@example.test", "after the fifo");
        startPickup();
        waitFor(() -> picked("after the fifo"), "the message after the FIFO is picked up");
        waitFor(() -> logHas("not a regular file"), "the warning");
        assertTrue(log().contains("warning: maildrop/ABCDEF12347: uid " + PosixAccounts.processIds()[0]
                + ": not a regular file"), log());
        assertTrue(Files.exists(fifo, LinkOption.NOFOLLOW_LINKS), "left where it is, as Postfix does");
    }

    @Test
    void aSymlinkToAFileOutsideTheQueueIsNotDelivered() throws Exception {
        Queues elsewhere = new Queues(tmp.resolve("elsewhere"));
        String outside = post(elsewhere, "victim-secret@example.test", "outside");
        Path target = elsewhere.file(QueueName.MAILDROP, outside);
        Files.createSymbolicLink(maildrop.resolve("ABCDEF12346"), target);
        post(queues, "joe@example.test", "after the link");
        startPickup();
        waitFor(() -> picked("after the link"), "the message after the link is picked up");
        waitFor(() -> logHas("not a regular file"), "the warning");
        assertFalse(incomingSubjects().contains("outside"), "the linked file is not delivered");
        assertTrue(log().contains("warning: maildrop/ABCDEF12346: uid "), log());
        assertTrue(log().contains(": not a regular file"), log());
        assertTrue(Files.exists(target), "the outside file is untouched");
    }

    @Test
    void aHardLinkToAFileOutsideTheQueueIsRemovedUnread() throws Exception {
        Queues elsewhere = new Queues(tmp.resolve("elsewhere"));
        String outside = post(elsewhere, "victim-secret@example.test", "outside");
        Path target = elsewhere.file(QueueName.MAILDROP, outside);
        Files.createLink(maildrop.resolve("ABCDEF12345"), target);
        post(queues, "joe@example.test", "after the hard link");
        startPickup();
        waitFor(() -> picked("after the hard link"), "the message after the hard link is picked up");
        waitFor(() -> logHas("hard links"), "the warning");
        assertFalse(incomingSubjects().contains("outside"), "the linked file is not delivered");
        assertTrue(log().contains("warning: maildrop/ABCDEF12345: uid "), log());
        assertTrue(log().contains(": file has 2 links"), log());
        assertFalse(Files.exists(maildrop.resolve("ABCDEF12345")), "the extra name is removed");
        assertTrue(Files.exists(target), "the outside file is untouched");
    }

    @Test
    void thePosterIsTheFilesOwnerNotWhatTheFileSays() throws Exception {
        assumeTrue(PosixAccounts.ROOT, "changing a file's owner needs root (CI runs as root)");
        String id = post(queues, "joe@example.test", "from a user");   // says uid=0: written by root
        Path file = queues.file(QueueName.MAILDROP, id);
        Files.setAttribute(file, "unix:uid", 61001);
        startPickup();
        waitFor(() -> picked("from a user"), "the message is picked up");
        assertTrue(log().matches("(?s).*postfix/pickup\\[\\d+\\]: [0-9A-F]+: uid=61001 from=<alice@example.test>.*"), log());
    }

    @Test
    void aHugeRecordLengthGoesToCorruptAndPickupGoesOn() throws Exception {
        HostileFiles.place(maildrop, "ABCDEF99999", HostileFiles.hugeRecord());
        post(queues, "joe@example.test", "after the huge record");
        startPickup();
        waitFor(() -> picked("after the huge record"), "the message after the hostile file is picked up");
        waitFor(() -> Files.exists(queues.file(QueueName.CORRUPT, "ABCDEF99999")), "the hostile file in corrupt/");
        assertTrue(log().contains("warning: maildrop/ABCDEF99999: illegal length " + HostileFiles.HUGE
                + ", record type " + (int) 'S'), log());
        assertTrue(Files.exists(queues.file(QueueName.CORRUPT, "ABCDEF99999")), "moved to corrupt/");
    }
}
