package mta.lookup;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * SocketPool - the connections of a network table ({@code socketmap:}, {@code tcp:},
 * {@code memcache:}) to its one server, kept open between lookups.
 *
 * <p>Reads and writes whatever the table's protocol sends through {@link #call}. The server is
 * {@code inet:host:port}, {@code host:port} or {@code unix:/path}. Each call borrows an idle
 * connection (one idle longer than the idle limit, or older than the time-to-live, is closed) or
 * opens one with the timeout, which also bounds every read and write. When a reused connection
 * fails, the call is tried once more on a new one (the server may have closed it while idle).
 * A failure is a {@link TableLookupException} naming the table and the server.
 */
final class SocketPool implements AutoCloseable {
    /** Where the server listens. */
    record Endpoint(String label, String host, int port, Path path) {
        static Endpoint parse(String spec, String text) {
            if (text.startsWith("unix:")) {
                String p = text.substring(5);
                if (p.isEmpty()) throw new TableException(spec + ": bad server address \"" + text + "\"");
                return new Endpoint(text, null, 0, Path.of(p));
            }
            String t = text.startsWith("inet:") ? text.substring(5) : text;
            int colon = t.lastIndexOf(':');
            if (colon <= 0) throw new TableException(spec + ": bad server address \"" + text + "\": need host:port");
            String host = t.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
            int port;
            try {
                port = Integer.parseInt(t.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new TableException(spec + ": bad port in \"" + text + "\"");
            }
            if (port <= 0 || port > 65535) throw new TableException(spec + ": bad port in \"" + text + "\"");
            return new Endpoint(t, host, port, null);
        }
    }

    /** One exchange over a connection. */
    interface Exchange<T> {
        T run(Socket s) throws IOException;
    }

    private record Idle(Socket socket, long since, long opened) {}

    private final String spec;
    private final String kind;
    private final Endpoint endpoint;
    private final int timeoutMillis;
    private final long maxIdleMillis;
    private final long ttlMillis;
    private final Deque<Idle> idle = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();

    SocketPool(String spec, String kind, Endpoint endpoint, int timeoutMillis, long maxIdleMillis, long ttlMillis) {
        this.spec = spec;
        this.kind = kind;
        this.endpoint = endpoint;
        this.timeoutMillis = timeoutMillis;
        this.maxIdleMillis = maxIdleMillis;
        this.ttlMillis = ttlMillis;
    }

    Endpoint endpoint() {
        return endpoint;
    }

    /** Runs {@code exchange} on a connection; the connection is kept for the next call when it returns normally. */
    <T> T call(Exchange<T> exchange) {
        for (int attempt = 0; ; attempt++) {
            Idle reused = takeIdle();
            Socket s;
            long opened;
            try {
                if (reused != null) {
                    s = reused.socket();
                    opened = reused.opened();
                } else {
                    s = connect();
                    opened = System.currentTimeMillis();
                }
            } catch (IOException e) {
                throw new TableLookupException(spec, "connect to " + kind + " server " + endpoint.label() + ": " + reason(e), e);
            }
            try {
                T result = exchange.run(s);
                giveBack(s, opened);
                return result;
            } catch (IOException e) {
                closeQuietly(s);
                if (reused != null && attempt == 0 && !(e instanceof SocketTimeoutException)) continue;
                throw new TableLookupException(spec, kind + " server " + endpoint.label() + ": " + reason(e), e);
            } catch (RuntimeException e) {
                closeQuietly(s);
                throw e;
            }
        }
    }

    private Socket connect() throws IOException {
        if (endpoint.path() != null) {
            Socket s = new UnixSocketFactory.UnixSocket(endpoint.path());
            s.connect(null, timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            return s;
        }
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            s.setTcpNoDelay(true);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    private Idle takeIdle() {
        long now = System.currentTimeMillis();
        lock.lock();
        try {
            while (!idle.isEmpty()) {
                Idle i = idle.pop();
                if (now - i.since() > maxIdleMillis || now - i.opened() > ttlMillis) {
                    closeQuietly(i.socket());
                    continue;
                }
                return i;
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    private void giveBack(Socket s, long opened) {
        lock.lock();
        try {
            if (idle.size() < SqlPool.MAX_CONNECTIONS) {
                idle.push(new Idle(s, System.currentTimeMillis(), opened));
                return;
            }
        } finally {
            lock.unlock();
        }
        closeQuietly(s);
    }

    static String reason(IOException e) {
        if (e instanceof SocketTimeoutException) return "timed out";
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // going away anyway
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            while (!idle.isEmpty()) closeQuietly(idle.pop().socket());
        } finally {
            lock.unlock();
        }
    }
}
