package mta.util;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * LineEnds - finds the first CR or LF byte in part of a byte array, eight bytes at a time, and
 * makes each of them a space where a line end must not be.
 *
 * <p>Reads a byte array; writes nothing. Every byte of a message is scanned for line ends twice
 * on its way through: by smtpd's {@link LineReader}, which splits the client's data into lines,
 * and by the SMTP client's line writer, which makes sure no stray CR or LF leaves inside a line.
 * The master runs with the quick compiler only (C1), which compiles a byte-by-byte loop as it is
 * written; reading eight bytes as one {@code long} and testing them together takes about half
 * the time per byte (bench/README.md, "Fewer round trips and less work per line").
 *
 * <p>The test: XOR with eight copies of CR turns each CR byte into a zero byte (likewise LF), and
 * {@code (x - 0x0101..01) & ~x & 0x8080..80} is non-zero exactly when {@code x} has a zero byte;
 * its lowest set bit lies in the first zero byte (bytes above it may be flagged falsely by the
 * borrow, never bytes below). Little-endian, so the lowest byte is the first in the array.
 */
public final class LineEnds {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long CRS = 0x0d0d0d0d0d0d0d0dL;
    private static final long LFS = 0x0a0a0a0a0a0a0a0aL;

    private LineEnds() {}

    /** The index of the first CR or LF in {@code b[from..to)}, or {@code to} when there is none. */
    public static int find(byte[] b, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long w = (long) LONGS.get(b, i);
            long found = zeroByte(w ^ CRS) | zeroByte(w ^ LFS);
            if (found != 0) return i + (Long.numberOfTrailingZeros(found) >>> 3);
        }
        for (; i < to; i++) {
            if (b[i] == '\r' || b[i] == '\n') return i;
        }
        return to;
    }

    /**
     * Makes each CR and LF in {@code b[from..to)} a space: a stray line end inside a line or a
     * command, which must not end it early (cleanup's content lines, the SMTP client's commands
     * and content lines).
     */
    public static void spaceOut(byte[] b, int from, int to) {
        for (int i = find(b, from, to); i < to; i = find(b, i + 1, to)) b[i] = ' ';
    }

    /** Non-zero when {@code x} has a zero byte; the lowest set bit is the high bit of the first one. */
    private static long zeroByte(long x) {
        return (x - ONES) & ~x & HIGHS;
    }
}
