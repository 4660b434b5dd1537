package mta.util;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HaproxyHeader - reads the HAProxy PROXY protocol header (version 1 or 2) at the start of a TCP
 * connection: the real client's and server's addresses and ports, as a proxy in front saw them.
 *
 * <p>Reads exactly the header's bytes from the socket, never a byte after it, within one
 * deadline. Version 1 is one line {@code PROXY TCP4|TCP6 src dst sport dport CRLF} of at most 107
 * bytes; version 2 a 12-byte signature, version and command, family, length and the address
 * block (TLVs after it are read and skipped). A version 2 {@code LOCAL} header (a health check
 * of the proxy itself) gives null: the socket's own addresses stand. {@code PROXY UNKNOWN} and
 * anything malformed throw {@link Bad} with Postfix's wording; a late header throws
 * {@link SocketTimeoutException}, a connection closed early {@link EOFException}.
 */
public final class HaproxyHeader {
    private static final byte[] V2_SIGNATURE = {'\r', '\n', '\r', '\n', 0, '\r', '\n', 'Q', 'U', 'I', 'T', '\n'};
    private static final Pattern V1 = Pattern.compile(
            "PROXY (TCP4|TCP6) ([0-9A-Fa-f:.]+) ([0-9A-Fa-f:.]+) (\\d{1,5}) (\\d{1,5})\r\n");

    /** The two ends of the proxied connection. */
    public record Addresses(InetSocketAddress client, InetSocketAddress server) {}

    /** A header that cannot be used. */
    public static final class Bad extends IOException {
        Bad(String text) {
            super(text);
        }
    }

    private HaproxyHeader() {}

    /**
     * Reads the header at the start of {@code socket}'s input.
     *
     * @return the addresses it names; null for a version 2 LOCAL header
     */
    public static Addresses read(Socket socket, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[16 + 65535];
        int first = next(socket, in, deadline);
        buf[0] = (byte) first;
        if (first == 'P') return v1(socket, in, deadline, buf);
        if (first == '\r') return v2(socket, in, deadline, buf);
        throw new Bad("unrecognized protocol header");
    }

    private static int next(Socket socket, InputStream in, long deadline) throws IOException {
        long left = (deadline - System.nanoTime()) / 1_000_000L;
        if (left <= 0) throw new SocketTimeoutException("deadline passed");
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
        int b = in.read();
        if (b < 0) throw new EOFException();
        return b;
    }

    private static Addresses v1(Socket socket, InputStream in, long deadline, byte[] buf) throws IOException {
        int n = 1;
        while (buf[n - 1] != '\n') {
            if (n >= 107) throw new Bad("missing protocol header terminator");
            buf[n++] = (byte) next(socket, in, deadline);
        }
        Matcher m = V1.matcher(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
        if (!m.matches()) throw new Bad("bad or missing protocol header");
        InetSocketAddress client = address(m.group(2), m.group(4));
        InetSocketAddress server = address(m.group(3), m.group(5));
        if (client == null) throw new Bad("bad or missing client address");
        if (server == null) throw new Bad("bad or missing server address");
        return new Addresses(client, server);
    }

    private static Addresses v2(Socket socket, InputStream in, long deadline, byte[] buf) throws IOException {
        for (int i = 1; i < 16; i++) {
            buf[i] = (byte) next(socket, in, deadline);
            if (i < V2_SIGNATURE.length && buf[i] != V2_SIGNATURE[i]) throw new Bad("unrecognized protocol header");
        }
        int verCmd = buf[12] & 0xff;
        int family = buf[13] & 0xff;
        int length = ((buf[14] & 0xff) << 8) | (buf[15] & 0xff);
        if ((verCmd & 0xf0) != 0x20) throw new Bad("unrecognized protocol version");
        for (int i = 0; i < length; i++) buf[16 + i] = (byte) next(socket, in, deadline);
        if ((verCmd & 0x0f) == 0x0) return null; // LOCAL
        if ((verCmd & 0x0f) != 0x1) throw new Bad("bad command in proxy header");
        int size = switch (family) {
            case 0x11 -> 4;
            case 0x21 -> 16;
            default -> throw new Bad("unsupported network protocol");
        };
        if (length < 2 * size + 4) throw new Bad("short address field");
        byte[] src = java.util.Arrays.copyOfRange(buf, 16, 16 + size);
        byte[] dst = java.util.Arrays.copyOfRange(buf, 16 + size, 16 + 2 * size);
        int sport = ((buf[16 + 2 * size] & 0xff) << 8) | (buf[17 + 2 * size] & 0xff);
        int dport = ((buf[18 + 2 * size] & 0xff) << 8) | (buf[19 + 2 * size] & 0xff);
        return new Addresses(new InetSocketAddress(AddressBits.unmapped(InetAddress.getByAddress(src)), sport),
                new InetSocketAddress(AddressBits.unmapped(InetAddress.getByAddress(dst)), dport));
    }

    /** A numeric address and port, or null when either is not valid; never a DNS question. */
    private static InetSocketAddress address(String host, String port) {
        int p = Integer.parseInt(port);
        if (p > 65535) return null;
        boolean v6 = host.contains(":");
        if (!v6) {
            String[] o = host.split("\\.", -1);
            if (o.length != 4) return null;
            for (String x : o) if (x.isEmpty() || x.length() > 3 || !x.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(x) > 255) return null;
        }
        try {
            return new InetSocketAddress(AddressBits.unmapped(InetAddress.getByName(v6 ? "[" + host + "]" : host)), p);
        } catch (IOException e) {
            return null;
        }
    }
}
