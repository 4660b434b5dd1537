package mta.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import mta.util.DirectoryForce;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SpareFilesTest - a delivered queue file is kept under a temporary name and becomes the next
 * message's file, written over; the pool is bounded, forgets spares that went away, and is cleared.
 */
class SpareFilesTest {
    @TempDir
    Path tmp;
    Queues queues;
    SpareFiles spares;

    @BeforeEach
    void setUp() throws Exception {
        queues = new Queues(tmp.resolve("q"));
        queues.create();
        spares = queues.spares();
    }

    /** A message with one content line, written through the spares and committed to incoming/. */
    private QueueFileWriter message(String body) throws Exception {
        QueueFileWriter w = QueueFileWriter.create(spares, queues.dir(QueueName.INCOMING), false);
        w.record(RecordType.TIME, "1700000000000");
        w.record(RecordType.SENDER, "alice@example.test");
        w.record(RecordType.RECIPIENT, "bob@example.test");
        w.startContent();
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        w.contentLine(b, 0, b.length, 100_000);
        w.commit();
        return w;
    }

    /** Moves a committed message to active/, as the queue manager does, and returns its path there. */
    private Path active(QueueFileWriter w) throws Exception {
        assertTrue(queues.move(w.id(), QueueName.INCOMING, QueueName.ACTIVE));
        return queues.file(QueueName.ACTIVE, w.id());
    }

    private static long inode(Path p) throws Exception {
        return ((Number) Files.getAttribute(p, "unix:ino")).longValue();
    }

    /** The files in active/, where the spares are kept, that are not queue files. */
    private List<Path> hidden() throws Exception {
        try (Stream<Path> s = Files.list(queues.dir(QueueName.ACTIVE))) {
            return s.filter(p -> p.getFileName().toString().startsWith(".t")).toList();
        }
    }

    /** A force of active/, as the next commit of a message written there runs: the spares retired before it are ready. */
    private void settled() throws Exception {
        DirectoryForce.of(queues.dir(QueueName.ACTIVE)).force();
    }

    private static List<String> lines(Path f) throws Exception {
        QueueFile.Envelope env = QueueFile.readEnvelope(f);
        List<String> out = new ArrayList<>();
        QueueFile.forEachLine(f, env.contentOffset(), (b, n) -> out.add(new String(b, 0, n, StandardCharsets.UTF_8)));
        return out;
    }

    @Test
    void aDeliveredFileIsKeptAndBecomesTheNextMessagesFile() throws Exception {
        Path first = active(message("first"));
        long ino = inode(first);
        byte[] delivered = Files.readAllBytes(first);
        spares.retire(first);
        assertFalse(Files.exists(first), "gone from its queue");
        assertEquals(1, spares.size());
        List<Path> kept = hidden();
        assertEquals(1, kept.size());
        assertTrue(kept.get(0).getFileName().toString().startsWith(TempFiles.name("s")), kept.toString());
        assertArrayEquals(delivered, Files.readAllBytes(kept.get(0)), "kept as it was: nothing freed");
        assertEquals(ino, inode(kept.get(0)));
        assertEquals(List.of(), queues.list(QueueName.INCOMING), "no reader sees a spare");

        settled();
        QueueFileWriter second = message("second");
        Path f = queues.file(QueueName.INCOMING, second.id());
        assertEquals(ino, inode(f), "the next message's file is the same inode");
        assertEquals(0, spares.size());
        assertEquals(List.of(), hidden());
        assertEquals(List.of("second"), lines(f));
    }

    /**
     * A spare is written over from the start, and what is left of a longer delivered message is
     * cut off: the committed file is byte for byte what a new file would hold.
     */
    @Test
    void aReusedFileHoldsOnlyTheNewMessage() throws Exception {
        spares.retire(active(message("first")));
        settled();
        Files.write(hidden().get(0), "x".repeat(30_000).getBytes(StandardCharsets.US_ASCII), StandardOpenOption.APPEND);
        QueueFileWriter reused = message("short");
        Path r = queues.file(QueueName.INCOMING, reused.id());
        QueueFileWriter fresh = message("short"); // no spare left: a new file
        Path f = queues.file(QueueName.INCOMING, fresh.id());
        assertTrue(inode(r) != inode(f));
        byte[] a = Files.readAllBytes(r);
        byte[] b = Files.readAllBytes(f);
        assertEquals(b.length, a.length, "as long as a new file with the same message");
        assertArrayEquals(b, a);
        assertEquals(List.of("short"), lines(r));
    }

