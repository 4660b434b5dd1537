package mta.smtpd;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLSocket;
import mta.util.TimedInputStream;

/**
 * SmtpdConnection - what a session talks over: two streams, the client's address, a read timeout.
 *
 * <p>A TCP connection ({@link #of(Socket)}) or standard input and output ({@link #of(TimedInputStream,
 * OutputStream, InetAddress)}, for {@code sendmail -bs}). The session sees no difference: it
 * reads commands from {@link #in}, writes replies to {@link #out}, and, over TLS and on standard
 * streams, sets the time a single read may wait through {@link #readTimeout}, which ends that read
 * with a {@link java.net.SocketTimeoutException} (on a plain TCP socket smtpd's watchdog keeps the
 * limit instead: {@code SmtpdChat}).
 *
 * @param in          the client's bytes
 * @param out         our replies
 * @param client      the client's IP address
 * @param readTimeout sets the longest wait of the next reads, in milliseconds
 * @param closer      ends the connection
 * @param socket      the TCP socket, which STARTTLS can layer TLS over; null on standard streams
 */
record SmtpdConnection(InputStream in, OutputStream out, InetAddress client, ReadTimeout readTimeout,
                       Closeable closer, Socket socket) implements Closeable {

    /** Sets the longest wait of a read, in milliseconds (a positive number). */
    @FunctionalInterface
    interface ReadTimeout {
        void set(int millis) throws IOException;
    }

    /** A TCP client: the socket's streams, its peer address and {@code SO_TIMEOUT}. */
    static SmtpdConnection of(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        return new SmtpdConnection(socket.getInputStream(), socket.getOutputStream(), socket.getInetAddress(),
                socket::setSoTimeout, socket, socket);
    }

    /**
     * A TCP client handed over by postscreen: {@code early} holds the bytes postscreen already read
     * from it (a client that talked before its turn), which the session reads first.
     */
    static SmtpdConnection of(Socket socket, byte[] early) throws IOException {
        if (early.length == 0) return of(socket);
        socket.setTcpNoDelay(true);
        InputStream in = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(early), socket.getInputStream());
        return new SmtpdConnection(in, socket.getOutputStream(), socket.getInetAddress(), socket::setSoTimeout, socket,
                socket);
    }

    /** The same client over {@code tls}, a TLS socket layered over {@link #socket} (STARTTLS, wrapper mode). */
    SmtpdConnection overTls(SSLSocket tls) throws IOException {
        return new SmtpdConnection(tls.getInputStream(), tls.getOutputStream(), client, tls::setSoTimeout, tls, tls);
    }

    /** A client on plain streams (standard input and output), known by the address {@code client}. */
    static SmtpdConnection of(TimedInputStream in, OutputStream out, InetAddress client) {
        return new SmtpdConnection(in, out, client, in::setTimeout, () -> {
            try (in; out) {
                out.flush();
            }
        }, null);
    }

    @Override
    public void close() throws IOException {
        closer.close();
    }
}
