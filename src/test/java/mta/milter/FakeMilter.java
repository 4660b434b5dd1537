package mta.milter;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * FakeMilter - a scripted milter on 127.0.0.1, for the replies real filters do not make on demand.
 *
 * <p>Answers option negotiation with protocol version 6, every action, and the protocol flags the
 * test sets ({@link #protocol}, e.g. SMFIP_SKIP); to every other command it answers what its
 * {@link Script} says (by default: continue), and records each command it saw as text
 * ({@code MAIL <a@b>}, {@code HEADER Subject: hi}, {@code MACRO M {mail_addr}=a@b},
 * {@code BODY ...}, {@code EOM}) in {@link #events}. Beside the real OpenDKIM and rspamd, it
 * produces replace-body, change-sender, delete-recipient, quarantine, skip, progress, custom
 * codes and a filter that stops answering.
 */
public final class FakeMilter implements AutoCloseable {
    /** The replies to one command: each is a packet (code byte followed by its data). */
    public interface Script {
        List<byte[]> reply(char command, String text) throws IOException;
    }

    public static final Script CONTINUE = (c, t) -> List.of(packet('c'));

    private final ServerSocketChannel server;
    private final String name;
    public final List<String> events = new CopyOnWriteArrayList<>();
    public volatile Script script = CONTINUE;
    public volatile int protocol;

    /** A milter on a free port of 127.0.0.1. */
    public FakeMilter() throws IOException {
        server = ServerSocketChannel.open(StandardProtocolFamily.INET);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        name = "inet:127.0.0.1:" + ((InetSocketAddress) server.getLocalAddress()).getPort();
        Thread.ofVirtual().name("fake-milter").start(this::acceptLoop);
    }

    /** A milter on a UNIX-domain socket (a file that must not exist yet); {@link #name()} is then {@code unix:}. */
    public FakeMilter(Path socket) throws IOException {
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket), 50);
        name = "unix:" + socket;
        Thread.ofVirtual().name("fake-milter").start(this::acceptLoop);
    }

    /** {@code inet:127.0.0.1:port} or {@code unix:/path}. */
    public String name() {
        return name;
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel s = server.accept();
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(SocketChannel s) {
        try (s; DataInputStream in = new DataInputStream(Channels.newInputStream(s));
             DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(Channels.newOutputStream(s)))) {
            while (true) {
                int len = in.readInt();
                byte[] b = new byte[len];
                in.readFully(b);
                char cmd = (char) b[0];
                byte[] data = java.util.Arrays.copyOfRange(b, 1, len);
                List<byte[]> replies;
                switch (cmd) {
                    case 'O' -> replies = List.of(new Packet('O').int32(6).int32(0x1ff).int32(protocol).bytes());
                    case 'D' -> {
                        events.add("MACRO " + (char) data[0] + " " + String.join(" ", pairs(data, 1)));
                        continue;
                    }
                    case 'A' -> {
                        events.add("ABORT");
                        continue;
                    }
                    case 'Q' -> {
                        events.add("QUIT");
                        return;
                    }
                    default -> {
                        String text = text(cmd, data);
                        events.add(text);
                        replies = script.reply(cmd, text);
                    }
                }
                for (byte[] r : replies) {
                    out.writeInt(r.length);
                    out.write(r);
                }
                out.flush();
            }
        } catch (IOException e) {
            // the MTA hung up
        }
    }

    private static List<String> pairs(byte[] data, int from) {
        List<String> parts = strings(data, from);
        List<String> out = new ArrayList<>();
        for (int i = 0; i + 1 < parts.size(); i += 2) out.add(parts.get(i) + "=" + parts.get(i + 1));
        return out;
    }

    private static List<String> strings(byte[] data, int from) {
        List<String> out = new ArrayList<>();
        int start = from;
        for (int i = from; i < data.length; i++) {
            if (data[i] == 0) {
                out.add(new String(data, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return out;
    }

    private static String text(char cmd, byte[] data) {
        return switch (cmd) {
            case 'C' -> "CONNECT " + strings(data, 0).get(0);
            case 'H' -> "HELO " + strings(data, 0).get(0);
            case 'M' -> "MAIL " + String.join(" ", strings(data, 0));
            case 'R' -> "RCPT " + String.join(" ", strings(data, 0));
            case 'T' -> "DATA";
            case 'L' -> {
                List<String> nv = strings(data, 0);
                yield "HEADER " + nv.get(0) + ":" + nv.get(1);
            }
            case 'N' -> "EOH";
            case 'B' -> "BODY " + new String(data, StandardCharsets.UTF_8);
            case 'E' -> "EOM";
            default -> String.valueOf(cmd);
        };
    }

    /** The events seen so far, without the macros. */
    public List<String> commands() {
        List<String> out = new ArrayList<>();
        for (String e : events) if (!e.startsWith("MACRO ")) out.add(e);
        return Collections.unmodifiableList(out);
    }

    /** A reply packet with no data ('c' continue, 'a' accept, 'r' reject, 't' tempfail, 'd' discard...). */
    public static byte[] packet(char code) {
        return new byte[] {(byte) code};
    }

    /** A reply packet: its code, then NUL-terminated strings. */
    public static byte[] packet(char code, String... strings) {
        Packet p = new Packet(code);
        for (String s : strings) p.string(s);
        return p.bytes();
    }

    /** A reply packet whose data starts with a 32-bit index (insheader, chgheader). */
    public static byte[] indexed(char code, int index, String... strings) {
        Packet p = new Packet(code).int32(index);
        for (String s : strings) p.string(s);
        return p.bytes();
    }

    /** SMFIR_REPLBODY with raw body bytes. */
    public static byte[] body(String text) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        byte[] b = new byte[t.length + 1];
        b[0] = 'b';
        System.arraycopy(t, 0, b, 1, t.length);
        return b;
    }

    private static final class Packet {
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

        Packet(char code) {
            out.write(code);
        }

        Packet int32(int v) {
            out.write(v >>> 24);
            out.write(v >>> 16);
            out.write(v >>> 8);
            out.write(v);
            return this;
        }

        Packet string(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            out.write(0);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
