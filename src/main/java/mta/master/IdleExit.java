package mta.master;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * IdleExit - when the privileged delivery process may end for want of work ({@code max_idle}, as
 * Postfix's daemons end after {@code max_idle} without a request): it counts the connections being
 * served on {@code private/local} and {@code private/secrets} and notes the time of the last real
 * request. The master's empty liveness probes ({@link PrivilegedWatch}) are served connections
 * for a moment but never requests, so they do not keep the process alive.
 *
 * <p>{@link #awaitIdle} returns once {@code max_idle} has passed since the last request, no
 * connection is being served and nothing else keeps the process up (spawn services, whose
 * listeners must always be there); the caller then removes its socket files, serves what was
 * already queued on them, closes them and {@link #awaitServed waits} for the requests that run
 * before it exits with {@link PrivilegedMaster#IDLE_EXIT}. Reads and writes nothing.
 */
final class IdleExit {
    private final Object lock = new Object();
    private int serving;
    private long lastRequest = System.nanoTime();
    private volatile long maxIdleNanos;

    IdleExit(Duration maxIdle) {
        maxIdle(maxIdle);
    }

    /** A new {@code max_idle} (main.cf changed); the current wait follows it. */
    void maxIdle(Duration maxIdle) {
        maxIdleNanos = Math.max(1, maxIdle.toNanos());
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    /** A connection was accepted: the process does not exit before {@link #done}. */
    void accepted() {
        synchronized (lock) {
            serving++;
        }
    }

    /** The connection of {@link #accepted} is finished. */
    void done() {
        synchronized (lock) {
            serving--;
            lock.notifyAll();
        }
    }

    /** A connection carries a request (at its start and at its end): max_idle counts from now. */
    void request() {
        synchronized (lock) {
            lastRequest = System.nanoTime();
        }
    }

    /**
     * Waits until {@code max_idle} has passed without a request, while no connection is served
     * and {@code busy} is false (checked at least every second).
     */
    void awaitIdle(BooleanSupplier busy) throws InterruptedException {
        synchronized (lock) {
            while (true) {
                long left = lastRequest + maxIdleNanos - System.nanoTime();
                if (left <= 0 && serving == 0 && !busy.getAsBoolean()) return;
                long waitMillis = left > 0 ? Math.min(1000, Math.max(1, left / 1_000_000)) : 1000;
                lock.wait(waitMillis);
            }
        }
    }

    /** Waits until no connection is being served. */
    void awaitServed() throws InterruptedException {
        synchronized (lock) {
            while (serving > 0) lock.wait(1000);
        }
    }
}
