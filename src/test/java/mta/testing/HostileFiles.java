package mta.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import mta.queue.QueueFileWriter;
import mta.queue.RecordType;

/**
 * HostileFiles - queue and maildrop files as an attacker or a damaged disk makes them.
 *
 * <p>Writes nothing by itself: {@link #hugeRecord} gives the bytes of a file whose SENDER record
 * claims 2,147,483,392 bytes (it has three), with a proper END record at the end, so that only the
 * length is wrong; {@link #place} puts bytes under a queue name atomically.
 */
public final class HostileFiles {
    /** The length the hostile record claims (issue 12's example). */
    public static final long HUGE = 2_147_483_392L;

    private HostileFiles() {}

    public static byte[] hugeRecord() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        record(out, RecordType.VERSION, QueueFileWriter.FORMAT_VERSION.getBytes(StandardCharsets.US_ASCII));
        record(out, RecordType.TIME, Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.US_ASCII));
        out.write(RecordType.SENDER.code);
        varint(out, HUGE);
        out.write("abc".getBytes(StandardCharsets.US_ASCII));
        record(out, RecordType.END, new byte[0]);
        return out.toByteArray();
    }

    private static void record(ByteArrayOutputStream out, RecordType t, byte[] data) {
        out.write(t.code);
        varint(out, data.length);
        out.write(data, 0, data.length);
    }

    private static void varint(ByteArrayOutputStream out, long n) {
        do {
            int b = (int) (n & 0x7f);
            n >>>= 7;
            out.write(n != 0 ? b | 0x80 : b);
        } while (n != 0);
    }

    /** Writes {@code bytes} to {@code dir/name} through a temporary name (mode 0700: a finished queue file). */
    public static Path place(Path dir, String name, byte[] bytes) throws IOException {
        Path tmp = dir.resolve(".hostile-" + name);
        Files.write(tmp, bytes);
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        return Files.move(tmp, dir.resolve(name), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
