package mta.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** QueueFileTest - queue files written by {@link QueueFileWriter} and read back by {@link QueueFile}. */
class QueueFileTest {
    @TempDir
    Path tmp;
    Queues queues;
    Path incoming;

    @BeforeEach
    void setUp() throws Exception {
        queues = new Queues(tmp.resolve("q"));
        queues.create();
        incoming = queues.dir(QueueName.INCOMING);
    }

    private static void line(QueueFileWriter w, String s, int limit) throws Exception {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        w.contentLine(b, 0, b.length, limit);
    }

    private QueueFileWriter envelope() throws Exception {
        QueueFileWriter w = QueueFileWriter.create(incoming, false);
        w.record(RecordType.TIME, "1700000000000");
        w.record(RecordType.FULLNAME, "Alice Example");
        w.record(RecordType.ATTRIBUTE, "log_client_address=127.0.0.1");
        w.record(RecordType.SENDER, "alice@example.test");
        w.record(RecordType.ORIGINAL_RECIPIENT, "Bob@Example.Test");
        w.record(RecordType.RECIPIENT, "bob@example.test");
        w.record(RecordType.RECIPIENT, "carol@example.test");
        return w;
    }

    private static List<String> lines(Path f, QueueFile.Envelope env) throws Exception {
        List<String> out = new ArrayList<>();
        QueueFile.forEachLine(f, env.contentOffset(), (b, n) -> out.add(new String(b, 0, n, StandardCharsets.UTF_8)));
        return out;
    }

    @Test
    void theWriterKeepsTheEnvelopeAReaderFinds() throws Exception {
        QueueFileWriter w = envelope();
        w.record(RecordType.DSN_NOTIFY, "SUCCESS,DELAY");
        w.record(RecordType.DSN_ORCPT, "rfc822;dave@example.test");
        w.record(RecordType.RECIPIENT, "dave@example.test");
        w.startContent();
        line(w, "Subject: kept", 2048);
        line(w, "", 2048);
        line(w, "x".repeat(5000), 2048);
        assertEquals(null, w.envelope(), "nothing before the commit");
        Path f = w.commit();
        QueueFile.Envelope kept = w.envelope();
        assertEquals(QueueFile.readEnvelope(f), kept.withoutContentRecords(),
                "the records and offsets as written are the ones read back");
        assertEquals(5000 + 2 + 2 + "Subject: kept".length() + 2, kept.contentSize());
        assertEquals("SUCCESS,DELAY", kept.recipients().get(2).dsnNotify());
    }

    private static List<String> linesInMemory(Path f, QueueFile.Envelope env) throws Exception {
        List<String> out = new ArrayList<>();
        QueueFile.forEachLine(env.contentRecords(), f.toString(), env.contentOffset(),
                (b, n) -> out.add(new String(b, 0, n, StandardCharsets.UTF_8)));
        return out;
    }

    /**
     * A file that fits in the writer's 16 KB buffer goes to the queue manager with its content
     * records, the file's own bytes: read from memory, they give the lines the file gives. A larger
     * file's are not kept (the buffer was written out before the commit).
     */
    @Test
    void aSmallFilesContentRecordsAreTheFilesBytes() throws Exception {
        for (int size : new int[] {0, 100, 4000, 15000, 16300, 16400, 40000}) {
            QueueFileWriter w = envelope();
            w.startContent();
            List<String> want = new ArrayList<>(List.of("Subject: " + size, ""));
            for (int left = size; left > 0; left -= 78) want.add("y".repeat(Math.min(78, left)));
            for (String l : want) line(w, l, 2048);
            Path f = w.commit();
            QueueFile.Envelope env = w.envelope();
            long fileSize = Files.size(f);
            if (fileSize > 16 * 1024) {
                assertEquals(null, env.contentRecords(), size + ": a file larger than the buffer is read back");
                continue;
            }
            byte[] file = Files.readAllBytes(f);
            assertArrayEquals(Arrays.copyOfRange(file, (int) env.contentOffset(), file.length), env.contentRecords(),
                    size + ": the content records are the file's bytes from the MESSAGE record on");
            assertEquals(want, linesInMemory(f, env), size + " bytes");
            assertEquals(lines(f, env), linesInMemory(f, env));
        }
    }

