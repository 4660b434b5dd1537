package mta.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import mta.util.DirectoryForce;
import mta.util.SafeFiles;

/**
 * QueueFileWriter - writes one queue file: temporary name, records, force, rename into place.
 *
 * <p>Writes {@code <queue>/.t*} (invisible to every reader), created with its final mode (0700,
 * Postfix's mark of a complete file: the name, not the mode, tells readers that it is complete),
 * or, in the master's cleanup, {@code active/.t*}, a delivered file kept for reuse under such a
 * name when there is one ({@link SpareFiles}), written over from the start; then on
 * {@link #commit()} the END record, the final SIZE record, what is left of a reused file's old
 * bytes cut off, {@code force(true)}, an atomic no-replace rename to {@code <queue>/<ID>}, and a
 * force of the directory, shared with the other sessions that commit at the same moment
 * ({@link DirectoryForce}); when the file was written in another directory, that one is forced
 * too. Only then may the caller say
 * "queued": after a crash the file is either complete under its ID or an orphaned temporary that
 * no reader sees. The writer keeps the envelope records it wrote ({@link #envelope()}), so that
 * the queue manager can take a file committed to {@code active/} without reading it back
 * ({@link IncomingHandoff}), and, when the whole file fit in its 16 KB buffer, its content records,
 * so that the message's delivery need not read it back either ({@link QueueFile.Envelope#contentRecords}).
 */
public final class QueueFileWriter implements AutoCloseable {
    /** Queue file format version written in the VERSION record. */
    public static final String FORMAT_VERSION = "1";
    private static final AtomicLong SEQ = new AtomicLong();
    private static final int SIZE_FIELD = 15;
    private static final int FIRST_BUFFER = 4 * 1024;
    private static final int BUFFER = 16 * 1024;

    private final Path dir;
    private final Path temp;
    private final FileChannel ch;
    private final String id;
    /**
     * The write buffer: 4 KB at first (a small message's whole file), grown to 16 KB for a larger
     * one; {@link #used} bytes of it are filled. A plain array: a record is a few bytes put one by
     * one and an array copy, once per line of the message.
     */
    private byte[] buf = new byte[FIRST_BUFFER];
    private int used;
    private long position;
    private long sizeRecordOffset;
    private long contentOffset = -1;
    private long contentSize;
    private int recipients;
    private boolean done;
    /** True once the buffer was written out before the commit (a file larger than 16 KB). */
    private boolean spilled;
    /**
     * The size of a spare before it is written over (0 for a new file): when it is longer than the
     * new file, what is left of the delivered message's bytes is cut at the commit.
     */
    private long reusedSize;
    /** The envelope records as written; null once one of them would make a reader refuse the file. */
    private EnvelopeBuilder envelope;
    private QueueFile.Envelope committed;
    private static final Set<PosixFilePermission> POSTED_READY = PosixFilePermissions.fromString("rwxr--r--");
    private static final int READY_BITS = 0700;
    private static final int POSTED_READY_BITS = 0744;

    private QueueFileWriter(Path dir, Path temp, FileChannel ch, String id) {
        this.dir = dir;
        this.temp = temp;
        this.ch = ch;
        this.id = id;
        this.envelope = new EnvelopeBuilder(dir.getFileName() + "/" + id);
    }

    /** Creates a new file in {@code dir}; its ID is known at once (the log's "client=" line needs it). */
    public static QueueFileWriter create(Path dir, boolean longIds) throws IOException {
        return create(dir, longIds, false);
    }

    /**
     * As {@link #create(Path, boolean)}; with {@code othersRead} the file is 0744,
     * as Postfix's postdrop leaves a file that an ordinary user posts into
     * {@code maildrop/}: the user owns it, and pickup (mail_owner) reads it through those bits
     * (the 1730 directory keeps everyone else out).
     */
    public static QueueFileWriter create(Path dir, boolean longIds, boolean othersRead) throws IOException {
        return create(dir, dir, longIds, othersRead, null);
    }

    /**
     * A file for {@code dir} ({@link #commit()} renames it there), written under a temporary name in
     * the directory of {@code spares} ({@code active/}), reusing one of them when there is one (a
     * delivered file, already 0700 and owned as a new one would be, written over from the start;
     * its blocks are kept, so that nothing is freed and allocated again). A commit to the spares'
     * own directory ({@link #commit(Path)}) is then a rename inside one directory.
     */
    public static QueueFileWriter create(SpareFiles spares, Path dir, boolean longIds) throws IOException {
        return create(dir, spares.dir(), longIds, false, spares.take());
    }

