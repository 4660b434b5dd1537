package mta.smtpd;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSocket;
import mta.mail.Reply;
import mta.util.LineReader;
import mta.util.StallWatchdog;

/**
 * SmtpdChat - the session's wire: reads command lines under a deadline, writes replies, flushes at the right time.
 *
 * <p>Holds the {@link SmtpdConnection} and, after STARTTLS (or in wrapper mode), continues over
 * the TLS socket layered on it ({@link #overTls}): what the client sent in the clear and we had
 * not read yet is dropped with the old buffers, never read as a command (the STARTTLS command
 * injection).
 *
 * <p>Reads through a {@link LineReader}; every line (command or message content) and every raw
 * BDAT read must arrive within {@code smtpd_timeout}, counted from when the read started, so a
 * client that trickles one byte a second still times out (Postfix's per-record deadline). Writes
 * replies into a buffer that is flushed only when no complete command line is waiting, so a
 * pipelined group of commands gets its replies in one write (RFC 2920), an unpipelined client
 * gets each reply at once, and the replies to complete commands never wait for the rest of a
 * partial line (Postfix flushes when its input buffer holds no complete line).
 */
final class SmtpdChat implements Closeable {
    /** Keeps smtpd_timeout for the sessions on plain TCP sockets: one thread for all of them. */
    private static final StallWatchdog TIMEOUTS = new StallWatchdog("smtpd-timeout");
    private SmtpdConnection connection;
    private DeadlineInput raw;
    private LineReader in;
    /** Made at the first reply and dropped by {@link #awaitInput}: null while nothing is to be written. */
    private OutputStream out;
    private final Duration timeout;
    /** {@link #awaitInput} started the deadline of the next line, which {@link #next} then keeps. */
    private boolean armed;

    SmtpdChat(SmtpdConnection connection, Duration timeout) throws IOException {
        this.timeout = timeout;
        over(connection);
    }

    private void over(SmtpdConnection c) throws IOException {
        if (raw != null) raw.stop();
        this.connection = c;
        this.raw = new DeadlineInput(c, timeout.toMillis());
        this.in = new LineReader(raw);
        this.out = null;
        this.armed = false;
    }

    /**
     * The reply buffer, made when a reply is written. No size: made on the session's virtual
     * thread, the JDK's buffer starts at 512 bytes and grows to 8 KB only when a reply needs it.
     */
    private OutputStream out() {
        if (out == null) out = new BufferedOutputStream(connection.out());
        return out;
    }

    /** The TCP socket under the conversation, which TLS can be layered over; null on standard streams. */
    Socket socket() {
        return connection.socket();
    }

    /** Goes on over {@code tls}, a TLS socket layered over {@link #socket()}; unread input is dropped. */
    void overTls(SSLSocket tls) throws IOException {
        over(connection.overTls(tls));
    }

    /** Ends the connection (the TLS one, when there is one). */
    @Override
    public void close() throws IOException {
        raw.stop();
        connection.close();
    }

    /**
     * Reads the next line (at most {@code max} bytes) within a fresh deadline, or within the one
     * {@link #awaitInput} started; false at end of stream.
     */
    boolean next(int max) throws IOException {
        if (!armed) raw.arm();
        armed = false;
        return in.next(max);
    }

    /**
     * Waits, within the deadline of the next line, until the client sends something (or hangs up),
     * and buffers it for {@link #next}; the reply buffer, flushed, is let go meanwhile. An idle
     * session waits here, called from the top of its stack, so its parked virtual thread keeps
     * few frames, and holds no reply buffer.
     */
    void awaitInput() throws IOException {
        if (out != null) {
            out.flush();
            out = null;
        }
        raw.arm();
        armed = true;
        in.awaitInput();
    }

    /** Reads raw bytes (BDAT) within a fresh deadline; -1 at end of stream. */
    int read(byte[] b, int off, int len) throws IOException {
        if (!armed) raw.arm();
        armed = false;
        return in.read(b, off, len);
    }

    /** The line reader; a new one after {@link #overTls}. */
    LineReader reader() {
        return in;
    }

    /**
     * Input the client already sent and we have not read as a command yet (at most 100 bytes), or
     * null: the pipelining check. Bytes in our own buffer came with an earlier read, so the client
     * sent them before it could see our last reply. With {@code pollSocket} the kernel's buffer is
     * looked at too; that is only meaningful before the greeting, when no reply has been sent.
     */
    byte[] earlyInput(boolean pollSocket) throws IOException {
        boolean early = pollSocket ? in.pollInput() : in.hasBufferedInput();
        return early ? in.peekBuffered(100) : null;
    }

