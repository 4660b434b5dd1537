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
 * StallWatchdog - time limits on blocking I/O, kept by one daemon thread per watchdog instead of a
 * thread or a timer per operation.
 *
 * <p>Reads nothing and writes nothing itself. A {@link Watch} names when its operation last made
 * progress (a {@link LongSupplier} of {@link System#nanoTime()} values; a fixed start for a plain
 * time limit) and what to do when the limit passes without progress (close the channel or
 * socket: that ends a blocked connect, read or write). Starting and stopping a watch that does not
 * expire costs a set insertion and removal: no thread, no wake-up, no exception. The watchdog
 * thread sleeps until the earliest deadline it knows of, is woken only when a watch arrives with an
 * earlier one, and parks for good after a second with nothing to watch. It sweeps at most every
 * {@link #GRAIN} (a watch fires up to that late), so thousands of watches that expire together
 * cost a few sweeps, not one each.
 *
 * <p>{@link #watch} and {@link #deadline} use the shared watchdog ({@code stall-watchdog}); a
 * component with many long-lived watches of one limit (smtpd's sessions) has its own
 * ({@link #StallWatchdog(String)}), so short limits elsewhere do not make it sweep them.
 */
public final class StallWatchdog {
    private static final long LINGER = TimeUnit.SECONDS.toNanos(1);
    /** The shortest pause between two sweeps. */
    private static final long GRAIN = TimeUnit.MILLISECONDS.toNanos(10);
    private static final StallWatchdog SHARED = new StallWatchdog("stall-watchdog");

    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private final Thread sweeper;
    private final AtomicInteger started = new AtomicInteger();
    /** When the sweeper wakes next ({@link System#nanoTime()}), unless {@link #idle}. */
    private volatile long wakeAt;
    /** The sweeper is parked with no time limit. */
    private volatile boolean idle = true;

    /** A watchdog of its own, whose thread (a platform daemon thread named {@code name}) starts at the first watch. */
    public StallWatchdog(String name) {
        this.sweeper = Thread.ofPlatform().daemon().name(name).unstarted(this::sweep);
    }

    /** One operation under a time limit. */
    public static final class Watch {
        private static final int ACTIVE = 0, STOPPED = 1, FIRED = 2;
        private final StallWatchdog owner;
        private final long limit;
        private final LongSupplier lastProgress;
        private final Runnable onStall;
        private final AtomicInteger state = new AtomicInteger(ACTIVE);

        private Watch(StallWatchdog owner, long limit, LongSupplier lastProgress, Runnable onStall) {
            this.owner = owner;
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
            owner.watches.remove(this);
            return state.compareAndSet(ACTIVE, STOPPED) || state.get() == STOPPED;
        }

        /** True once the limit passed and {@code onStall} was started. */
        public boolean fired() {
            return state.get() == FIRED;
        }

        private void fire() {
            owner.watches.remove(this);
            if (state.compareAndSet(ACTIVE, FIRED)) {
                try {
                    onStall.run();
                } catch (RuntimeException ignored) {
                    // the watchdog keeps watching the others
                }
            }
        }
    }

    /** {@link #start} on the shared watchdog. */
    public static Watch watch(Duration limit, LongSupplier lastProgress, Runnable onStall) {
        return SHARED.start(limit, lastProgress, onStall);
    }

    /** Starts watching an operation that must end within {@code limit} from now (shared watchdog). */
    public static Watch deadline(Duration limit, Runnable onStall) {
        long start = System.nanoTime();
        return SHARED.start(limit, () -> start, onStall);
    }

    /**
     * Starts watching: runs {@code onStall} (on the watchdog thread) once {@code limit} has passed
     * since {@code lastProgress} said the operation last moved, unless {@link Watch#stop} came first.
     * The watchdog sleeps towards the deadlines it saw: should {@code lastProgress} move back (a
     * watch that counts only while its operation waits), the watch may fire late by as much.
     */
    public Watch start(Duration limit, LongSupplier lastProgress, Runnable onStall) {
        Watch w = new Watch(this, Math.max(1, limit.toNanos()), lastProgress, onStall);
        watches.add(w);
        if (started.get() == 0 && started.compareAndSet(0, 1)) sweeper.start();
        VarHandle.fullFence(); // the sweeper publishes idle/wakeAt, then looks at the watches: one of us sees the other
        if (idle || w.deadline() - wakeAt < 0) LockSupport.unpark(sweeper);
        return w;
    }

    private void sweep() {
        long lastBusy = System.nanoTime();
        while (true) {
            long now = System.nanoTime();
            long plan = expire(now);
            if (plan != Long.MAX_VALUE) lastBusy = now;
            boolean forGood = plan == Long.MAX_VALUE && now - lastBusy >= LINGER;
            if (plan == Long.MAX_VALUE) plan = now + LINGER;
            long next = plan - (now + GRAIN) < 0 ? now + GRAIN : plan;
            wakeAt = next;
            idle = forGood;
            VarHandle.fullFence();
            if (forGood ? !watches.isEmpty() : anyBefore(plan)) {
                idle = false;
                continue; // a watch arrived meanwhile that the plan does not cover
            }
            if (forGood) LockSupport.park();
            else LockSupport.parkNanos(next - now);
            idle = false;
        }
    }

    /** Fires the watches whose time is up; the earliest deadline of the rest, or Long.MAX_VALUE. */
    private long expire(long now) {
        long next = Long.MAX_VALUE;
        boolean any = false;
        for (Watch w : watches) {
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

    private boolean anyBefore(long t) {
        for (Watch w : watches) {
            if (w.deadline() - t < 0) return true;
        }
        return false;
    }
}