    private static QueueFileWriter create(Path dir, Path tempDir, boolean longIds, boolean othersRead,
                                          SpareFiles.Spare spare) throws IOException {
        Instant now = Instant.now();
        Set<PosixFilePermission> mode = othersRead ? POSTED_READY : SafeFiles.READY;
        Path temp;
        FileChannel ch;
        if (spare != null) {
            temp = spare.path();
            ch = spare.channel();
        } else {
            temp = tempDir.resolve(TempFiles.name(Long.toString(SEQ.incrementAndGet())));
            ch = SafeFiles.createNew(temp, mode);
        }
        try {
            if (spare == null) SafeFiles.inheritOwner(temp);
            // One stat: the inode for the ID, the mode, which a narrow umask may have cut, and a
            // spare's size, for the cut at the commit.
            long ino = -1;
            int bits = -1;
            long size = Long.MAX_VALUE; // unknown: the commit cuts whatever is there
            try {
                java.util.Map<String, Object> a = Files.readAttributes(temp, "unix:ino,mode,size");
                ino = ((Number) a.get("ino")).longValue();
                bits = ((Number) a.get("mode")).intValue() & 07777;
                size = ((Number) a.get("size")).longValue();
            } catch (UnsupportedOperationException | IllegalArgumentException e) {
                // no unix attributes: no inode, no mode
            }
            if (bits >= 0 && bits != (othersRead ? POSTED_READY_BITS : READY_BITS)) SafeFiles.setMode(temp, mode);
            if (ino < 0) ino = (System.nanoTime() ^ SEQ.get()) & 0xFFFFFFFL;
            String id = longIds ? QueueId.longId(now, ino) : QueueId.shortId(now, ino);
            QueueFileWriter w = new QueueFileWriter(dir, temp, ch, id);
            w.reusedSize = spare != null ? size : 0;
            w.record(RecordType.VERSION, FORMAT_VERSION);
            w.sizeRecordOffset = w.position;
            w.record(RecordType.SIZE, sizeText(0, 0, 0));
            return w;
        } catch (IOException | RuntimeException e) {
            ch.close();
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    public String id() {
        return id;
    }

    private static String sizeText(long size, long offset, int rcpts) {
        // As "%15d %15d %15d", without java.util.Formatter (it loads locale data: slow for sendmail).
        return field(size) + ' ' + field(offset) + ' ' + field(rcpts);
    }

    private static String field(long n) {
        String s = Long.toString(n);
        return " ".repeat(Math.max(0, SIZE_FIELD - s.length())) + s;
    }

    public void record(RecordType type, String data) throws IOException {
        byte[] b = data.getBytes(StandardCharsets.UTF_8);
        if (contentOffset < 0 && type != RecordType.MESSAGE) keep(type, data);
        write(type, b, 0, b.length);
    }

    public void record(RecordType type, byte[] data, int off, int len) throws IOException {
        if (contentOffset < 0 && type != RecordType.MESSAGE) keep(type, new String(data, off, len, StandardCharsets.UTF_8));
        write(type, data, off, len);
    }

    /** Notes an envelope record (before MESSAGE) as a reader of the file will see it. */
    private void keep(RecordType type, String data) {
        if (envelope == null) return;
        try {
            envelope.add(position, type, data);
        } catch (QueueFile.Corrupt e) {
            envelope = null; // a reader will refuse the file: the queue manager finds that out itself
        }
    }

    private void write(RecordType type, byte[] data, int off, int len) throws IOException {
        if (type == RecordType.RECIPIENT) recipients++;
        if (type == RecordType.MESSAGE) contentOffset = position;
        ensure(1 + 5);
        int start = used;
        buf[used++] = type.code;
        int n = len;
        do {
            int b = n & 0x7f;
            n >>>= 7;
            buf[used++] = (byte) (n != 0 ? b | 0x80 : b);
        } while (n != 0);
        position += used - start;
        int written = 0;
        while (written < len) {
            if (used == buf.length) makeRoom();
            int k = Math.min(buf.length - used, len - written);
            System.arraycopy(data, off + written, buf, used, k);
            used += k;
            written += k;
        }
        position += len;
    }

    /** Starts the message content; every record after this is a content line. */
    public void startContent() throws IOException {
        record(RecordType.MESSAGE, new byte[0], 0, 0);
    }

    /**
     * Writes one content line (without its CRLF), split into PARTIAL records of at most
     * {@code lineLimit} bytes followed by a LINE record, as Postfix splits long lines.
     */
    public void contentLine(byte[] line, int off, int len, int lineLimit) throws IOException {
        contentSize += len + 2;
        while (len > lineLimit) {
            record(RecordType.PARTIAL, line, off, lineLimit);
            off += lineLimit;
            len -= lineLimit;
        }
        record(RecordType.LINE, line, off, len);
    }

    /**
     * Writes a piece of a content line that goes on in the next call (a line longer than the
     * writer's input buffer): PARTIAL records only, so that a reader joins it with what follows.
     */
    public void contentPart(byte[] line, int off, int len, int lineLimit) throws IOException {
        contentSize += len;
        while (len > 0) {
            int n = Math.min(len, lineLimit);
            record(RecordType.PARTIAL, line, off, n);
            off += n;
            len -= n;
        }
    }

    /** The content size so far: the message as it would travel, with CRLF line ends. */
    public long contentSize() {
        return contentSize;
    }

    private void ensure(int n) throws IOException {
        if (buf.length - used < n) makeRoom();
    }

    /** Room for more bytes: a four times bigger buffer while it is under 16 KB, else the buffer written out. */
    private void makeRoom() throws IOException {
        if (buf.length >= BUFFER) {
            spilled = true; // the file no longer fits in memory
            flush();
            return;
        }
        buf = Arrays.copyOf(buf, Math.min(BUFFER, buf.length * 4));
    }

    private void flush() throws IOException {
        ByteBuffer out = ByteBuffer.wrap(buf, 0, used);
        while (out.hasRemaining()) ch.write(out);
        used = 0;
    }

    /** Ends the file, forces it to disk, renames it to its ID and forces the directory. */
    public Path commit() throws IOException {
        return commit(dir);
    }

    /** As {@link #commit()}, but into another queue directory of the same file system (hold/). */
    public Path commit(Path targetDir) throws IOException {
        if (contentOffset < 0) startContent();
        write(RecordType.END_CONTENT, new byte[0], 0, 0);
        write(RecordType.END, new byte[0], 0, 0);
        // A file that fit in the buffer: its content records go to the queue manager with the envelope.
        byte[] contentRecords = spilled || envelope == null ? null
                : Arrays.copyOfRange(buf, (int) contentOffset, used);
        byte[] size = sizeText(contentSize, contentOffset, recipients).getBytes(StandardCharsets.US_ASCII);
        if (spilled) {
            flush();
            ch.write(ByteBuffer.wrap(size), sizeRecordOffset + 2);
        } else {
            System.arraycopy(size, 0, buf, (int) sizeRecordOffset + 2, size.length); // still in the buffer: the file in one write
            flush();
        }
        if (reusedSize > position) ch.truncate(position); // the tail of a longer delivered message
        long fsyncStart = System.nanoTime();
        ch.force(true);
        mta.metrics.MailMetrics.FSYNC_DURATION.get().observeSince(fsyncStart);
        ch.close();
        Path target = targetDir.resolve(id);
        SafeFiles.renameNoReplace(temp, target);
        DirectoryForce.of(targetDir).force();
        // From another directory (a spare in active/ to incoming/ or hold/): its old name is forced
        // away too, so that no power loss leaves a temporary name that start-up would remove.
        Path from = temp.getParent();
        if (!from.equals(targetDir)) DirectoryForce.of(from).force();
        done = true;
        if (envelope != null) {
            try {
                committed = envelope.build(contentOffset, contentSize, contentRecords);
            } catch (QueueFile.Corrupt e) {
                committed = null;
            }
        }
        envelope = null;
        return target;
    }

    /**
     * After {@link #commit()}: the envelope of the file as {@link QueueFile#readEnvelope} would
     * read it back (arrival time, sender, attributes, recipients with their record offsets and
     * DSN requests, content offset and size); null before the commit, or when a record written
     * would make a reader refuse the file (it is left to the queue manager's scan, which moves it
     * to corrupt/).
     */
    public QueueFile.Envelope envelope() {
        return committed;
    }

    /** Discards the file. Safe to call after commit (does nothing then). */
    public void abort() {
        if (done) return;
        done = true;
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing a file we are about to delete
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // an orphaned temporary file is invisible to readers; postsuper -p removes it
        }
    }

    @Override
    public void close() {
        abort();
    }
}
