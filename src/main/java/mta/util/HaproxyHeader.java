package mta.util;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * HaproxyHeader - reads the HAProxy PROXY protocol header (version 1 or 2) at the start of a TCP
 * connection: the real client's and server's addresses and ports, as a proxy in front saw them.
 *
 * <p>Reads exactly the header's bytes from the connection's input, never a byte after it, within
 * one deadline. Version 1 is one line {@code PROXY TCP4|TCP6 src dst sport dport CRLF} of at most
 * 107 bytes, checked field by field; version 2 a 12-byte signature, version and command, family,
 * length and the address block (TLVs after it are read and skipped). A version 2 {@code LOCAL}
 * header (a health check of the proxy itself) gives null: the socket's own addresses stand.
 * {@code PROXY UNKNOWN} and anything malformed throw {@link Bad} with Postfix's wording and the
 * bytes read; a late header throws {@link SocketTimeoutException}, a connection closed early
 * {@link Truncated}. The callers (smtpd, postscreen) word their own log lines.
 */
public final class HaproxyHeader {
    /** The longest version 1 line, CRLF included. */
    public static final int V1_MAX = 107;
    private static final byte[] V2_SIGNATURE = {'\r', '\n', '\r', '\n', 0, '\r', '\n', 'Q', 'U', 'I', 'T', '\n'};
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final Pattern PORT = Pattern.compile("\\d{1,5}");

    /** The two ends of the proxied connection. */
    public record Addresses(InetSocketAddress client, InetSocketAddress server) {}

    /** Sets the longest wait of the next read, in milliseconds (a positive number). */
    @FunctionalInterface
    public interface ReadTimeout {
        void set(int millis) throws IOException;
    }

    /** A header that cannot be used: the reason, in Postfix's words, and the bytes read up to it. */
    public static final class Bad extends IOException {
        private final byte[] header;

        Bad(String reason, byte[] buf, int n) {
            super(reason);
            this.header = Arrays.copyOf(buf, n);
        }

        /** Why the header cannot be used. */
        public String reason() {
            return getMessage();
        }

        /** The header's bytes as far as they were read. */
        public byte[] header() {
            return header.clone();
        }
    }

    /** The connection closed inside the header, after {@link #received} bytes of it. */
    public static final class Truncated extends EOFException {
        private final int received;

        Truncated(int received) {
            this.received = received;
        }

        /** How many bytes of the header came before the end; 0 when none did. */
        public int received() {
            return received;
        }
    }

    private HaproxyHeader() {}

    /**
     * Reads the header at the start of {@code socket}'s input.
     *
     * @return the addresses it names; null for a version 2 LOCAL header
     */
    public static Addresses read(Socket socket, Duration timeout) throws IOException {
        return read(socket.getInputStream(), socket::setSoTimeout, timeout);
    }

    /**
     * Reads the header at the start of {@code in}, setting {@code readTimeout} before each read.
     *
     * @return the addresses it names; null for a version 2 LOCAL header
     */
    public static Addresses read(InputStream in, ReadTimeout readTimeout, Duration timeout) throws IOException {
        return new Reader(in, readTimeout, timeout).header();
    }

    /** Reads the header byte by byte within one deadline. */
    private static final class Reader {
        private final InputStream in;
        private final ReadTimeout readTimeout;
        private final long deadline;
        private final byte[] buf = new byte[16 + 65535];
        private int count;

        Reader(InputStream in, ReadTimeout readTimeout, Duration timeout) {
            this.in = in;
            this.readTimeout = readTimeout;
            this.deadline = System.nanoTime() + timeout.toNanos();
        }

        Addresses header() throws IOException {
            int first = next();
            if (first == 'P') return v1();
            if (first == '\r') return v2();
            throw bad("unrecognized protocol header");
        }

        private Bad bad(String reason) {
            return new Bad(reason, buf, count);
        }

