package mta.smtpd;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Anvil - per-client connection counting: how many sessions now, how many in the current time unit.
 *
 * <p>Postfix's {@code anvil(8)} server in small, inside the smtpd listener instead of a separate
 * process. Reads nothing but the clock; keeps one entry per client address. {@link #connect}
 * counts a new connection and returns the client's concurrency and its connection rate (the
 * connections since its window opened; a window lasts {@code anvil_rate_time_unit} and a new one
 * opens with the first connection after it); {@link #disconnect} ends it. Entries of clients with
 * no session and an expired window are dropped, so memory follows the active clients only.
 * {@link #auth} counts AUTH commands per client in the same way (smtpd_client_auth_rate_limit).
 */
final class Anvil {
    /** What {@link #connect} saw: the sessions this client now has, and its connections in this window. */
    record Counts(int count, int rate) {}

    private static final class Entry {
        int count;
        int rate;
        long windowStart;
        /** AUTH commands in the current AUTH window (smtpd_client_auth_rate_limit). */
        int auths;
        long authWindowStart;
    }

    private final long windowNanos;
    private final LongSupplier clock;
    private final Map<String, Entry> clients = new HashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private long lastSweep;

    Anvil(java.time.Duration window) {
        this(window, System::nanoTime);
    }

    Anvil(java.time.Duration window, LongSupplier nanoClock) {
        this.windowNanos = window.toNanos();
        this.clock = nanoClock;
        this.lastSweep = nanoClock.getAsLong();
    }

    Counts connect(String client) {
        lock.lock();
        try {
            long now = clock.getAsLong();
            sweep(now);
            Entry e = clients.computeIfAbsent(client, k -> new Entry());
            if (e.rate == 0 || now - e.windowStart >= windowNanos) {
                e.windowStart = now;
                e.rate = 0;
            }
            e.count++;
            e.rate++;
            return new Counts(e.count, e.rate);
        } finally {
            lock.unlock();
        }
    }

    void disconnect(String client) {
        lock.lock();
        try {
            Entry e = clients.get(client);
            if (e != null && e.count > 0) e.count--;
        } finally {
            lock.unlock();
        }
    }

    /** Counts one AUTH command of {@code client}; returns its AUTH commands in the current time unit. */
    int auth(String client) {
        lock.lock();
        try {
            long now = clock.getAsLong();
            Entry e = clients.computeIfAbsent(client, k -> new Entry());
            if (e.auths == 0 || now - e.authWindowStart >= windowNanos) {
                e.authWindowStart = now;
                e.auths = 0;
            }
            return ++e.auths;
        } finally {
            lock.unlock();
        }
    }

    /** The number of clients remembered (for tests). */
    int size() {
        lock.lock();
        try {
            return clients.size();
        } finally {
            lock.unlock();
        }
    }

    /** Drops idle clients whose window has closed, at most once per window. */
    private void sweep(long now) {
        if (now - lastSweep < windowNanos) return;
        lastSweep = now;
        for (Iterator<Entry> it = clients.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.count == 0 && now - e.windowStart >= windowNanos && now - e.authWindowStart >= windowNanos) it.remove();
        }
    }
}