    /** A message of one content line, committed to incoming/. */
    private QueueFileWriter committed(String line) throws Exception {
        QueueFileWriter w = envelope();
        w.startContent();
        line(w, line, 100);
        w.commit();
        return w;
    }

    @Test
    void contentRecordsThatEndEarlyAreCorrupt() throws Exception {
        QueueFileWriter w = committed("Subject: cut");
        Path f = incoming.resolve(w.id());
        QueueFile.Envelope env = w.envelope();
        byte[] cut = Arrays.copyOf(env.contentRecords(), env.contentRecords().length - 3);
        assertThrows(QueueFile.Corrupt.class, () -> QueueFile.forEachLine(cut, f.toString(), env.contentOffset(), (b, n) -> { }));
    }

    @Test
    void aWriterWithoutSenderKeepsNoEnvelope() throws Exception {
        QueueFileWriter w = QueueFileWriter.create(incoming, false);
        w.record(RecordType.RECIPIENT, "bob@example.test");
        w.commit();
        assertEquals(null, w.envelope(), "a reader refuses the file: the scan moves it to corrupt/");
        assertThrows(QueueFile.Corrupt.class, () -> QueueFile.readEnvelope(incoming.resolve(w.id())));
    }

    @Test
    void writeThenRead() throws Exception {
        String longLine = "0123456789".repeat(100) + "tail";
        QueueFileWriter w = envelope();
        w.startContent();
        for (String l : List.of("Subject: test", "", "body", "", "", longLine, "x".repeat(100), "last")) line(w, l, 100);
        Path f = w.commit();
        assertEquals(incoming.resolve(w.id()), f);

        QueueFile.Envelope env = QueueFile.readEnvelope(f);
        assertEquals(1700000000000L, env.arrivalMillis());
        assertEquals("alice@example.test", env.sender());
        assertEquals("Alice Example", env.fullName());
        assertEquals("127.0.0.1", env.attribute("log_client_address"));
        assertEquals(2, env.recipients().size());
        assertEquals("bob@example.test", env.recipients().get(0).address());
        assertEquals("Bob@Example.Test", env.recipients().get(0).original());
        assertEquals(null, env.recipients().get(1).original());
        assertEquals(List.of("Subject: test", "", "body", "", "", longLine, "x".repeat(100), "last"), lines(f, env));
        long size = 0;
        for (String l : lines(f, env)) size += l.length() + 2;
        assertEquals(size, env.contentSize());

        // the long line is stored as PARTIAL pieces of at most 100 bytes and a final LINE
        List<RecordType> types = new ArrayList<>();
        List<Integer> lens = new ArrayList<>();
        QueueFile.forEachRecord(f, (off, t, data) -> { types.add(t); lens.add(data.length); });
        assertEquals(RecordType.VERSION, types.get(0));
        assertEquals(RecordType.SIZE, types.get(1));
        assertEquals(RecordType.END, types.get(types.size() - 1));
        assertEquals(RecordType.END_CONTENT, types.get(types.size() - 2));
        int first = types.indexOf(RecordType.PARTIAL);
        assertEquals(List.of(RecordType.PARTIAL, RecordType.PARTIAL, RecordType.PARTIAL, RecordType.PARTIAL,
                RecordType.PARTIAL, RecordType.PARTIAL, RecordType.PARTIAL, RecordType.PARTIAL, RecordType.PARTIAL,
                RecordType.PARTIAL, RecordType.LINE, RecordType.LINE), types.subList(first, first + 12));
        assertEquals(100, lens.get(first));
        assertEquals(4, lens.get(first + 10));
        assertEquals(100, lens.get(first + 11), "a line of exactly the limit is one LINE record");
    }

