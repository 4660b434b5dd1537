package mta.smtp;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import mta.config.Config;
import mta.config.Params;

/**
 * SmtpConnectionCache - idle SMTP sessions kept open for the next delivery to the same next-hop.
 *
 * <p>Reads {@code smtp_connection_cache_time_limit}, {@code smtp_connection_reuse_time_limit}
 * and {@code smtp_connection_reuse_count_limit}; writes only its own table, and QUIT on the
 * sessions it gives up. After a transaction the agent {@linkplain #offer offers} its session
 * under the next-hop it was delivering to; the next delivery to that next-hop {@linkplain #take
 * takes} it instead of connecting (Postfix's scache, inside the agent). A session idle for longer
 * than the cache time limit is closed by a virtual thread that runs only while the cache holds
 * something. A {@link ReentrantLock} guards the table; no I/O happens while it is held.
 */
final class SmtpConnectionCache {
    /** A session waiting for its next use, and when it stops waiting. */
    private record Idle(SmtpSession session, long expiresNanos) {}

    private final long idleLimitNanos;
    private final long reuseTimeLimitNanos;
    private final int reuseCountLimit;
    private final ReentrantLock lock = new ReentrantLock();
    /** Idle sessions by next-hop, the most recently used last. */
    private final Map<String, Deque<Idle>> idle = new HashMap<>();
    private boolean reaperRunning;

    SmtpConnectionCache(Duration idleLimit, Duration reuseTimeLimit, int reuseCountLimit) {
        this.idleLimitNanos = idleLimit.toNanos();
        this.reuseTimeLimitNanos = reuseTimeLimit.toNanos();
        this.reuseCountLimit = reuseCountLimit;
    }

    static SmtpConnectionCache from(Config config) {
        return new SmtpConnectionCache(config.time(Params.SMTP_CONNECTION_CACHE_TIME_LIMIT),
                config.time(Params.SMTP_CONNECTION_REUSE_TIME_LIMIT),
                config.integer(Params.SMTP_CONNECTION_REUSE_COUNT_LIMIT));
    }

    /**
     * Keeps {@code session} for the next delivery to {@code nexthop}; false when it may not be
     * reused (broken, used too often, or open too long), and the caller closes it.
     */
    boolean offer(String nexthop, SmtpSession session) {
        if (session.connection().isBroken()) return false;
        if (reuseCountLimit > 0 && session.uses() > reuseCountLimit) return false;
        if (session.ageNanos() >= reuseTimeLimitNanos) return false;
        lock.lock();
        try {
            idle.computeIfAbsent(nexthop, k -> new ArrayDeque<>())
                    .addLast(new Idle(session, System.nanoTime() + idleLimitNanos));
            if (!reaperRunning) {
                reaperRunning = true;
                Thread.ofVirtual().name("smtp-scache").start(this::reap);
            }
        } finally {
            lock.unlock();
        }
        return true;
    }

    /**
     * The most recently used idle session for {@code nexthop}, or null. The caller checks that it
     * still answers (an RSET, pipelined with the envelope by {@link SmtpTransaction} when the
     * server offers PIPELINING, else {@link SmtpSession#stillAlive}), and owns it from now on.
     */
    SmtpSession take(String nexthop) {
        List<SmtpSession> stale = new ArrayList<>();
        SmtpSession found = null;
        lock.lock();
        try {
            Deque<Idle> sessions = idle.get(nexthop);
            long now = System.nanoTime();
            while (sessions != null && !sessions.isEmpty() && found == null) {
                Idle i = sessions.pollLast();
                if (now - i.expiresNanos() >= 0 || i.session().ageNanos() >= reuseTimeLimitNanos) stale.add(i.session());
                else found = i.session();
            }
            if (sessions != null && sessions.isEmpty()) idle.remove(nexthop);
        } finally {
            lock.unlock();
        }
        stale.forEach(SmtpSession::close);
        return found;
    }

    /** How many sessions wait in the cache (for tests). */
    int size() {
        lock.lock();
        try {
            return idle.values().stream().mapToInt(Deque::size).sum();
        } finally {
            lock.unlock();
        }
    }

    /** Closes every idle session (QUIT first). */
    void closeAll() {
        List<SmtpSession> all = new ArrayList<>();
        lock.lock();
        try {
            idle.values().forEach(d -> d.forEach(i -> all.add(i.session())));
            idle.clear();
        } finally {
            lock.unlock();
        }
        all.forEach(SmtpSession::close);
    }

    /** The reaper: closes sessions whose idle time is up; ends when the cache is empty. */
    private void reap() {
        while (true) {
            List<SmtpSession> expired = new ArrayList<>();
            long sleepNanos;
            lock.lock();
            try {
                long now = System.nanoTime();
                long next = Long.MAX_VALUE;
                for (Iterator<Deque<Idle>> it = idle.values().iterator(); it.hasNext(); ) {
                    Deque<Idle> sessions = it.next();
                    sessions.removeIf(i -> {
                        boolean over = now - i.expiresNanos() >= 0;
                        if (over) expired.add(i.session());
                        return over;
                    });
                    for (Idle i : sessions) next = Math.min(next, i.expiresNanos());
                    if (sessions.isEmpty()) it.remove();
                }
                if (idle.isEmpty()) reaperRunning = false;
                sleepNanos = idle.isEmpty() ? -1 : Math.max(1_000_000, next - now);
            } finally {
                lock.unlock();
            }
            expired.forEach(SmtpSession::close);
            if (sleepNanos < 0) return;
            try {
                Thread.sleep(Duration.ofNanos(sleepNanos));
            } catch (InterruptedException e) {
                lock.lock();
                try {
                    reaperRunning = false;
                } finally {
                    lock.unlock();
                }
                closeAll();
                return;
            }
        }
    }
}
