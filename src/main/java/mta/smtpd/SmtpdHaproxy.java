package mta.smtpd;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Pattern;
import mta.util.AddressBits;
import mta.util.MailLog;

/**
 * SmtpdHaproxy - reads the HAProxy PROXY protocol header that names the real client (Postfix's smtpd_haproxy).
 *
 * <p>With {@code smtpd_upstream_proxy_protocol = haproxy}, a load balancer in front of the SMTP
 * server opens each connection with a header before any SMTP: version 1 is one text line,
 * {@code PROXY TCP4|TCP6 client server client-port server-port CRLF} (at most 107 bytes), version 2
 * a binary block (a 12-byte signature, version and command, address family, a length, the
 * addresses, then TLVs that are skipped). The header must arrive within
 * {@code smtpd_upstream_proxy_timeout}; exactly its bytes are read, never a byte of the SMTP
 * conversation after it. The client address it names replaces the peer's address for the whole
 * session; a version 2 {@code LOCAL} header (the proxy's own health check) keeps the peer's.
 * {@code PROXY UNKNOWN} is refused, as in Postfix, because it would sidestep every address-based
 * control. A missing, malformed or late header is logged as {@code warning: haproxy read: ...}
 * and the connection is closed without a greeting; a connection closed before its first byte is
 * logged quietly. Standard input ({@code sendmail -bs}) never carries a header.
 */
final class SmtpdHaproxy {
    /** The longest version 1 line, CRLF included. */
    static final int V1_MAX = 107;
    private static final byte[] V2_SIGNATURE = {'\r', '\n', '\r', '\n', 0, '\r', '\n', 'Q', 'U', 'I', 'T', '\n'};
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final Pattern PORT = Pattern.compile("\\d{1,5}");

    /** A header that cannot be used: the reason, in Postfix's words. */
    private static final class BadHeader extends Exception {
        BadHeader(String reason, byte[] b, int n) {
            super(reason + ": " + escape(b, n));
        }
    }

    private SmtpdHaproxy() {}

    /**
     * The client's address: the one the proxy header names when this service expects a header,
     * else the peer's. Null when the header is missing or bad (already logged); the caller then
     * closes the connection.
     */
    static InetAddress client(SmtpdConnection connection, SmtpdSettings settings, MailLog.Channel log) {
        if (!settings.upstreamProxy || !(connection.closer() instanceof Socket)) return connection.client();
        Reader r = new Reader(connection, settings.upstreamProxyTimeout);
        try {
            InetAddress a = r.header();
            return a != null ? a : connection.client();
        } catch (SocketTimeoutException e) {
            log.warn("haproxy read: timeout error");
        } catch (EOFException e) {
            if (r.count == 0) log.info("haproxy read: lost connection from [" + connection.client().getHostAddress() + "]");
            else log.warn("haproxy read: unexpected EOF");
        } catch (BadHeader e) {
            log.warn("haproxy read: " + e.getMessage());
        } catch (IOException e) {
            log.warn("haproxy read: " + e.getMessage());
        }
        return null;
    }

    /** Reads the header byte by byte within one deadline. */
    private static final class Reader {
        private final SmtpdConnection connection;
        private final InputStream in;
        private final long deadline;
        final byte[] buf = new byte[16 + 65535];
        int count;

        Reader(SmtpdConnection connection, Duration timeout) {
            this.connection = connection;
            this.in = connection.in();
            this.deadline = System.nanoTime() + timeout.toNanos();
        }

        /** The client address of the header; null for a version 2 LOCAL header. */
        InetAddress header() throws IOException, BadHeader {
            int first = next();
            if (first == 'P') return v1();
            if (first == '\r') return v2();
            throw new BadHeader("unrecognized protocol header", buf, count);
        }

        private int next() throws IOException {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) throw new SocketTimeoutException("deadline passed");
            connection.readTimeout().set((int) Math.min(Integer.MAX_VALUE, left));
            int b = in.read();
            if (b < 0) throw new EOFException();
            buf[count++] = (byte) b;
            return b;
        }

        private InetAddress v1() throws IOException, BadHeader {
            while (buf[count - 1] != '\n') {
                if (count >= V1_MAX) throw new BadHeader("missing protocol header terminator", buf, count);
                next();
            }
            String line = new String(buf, 0, count, StandardCharsets.ISO_8859_1);
            if (!line.endsWith("\r\n")) throw new BadHeader("missing protocol header terminator", buf, count);
            String[] f = line.substring(0, line.length() - 2).split(" ", -1);
            if (!f[0].equals("PROXY")) throw new BadHeader("bad or missing protocol header", buf, count);
            boolean v6;
            if (f.length > 1 && f[1].equalsIgnoreCase("TCP4")) v6 = false;
            else if (f.length > 1 && f[1].equalsIgnoreCase("TCP6")) v6 = true;
            else throw new BadHeader("bad or missing protocol type", buf, count);
            InetAddress client = address(f, 2, v6);
            if (client == null) throw new BadHeader("bad or missing client address", buf, count);
            if (address(f, 3, v6) == null) throw new BadHeader("bad or missing server address", buf, count);
            if (!port(f, 4)) throw new BadHeader("bad or missing client port", buf, count);
            if (!port(f, 5) || f.length != 6) throw new BadHeader("bad or missing server port", buf, count);
            return client;
        }

        private InetAddress v2() throws IOException, BadHeader {
            for (int i = 1; i < V2_SIGNATURE.length; i++) {
                if (next() != (V2_SIGNATURE[i] & 0xff)) throw new BadHeader("unrecognized protocol header", buf, count);
            }
            int verCmd = next();
            int family = next();
            int length = (next() << 8) | next();
            if ((verCmd & 0xf0) != 0x20) throw new BadHeader("unrecognized protocol version", buf, count);
            for (int i = 0; i < length; i++) next(); // addresses and TLVs: exactly the announced bytes
            int command = verCmd & 0x0f;
            if (command == 0x0) return null; // LOCAL: the proxy speaks for itself
            if (command != 0x1) throw new BadHeader("bad command in proxy header", buf, count);
            int size = switch (family) {
                case 0x11 -> 4; // TCP over IPv4
                case 0x21 -> 16; // TCP over IPv6
                default -> throw new BadHeader("unsupported network protocol", buf, count);
            };
            if (length < 2 * size + 4) throw new BadHeader("short address field", buf, count);
            byte[] addr = new byte[size];
            System.arraycopy(buf, 16, addr, 0, size);
            return AddressBits.unmapped(InetAddress.getByAddress(addr));
        }

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


    /** The header bytes for a log line: printable ASCII as is, the rest as C escapes. */
    static String escape(byte[] b, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xff;
            switch (c) {
                case '\r' -> sb.append("\\r");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c >= 32 && c < 127) sb.append((char) c);
                    else sb.append('\\').append(String.format("%03o", c));
                }
            }
        }
        return sb.toString();
    }
}