    /**
     * Lines of every size around the reader's 16 KiB buffer, whole (LINE records up to 64 KiB) and
     * in PARTIAL pieces, with records split across buffer fills: each comes back as written.
     */
    @Test
    void linesAcrossTheReadBufferComeBackWhole() throws Exception {
        QueueFileWriter w = envelope();
        w.startContent();
        List<String> want = new ArrayList<>();
        java.util.Random random = new java.util.Random(7);
        int[] sizes = {0, 1, 127, 128, 4095, 4096, 4097, 16383, 16384, 16385, 40000, 70000}; // the writer grows at 4 KB, writes out at 16 KB
        for (int round = 0; round < 3; round++) {
            for (int size : sizes) {
                StringBuilder sb = new StringBuilder(size);
                for (int i = 0; i < size; i++) sb.append((char) ('a' + random.nextInt(26)));
                want.add(sb.toString());
                line(w, sb.toString(), round == 1 ? 1000 : 65536);
            }
        }
        Path f = w.commit();
        assertEquals(want, lines(f, QueueFile.readEnvelope(f)));
        long size = 0;
        for (String l : want) size += l.length() + 2;
        assertEquals(size, QueueFile.readEnvelope(f).contentSize(), "the SIZE record of a file written out before its commit");
    }

    @Test
    void markDoneExcludesRecipientFromPending() throws Exception {
        Path f = incoming.resolve(committed("x").id());
        QueueFile.Envelope env = QueueFile.readEnvelope(f);
        assertEquals(2, env.pending().size());
        QueueFile.markDone(f, env.recipients().get(0).offset());
        QueueFile.markDone(f, env.recipients().get(0).offset()); // twice is harmless
        QueueFile.Envelope again = QueueFile.readEnvelope(f);
        assertTrue(again.recipients().get(0).done());
        assertEquals(List.of("carol@example.test"), again.pending().stream().map(QueueFile.Recipient::address).toList());
        assertEquals(List.of("x"), lines(f, again));
        assertThrows(QueueFile.Corrupt.class, () -> QueueFile.markDone(f, env.contentOffset()));
    }

    private Path committed() throws Exception {
        QueueFileWriter w = envelope();
        w.startContent();
        line(w, "Subject: x", 100);
        line(w, "", 100);
        line(w, "body", 100);
        return w.commit();
    }

    @Test
    void truncatedFileIsCorrupt() throws Exception {
        Path f = committed();
        byte[] all = Files.readAllBytes(f);
        for (int cut : new int[] {0, 1, 5, all.length / 2, all.length - 1}) {
            Path g = tmp.resolve("cut" + cut);
            Files.write(g, Arrays.copyOf(all, cut));
            assertThrows(QueueFile.Corrupt.class, () -> QueueFile.readEnvelope(g), "cut at " + cut);
        }
    }

    @Test
    void fileWithoutEndIsCorrupt() throws Exception {
        Path f = committed();
        byte[] all = Files.readAllBytes(f);
        Path g = tmp.resolve("noend");
        Files.write(g, Arrays.copyOf(all, all.length - 2)); // drop the END record, keep the rest
        assertThrows(QueueFile.Corrupt.class, () -> QueueFile.readEnvelope(g));
    }

    @Test
    void garbageIsCorrupt() throws Exception {
        Path g = tmp.resolve("garbage");
        Files.writeString(g, "This is not a queue file at all.\nE\0");
        assertThrows(QueueFile.Corrupt.class, () -> QueueFile.readEnvelope(g));
        Path h = tmp.resolve("garbage2");
        byte[] b = new byte[] {'V', 1, '1', 'Z', 3, 'a', 'b', 'c', 'E', 0};
        Files.write(h, b);
        assertThrows(QueueFile.Corrupt.class, () -> QueueFile.readEnvelope(h), "unknown record type");
        Path i = tmp.resolve("empty");
        Files.write(i, new byte[0]);
        assertThrows(QueueFile.Corrupt.class, () -> QueueFile.readEnvelope(i));
    }

