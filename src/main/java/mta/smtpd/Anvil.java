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
 * opens with the first connection after it); {@link #disconnect} ends it. {@link #rate} counts
 * other events of a client the same way, each kind in its own window: MAIL commands
 * ({@code smtpd_client_message_rate_limit}), RCPT commands ({@code smtpd_client_recipient_rate_limit})
 * and AUTH commands ({@code smtpd_client_auth_rate_limit}).
 * Entries of clients with no session and only expired windows are dropped, so memory follows
 * the active clients only.
 */
final class Anvil {
    /** What {@link #connect} saw: the sessions this client now has, and its connections in this window. */
    record Counts(int count, int rate) {}

    /** The events counted per client and time unit besides connections. */
    enum Event {
        /** A MAIL FROM command (Postfix anvil's "mail"). */
        MESSAGE,
        /** A RCPT TO command (Postfix anvil's "rcpt"). */
        RECIPIENT,
        /** An AUTH command (Postfix anvil's "auth"). */
        AUTH
    }

    private static final class Entry {
        int count;
        int rate;
        long windowStart;
        final int[] events = new int[Event.values().length];
        final long[] eventStarts = new long[Event.values().length];

        /** The start of the most recent window of any kind. */
        long lastStart() {
            long last = windowStart;
            for (int i = 0; i < events.length; i++) if (events[i] > 0 && eventStarts[i] - last > 0) last = eventStarts[i];
            return last;
        }
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

    /** Counts one {@code event} of {@code client}; returns its events of that kind in the current window. */
    int rate(Event event, String client) {
        lock.lock();
        try {
            long now = clock.getAsLong();
            sweep(now);
            Entry e = clients.computeIfAbsent(client, k -> new Entry());
            int i = event.ordinal();
            if (e.events[i] == 0 || now - e.eventStarts[i] >= windowNanos) {
                e.eventStarts[i] = now;
                e.events[i] = 0;
            }
            return ++e.events[i];
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
            if (e.count == 0 && now - e.lastStart() >= windowNanos) it.remove();
        }
    }
}
