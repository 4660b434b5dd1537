package mta.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * RawSmtpSink - an SMTP server for tests that keeps the exact bytes a client sends.
 *
 * <p>Answers every command with a positive reply (EHLO offers PIPELINING and 8BITMIME) and
 * records, per message, the raw bytes between the {@code 354} reply and the terminating
 * {@code CRLF . CRLF}, still dot-stuffed and with every CR and LF as sent ({@link #messages()}),
 * and each command line ({@link #commands()}). A line is what ends at the next LF; the message
 * ends only at a line that is exactly {@code .} CR LF after a CR LF, as a strict receiver sees it,
 * so a stray CR or LF that could end a message for a lax receiver shows up in the recorded bytes.
 * Listens on 127.0.0.1, one connection at a time.
 */
public final class RawSmtpSink implements AutoCloseable {
    private final ServerSocket listener;
    private final List<byte[]> messages = new CopyOnWriteArrayList<>();
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private RawSmtpSink(ServerSocket listener) {
        this.listener = listener;
        Thread.ofPlatform().daemon().name("raw-smtp-sink").start(this::serve);
    }

    public static RawSmtpSink start() throws IOException {
        return start(TestSite.freePort());
    }

    /** A sink on 127.0.0.1:{@code port} (a next hop that comes up late). */
    public static RawSmtpSink start(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
        return new RawSmtpSink(s);
    }

    /** {@code [127.0.0.1]:port}: the next-hop (relayhost) that reaches this server. */
    public String nexthop() {
        return "[127.0.0.1]:" + listener.getLocalPort();
    }

    /** The raw content of each message received, in order. */
    public List<byte[]> messages() {
        return List.copyOf(messages);
    }

    /** Every command line received, without its line end. */
    public List<String> commands() {
        return List.copyOf(commands);
    }

    private void serve() {
        while (!closed) {
            try (Socket s = listener.accept()) {
                s.setSoTimeout(20_000);
                converse(s.getInputStream(), s.getOutputStream());
            } catch (IOException e) {
                if (closed) return;
            }
        }
    }

    private void converse(InputStream in, OutputStream out) throws IOException {
        write(out, "220 sink.test ESMTP\r\n");
        while (true) {
            byte[] line = readLine(in);
            if (line == null) return;
            String cmd = new String(line, StandardCharsets.ISO_8859_1).stripTrailing();
            commands.add(cmd);
            String verb = cmd.length() >= 4 ? cmd.substring(0, 4).toUpperCase(java.util.Locale.ROOT) : cmd;
            switch (verb) {
                case "EHLO" -> write(out, "250-sink.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n");
                case "DATA" -> {
                    write(out, "354 go ahead\r\n");
                    ByteArrayOutputStream msg = new ByteArrayOutputStream();
                    boolean afterCrlf = true;
                    while (true) {
                        byte[] l = readLine(in);
                        if (l == null) return;
                        if (afterCrlf && l.length == 3 && l[0] == '.' && l[1] == '\r' && l[2] == '\n') break;
                        msg.write(l);
                        afterCrlf = l.length >= 2 && l[l.length - 2] == '\r' && l[l.length - 1] == '\n';
                    }
                    messages.add(msg.toByteArray());
                    write(out, "250 2.0.0 Ok: kept\r\n");
                }
                case "QUIT" -> {
                    write(out, "221 2.0.0 Bye\r\n");
                    return;
                }
                default -> write(out, "250 2.0.0 Ok\r\n");
            }
        }
    }

    /** The bytes up to and including the next LF (or to the end of the stream); null at its end. */
    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            if (c == '\n') break;
        }
        return b.size() == 0 ? null : b.toByteArray();
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
    }
}
