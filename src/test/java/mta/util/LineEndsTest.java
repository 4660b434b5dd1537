package mta.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * LineEndsTest - the eight-bytes-at-a-time search for CR and LF finds what a byte-by-byte loop
 * finds: at every position of a word, at the range's edges, among bytes that differ from CR or LF
 * in one bit, and among bytes above 0x7f.
 */
class LineEndsTest {
    private static int byteByByte(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '\r' || b[i] == '\n') return i;
        }
        return to;
    }

    @Test
    void findsACrOrLfAtEveryPositionAndOffset() {
        for (byte end : new byte[] {'\r', '\n'}) {
            for (int from = 0; from < 9; from++) {
                for (int at = from; at < 40; at++) {
                    byte[] b = new byte[40];
                    java.util.Arrays.fill(b, (byte) 'x');
                    b[at] = end;
                    assertEquals(at, LineEnds.find(b, from, 40), "at " + at + " from " + from);
                    assertEquals(Math.min(at, 17), LineEnds.find(b, from, 17),
                            "a range that ends at 17, end at " + at + " from " + from);
                }
            }
        }
    }

    @Test
    void noneInTheRangeGivesItsEnd() {
        byte[] b = "0123456789abcdef\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals(16, LineEnds.find(b, 0, 16));
        assertEquals(5, LineEnds.find(b, 5, 5));
        assertEquals(16, LineEnds.find(b, 3, b.length));
        assertEquals(17, LineEnds.find(b, 17, b.length));
    }

    @Test
    void neighboursOfCrAndLfAndHighBytesAreNotLineEnds() {
        // bytes one bit away from CR (0x0d) and LF (0x0a), their high-bit twins, and 0x00/0xff
        byte[] near = {0x0c, 0x0e, 0x0f, 0x09, 0x0b, 0x08, 0x02, 0x05, 0x1a, 0x1d, (byte) 0x8d, (byte) 0x8a,
            0x00, (byte) 0xff, (byte) 0x80, 0x01};
        assertEquals(near.length, LineEnds.find(near, 0, near.length));
    }

    @Test
    void spaceOutMakesEachCrAndLfInTheRangeASpace() {
        byte[] b = "\r\na\rb\nc\r\n0123456789\r".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        LineEnds.spaceOut(b, 1, b.length - 1);
        assertEquals("\r a b c  0123456789\r", new String(b, java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void agreesWithAByteByByteLoopOnRandomBytes() {
        Random r = new Random(42);
        for (int n = 0; n < 20_000; n++) {
            byte[] b = new byte[r.nextInt(70)];
            for (int i = 0; i < b.length; i++) {
                int k = r.nextInt(20);
                b[i] = k == 0 ? (byte) '\r' : k == 1 ? (byte) '\n' : (byte) r.nextInt(256);
            }
            int from = b.length == 0 ? 0 : r.nextInt(b.length + 1);
            int to = from + (b.length - from == 0 ? 0 : r.nextInt(b.length - from + 1));
            assertEquals(byteByByte(b, from, to), LineEnds.find(b, from, to));
        }
    }
}
