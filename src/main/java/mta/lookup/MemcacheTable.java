package mta.lookup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;

/**
 * MemcacheTable - the {@code memcache:} backend: memcache_table(5), a memcached cache in front of
 * an optional backup table.
 *
 * <p>Reads its configuration file ({@code memcache} = {@code inet:host:port} or
 * {@code unix:/path}, default {@code inet:localhost:11211}; {@code backup}, {@code key_format},
 * {@code domain}, {@code ttl}, {@code flags}, {@code data_size_limit}, {@code line_size_limit},
 * {@code timeout}) and memcached, in its text protocol: {@code get KEY}. A miss is looked up in
 * the backup table, and a value found there is stored in memcached ({@code set KEY flags ttl
 * bytes}) for the next lookup. When memcached cannot be reached the backup answers alone; without
 * a backup that is a temporary failure. Keys are folded to lower case and formatted with
 * key_format; a key memcached cannot take (white space, control characters, more than 250
 * bytes) goes to the backup only.
 */
final class MemcacheTable extends ReadOnlyTable {
    private final SocketPool pool;
    private final Table backup;
    private final DbTemplate keyFormat;
    private final DomainFilter domain;
    private final long ttl;
    private final int flags;
    private final int dataSizeLimit;
    private final int lineSizeLimit;

    MemcacheTable(String spec, TableConfig cf) {
        super(spec);
        long timeout = cf.seconds("timeout", 2);
        this.pool = new SocketPool(spec, "memcache", SocketPool.Endpoint.parse(spec, cf.str("memcache", "inet:localhost:11211")),
                (int) Math.max(1, timeout) * 1000, 60_000, Long.MAX_VALUE);
        this.keyFormat = DbTemplate.parse(spec, "key_format", cf.str("key_format", "%s"));
        this.domain = new DomainFilter(spec, cf.list("domain"));
        this.ttl = cf.seconds("ttl", 3600);
        this.flags = cf.integer("flags", 0);
        this.dataSizeLimit = cf.integer("data_size_limit", 10240);
        this.lineSizeLimit = cf.integer("line_size_limit", 1024);
        String b = cf.str("backup", "");
        this.backup = b.isEmpty() ? null : Tables.open(b);
    }

    @Override
    public String get(String key) {
        String folded = Keys.fold(key);
        KeyFields k = KeyFields.of(folded);
        if (!domain.allows(k)) return null;
        String mk = keyFormat.expand(k, k, s -> s);
        if (mk == null) return null;
        boolean usable = isValidKey(mk);
        String cached;
        try {
            cached = usable ? pool.call(s -> fetch(s, mk)) : null;
        } catch (TableLookupException e) {
            if (backup == null) throw e;
            return backup.get(key); // memcached is away: the backup is the truth
        }
        if (cached != null || backup == null) return cached;
        String v = backup.get(key);
        if (v != null && usable) {
            try {
                pool.call(s -> store(s, mk, v));
            } catch (TableLookupException e) {
                // the value is still good; the cache just stays cold
            }
        }
        return v;
    }

    private static boolean isValidKey(String k) {
        byte[] b = k.getBytes(StandardCharsets.UTF_8);
        if (b.length == 0 || b.length > 250) return false;
        for (byte c : b) {
            if ((c & 0xff) <= 32 || c == 127) return false;
        }
        return true;
    }

    private String fetch(java.net.Socket s, String mk) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(("get " + mk + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        InputStream in = s.getInputStream();
        String line = readLine(in);
        if (line.equals("END")) return null;
        String[] f = line.split(" ");
        if (f.length < 4 || !f[0].equals("VALUE")) throw new ProtocolException("unexpected reply: " + line);
        int len;
        try {
            len = Integer.parseInt(f[3]);
        } catch (NumberFormatException e) {
            throw new ProtocolException("unexpected reply: " + line);
        }
        if (len > dataSizeLimit) throw new ProtocolException("reply data of " + len + " bytes exceeds data_size_limit");
        byte[] data = in.readNBytes(len);
        if (data.length < len) throw new IOException("connection closed by server");
        if (!readLine(in).isEmpty()) throw new ProtocolException("data not followed by CRLF");
        if (!readLine(in).equals("END")) throw new ProtocolException("data not followed by END");
        return new String(data, StandardCharsets.UTF_8);
    }

    private Void store(java.net.Socket s, String mk, String value) throws IOException {
        byte[] data = value.getBytes(StandardCharsets.UTF_8);
        if (data.length > dataSizeLimit) return null;
        OutputStream out = s.getOutputStream();
        out.write(("set " + mk + " " + flags + " " + ttl + " " + data.length + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.write(data);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String reply = readLine(s.getInputStream());
        if (!reply.equals("STORED")) throw new ProtocolException("set: " + reply);
        return null;
    }

    private String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) throw new IOException("connection closed by server");
            if (c == '\n') break;
            if (b.size() >= lineSizeLimit) throw new ProtocolException("reply line exceeds line_size_limit");
            b.write(c);
        }
        String line = b.toString(StandardCharsets.UTF_8);
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    @Override
    public void close() {
        pool.close();
        domain.close();
        if (backup != null) backup.close();
    }
}
