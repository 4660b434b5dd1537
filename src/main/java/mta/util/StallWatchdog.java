package mta.util;

import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * StallWatchdog - time limits on blocking I/O, kept by one shared daemon thread
 * ({@code stall-watchdog}) instead of a thread per operation.
 *
 * <p>Reads nothing and writes nothing itself. A {@link Watch} names when its operation last made
 * progress (a {@link LongSupplier} of {@link System#nanoTime()} values; a fixed start for a plain
 * time limit) and what to do when the limit passes without progress (close the channel or
 * socket: that ends a blocked connect, read or write). Starting and stopping a watch that does not
 * expire costs a set insertion and removal: no thread, no wake-up, no exception. The watchdog
 * thread sleeps until the earliest deadline it knows of, is woken only when a watch arrives with an
 * earlier one, and parks for good after a second with nothing to watch.
 */
public final class StallWatchdog {
    private static final long LINGER = TimeUnit.SECONDS.toNanos(1);
    private static final Set<Watch> WATCHES = ConcurrentHashMap.newKeySet();
    private static final Thread SWEEPER = Thread.ofPlatform().daemon().name("stall-watchdog").unstarted(StallWatchdog::sweep);
    private static final AtomicInteger STARTED = new AtomicInteger();
    /** When the sweeper wakes next ({@link System#nanoTime()}), unless {@link #idle}. */
    private static volatile long wakeAt;
    /** The sweeper is parked with no time limit. */
    private static volatile boolean idle = true;

    private StallWatchdog() {}

    /** One operation under a time limit. */
    public static final class Watch {
        private static final int ACTIVE = 0, STOPPED = 1, FIRED = 2;
        private final long limit;
        private final LongSupplier lastProgress;
        private final Runnable onStall;
        private final AtomicInteger state = new AtomicInteger(ACTIVE);

        private Watch(long limit, LongSupplier lastProgress, Runnable onStall) {
            this.limit = limit;
            this.lastProgress = lastProgress;
            this.onStall = onStall;
        }

        private long deadline() {
            return lastProgress.getAsLong() + limit;
        }

        /**
         * Ends the watch; true if it ended before the limit passed, false if the watchdog fired
         * (then {@code onStall} has run or is running).
         */
        public boolean stop() {
            WATCHES.remove(this);
            return state.compareAndSet(ACTIVE, STOPPED) || state.get() == STOPPED;
        }

        /** True once the limit passed and {@code onStall} was started. */
        public boolean fired() {
            return state.get() == FIRED;
        }

        private void fire() {
            WATCHES.remove(this);
            if (state.compareAndSet(ACTIVE, FIRED)) {
                try {
                    onStall.run();
                } catch (RuntimeException ignored) {
                    // the watchdog keeps watching the others
                }
            }
        }
    }

    /**
     * Starts watching: runs {@code onStall} (on the watchdog thread) once {@code limit} has passed
     * since {@code lastProgress} said the operation last moved, unless {@link Watch#stop} came first.
     */
    public static Watch watch(Duration limit, LongSupplier lastProgress, Runnable onStall) {
        Watch w = new Watch(Math.max(1, limit.toNanos()), lastProgress, onStall);
        WATCHES.add(w);
        if (STARTED.get() == 0 && STARTED.compareAndSet(0, 1)) SWEEPER.start();
        VarHandle.fullFence(); // the sweeper publishes idle/wakeAt, then looks at WATCHES: one of us sees the other
        if (idle || w.deadline() - wakeAt < 0) LockSupport.unpark(SWEEPER);
        return w;
    }

    /** Starts watching an operation that must end within {@code limit} from now. */
    public static Watch deadline(Duration limit, Runnable onStall) {
        long start = System.nanoTime();
        return watch(limit, () -> start, onStall);
    }

    private static void sweep() {
        long lastBusy = System.nanoTime();
        while (true) {
            long now = System.nanoTime();
            long next = expire(now);
            if (next != Long.MAX_VALUE) lastBusy = now;
            boolean forGood = next == Long.MAX_VALUE && now - lastBusy >= LINGER;
            if (next == Long.MAX_VALUE) next = now + LINGER;
            wakeAt = next;
            idle = forGood;
            VarHandle.fullFence();
            if (forGood ? !WATCHES.isEmpty() : anyBefore(next)) {
                idle = false;
                continue; // a watch arrived meanwhile that the plan does not cover
            }
            if (forGood) LockSupport.park();
            else LockSupport.parkNanos(next - now);
            idle = false;
        }
    }

    /** Fires the watches whose time is up; the earliest deadline of the rest, or Long.MAX_VALUE. */
    private static long expire(long now) {
        long next = Long.MAX_VALUE;
        boolean any = false;
        for (Watch w : WATCHES) {
            long d = w.deadline();
            if (d - now <= 0) {
                w.fire();
            } else if (!any || d - next < 0) {
                next = d;
                any = true;
            }
        }
        return any ? next : Long.MAX_VALUE;
    }

    private static boolean anyBefore(long t) {
        for (Watch w : WATCHES) {
            if (w.deadline() - t < 0) return true;
        }
        return false;
    }
}
