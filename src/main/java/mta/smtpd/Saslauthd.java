package mta.smtpd;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import mta.util.TimedInputStream;

/**
 * Saslauthd - one password check by Cyrus's saslauthd over its UNIX-domain socket ({@code mux}).
 *
 * <p>The request is four counted strings (a two-byte length in network order, then the bytes): login
 * name, password, service and realm; the answer is one counted string, {@code OK} or {@code NO}
 * followed by saslauthd's reason. saslauthd closes the connection after each answer. The password
 * is written to the socket only: this class never logs or keeps it.
 */
final class Saslauthd {
    /** saslauthd's verdict: {@code ok}, and its text after OK or NO. */
    record Answer(boolean ok, String text) {}

    private Saslauthd() {}

    /** Asks saslauthd at {@code socket}; an I/O failure or a garbled answer is an IOException (a temporary failure). */
    static Answer check(Path socket, String login, String password, String service, String realm, Duration timeout)
            throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            OutputStream out = Channels.newOutputStream(ch);
            ByteBuffer req = ByteBuffer.allocate(8 + bytes(login).length + bytes(password).length
                    + bytes(service).length + bytes(realm).length);
            for (String s : new String[] {login, password, service, realm}) {
                byte[] b = bytes(s);
                if (b.length > 0xffff) throw new IOException("saslauthd request field too long");
                req.putShort((short) b.length).put(b);
            }
            out.write(req.array());
            out.flush();
            TimedInputStream timed = new TimedInputStream(Channels.newInputStream(ch));
            timed.setTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            DataInputStream in = new DataInputStream(timed);
            int n = in.readUnsignedShort();
            byte[] b = in.readNBytes(n);
            if (b.length != n) throw new IOException("short answer from saslauthd");
            String answer = new String(b, StandardCharsets.UTF_8);
            if (answer.startsWith("OK")) return new Answer(true, answer.substring(2).strip());
            if (answer.startsWith("NO")) return new Answer(false, answer.substring(2).strip());
            throw new IOException("unexpected answer from saslauthd");
        }
    }

    private static byte[] bytes(String s) {
        return (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
    }
}
