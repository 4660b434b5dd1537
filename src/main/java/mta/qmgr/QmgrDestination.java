package mta.qmgr;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import mta.mail.Dsn;

/**
 * QmgrDestination - the concurrency window of one destination (transport:next-hop): slow start,
 * back-off on failure, and the dead state.
 *
 * <p>Reads nothing and writes nothing on disk; it is the queue manager's memory of how a
 * destination behaved lately (Postfix's {@code qmgr_queue.c} window and throttle). A delivery
 * attempt first takes a slot ({@link #acquire}) and afterwards reports how it went
 * ({@link #release}):
 * <ul>
 *   <li>The window starts at {@code initial_destination_concurrency} parallel attempts and grows by
 *       one per successful attempt, up to {@code default_destination_concurrency_limit}; each
 *       limit may be set per transport ({@link QmgrTransportLimits}).</li>
 *   <li>With a {@code destination_rate_delay}, attempts are one at a time and start at least
 *       that long apart.</li>
 *   <li>A failed attempt (the destination could not be reached or refused the session) shrinks the
 *       window by one, never below one. After {@code default_destination_concurrency_failed_cohort_limit}
 *       failures in a row the destination is dead: for {@code minimal_backoff_time} no attempt is
 *       made, and {@link #acquire} answers "suspended" with the last failure's reason.</li>
 *   <li>When that time is over, or a flush request comes ({@link #flush}), the destination
 *       starts again at the initial window.</li>
 * </ul>
 * Waiting happens on a {@link ReentrantLock} condition, so a waiting virtual thread does not pin
 * its carrier.
 */
final class QmgrDestination {
    /** What {@link #acquire} gives: a slot, or the reason the destination is suspended. */
    record Slot(boolean granted, Dsn dsn, String reason) {
        static final Slot GRANTED = new Slot(true, null, null);
    }

    /** How an attempt went, as far as the destination's health is concerned. */
    enum Feedback { SUCCESS, FAILURE, NEUTRAL }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private int window = -1;
    private int busy;
    private int failures;
    private Instant deadUntil;
    private Instant nextStart;
    private Dsn lastDsn = Dsn.NO_ANSWER_FROM_HOST.temporary();
    private String lastReason = "";

    /** Waits for a free slot; returns a suspended slot at once while the destination is dead. */
    Slot acquire(QmgrTransportLimits t, Duration minBackoff) throws InterruptedException {
        lock.lock();
        try {
            if (window < 0) window = Math.min(t.initialConcurrency(), t.effectiveLimit());
            while (true) {
                Instant now = Instant.now();
                if (deadUntil != null) {
                    if (now.isBefore(deadUntil)) return new Slot(false, lastDsn, lastReason);
                    revive(t);
                }
                boolean paced = nextStart == null || !now.isBefore(nextStart);
                if (busy < Math.min(window, t.effectiveLimit()) && paced) {
                    busy++;
                    if (!t.rateDelay().isZero()) nextStart = now.plus(t.rateDelay());
                    return Slot.GRANTED;
                }
                // Wake up now and then, so a dead period or a rate delay that ends while we wait is noticed.
                long waitMs = paced ? 500 : Math.max(1, Math.min(500, Duration.between(now, nextStart).toMillis()));
                changed.await(waitMs, TimeUnit.MILLISECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Gives the slot back and adjusts the window by how the attempt went. */
    void release(QmgrTransportLimits t, Duration minBackoff, Feedback feedback, Dsn dsn, String reason) {
        lock.lock();
        try {
            busy--;
            switch (feedback) {
                case SUCCESS -> {
                    failures = 0;
                    window = Math.min(t.effectiveLimit(), window + 1);
                }
                case FAILURE -> {
                    failures++;
                    window = Math.max(1, window - 1);
                    lastDsn = dsn;
                    lastReason = reason;
                    if (failures >= t.failedCohortLimit() && deadUntil == null) {
                        deadUntil = Instant.now().plus(minBackoff);
                    }
                }
                case NEUTRAL -> { }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A flush request: a dead destination is alive again, to be tried at once (from its initial window). */
    void flush() {
        lock.lock();
        try {
            if (deadUntil != null) {
                deadUntil = null;
                failures = 0;
                window = -1; // the next acquire starts it at its transport's initial concurrency
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void revive(QmgrTransportLimits t) {
        deadUntil = null;
        failures = 0;
        window = Math.min(t.initialConcurrency(), t.effectiveLimit());
    }

    /** The current window (for tests and status). */
    int window() {
        lock.lock();
        try {
            return window;
        } finally {
            lock.unlock();
        }
    }
}