    /** A spare reused for a longer message (written past the delivered one's end, through a spill). */
    @Test
    void aReusedFileGrowsToTheNewMessage() throws Exception {
        spares.retire(active(message("first")));
        settled();
        String body = "y".repeat(40_000); // more than the writer's 16 KB buffer: written out in parts
        QueueFileWriter reused = message(body);
        Path r = queues.file(QueueName.INCOMING, reused.id());
        QueueFileWriter fresh = message(body);
        Path f = queues.file(QueueName.INCOMING, fresh.id());
        assertTrue(inode(r) != inode(f));
        assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(r));
        assertEquals(List.of(body), lines(r));
    }

    /**
     * The old name is forced away before the file is reused, so that no power loss brings it back;
     * the retirement does not force active/ itself: the spare waits for the next force that
     * begins after it, here the next message's commit, and that message gets a new file.
     */
    @Test
    void aSpareIsReusedOnlyAfterTheNextForceOfItsDirectory() throws Exception {
        Path first = active(message("first"));
        long ino = inode(first);
        DirectoryForce force = DirectoryForce.of(first.getParent());
        long before = force.forces();
        spares.retire(first);
        assertEquals(before, force.forces(), "the retirement forces nothing");
        assertEquals(1, spares.size());

        QueueFileWriter second = message("second"); // its file is taken before its commit
        assertTrue(inode(queues.file(QueueName.INCOMING, second.id())) != ino, "no spare ready yet: a new file");
        assertTrue(force.forces() > before, "the commit of a file written in active/ forced active/");

        QueueFileWriter third = message("third");
        assertEquals(ino, inode(queues.file(QueueName.INCOMING, third.id())), "now the spare is taken");
        assertEquals(0, spares.size());
        assertEquals(List.of("third"), lines(queues.file(QueueName.INCOMING, third.id())));
    }

    /**
     * Retirements at the same moment share forces and none waits for another's: every spare ends
     * ready, however the forces fell, but for fewer than a batch that wait for the next
     * force ({@link SpareFiles#BATCH}) while spares are ready.
     */
    @Test
    void retirementsAtOnceAllEndReady() throws Exception {
        Path active = queues.dir(QueueName.ACTIVE);
        int n = 48;
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Path p = active.resolve("F" + i);
            Files.writeString(p, "delivered " + i);
            files.add(p);
        }
        long before = DirectoryForce.of(active).forces();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (Path p : files) done.add(pool.submit(() -> {
                spares.retire(p);
                return null;
            }));
            for (var f : done) f.get();
        }
        // every retire() has returned: at most a batch short of one is left waiting for a force
        int ready = takeable();
        assertTrue(ready > n - SpareFiles.BATCH && ready <= n, ready + " ready");
        assertEquals(n - ready, spares.size(), "the rest wait, still counted");
        spares.clear();
        assertEquals(List.of(), hidden(), "cleared, waiting ones too");
        long forces = DirectoryForce.of(active).forces() - before;
        assertTrue(forces >= 1 && forces <= n, "forces: " + forces);
    }

    /** How many spares can be taken, each as it was delivered; puts none back, and leaves none on disk. */
    private int takeable() throws Exception {
        int k = 0;
        for (SpareFiles.Spare s; (s = spares.take()) != null; k++) {
            assertEquals("delivered ", new String(Files.readAllBytes(s.path()), StandardCharsets.US_ASCII).replaceAll("\\d+$", ""));
            s.channel().close();
            Files.delete(s.path()); // as if written and renamed into place
        }
        return k;
    }

    @Test
    void atMostMaxAreKeptTheRestAreRemoved() throws Exception {
        Path active = queues.dir(QueueName.ACTIVE);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < SpareFiles.MAX + 3; i++) {
            Path p = active.resolve("F" + i);
            Files.writeString(p, "delivered " + i);
            files.add(p);
        }
        for (Path p : files) spares.retire(p);
        assertEquals(SpareFiles.MAX, spares.size());
        assertEquals(SpareFiles.MAX, hidden().size());
        assertEquals(List.of(), queues.list(QueueName.ACTIVE), "every retired file left its queue");
        spares.clear();
        assertEquals(0, spares.size());
        assertEquals(List.of(), hidden(), "cleared when the mail system stops");
    }

    /** A spare removed behind the pool's back (postsuper -p after a week) is skipped: a new file is made. */
    @Test
    void aSpareThatIsGoneIsSkipped() throws Exception {
        spares.retire(active(message("one")));
        spares.retire(active(message("two")));
        settled();
        for (Path p : hidden()) Files.delete(p);
        QueueFileWriter w = message("three");
        assertEquals(0, spares.size());
        assertEquals(List.of("three"), lines(queues.file(QueueName.INCOMING, w.id())));
    }

    @Test
    void retiringAFileThatIsNotThereSaysSo() {
        assertThrows(NoSuchFileException.class, () -> spares.retire(queues.dir(QueueName.ACTIVE).resolve("ABSENT")));
        assertEquals(0, spares.size());
    }
}
