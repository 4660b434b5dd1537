package mta.policy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import mta.util.MailLog;

/**
 * PolicyClient - the client of one policy server: asks it, reuses connections, gives up in time.
 *
 * <p>Reads {@link PolicySettings}; writes requests to the server and {@code warning:} lines to the
 * mail log in Postfix's words ({@code connect to NAME: reason}, {@code problem talking to server
 * NAME: reason}). {@link #query} returns the server's {@code action=} value, or null when the
 * server could not be asked in {@code try_limit} attempts ({@code retry_delay} apart, each bounded
 * by {@code timeout}): the caller then applies the default action. A server that hangs, dies or
 * answers garbage costs at most about try_limit x (timeout + retry_delay), never a stuck session.
 *
 * <p>Connections: like a Postfix smtpd process, an SMTP session keeps the connection it used in
 * its {@link PolicyLeases} until it ends, so all requests about one message travel over one
 * connection in order; then the connection returns to this client's pool for the next session.
 * A connection is closed after {@code request_limit} requests, when it has been unused for
 * {@code max_idle} (a reaper virtual thread closes pooled ones on time), when it is older than
 * {@code max_ttl} (checked before each request), or when the server closed it meanwhile. Shared
 * by all sessions of a listener: the pool is guarded by a {@link ReentrantLock}, never held around
 * I/O.
 */
public final class PolicyClient implements AutoCloseable {
    private final PolicySettings settings;
    private final MailLog.Channel log;
    private final ReentrantLock lock = new ReentrantLock();
    private final Deque<PolicyConnection> idle = new ArrayDeque<>();
    private boolean closed;
    private Thread reaper;

    public PolicyClient(PolicySettings settings, MailLog.Channel log) {
        this.settings = settings;
        this.log = log;
    }

    public PolicySettings settings() {
        return settings;
    }

    /** The endpoint as log lines name it. */
    public String name() {
        return settings.endpoint().name();
    }

    /**
     * Sends {@code request} over the session's connection (or a pooled or new one) and returns
     * the reply's {@code action} value; null when the server could not be asked (logged).
     */
    public String query(PolicyRequest request, PolicyLeases leases) {
        byte[] bytes = request.encode();
        PolicyConnection conn = leases.take(this);
        int tries = 0;
        while (true) {
            String reason;
            boolean quiet;
            boolean connecting = false;
            try {
                if (conn == null || !usable(conn)) {
                    if (conn != null) conn.close();
                    connecting = true;
                    conn = borrow();
                    connecting = false;
                }
                Map<String, String> reply = conn.exchange(bytes, settings.timeout());
                String action = reply.get("action");
                if (action == null) throw new PolicyException("missing attribute action in reply");
                if (settings.requestLimit() > 0 && conn.requests() >= settings.requestLimit()) {
                    conn.close(); // the next request opens a new connection
                } else {
                    leases.put(this, conn);
                }
                return action;
            } catch (IOException e) {
                reason = text(e);
                if (connecting) log.warn("connect to " + name() + ": " + reason);
                // a server that went away or is not there yet is retried without a second word, as Postfix does
                quiet = reason.equals("lost connection") || reason.contains("reset by peer")
                        || reason.contains("Broken pipe") || reason.contains("No such file");
            }
            if (conn != null) conn.close();
            conn = null;
            tries++;
            boolean last = settings.tryLimit() > 0 && tries >= settings.tryLimit();
            if (last || !quiet) log.warn("problem talking to server " + name() + ": " + reason);
            if (last) return null;
            try {
                Thread.sleep(settings.retryDelay());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    private static String text(IOException e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** A connection may carry one more request: not too old, not idle too long, not closed by the server. */
    private boolean usable(PolicyConnection c) {
        return !expired(c, System.nanoTime()) && !c.stale();
    }

    private boolean expired(PolicyConnection c, long now) {
        return c.idle(now).compareTo(settings.maxIdle()) >= 0 || c.age(now).compareTo(settings.maxTtl()) >= 0;
    }

    /** A pooled connection that is still good, else a new one. */
    private PolicyConnection borrow() throws IOException {
        while (true) {
            PolicyConnection c;
            lock.lock();
            try {
                c = idle.pollFirst();
            } finally {
                lock.unlock();
            }
            if (c == null) return PolicyConnection.open(settings.endpoint(), settings.timeout());
            if (usable(c)) return c;
            c.close();
        }
    }

    /** A session ends: its connection goes back to the pool (or is closed when it is no good). */
    void giveBack(PolicyConnection c) {
        boolean keep = false;
        lock.lock();
        try {
            if (!closed && !expired(c, System.nanoTime())) {
                idle.addFirst(c);
                keep = true;
                if (reaper == null) reaper = Thread.ofVirtual().name("policy-reaper").start(this::reap);
            }
        } finally {
            lock.unlock();
        }
        if (!keep) c.close();
    }

    /** Closes pooled connections as they pass max_idle or max_ttl; ends when the pool is empty. */
    private void reap() {
        while (true) {
            List<PolicyConnection> expired = new ArrayList<>();
            Duration sleep = null;
            lock.lock();
            try {
                long now = System.nanoTime();
                for (var it = idle.iterator(); it.hasNext(); ) {
                    PolicyConnection c = it.next();
                    if (closed || expired(c, now)) {
                        it.remove();
                        expired.add(c);
                        continue;
                    }
                    Duration left = settings.maxIdle().minus(c.idle(now));
                    Duration ttl = settings.maxTtl().minus(c.age(now));
                    if (ttl.compareTo(left) < 0) left = ttl;
                    if (sleep == null || left.compareTo(sleep) < 0) sleep = left;
                }
                if (sleep == null) reaper = null;
            } finally {
                lock.unlock();
            }
            expired.forEach(PolicyConnection::close);
            if (sleep == null) return;
            try {
                Thread.sleep(sleep.plusMillis(10));
            } catch (InterruptedException e) {
                // closed: the next round empties the pool
            }
        }
    }

    /** The number of connections waiting in the pool (for tests). */
    public int pooled() {
        lock.lock();
        try {
            return idle.size();
        } finally {
            lock.unlock();
        }
    }

    /** Closes the pooled connections; connections still held by sessions are closed when they come back. */
    @Override
    public void close() {
        List<PolicyConnection> all;
        Thread r;
        lock.lock();
        try {
            closed = true;
            all = new ArrayList<>(idle);
            idle.clear();
            r = reaper;
        } finally {
            lock.unlock();
        }
        all.forEach(PolicyConnection::close);
        if (r != null) r.interrupt();
    }
}
