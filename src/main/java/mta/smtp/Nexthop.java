package mta.smtp;

/**
 * Nexthop - where the SMTP client should send: parsed from the request's next-hop text.
 *
 * <p>Reads only its argument. The forms are those of Postfix's transport(5) next-hop:
 * <ul>
 *   <li>{@code [host]:port} and {@code [host]}: that host, no MX lookup; the host may be a name or
 *       an IP literal ({@code [127.0.0.1]}, {@code [ipv6:2001:db8::1]});</li>
 *   <li>{@code domain:port} and {@code domain}: the MX hosts of the domain, on that port.</li>
 * </ul>
 * The port defaults to the agent's default port (25 in production).
 *
 * <p>An LMTP next-hop ({@link #parseLmtp}) is {@code unix:PATH} (a UNIX-domain socket; a relative
 * path is relative to the queue directory, as in Postfix), or {@code inet:host:port},
 * {@code inet:[host]:port}, {@code [host]:port} or {@code host} (TCP, default port
 * {@code lmtp_tcp_port}); LMTP never looks up MX records. For a socket, {@code host} is its path.
 */
public record Nexthop(String host, int port, boolean mxLookup, boolean unix) {

    public Nexthop(String host, int port, boolean mxLookup) {
        this(host, port, mxLookup, false);
    }

    /** Parses an LMTP next-hop; throws IllegalArgumentException for an empty path or host, or a bad port. */
    public static Nexthop parseLmtp(String text, int defaultPort) {
        String t = text.strip();
        if (t.regionMatches(true, 0, "unix:", 0, 5)) {
            String path = t.substring(5).strip();
            if (path.isEmpty()) throw new IllegalArgumentException("empty socket path in next-hop: " + text);
            return new Nexthop(path, 0, false, true);
        }
        if (t.regionMatches(true, 0, "inet:", 0, 5)) t = t.substring(5);
        Nexthop n = parse(t, defaultPort);
        return new Nexthop(n.host(), n.port(), false, false);
    }

    /** Parses a next-hop; throws IllegalArgumentException for an empty host or a bad port. */
    public static Nexthop parse(String text, int defaultPort) {
        String t = text.strip();
        boolean bracketed = t.startsWith("[");
        String host;
        String rest;
        if (bracketed) {
            int close = t.indexOf(']');
            if (close < 0) throw new IllegalArgumentException("missing ']' in next-hop: " + text);
            host = t.substring(1, close);
            rest = t.substring(close + 1);
        } else {
            int colon = t.lastIndexOf(':');
            host = colon < 0 ? t : t.substring(0, colon);
            rest = colon < 0 ? "" : t.substring(colon);
        }
        int port = defaultPort;
        if (!rest.isEmpty()) {
            if (!rest.startsWith(":")) throw new IllegalArgumentException("bad next-hop: " + text);
            port = parsePort(rest.substring(1), text);
        }
        if (host.isEmpty()) throw new IllegalArgumentException("empty host in next-hop: " + text);
        return new Nexthop(host, port, !bracketed);
    }

    private static int parsePort(String s, String text) {
        try {
            int p = Integer.parseInt(s);
            if (p > 0 && p < 65536) return p;
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("bad port in next-hop: " + text);
    }
}