    /** Writes one reply; control characters echoed from the client (CR, NUL...) become '?', so a reply is one line. */
    void reply(Reply r) throws IOException {
        mta.metrics.MailMetrics.reply(r.code());
        String text = r.toString();
        StringBuilder sb = new StringBuilder(text.length() + 2);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        out().write(sb.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
    }

    /** A multi-line reply: {@code 250-first}, ..., {@code 250 last}. */
    void reply(int code, List<String> lines) throws IOException {
        mta.metrics.MailMetrics.reply(code);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            sb.append(code).append(i == lines.size() - 1 ? ' ' : '-').append(lines.get(i)).append("\r\n");
        }
        out().write(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Flushes unless another complete pipelined command is already waiting. */
    void flushIfIdle() throws IOException {
        if (!in.hasBufferedLine()) flush();
    }

    void flush() throws IOException {
        if (out != null) out.flush();
    }

    /**
     * An input stream whose reads fail with {@link SocketTimeoutException} once the deadline
     * started by the first read after {@link #arm} has passed (a line already in the buffer
     * needs no read and no clock).
     *
     * <p>On a plain TCP socket the deadline is kept by smtpd's {@link StallWatchdog}: while a read
     * waits, the watch counts from the start of the line's deadline, otherwise it does not count,
     * and when it fires it shuts the socket's input down, which ends the blocked read; that read
     * then fails with the timeout. The reads themselves wait with no time limit, so a parked
     * session costs no timer. Each read also checks the deadline when it starts, so a client that
     * trickles a line byte by byte is cut there too, even should the watchdog, which saw the
     * session between two reads, wake late for it. Over TLS and on standard streams each read
     * waits only for the time that is left ({@link SmtpdConnection#readTimeout}).
     */
    private static final class DeadlineInput extends InputStream {
        private final SmtpdConnection.ReadTimeout readTimeout;
        private final InputStream in;
        private final long timeoutNanos;
        private final StallWatchdog.Watch watch;
        /** {@link #read()}'s byte, read through the bulk read. */
        private final byte[] one = new byte[1];
        /** {@link #arm} was called: the next read starts a new deadline. */
        private boolean fresh = true;
        private volatile long armedAt;
        /** A read is under way: the watch counts from {@link #armedAt}. */
        private volatile boolean reading;
        private volatile boolean timedOut;

        DeadlineInput(SmtpdConnection connection, long timeoutMillis) throws IOException {
            this.readTimeout = connection.readTimeout();
            this.in = connection.in();
            this.timeoutNanos = timeoutMillis * 1_000_000L;
            Socket socket = connection.socket();
            if (socket != null && !(socket instanceof SSLSocket)) {
                socket.setSoTimeout(0); // a proxy header's read limit must not outlive it
                this.watch = TIMEOUTS.start(Duration.ofNanos(timeoutNanos),
                        () -> reading ? armedAt : System.nanoTime(), () -> {
                            timedOut = true;
                            try {
                                socket.shutdownInput();
                            } catch (IOException ignored) {
                                // closed meanwhile: the read has ended anyway
                            }
                        });
            } else {
                this.watch = null;
            }
        }

        /** The next read starts a new deadline (a new line, a new BDAT chunk). */
        void arm() {
            fresh = true;
        }

        void stop() {
            if (watch != null) watch.stop();
        }

        private void beforeRead() throws IOException {
            long now = System.nanoTime();
            if (fresh) {
                armedAt = now;
                fresh = false;
            }
            long left = timeoutNanos - (now - armedAt);
            if (left <= 0 || timedOut) throw timeout();
            if (watch == null) readTimeout.set((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000L)));
            reading = true;
        }

        private static SocketTimeoutException timeout() {
            return new SocketTimeoutException("deadline passed");
        }

        @Override
        public int read() throws IOException {
            int n;
            do {
                n = read(one, 0, 1);
            } while (n == 0);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        /** A read that ends (end of stream or an error) because the watchdog shut the input down is the timeout. */
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            beforeRead();
            int n;
            try {
                n = in.read(b, off, len);
            } catch (IOException e) {
                if (timedOut) throw timeout();
                throw e;
            } finally {
                reading = false;
            }
            if (n < 0 && timedOut) throw timeout();
            return n;
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }
    }
}
