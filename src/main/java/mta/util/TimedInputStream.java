package mta.util;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * TimedInputStream - a read timeout for a stream that has none, such as standard input.
 *
 * <p>Reads the wrapped stream on a virtual thread of its own, a chunk at a time, into a short
 * queue; {@link #read} waits for the next chunk at most {@link #setTimeout the timeout} and then
 * fails with {@link SocketTimeoutException}, as a socket with {@code SO_TIMEOUT} does.
 * {@link #available} counts only bytes already taken from the wrapped stream; {@link #timedOut}
 * tells afterwards whether a read gave up.
 */
public final class TimedInputStream extends InputStream {
    private static final byte[] EOF = new byte[0];

    private final BlockingQueue<Object> chunks = new ArrayBlockingQueue<>(4);
    private final Thread reader;
    private byte[] chunk = new byte[0];
    private int pos;
    private boolean eof;
    private volatile boolean timedOut;
    private volatile long timeoutMillis;

    public TimedInputStream(InputStream in) {
        this.reader = Thread.ofVirtual().name("stdin-reader").start(() -> pump(in));
    }

    private void pump(InputStream in) {
        try {
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) chunks.put(Arrays.copyOf(buf, n));
            chunks.put(EOF);
        } catch (IOException e) {
            chunks.offer(e);
        } catch (InterruptedException e) {
            // closed
        }
    }

    /** The longest wait of one read, in milliseconds; zero or less waits for ever. */
    public void setTimeout(int millis) {
        this.timeoutMillis = millis;
    }

    /** True once a read has waited longer than the timeout. */
    public boolean timedOut() {
        return timedOut;
    }

    /** Makes the current chunk non-empty; false at end of stream. */
    private boolean fill() throws IOException {
        while (pos >= chunk.length) {
            if (eof) return false;
            Object next;
            try {
                next = timeoutMillis > 0 ? chunks.poll(timeoutMillis, TimeUnit.MILLISECONDS) : chunks.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
            if (next == null) {
                timedOut = true;
                throw new SocketTimeoutException("read timed out");
            }
            if (next instanceof IOException e) throw e;
            chunk = (byte[]) next;
            pos = 0;
            if (chunk.length == 0) eof = true;
        }
        return true;
    }

    @Override
    public int read() throws IOException {
        return fill() ? chunk[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (!fill()) return -1;
        int n = Math.min(len, chunk.length - pos);
        System.arraycopy(chunk, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public int available() {
        int n = chunk.length - pos;
        Object next = chunks.peek();
        if (next instanceof byte[] b) n += b.length;
        return n;
    }

    @Override
    public void close() {
        reader.interrupt();
    }
}
