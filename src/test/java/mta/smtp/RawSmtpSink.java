package mta.smtp;

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
 * RawSmtpSink - an SMTP server for tests that keeps every byte its clients send, as sent.
 *
 * <p>Reads from each connection byte by byte and records the raw bytes of the whole session
 * ({@link #sessions}); a command ends only at CRLF and the DATA content only at CRLF.CRLF,
 * exactly as RFC 5321 says, so a bare CR or LF from the client stays visible in the record and
 * cannot end anything early. Writes a fixed EHLO reply ({@link #ehlo}) and 250/354/221 replies.
 * Real servers (Postfix's smtp-sink, GreenMail) normalise line ends before a test can look at
 * them; this one exists to see the bytes themselves.
 */
final class RawSmtpSink implements AutoCloseable {
    private final ServerSocket listener;
    private final List<byte[]> sessions = new CopyOnWriteArrayList<>();
    private volatile String ehlo = "250-raw.test\r\n250-PIPELINING\r\n250 8BITMIME";
    private volatile boolean closed;

    private RawSmtpSink(ServerSocket listener) {
        this.listener = listener;
        Thread.ofPlatform().daemon().name("raw-smtp-sink").start(this::serve);
    }

    static RawSmtpSink start() throws IOException {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        return new RawSmtpSink(s);
    }

    /** The EHLO reply keywords after the greeting line, for example {@code "PIPELINING", "SMTPUTF8"}. */
    RawSmtpSink ehlo(String... keywords) {
        StringBuilder sb = new StringBuilder("250");
        sb.append(keywords.length == 0 ? " " : "-").append("raw.test");
        for (int i = 0; i < keywords.length; i++) {
            sb.append("\r\n250").append(i == keywords.length - 1 ? " " : "-").append(keywords[i]);
        }
        ehlo = sb.toString();
        return this;
    }

    String nexthop() {
        return "[127.0.0.1]:" + listener.getLocalPort();
    }

    /**
     * The raw bytes of each finished session, in order, once at least {@code n} sessions have
     * finished (the client may be done before this side has filed the session).
     */
    List<byte[]> sessions(int n) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (sessions.size() < n) {
            if (System.nanoTime() > end) throw new AssertionError("only " + sessions.size() + " sessions, not " + n);
            Thread.sleep(10);
        }
        return List.copyOf(sessions);
    }

    private void serve() {
        while (!closed) {
            try {
                Socket s = listener.accept();
                Thread.ofVirtual().start(() -> converse(s));
            } catch (IOException e) {
                if (closed) return;
            }
        }
    }

    private void converse(Socket s) {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (s) {
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            reply(out, "220 raw.test ESMTP");
            while (true) {
                String cmd = readUntil(in, raw, "\r\n".getBytes(StandardCharsets.ISO_8859_1));
                if (cmd == null) return;
                String verb = cmd.length() >= 4 ? cmd.substring(0, 4).toUpperCase(java.util.Locale.ROOT) : cmd;
                switch (verb) {
                    case "EHLO" -> reply(out, ehlo);
                    case "DATA" -> {
                        reply(out, "354 End data with <CR><LF>.<CR><LF>");
                        if (readUntil(in, raw, "\r\n.\r\n".getBytes(StandardCharsets.ISO_8859_1)) == null) return;
                        reply(out, "250 2.0.0 Ok: queued as RAW1");
                    }
                    case "QUIT" -> {
                        reply(out, "221 2.0.0 Bye");
                        return;
                    }
                    default -> reply(out, "250 2.0.0 Ok");
                }
            }
        } catch (IOException e) {
            // the client went away: keep what came
        } finally {
            sessions.add(raw.toByteArray());
        }
    }

    /** Reads up to and including {@code end}, recording every byte; the text before it, or null at EOF. */
    private static String readUntil(InputStream in, ByteArrayOutputStream raw, byte[] end) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int matched = 0;
        while (true) {
            int b = in.read();
            if (b < 0) return null;
            raw.write(b);
            line.write(b);
            if (b == end[matched]) {
                matched++;
                if (matched == end.length) {
                    byte[] all = line.toByteArray();
                    return new String(all, 0, all.length - end.length, StandardCharsets.UTF_8);
                }
            } else {
                matched = b == end[0] ? 1 : 0;
            }
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
    }
}