    @Test
    void temporaryFileIsInvisibleUntilCommit() throws Exception {
        QueueFileWriter w = envelope();
        w.startContent();
        line(w, "x", 100);
        assertEquals(List.of(), queues.list(QueueName.INCOMING));
        try (Stream<Path> s = Files.list(incoming)) {
            assertEquals(1, s.count(), "the temporary file exists");
        }
        Path f = w.commit();
        assertEquals(List.of(w.id()), queues.list(QueueName.INCOMING));
        try (Stream<Path> s = Files.list(incoming)) {
            assertEquals(List.of(f), s.toList(), "no temporary file after commit");
        }
        w.abort(); // after commit: does nothing
        assertTrue(Files.exists(f));
    }

    @Test
    void abortLeavesNothing() throws Exception {
        QueueFileWriter w = envelope();
        w.startContent();
        line(w, "x", 100);
        w.abort();
        try (Stream<Path> s = Files.list(incoming)) {
            assertEquals(0, s.count());
        }
        try (QueueFileWriter w2 = envelope()) {
            line(w2, "y", 100);
        } // close aborts
        try (Stream<Path> s = Files.list(incoming)) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void moveAndFindAcrossQueues() throws Exception {
        Path f = committed();
        String id = f.getFileName().toString();
        assertTrue(queues.move(id, QueueName.INCOMING, QueueName.DEFERRED));
        assertEquals(QueueName.DEFERRED, queues.find(id, QueueName.INCOMING, QueueName.DEFERRED));
        assertEquals(List.of(id), queues.list(QueueName.DEFERRED));
        assertFalse(queues.move(id, QueueName.INCOMING, QueueName.ACTIVE), "already gone");
        assertEquals("alice@example.test", QueueFile.readEnvelope(queues.file(QueueName.DEFERRED, id)).sender());
    }

    @Test
    void shortQueueIds() {
        Instant t = Instant.ofEpochSecond(1700000000, 123_456_000);
        assertEquals("1E24020C230", QueueId.shortId(t, 0x20C230));
        assertEquals("000000", QueueId.shortId(Instant.ofEpochSecond(5), 0));
        assertEquals("F423F1", QueueId.shortId(Instant.ofEpochSecond(5, 999_999_000), 1));
        assertTrue(QueueId.isValid("73C4720C230"));
        assertFalse(QueueId.isValid(".t123.4"));
        assertFalse(QueueId.isValid(""));
    }

    @Test
    void longQueueIds() {
        String alphabet = "0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz";
        for (long sec = 0; sec < 200_000; sec += 997) {
            for (int micros : new int[] {0, 51, 52, 2703, 999_999}) {
                Instant t = Instant.ofEpochSecond(1_700_000_000L + sec, micros * 1000L);
                String id = QueueId.longId(t, 51L * 51 * 51 + sec);
                assertTrue(id.length() >= 12, id);
                assertEquals('z', id.charAt(10), id);
                for (char c : id.toCharArray()) assertTrue(alphabet.indexOf(c) >= 0, "no vowels: " + id);
                assertFalse(id.substring(11).contains("z"), "the inode part never holds the separator: " + id);
                assertTrue(QueueId.isValid(id));
            }
        }
        // distinct times give distinct IDs
        assertFalse(QueueId.longId(Instant.ofEpochSecond(1, 0), 7).equals(QueueId.longId(Instant.ofEpochSecond(2, 0), 7)));
        assertFalse(QueueId.longId(Instant.ofEpochSecond(1, 51_000), 7).equals(QueueId.longId(Instant.ofEpochSecond(1, 52_000), 7)));
    }

    @Test
    void writerCreatesLongIdsWhenAsked() throws Exception {
        QueueFileWriter w = QueueFileWriter.create(incoming, true);
        assertEquals('z', w.id().charAt(10), w.id());
        w.abort();
        assertArrayEquals(new Object[0], queues.list(QueueName.INCOMING).toArray());
    }
}
