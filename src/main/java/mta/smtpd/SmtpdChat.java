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
    private SmtpdConnection connection;
    private DeadlineInput raw;
    private LineReader in;
    /** Made at the first reply and dropped by {@link #awaitInput}: null while nothing is to be written. */
    private OutputStream out;
    private final Duration timeout;
    /** {@link #awaitInput} started the deadline of the next line, which {@link #next} then keeps. */
    private boolean armed;

    SmtpdChat(SmtpdConnection connection, Duration timeout) {
        this.timeout = timeout;
        over(connection);
    }

    private void over(SmtpdConnection c) {
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
     * An input stream whose reads fail with {@link SocketTimeoutException} once the deadline set by
     * {@link #arm} has passed: each read waits only for the time that is left.
     */
    private static final class DeadlineInput extends InputStream {
        private final SmtpdConnection.ReadTimeout readTimeout;
        private final InputStream in;
        private final long timeoutMillis;
        private long deadline;

        DeadlineInput(SmtpdConnection connection, long timeoutMillis) {
            this.readTimeout = connection.readTimeout();
            this.in = connection.in();
            this.timeoutMillis = timeoutMillis;
            arm();
        }

        void arm() {
            deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        }

        private void setTimeout() throws IOException {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) throw new SocketTimeoutException("deadline passed");
            readTimeout.set((int) Math.min(Integer.MAX_VALUE, left));
        }

        @Override
        public int read() throws IOException {
            setTimeout();
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            setTimeout();
            return in.read(b, off, len);
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }
    }
}
