package mta.util;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * LineReader - reads CRLF-terminated protocol lines with a length limit.
 *
 * <p>Reads bytes from a stream through its own buffer; writes nothing. Each call returns one line
 * without its terminator, and says how the line ended: CRLF, a bare LF (which SMTP forbids and
 * which smuggling attacks rely on), end of stream, or cut at the limit. A line longer than the
 * limit is returned in pieces, each flagged {@link End#TOO_LONG}, so memory stays bounded.
 * The buffer starts at 512 bytes and grows to its full size only when a read fills it: an idle
 * SMTP session, which sends short commands or nothing, keeps 0.5 KB instead of 8 KB (10,000 idle
 * sessions: 75 MB less).
 */
public final class LineReader {
    /** How a line ended. */
    public enum End { CRLF, BARE_LF, EOF, TOO_LONG }

    private final InputStream in;
    private static final int FIRST_BUFFER = 512;
    private final int bufferSize;
    private byte[] buf;
    private int pos;
    private int limit;
    private static final byte[] NO_LINE = new byte[0];
    /** Made at the first byte of a line: an idle session has none. */
    private byte[] line = NO_LINE;
    private int lineLength;
    private End end;
    private boolean carryCr; // a CR read just before a TOO_LONG cut; it starts the next piece
    private boolean hasCr;   // the current line holds a CR byte (one not followed by its LF)

    public LineReader(InputStream in) {
        this(in, 8192);
    }

    public LineReader(InputStream in, int bufferSize) {
        this.in = in;
        this.bufferSize = bufferSize;
        this.buf = new byte[Math.min(bufferSize, FIRST_BUFFER)];
    }

    /**
     * Reads the next line of at most {@code maxLength} bytes.
     *
     * @return false at end of stream with nothing read
     */
    public boolean next(int maxLength) throws IOException {
        lineLength = 0;
        hasCr = false;
        boolean sawCr = carryCr;
        carryCr = false;
        while (true) {
            if (pos == limit) {
                if (!fill()) {
                    if (sawCr) appendCr();
                    end = End.EOF;
                    return lineLength > 0 || sawCr;
                }
            }
            if (!sawCr) {
                // The common case, taken in bulk: a run of bytes that are neither CR nor LF, as far
                // as the buffer and the limit allow. The byte after the run goes the way below.
                int room = Math.max(0, maxLength - lineLength);
                int stop = room >= limit - pos ? limit : pos + room;
                int i = LineEnds.find(buf, pos, stop);
                if (i > pos) {
                    appendRun(buf, pos, i - pos);
                    pos = i;
                    if (pos == limit) continue;
                }
            }
            byte b = buf[pos];
            if (b == '\n') {
                pos++;
                end = sawCr ? End.CRLF : End.BARE_LF;
                return true;
            }
            // The limit is checked before a byte is taken, so a line of exactly maxLength bytes
            // ends normally and a CR is never split from its LF.
            if (sawCr) {
                if (lineLength >= maxLength) {
                    carryCr = true;
                    end = End.TOO_LONG;
                    return true;
                }
                appendCr();
                sawCr = false;
            }
            if (b == '\r') {
                pos++;
                sawCr = true;
                continue;
            }
            if (lineLength >= maxLength) {
                end = End.TOO_LONG;
                return true;
            }
            pos++;
            append(b);
        }
    }

    /**
     * Blocks until input is buffered or the stream ends, consuming nothing: the next
     * {@link #next} or {@link #read} starts with what arrived. Returns at once when input is
     * buffered already.
     */
    public void awaitInput() throws IOException {
        if (pos == limit && !carryCr) fill();
    }

    /** True when input is already buffered: the client sent more before reading our reply. */
    public boolean hasBufferedInput() {
        return pos < limit;
    }

    /** True when a whole line (up to its LF) is already buffered: reading it will not block. */
    public boolean hasBufferedLine() {
        for (int i = pos; i < limit; i++) if (buf[i] == '\n') return true;
        return false;
    }

    /**
     * Reads up to {@code len} raw bytes, buffered ones first (BDAT chunks, which have no line
     * structure); blocks only when nothing is buffered.
     *
     * @return the number of bytes read, or -1 at end of stream
     */
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (carryCr) {
            carryCr = false;
            b[off] = '\r';
            return 1;
        }
        if (pos == limit && !fill()) return -1;
        int n = Math.min(len, limit - pos);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    /** Buffers whatever the stream can give without blocking; true when input is then buffered. */
    public boolean pollInput() throws IOException {
        if (pos < limit) return true;
        if (in.available() <= 0) return false;
        return fill();
    }

    /** Up to {@code max} buffered bytes, not consumed (for logging what a client sent too early). */
    public byte[] peekBuffered(int max) {
        return Arrays.copyOfRange(buf, pos, pos + Math.min(max, limit - pos));
    }

    /** Discards everything buffered so far (used when a pipelining violation must not be acted on). */
    public void discardBuffered() {
        pos = limit;
    }

    private boolean fill() throws IOException {
        // Called only when everything buffered has been consumed: a bigger buffer loses nothing.
        if (limit == buf.length && buf.length < bufferSize) buf = new byte[Math.min(bufferSize, buf.length * 4)];
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) return false;
        pos = 0;
        limit = n;
        return true;
    }

    private void appendRun(byte[] from, int off, int n) {
        if (lineLength + n > line.length) line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + n));
        System.arraycopy(from, off, line, lineLength, n);
        lineLength += n;
    }

    private void appendCr() {
        hasCr = true;
        append((byte) '\r');
    }

    private void append(byte b) {
        if (lineLength == line.length) line = Arrays.copyOf(line, Math.max(256, line.length * 2));
        line[lineLength++] = b;
    }

    public End end() {
        return end;
    }

    /** The bytes of the current line; valid until the next call. */
    public byte[] bytes() {
        return line;
    }

    /**
     * Whether the current line holds a CR byte. It never holds an LF (an LF ends a line), so
     * without a CR it holds no line-end byte at all.
     */
    public boolean hasCr() {
        return hasCr;
    }

    public int length() {
        return lineLength;
    }

    /** The current line as ISO-8859-1 text (one char per byte, lossless). */
    public String text() {
        return new String(line, 0, lineLength, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