        private int next() throws IOException {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) throw new SocketTimeoutException("deadline passed");
            readTimeout.set((int) Math.min(Integer.MAX_VALUE, left));
            int b = in.read();
            if (b < 0) throw new Truncated(count);
            buf[count++] = (byte) b;
            return b;
        }

        private Addresses v1() throws IOException {
            while (buf[count - 1] != '\n') {
                if (count >= V1_MAX) throw bad("missing protocol header terminator");
                next();
            }
            String line = new String(buf, 0, count, StandardCharsets.ISO_8859_1);
            if (!line.endsWith("\r\n")) throw bad("missing protocol header terminator");
            String[] f = line.substring(0, line.length() - 2).split(" ", -1);
            if (!f[0].equals("PROXY")) throw bad("bad or missing protocol header");
            boolean v6;
            if (f.length > 1 && f[1].equalsIgnoreCase("TCP4")) v6 = false;
            else if (f.length > 1 && f[1].equalsIgnoreCase("TCP6")) v6 = true;
            else throw bad("bad or missing protocol type");
            InetAddress client = address(f, 2, v6);
            if (client == null) throw bad("bad or missing client address");
            InetAddress server = address(f, 3, v6);
            if (server == null) throw bad("bad or missing server address");
            if (!port(f, 4)) throw bad("bad or missing client port");
            if (!port(f, 5) || f.length != 6) throw bad("bad or missing server port");
            return new Addresses(new InetSocketAddress(client, Integer.parseInt(f[4])),
                    new InetSocketAddress(server, Integer.parseInt(f[5])));
        }

        private Addresses v2() throws IOException {
            for (int i = 1; i < V2_SIGNATURE.length; i++) {
                if (next() != (V2_SIGNATURE[i] & 0xff)) throw bad("unrecognized protocol header");
            }
            int verCmd = next();
            int family = next();
            int length = (next() << 8) | next();
            if ((verCmd & 0xf0) != 0x20) throw bad("unrecognized protocol version");
            for (int i = 0; i < length; i++) next(); // addresses and TLVs: exactly the announced bytes
            int command = verCmd & 0x0f;
            if (command == 0x0) return null; // LOCAL: the proxy speaks for itself
            if (command != 0x1) throw bad("bad command in proxy header");
            int size = switch (family) {
                case 0x11 -> 4; // TCP over IPv4
                case 0x21 -> 16; // TCP over IPv6
                default -> throw bad("unsupported network protocol");
            };
            if (length < 2 * size + 4) throw bad("short address field");
            byte[] src = Arrays.copyOfRange(buf, 16, 16 + size);
            byte[] dst = Arrays.copyOfRange(buf, 16 + size, 16 + 2 * size);
            int sport = ((buf[16 + 2 * size] & 0xff) << 8) | (buf[17 + 2 * size] & 0xff);
            int dport = ((buf[18 + 2 * size] & 0xff) << 8) | (buf[19 + 2 * size] & 0xff);
            return new Addresses(new InetSocketAddress(AddressBits.unmapped(InetAddress.getByAddress(src)), sport),
                    new InetSocketAddress(AddressBits.unmapped(InetAddress.getByAddress(dst)), dport));
        }

        /** Field {@code i} as a numeric address of the named family, or null; never a DNS question. */
        private static InetAddress address(String[] f, int i, boolean v6) {
            if (f.length <= i || !(v6 ? IPV6 : IPV4).matcher(f[i]).matches()) return null;
            try {
                if (!v6) {
                    for (String octet : f[i].split("\\.")) if (Integer.parseInt(octet) > 255) return null;
                }
                return AddressBits.unmapped(InetAddress.getByName(f[i])); // a checked literal: no DNS question
            } catch (UnknownHostException | NumberFormatException e) {
                return null;
            }
        }

        private static boolean port(String[] f, int i) {
            return f.length > i && PORT.matcher(f[i]).matches() && Integer.parseInt(f[i]) <= 65535;
        }
    }
}
