package mta.lookup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;

/**
 * SocketmapTable - the {@code socketmap:} backend: socketmap_table(5), Sendmail's socket map
 * protocol.
 *
 * <p>{@code socketmap:inet:host:port:name} or {@code socketmap:unix:/path:name}. Writes one
 * request per lookup, the netstring {@code LEN:name key,}, and reads one netstring reply:
 * {@code OK data} (found), {@code NOTFOUND } (not found), {@code TEMP}, {@code TIMEOUT} or
 * {@code PERM} with a reason (a failed lookup: temporary here, never a bounce). Replies are at
 * most 100000 bytes. Connections are reused (closed after 10s idle or 100s of age); every read,
 * write and connect must finish within 100 seconds, as in Postfix. The server sees whole keys
 * only (no partial address keys), as for pattern tables.
 */
final class SocketmapTable extends ReadOnlyTable {
    static final int MAX_REPLY = 100_000;
    static final int TIMEOUT_MILLIS = 100_000;

    private final String mapName;
    private final SocketPool pool;

    SocketmapTable(String spec, String name) {
        this(spec, name, TIMEOUT_MILLIS);
    }

    SocketmapTable(String spec, String name, int timeoutMillis) {
        super(spec);
        int colon = name.lastIndexOf(':');
        if (!(name.startsWith("inet:") || name.startsWith("unix:")) || colon <= 5) {
            throw new TableException(spec + ": need socketmap:inet:host:port:name or socketmap:unix:pathname:name");
        }
        this.mapName = name.substring(colon + 1);
        this.pool = new SocketPool(spec, "socketmap", SocketPool.Endpoint.parse(spec, name.substring(0, colon)),
                timeoutMillis, 10_000, 100_000);
    }

    @Override
    public String get(String key) {
        String reply = pool.call(s -> {
            OutputStream out = s.getOutputStream();
            out.write(netstring(mapName + " " + key));
            out.flush();
            return readNetstring(s.getInputStream());
        });
        if (reply.startsWith("OK")) return reply.length() > 3 ? reply.substring(3) : "";
        if (reply.startsWith("NOTFOUND")) return null;
        for (String status : new String[] {"TEMP", "TIMEOUT", "PERM"}) {
            if (reply.startsWith(status)) {
                String reason = reply.substring(status.length()).strip();
                throw new TableLookupException(spec(), "socketmap server " + pool.endpoint().label() + " replied "
                        + status + (reason.isEmpty() ? "" : ": " + reason));
            }
        }
        throw new TableLookupException(spec(), "socketmap server " + pool.endpoint().label()
                + ": malformed reply: \"" + reply.substring(0, Math.min(100, reply.length())) + "\"");
    }

    @Override
    public boolean matchesPatterns() {
        return true;
    }

    static byte[] netstring(String text) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream b = new ByteArrayOutputStream(data.length + 10);
        b.writeBytes((data.length + ":").getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(data);
        b.write(',');
        return b.toByteArray();
    }

    /** Reads {@code LEN:data,}; refuses a length over {@link #MAX_REPLY}. */
    static String readNetstring(InputStream in) throws IOException {
        int len = 0;
        int digits = 0;
        while (true) {
            int c = in.read();
            if (c < 0) throw new IOException("connection closed by server");
            if (c == ':' && digits > 0) break;
            if (c < '0' || c > '9' || ++digits > 7) throw new ProtocolException("malformed netstring length");
            len = len * 10 + (c - '0');
        }
        if (len > MAX_REPLY) throw new ProtocolException("reply length " + len + " exceeds the limit of " + MAX_REPLY);
        byte[] data = in.readNBytes(len);
        if (data.length < len) throw new IOException("connection closed by server");
        if (in.read() != ',') throw new ProtocolException("malformed netstring: no comma");
        return new String(data, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        pool.close();
    }
}
