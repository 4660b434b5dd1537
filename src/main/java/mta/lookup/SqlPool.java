package mta.lookup;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * SqlPool - the connections of one SQL table to its servers: a few kept open, the servers tried
 * in random order, a server that failed left alone for a while.
 *
 * <p>Reads nothing but the servers' answers; writes nothing. {@link #borrow} hands out an idle
 * connection or opens one to a server picked at random among those not marked down; a server that
 * refuses or times out is marked down for {@code retry_interval} and the next is tried. When no
 * server can be reached the lookup fails with {@link TableLookupException} naming the last server
 * and its error, which is temporary. Connections idle longer than {@code idle_interval} are closed
 * when next seen, so a restarted database is reached again by a new connection. At most
 * {@link #MAX_CONNECTIONS} connections are open at once; a borrower waits for one no longer than
 * the connect timeout. Plain locks, no background thread.
 */
final class SqlPool implements AutoCloseable {
    /** The most connections one table keeps to its servers at once. */
    static final int MAX_CONNECTIONS = 8;

    /** Opens a connection to one server, with the timeouts of the table. */
    interface Connector {
        Connection connect(Server server) throws SQLException;
    }

    /** One entry of {@code hosts}: its text for the log, and what the connector needs. */
    record Server(String label, String host, int port, String socketPath, String url, String userInfo) {}

    private record Idle(Connection connection, Server server, long since) {}

    /** A connection on loan, with the server it goes to. */
    record Lease(Connection connection, Server server) {}

    private final String spec;
    private final String kind;
    private final List<Server> servers;
    private final long[] downUntil;
    private final String[] lastError;
    private final Connector connector;
    private final long idleNanos;
    private final long retryNanos;
    private final long waitMillis;
    private final Deque<Idle> idle = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Semaphore permits = new Semaphore(MAX_CONNECTIONS);
    private volatile boolean closed;

    /**
     * @param kind the word in messages: {@code pgsql}, {@code mysql}, {@code sqlite}
     */
    SqlPool(String spec, String kind, List<Server> servers, Connector connector, long idleSeconds,
            long retrySeconds, long connectTimeoutSeconds) {
        if (servers.isEmpty()) throw new TableException(spec + ": no hosts specified");
        this.spec = spec;
        this.kind = kind;
        this.servers = List.copyOf(servers);
        this.downUntil = new long[servers.size()];
        this.lastError = new String[servers.size()];
        this.connector = connector;
        this.idleNanos = TimeUnit.SECONDS.toNanos(idleSeconds);
        this.retryNanos = TimeUnit.SECONDS.toNanos(retrySeconds);
        this.waitMillis = Math.max(1000, TimeUnit.SECONDS.toMillis(connectTimeoutSeconds));
    }

    List<Server> servers() {
        return servers;
    }

    /** A connection to some server; give it back with {@link #release}. */
    Lease borrow() {
        if (closed) throw new TableLookupException(spec, "table is closed");
        try {
            if (!permits.tryAcquire(waitMillis, TimeUnit.MILLISECONDS)) {
                throw new TableLookupException(spec, "all " + MAX_CONNECTIONS + " connections to the "
                        + kind + " servers are busy");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TableLookupException(spec, "interrupted");
        }
        try {
            Lease lease = idleConnection();
            if (lease == null) lease = connect();
            return lease;
        } catch (RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    /**
     * Takes the connection back: kept for the next lookup when {@code healthy}, else closed (and
     * its server marked down when {@code serverFailed}).
     */
    void release(Lease lease, boolean healthy, boolean serverFailed) {
        try {
            if (healthy && !closed) {
                lock.lock();
                try {
                    idle.push(new Idle(lease.connection(), lease.server(), System.nanoTime()));
                } finally {
                    lock.unlock();
                }
            } else {
                closeQuietly(lease.connection());
                if (serverFailed) markDown(lease.server());
            }
        } finally {
            permits.release();
        }
    }

    private Lease idleConnection() {
        long now = System.nanoTime();
        List<Connection> stale = new ArrayList<>();
        Lease found = null;
        lock.lock();
        try {
            while (!idle.isEmpty()) {
                Idle i = idle.pop();
                if (now - i.since() > idleNanos) {
                    stale.add(i.connection());
                    continue;
                }
                found = new Lease(i.connection(), i.server());
                break;
            }
        } finally {
            lock.unlock();
        }
        stale.forEach(SqlPool::closeQuietly);
        return found;
    }

    private Lease connect() {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) order.add(i);
        Collections.shuffle(order);
        long now = System.nanoTime();
        String error = null;
        for (int i : order) {
            Server s = servers.get(i);
            if (isDown(i, now)) continue;
            try {
                return new Lease(connector.connect(s), s);
            } catch (SQLException | RuntimeException e) {
                error = "connect to " + kind + " server " + s.label() + ": " + SqlTable.reason(e);
                lock.lock();
                try {
                    lastError[i] = error;
                } finally {
                    lock.unlock();
                }
                markDown(s);
            }
        }
        if (error == null) {
            // every server failed a moment ago: say why, without trying again yet
            lock.lock();
            try {
                int first = order.get(0);
                String last = lastError[first] != null ? lastError[first]
                        : kind + " server " + servers.get(first).label() + " failed";
                error = last + " (not tried again for " + TimeUnit.NANOSECONDS.toSeconds(retryNanos) + "s)";
            } finally {
                lock.unlock();
            }
        }
        throw new TableLookupException(spec, error);
    }

    private boolean isDown(int i, long now) {
        lock.lock();
        try {
            return downUntil[i] != 0 && now - downUntil[i] < 0;
        } finally {
            lock.unlock();
        }
    }

    private void markDown(Server s) {
        int i = servers.indexOf(s);
        if (i < 0 || retryNanos <= 0) return;
        lock.lock();
        try {
            downUntil[i] = System.nanoTime() + retryNanos;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        lock.lock();
        try {
            while (!idle.isEmpty()) closeQuietly(idle.pop().connection());
        } finally {
            lock.unlock();
        }
    }

    static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            // going away anyway
        }
    }
}
