package mta.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** LineReaderTest - line ends, limits and buffering of {@link LineReader}. */
class LineReaderTest {
    private static LineReader reader(String s, int bufferSize) {
        return new LineReader(new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1)), bufferSize);
    }

    /** Every line as "text|END". */
    private static List<String> all(String s, int max, int bufferSize) throws IOException {
        LineReader r = reader(s, bufferSize);
        List<String> out = new ArrayList<>();
        while (r.next(max)) {
            // hasCr lets cleanup skip its look for stray CR/LF: it must be exact
            assertEquals(r.text().indexOf('\r') >= 0, r.hasCr(), "hasCr of " + r.text().replace("\r", "\\r"));
            out.add(r.text() + "|" + r.end());
        }
        assertFalse(r.next(max), "stays at end of stream");
        return out;
    }

    /** Waiting for input consumes nothing: the next line starts with what arrived; at the end, no line. */
    @Test
    void awaitInputConsumesNothing() throws IOException {
        for (int buf : new int[] {1, 4, 8192}) {
            LineReader r = reader("EHLO a\r\nQUIT\r\n", buf);
            r.awaitInput();
            assertTrue(r.hasBufferedInput(), "buffer " + buf);
            r.awaitInput(); // buffered already: no read
            assertTrue(r.next(100));
            assertEquals("EHLO a", r.text());
            assertTrue(r.next(100));
            assertEquals("QUIT", r.text());
            assertFalse(r.next(100));
        }
        LineReader empty = reader("", 8192);
        empty.awaitInput();
        assertFalse(empty.hasBufferedInput());
        assertFalse(empty.next(100), "end of stream after the wait");
        LineReader raw = reader("abc", 8192);
        raw.awaitInput();
        byte[] b = new byte[8];
        assertEquals(3, raw.read(b, 0, 8), "raw reads see the waited-for bytes");
    }

    @Test
    void lineEnds() throws IOException {
        for (int buf : new int[] {1, 2, 3, 8192}) {
            assertEquals(List.of("a|CRLF", "b|BARE_LF", "|CRLF", "c|EOF"), all("a\r\nb\n\r\nc", 100, buf), "buffer " + buf);
            assertEquals(List.of("x\ry|CRLF", "z\r|CRLF", "\r|EOF"), all("x\ry\r\nz\r\r\n\r", 100, buf), "bare CR is data");
            assertEquals(List.of(), all("", 100, buf));
            assertEquals(List.of("|BARE_LF", "|BARE_LF"), all("\n\n", 100, buf));
        }
    }

    @Test
    void tooLongLinesComeInPieces() throws IOException {
        for (int buf : new int[] {1, 4, 8192}) {
            assertEquals(List.of("abcd|TOO_LONG", "efgh|TOO_LONG", "ij|CRLF", "k|CRLF"),
                    all("abcdefghij\r\nk\r\n", 4, buf), "buffer " + buf);
            assertEquals(List.of("abcd|CRLF"), all("abcd\r\n", 4, buf), "exactly the limit is no cut");
            assertEquals(List.of("abcd|BARE_LF"), all("abcd\n", 4, buf));
            assertEquals(List.of("abcd|TOO_LONG", "\re|CRLF"), all("abcd\re\r\n", 4, buf), "a cut CR stays data");
            assertEquals(List.of("abcd|TOO_LONG", "e|EOF"), all("abcde", 4, buf));
        }
    }

    @Test
    void bytesAndLength() throws IOException {
        LineReader r = reader("h\u00e9llo\r\n", 8192);
        assertTrue(r.next(100));
        assertEquals(5, r.length());
        assertEquals((byte) 0xe9, r.bytes()[1]);
        assertEquals("h\u00e9llo", r.text());
    }

    @Test
    void hasBufferedInputSeesPipelinedCommands() throws IOException {
        LineReader r = reader("NOOP\r\nNOOP\r\n", 8192);
        assertTrue(r.next(100));
        assertTrue(r.hasBufferedInput());
        assertTrue(r.next(100));
        assertFalse(r.hasBufferedInput());

        // a stream that delivers one line per read: nothing is buffered after each line
        InputStream slow = new InputStream() {
            final byte[] data = "A\r\nB\r\n".getBytes(StandardCharsets.US_ASCII);
            int pos;

            @Override
            public int read() {
                return pos < data.length ? data[pos++] : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= data.length) return -1;
                int n = Math.min(3, Math.min(len, data.length - pos));
                System.arraycopy(data, pos, b, off, n);
                pos += n;
                return n;
            }
        };
        LineReader s = new LineReader(slow);
        assertTrue(s.next(100));
        assertEquals("A", s.text());
        assertFalse(s.hasBufferedInput());
        assertTrue(s.next(100));
        assertEquals("B", s.text());
        r = reader("A\r\nB\r\n", 8192);
        r.next(100);
        r.discardBuffered();
        assertFalse(r.hasBufferedInput());
        assertFalse(r.next(100));
    }

    @Test
    void theBufferGrowsWithoutLosingOrSplittingLines() throws IOException {
        // Lines of 1 to 3000 bytes through a reader whose buffer starts small and grows to 8192.
        StringBuilder sb = new StringBuilder();
        List<String> want = new ArrayList<>();
        for (int i = 1; i < 3000; i += 97) {
            String line = String.valueOf((char) ('a' + i % 26)).repeat(i);
            sb.append(line).append("\r\n");
            want.add(line + "|CRLF");
        }
        assertEquals(want, all(sb.toString(), 4000, 8192));
        assertEquals(want, all(sb.toString(), 4000, 100));
    }

    /**
     * The reader against a byte-at-a-time model of the same rules, on random input made of CR, LF
     * and ordinary bytes, with random limits and buffer sizes: the bulk path must not change any
     * line, line end or cut.
     */
    @Test
    void sameLinesAsTheByteAtATimeRules() throws IOException {
        java.util.Random random = new java.util.Random(42);
        byte[] alphabet = {'a', 'b', '\r', '\n', '.', (byte) 0xe9};
        for (int round = 0; round < 3000; round++) {
            int n = random.nextInt(80);
            byte[] data = new byte[n];
            for (int i = 0; i < n; i++) data[i] = alphabet[random.nextInt(random.nextBoolean() ? 2 : alphabet.length)];
            int max = 1 + random.nextInt(12);
            int buf = 1 + random.nextInt(20);
            String input = new String(data, StandardCharsets.ISO_8859_1);
            assertEquals(model(data, max), all(input, max, buf), "input " + input.replace("\r", "\\r").replace("\n", "\\n")
                    + " limit " + max + " buffer " + buf);
        }
    }

    /** The rules one byte at a time: what {@link LineReader#next} returns, as "text|END" per line. */
    private static List<String> model(byte[] data, int max) {
        List<String> out = new ArrayList<>();
        int pos = 0;
        boolean carryCr = false;
        while (true) {
            StringBuilder line = new StringBuilder();
            boolean sawCr = carryCr;
            carryCr = false;
            String end = null;
            while (end == null) {
                if (pos == data.length) {
                    if (sawCr) line.append('\r');
                    if (line.length() == 0) return out;
                    end = "EOF";
                    break;
                }
                byte b = data[pos];
                if (b == '\n') {
                    pos++;
                    end = sawCr ? "CRLF" : "BARE_LF";
                    break;
                }
                if (sawCr) {
                    if (line.length() >= max) {
                        carryCr = true;
                        end = "TOO_LONG";
                        break;
                    }
                    line.append('\r');
                    sawCr = false;
                }
                if (b == '\r') {
                    pos++;
                    sawCr = true;
                    continue;
                }
                if (line.length() >= max) {
                    end = "TOO_LONG";
                    break;
                }
                pos++;
                line.append((char) (b & 0xff));
            }
            out.add(line + "|" + end);
        }
    }
}
