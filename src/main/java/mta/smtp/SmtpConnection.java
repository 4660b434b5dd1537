package mta.smtp;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import mta.lookup.UnixSocketFactory;
import mta.util.LineEnds;
import mta.util.LineReader;
import mta.util.StallWatchdog;

/**
 * SmtpConnection - one TCP connection to a remote SMTP server: commands out, replies in.
 *
 * <p>Reads replies from the socket, with a time limit per reply, a length limit per line and a
 * limit on the number of lines; writes commands and message content through a buffer that is
 * sent on {@link #flush()}. Every failure of the remote side becomes a {@link PeerException}.
 * Sockets have no write timeout, so while content is sent the shared {@link StallWatchdog} closes
 * the socket when no write completes for the transfer time limit. {@link #startTls} layers TLS over the open socket
 * (RFC 3207); from then on commands and replies pass through it.
 */
final class SmtpConnection implements AutoCloseable {
    /** Longest reply line kept; the rest of a longer line is skipped. */
    static final int MAX_REPLY_LINE = 2048;
    /** Most lines in one reply. */
    static final int MAX_REPLY_LINES = 100;
    private static final byte[] CRLF = {'\r', '\n'};

    private Socket socket;
    private LineReader in;
    private ProgressStream progress;
    private OutputStream out;
    private volatile boolean watchdogFired;
    /** Set once the conversation is out of step or dead; then no QUIT is sent. */
    private boolean broken;

    private SmtpConnection(Socket socket) throws IOException {
        attach(socket);
    }

    private void attach(Socket s) throws IOException {
        this.socket = s;
        this.in = new LineReader(s.getInputStream());
        this.progress = new ProgressStream(s.getOutputStream());
        this.out = new BufferedOutputStream(progress, 64 * 1024);
    }

    /**
     * Performs the TLS handshake over this connection, after the server's 220 reply to STARTTLS,
     * and sends everything after it through TLS. A failed handshake leaves the connection broken.
     */
    SSLSession startTls(SSLSocketFactory factory, SSLParameters params, MailHost host, Duration timeout)
            throws IOException {
        try {
            String peer = host.isUnix() ? host.name() : host.address().getHostAddress();
            SSLSocket tls = (SSLSocket) factory.createSocket(socket, peer, host.port(), true);
            tls.setUseClientMode(true);
            if (params != null) tls.setSSLParameters(params);
            tls.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
            tls.startHandshake();
            mta.metrics.MailMetrics.TLS_HANDSHAKES.labels("client").inc();
            attach(tls);
            return tls.getSession();
        } catch (IOException e) {
            mta.metrics.MailMetrics.TLS_HANDSHAKE_FAILURES.labels("client").inc();
            broken = true;
            throw e;
        }
    }

    /** True once {@link #startTls} succeeded. */
    boolean isTls() {
        return socket instanceof SSLSocket;
    }

