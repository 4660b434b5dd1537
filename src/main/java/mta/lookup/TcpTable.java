package mta.lookup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;

/**
 * TcpTable - the {@code tcp:} backend: tcp_table(5), one request line and one reply line.
 *
 * <p>{@code tcp:host:port} (or {@code tcp:unix:/path}). Writes {@code get KEY\n} with the key
 * encoded ({@code %}, white space and non-printing characters as {@code %XX}) and reads one reply
 * of at most 4096 bytes: {@code 200 data} (found, data decoded), {@code 500 text} (not found),
 * {@code 400 text} (a failed lookup, temporary). Connections are reused; every operation must
 * finish within 100 seconds, as in Postfix. The server sees whole keys only.
 */
final class TcpTable extends ReadOnlyTable {
    static final int MAX_REPLY = 4096;
    static final int TIMEOUT_MILLIS = 100_000;

    private final SocketPool pool;

    TcpTable(String spec, String name) {
        this(spec, name, TIMEOUT_MILLIS);
    }

    TcpTable(String spec, String name, int timeoutMillis) {
        super(spec);
        this.pool = new SocketPool(spec, "tcp", SocketPool.Endpoint.parse(spec, name), timeoutMillis, 10_000, 100_000);
    }

    @Override
    public String get(String key) {
        String reply = pool.call(s -> {
            OutputStream out = s.getOutputStream();
            out.write(("get " + encode(key) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return readLine(s.getInputStream());
        });
        String text = reply.length() > 4 ? reply.substring(4) : "";
        if (reply.startsWith("200")) return decode(text);
        if (reply.startsWith("500")) return null;
        if (reply.startsWith("400")) {
            throw new TableLookupException(spec(), "tcp server " + pool.endpoint().label() + " replied: " + decode(text));
        }
        throw new TableLookupException(spec(), "tcp server " + pool.endpoint().label() + ": malformed reply: \""
                + reply.substring(0, Math.min(100, reply.length())) + "\"");
    }

    @Override
    public boolean matchesPatterns() {
        return true;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) throw new IOException("connection closed by server");
            if (c == '\n') break;
            if (b.size() >= MAX_REPLY) throw new ProtocolException("reply longer than " + MAX_REPLY + " bytes");
            b.write(c);
        }
        String line = b.toString(StandardCharsets.UTF_8);
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    /** {@code %}, white space and non-printing characters (and all non-ASCII bytes) become {@code %XX}. */
    static String encode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c <= 32 || c >= 127 || c == '%') out.append('%').append(String.format("%02X", c));
            else out.append((char) c);
        }
        return out.toString();
    }

    static String decode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2))) {
                out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    @Override
    public void close() {
        pool.close();
    }
}
