package mta.lookup;

import java.util.ArrayList;
import java.util.List;

/**
 * SqlHosts - the {@code hosts} parameter of the SQL tables: {@code inet:host:port},
 * {@code host:port}, {@code host}, {@code [ipv6]:port} and {@code unix:/path}.
 *
 * <p>Reads and writes nothing but strings. A missing port is the database's own; the label of a
 * server ({@code 127.0.0.1:5432}, {@code unix:/run/postgresql}) is what log lines name.
 */
final class SqlHosts {
    private SqlHosts() {}

    static List<SqlPool.Server> parse(String spec, List<String> hosts, int defaultPort) {
        List<SqlPool.Server> out = new ArrayList<>();
        for (String h : hosts) out.add(parseOne(spec, h, defaultPort));
        return out;
    }

    static SqlPool.Server parseOne(String spec, String entry, int defaultPort) {
        if (entry.startsWith("unix:")) {
            String path = entry.substring(5);
            if (path.isEmpty()) throw new TableException(spec + ": bad host \"" + entry + "\"");
            return new SqlPool.Server(entry, null, defaultPort, path, null, null);
        }
        String h = entry.startsWith("inet:") ? entry.substring(5) : entry;
        String host = h;
        int port = defaultPort;
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            if (close < 0) throw new TableException(spec + ": bad host \"" + entry + "\"");
            host = h.substring(1, close);
            if (close + 1 < h.length()) {
                if (h.charAt(close + 1) != ':') throw new TableException(spec + ": bad host \"" + entry + "\"");
                port = port(spec, entry, h.substring(close + 2));
            }
        } else {
            int colon = h.lastIndexOf(':');
            if (colon >= 0 && h.indexOf(':') == colon) {
                host = h.substring(0, colon);
                port = port(spec, entry, h.substring(colon + 1));
            }
        }
        if (host.isEmpty()) throw new TableException(spec + ": bad host \"" + entry + "\"");
        String label = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        return new SqlPool.Server(label, host, port, null, null, null);
    }

    private static int port(String spec, String entry, String text) {
        try {
            int p = Integer.parseInt(text);
            if (p > 0 && p < 65536) return p;
        } catch (NumberFormatException e) {
            // below
        }
        throw new TableException(spec + ": bad port in host \"" + entry + "\"");
    }
}
