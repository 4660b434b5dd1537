package mta.queue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * QueueFile - reads queue files written by {@link QueueFileWriter}, and crosses off recipients.
 *
 * <p>Reads the envelope (everything before the MESSAGE record), the content lines, or every
 * record (postcat). Writes one byte per delivered recipient ({@link #markDone}). A file that does
 * not end in an END record, or holds an unknown record type, raises {@link Corrupt}: the caller
 * moves it to {@code corrupt/}.
 */
public final class QueueFile {
    private QueueFile() {}

    /** The file is unreadable as a queue file. */
    public static final class Corrupt extends IOException {
        public Corrupt(String message) {
            super(message);
        }
    }

    /**
     * One recipient: its address, the address the client gave (if different), its record offset,
     * and its RFC 3461 DSN request: {@code dsnNotify} as the client gave it ({@code NEVER} or a
     * comma list of {@code SUCCESS}, {@code FAILURE}, {@code DELAY}; null when not given) and
     * {@code dsnOrcpt}, the decoded ORCPT ({@code rfc822;user@example.com}; null when not given).
     */
    public record Recipient(String address, String original, long offset, boolean done, String dsnNotify,
                            String dsnOrcpt) {
        public Recipient(String address, String original, long offset, boolean done) {
            this(address, original, offset, done, null, null);
        }
    }

    /**
     * The envelope of a queued message. {@code contentRecords} are the file's bytes from the MESSAGE
     * record to the end, as the writer wrote them, when it still held them all (a message that
     * cleanup has just committed and hands to the queue manager, {@link QueueFileWriter#envelope()}):
     * its delivery then reads the content from memory ({@link #forEachLine(byte[], String, long,
     * LineConsumer)}) and not back from the file. Null when the envelope was read from the file.
     */
    public record Envelope(long arrivalMillis, String sender, String fullName, Map<String, String> attributes,
                           List<Recipient> recipients, long contentOffset, long contentSize, byte[] contentRecords) {
        /** The same envelope without the content in memory: its deliveries read the file. */
        public Envelope withoutContentRecords() {
            if (contentRecords == null) return this;
            return new Envelope(arrivalMillis, sender, fullName, attributes, recipients, contentOffset, contentSize, null);
        }

        /** Recipients not yet delivered. */
        public List<Recipient> pending() {
            return recipients.stream().filter(r -> !r.done()).toList();
        }

        public String attribute(String name) {
            return attributes.get(name);
        }
    }

    /** Sees each record of a file (postcat). */
    public interface RecordVisitor {
        void record(long offset, RecordType type, byte[] data) throws IOException;
    }

    /** Receives content lines without their CRLF. */
    public interface LineConsumer {
        void line(byte[] buf, int len) throws IOException;
    }

    public static Envelope readEnvelope(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return readEnvelope(ch, file.toString());
        }
    }

    /**
     * The envelope of the file open in {@code ch} (read from its start); {@code file} names it in
     * messages ({@code maildrop/ID}). Every record length is checked against the file's size
     * before anything is allocated: a file that claims more is {@link Corrupt} ("illegal length").
     */
    public static Envelope readEnvelope(FileChannel ch, String file) throws IOException {
        checkEnd(ch, file);
        ch.position(0);
        RecordStream in = new RecordStream(Channels.newInputStream(ch), file, 0, ch.size());
        EnvelopeBuilder env = new EnvelopeBuilder(file);
        while (true) {
            long off = in.offset;
            RecordType t = in.next();
            if (t == null) throw new Corrupt(file + ": unexpected end of file");
            if (t == RecordType.MESSAGE) return env.build(off);
            env.add(off, t, in.text());
        }
    }

    /** Feeds each content line to {@code consumer}, joining PARTIAL pieces. */
    public static void forEachLine(Path file, long contentOffset, LineConsumer consumer) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            forEachLine(ch, file.toString(), contentOffset, consumer);
        }
    }

    /** As {@link #forEachLine(Path, long, LineConsumer)}, for a file already open in {@code ch}. */
    public static void forEachLine(FileChannel ch, String file, long contentOffset, LineConsumer consumer)
            throws IOException {
        ch.position(contentOffset);
        forEachLine(new RecordStream(Channels.newInputStream(ch), file, contentOffset, ch.size()), file, consumer);
    }

    /**
     * As {@link #forEachLine(Path, long, LineConsumer)}, from the content records in memory
     * ({@link Envelope#contentRecords}) of {@code file}, whose MESSAGE record is at {@code contentOffset}.
     */
    public static void forEachLine(byte[] contentRecords, String file, long contentOffset, LineConsumer consumer)
            throws IOException {
        forEachLine(new RecordStream(new java.io.ByteArrayInputStream(contentRecords), file, contentOffset,
                contentOffset + contentRecords.length), file, consumer);
    }

    private static void forEachLine(RecordStream in, String file, LineConsumer consumer) throws IOException {
        if (in.next() != RecordType.MESSAGE) throw new Corrupt(file + ": no message content");
        byte[] joined = new byte[256];
        int joinedLen = 0;
        while (true) {
            RecordType t = in.next();
            if (t == null) throw new Corrupt(file + ": unexpected end of file");
            if (t == RecordType.LINE && joinedLen == 0) {
                consumer.line(in.data, in.length); // a whole line in one record: no copy
            } else if (t == RecordType.PARTIAL || t == RecordType.LINE) {
                if ((long) joinedLen + in.length > Integer.MAX_VALUE - 16) throw new Corrupt(file + ": line too long");
                if (joinedLen + in.length > joined.length) {
                    joined = Arrays.copyOf(joined, (int) Math.min(Integer.MAX_VALUE - 16,
                            Math.max(joined.length * 2L, joinedLen + in.length)));
                }
                System.arraycopy(in.data, 0, joined, joinedLen, in.length);
                joinedLen += in.length;
                if (t == RecordType.LINE) {
                    consumer.line(joined, joinedLen);
                    joinedLen = 0;
                }
            } else if (t == RecordType.END_CONTENT) {
                return;
            } else {
                throw new Corrupt(file + ": unexpected record type " + t.label + " in content");
            }
        }
    }

    /** Visits every record, in order (for postcat and checks). */
    public static void forEachRecord(Path file, RecordVisitor visitor) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            RecordStream in = new RecordStream(Channels.newInputStream(ch), file.toString(), 0, ch.size());
            while (true) {
                long off = in.offset;
                RecordType t = in.next();
                if (t == null) return;
                visitor.record(off, t, Arrays.copyOf(in.data, in.length));
                if (t == RecordType.END) return;
            }
        }
    }

    /** Crosses off the recipient whose record starts at {@code offset}, and forces it to disk. */
    public static void markDone(Path file, long offset) throws IOException {
        markDone(file, new long[] {offset}, true);
    }

    /**
     * Crosses off several recipients with one open. Without {@code force} the marks reach the disk
     * with the kernel's next write-back: a crash before that can repeat a delivery, never lose one.
     */
    public static void markDone(Path file, long[] offsets, boolean force) throws IOException {
        if (offsets.length == 0) return;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            for (long offset : offsets) {
                one.clear();
                ch.read(one, offset);
                byte type = one.get(0);
                if (type != RecordType.RECIPIENT.code && type != RecordType.DONE.code) {
                    throw new Corrupt(file + ": offset " + offset + " is not a recipient record");
                }
                ch.write(ByteBuffer.wrap(new byte[] {RecordType.DONE.code}), offset);
            }
            if (force) ch.force(false);
        }
    }

    private static void checkEnd(FileChannel ch, String file) throws IOException {
        long size = ch.size();
        if (size < 2) throw new Corrupt(file + ": file too short");
        ByteBuffer tail = ByteBuffer.allocate(2);
        ch.read(tail, size - 2);
        if (tail.get(0) != RecordType.END.code || tail.get(1) != 0) throw new Corrupt(file + ": no END record");
    }

    /**
     * Decodes {@code type, length, data} records from a stream, tracking the offset. A length is
     * believed only when that many bytes are left before {@code end} (the file's size): a hostile
     * or damaged file cannot make the reader allocate more than the file holds. Reads through its
     * own buffer (a content line is a record of a few dozen bytes: no lock or call per byte) of
     * 16 KiB, or less when less is left to read: a 1 KB message does not need 16 KiB zeroed.
     */
    static final class RecordStream {
        private final InputStream in;
        private final String file;
        private final long end;
        long offset;
        byte[] data = new byte[512];
        int length;
        private final byte[] buf;
        private int pos;
        private int limit;

        RecordStream(InputStream in, String file, long start, long end) {
            this.in = in;
            this.buf = new byte[(int) Math.max(512, Math.min(16 * 1024, end - start))];
            this.file = file;
            this.offset = start;
            this.end = end;
        }

        /** The next record's type, or null at a clean end of file. */
        RecordType next() throws IOException {
            int code = read();
            if (code < 0) return null;
            RecordType t = RecordType.of(code);
            if (t == null) throw new Corrupt(file + ": unknown record type " + code + " at offset " + offset);
            long len = 0;
            int shift = 0;
            int hdr = 1;
            while (true) {
                int b = read();
                if (b < 0) throw new Corrupt(file + ": truncated record at offset " + offset);
                hdr++;
                len |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) break;
                shift += 7;
                if (shift > 28) throw new Corrupt(file + ": illegal length, record type " + code);
            }
            if (len > end - offset - hdr || len > Integer.MAX_VALUE - 16) {
                throw new Corrupt(file + ": illegal length " + len + ", record type " + code);
            }
            length = (int) len;
            if (data.length < length) data = new byte[(int) Math.min(Integer.MAX_VALUE - 16, Math.max(length, data.length * 2L))];
            if (readFully(data, length) < length) throw new Corrupt(file + ": truncated record at offset " + offset);
            offset += hdr + length;
            return t;
        }

        private int read() throws IOException {
            if (pos == limit && !fill()) return -1;
            return buf[pos++] & 0xff;
        }

        /** Up to {@code len} bytes into {@code to}: the buffered ones, then straight from the stream. */
        private int readFully(byte[] to, int len) throws IOException {
            int got = Math.min(len, limit - pos);
            System.arraycopy(buf, pos, to, 0, got);
            pos += got;
            if (got == len) return got;
            if (len - got >= buf.length) return got + in.readNBytes(to, got, len - got);
            while (got < len && fill()) {
                int n = Math.min(len - got, limit);
                System.arraycopy(buf, 0, to, got, n);
                pos = n;
                got += n;
            }
            return got;
        }

        private boolean fill() throws IOException {
            int n = in.read(buf, 0, buf.length);
            pos = 0;
            limit = Math.max(n, 0);
            return n > 0;
        }

        String text() {
            return new String(data, 0, length, StandardCharsets.UTF_8);
        }
    }
}