    /** Connects; a plain IOException (refused, timed out, unreachable) means no connection. */
    static SmtpConnection open(MailHost host, Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(host.socketAddress(), (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            socket.setTcpNoDelay(true);
            return new SmtpConnection(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Connects to the UNIX-domain socket {@code path} (an LMTP server); the socket keeps the read
     * time limits a TCP socket has. A plain IOException means no connection.
     */
    static SmtpConnection openUnix(Path path) throws IOException {
        Socket socket = new UnixSocketFactory(path.toString()).createSocket();
        try {
            socket.connect(null, 0);
            return new SmtpConnection(socket);
        } catch (IOException e) {
            socket.close();
            throw e.getCause() instanceof IOException cause ? cause : e; // the reason without the path
        }
    }

    /** True after a timeout, lost connection or garbled reply, or after {@link #markBroken()}. */
    boolean isBroken() {
        return broken;
    }

    /** Says the conversation cannot go on (for example, content was cut off halfway). */
    void markBroken() {
        broken = true;
    }

    /**
     * Buffers one command line; {@link #flush()} sends it. A CR or LF inside the command (an
     * address with a line end in it) is sent as a space: one command never becomes two.
     */
    void send(String command) throws PeerException {
        byte[] b = command.getBytes(StandardCharsets.UTF_8);
        LineEnds.spaceOut(b, 0, b.length);
        write(b, 0, b.length);
        write(CRLF, 0, 2);
    }

    /** Buffers bytes of the message content (already dot-stuffed by the caller). */
    void write(byte[] b, int off, int len) throws PeerException {
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            throw writeFailure(e);
        }
    }

    void flush() throws PeerException {
        try {
            out.flush();
        } catch (IOException e) {
            throw writeFailure(e);
        }
    }

    /**
     * Sends whatever {@code body} writes, closing the socket if no write completes within
     * {@code limit} (smtp_data_xfer_timeout measures progress, not the whole transfer).
     */
    void withWriteWatchdog(Duration limit, IoAction body) throws IOException {
        ProgressStream p = progress;
        p.lastProgress = System.nanoTime();
        StallWatchdog.Watch watch = StallWatchdog.watch(limit, () -> p.lastProgress, this::stalled);
        try {
            body.run();
        } finally {
            watch.stop();
        }
    }

    /** Something that writes and may fail. */
    interface IoAction {
        void run() throws IOException;
    }

    private void stalled() {
        watchdogFired = true;
        close();
    }

    private PeerException writeFailure(IOException e) {
        broken = true;
        if (watchdogFired) return new PeerException(PeerException.Kind.TIMEOUT, "write timed out");
        return new PeerException(PeerException.Kind.LOST, String.valueOf(e.getMessage()));
    }

    /**
     * Reads one reply, waiting at most {@code timeout} for each line. Lines look like
     * {@code 250-text} (more follow) or {@code 250 text} / {@code 250} (the last).
     */
    ServerReply readReply(Duration timeout) throws PeerException {
        List<String> lines = new ArrayList<>();
        int code = 0;
        try {
            socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
            while (true) {
                String line = readLine();
                if (line.length() < 3 || !isCode(line) || line.length() > 3 && line.charAt(3) != '-' && line.charAt(3) != ' ') {
                    throw new PeerException(PeerException.Kind.MALFORMED, "malformed reply: " + printable(line));
                }
                int lineCode = Integer.parseInt(line.substring(0, 3));
                if (lines.isEmpty()) code = lineCode;
                lines.add(line);
                if (line.length() == 3 || line.charAt(3) == ' ') return new ServerReply(code, List.copyOf(lines));
                if (lines.size() >= MAX_REPLY_LINES) {
                    throw new PeerException(PeerException.Kind.MALFORMED, "reply has more than " + MAX_REPLY_LINES + " lines");
                }
            }
        } catch (SocketTimeoutException e) {
            broken = true;
            throw new PeerException(PeerException.Kind.TIMEOUT, "read timed out");
        } catch (PeerException e) {
            broken = true;
            throw e;
        } catch (IOException e) {
            broken = true;
            throw new PeerException(PeerException.Kind.LOST, String.valueOf(e.getMessage()));
        }
    }

    /** One line, cut at {@link #MAX_REPLY_LINE} bytes (the rest of the line is skipped). */
    private String readLine() throws IOException {
        if (!in.next(MAX_REPLY_LINE)) throw new PeerException(PeerException.Kind.LOST, "connection closed");
        String line = new String(in.bytes(), 0, in.length(), StandardCharsets.UTF_8);
        while (in.end() == LineReader.End.TOO_LONG) {
            if (!in.next(MAX_REPLY_LINE)) break;
        }
        if (in.end() == LineReader.End.EOF) throw new PeerException(PeerException.Kind.LOST, "connection closed");
        return line;
    }

    private static boolean isCode(String line) {
        char c = line.charAt(0);
        return c >= '2' && c <= '5' && Character.isDigit(line.charAt(1)) && Character.isDigit(line.charAt(2));
    }

    private static String printable(String line) {
        String s = line.length() > 100 ? line.substring(0, 100) + "..." : line;
        return s.replaceAll("\\p{Cntrl}", "?");
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing more to do with a connection we are giving up
        }
    }

    /** Passes writes through and remembers when the last one completed. */
    private static final class ProgressStream extends OutputStream {
        private final OutputStream raw;
        volatile long lastProgress = System.nanoTime();

        ProgressStream(OutputStream raw) {
            this.raw = raw;
        }

        @Override
        public void write(int b) throws IOException {
            raw.write(b);
            lastProgress = System.nanoTime();
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            raw.write(b, off, len);
            lastProgress = System.nanoTime();
        }

        @Override
        public void flush() throws IOException {
            raw.flush();
        }
    }
}
