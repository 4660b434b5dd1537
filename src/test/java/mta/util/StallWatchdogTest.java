package mta.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * StallWatchdogTest - the shared watchdog fires for an operation that stops moving, and only then:
 * not for one stopped in time, not while progress continues; a short limit that arrives while
 * the watchdog sleeps towards a long one is still kept.
 */
class StallWatchdogTest {

    @Test
    void firesOnceWhenNoProgressForTheLimit() throws Exception {
        CountDownLatch fired = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        long t0 = System.nanoTime();
        StallWatchdog.Watch w = StallWatchdog.deadline(Duration.ofMillis(200), () -> {
            runs.incrementAndGet();
            fired.countDown();
        });

        assertTrue(fired.await(10, TimeUnit.SECONDS));
        long took = System.nanoTime() - t0;
        assertTrue(took >= 200_000_000L, "fired after " + took + " ns");
        assertTrue(w.fired());
        assertFalse(w.stop(), "a watch that fired does not stop in time");
        Thread.sleep(300);
        assertEquals(1, runs.get());
    }

    @Test
    void stoppedInTimeNeverFires() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        StallWatchdog.Watch w = StallWatchdog.deadline(Duration.ofMillis(200), runs::incrementAndGet);

        assertTrue(w.stop());
        Thread.sleep(500);
        assertEquals(0, runs.get());
        assertFalse(w.fired());
    }

    @Test
    void progressPostponesTheDeadline() throws Exception {
        AtomicLong last = new AtomicLong(System.nanoTime());
        CountDownLatch fired = new CountDownLatch(1);
        StallWatchdog.Watch w = StallWatchdog.watch(Duration.ofMillis(300), last::get, fired::countDown);
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < 900_000_000L) { // three limits long, moving every 50 ms
            last.set(System.nanoTime());
            Thread.sleep(50);
        }
        assertEquals(1, fired.getCount(), "fired while the operation kept moving");
        assertTrue(fired.await(10, TimeUnit.SECONDS));
        long sinceLastMove = System.nanoTime() - last.get();
        assertTrue(sinceLastMove >= 300_000_000L, "fired " + sinceLastMove + " ns after the last progress");
        assertFalse(w.stop());
    }

    @Test
    void aShortLimitArrivingBehindALongOneIsKept() throws Exception {
        StallWatchdog.Watch longOne = StallWatchdog.deadline(Duration.ofMinutes(10), () -> { });
        CountDownLatch fired = new CountDownLatch(1);
        long t0 = System.nanoTime();
        StallWatchdog.Watch shortOne = StallWatchdog.deadline(Duration.ofMillis(100), fired::countDown);
        try {
            assertTrue(fired.await(5, TimeUnit.SECONDS), "the short limit waited for the long one");
            assertTrue(System.nanoTime() - t0 < 4_000_000_000L);
            assertTrue(shortOne.fired());
        } finally {
            assertTrue(longOne.stop());
        }
    }

    /**
     * A watchdog of its own, with its own thread, fires thousands of watches that expire within a
     * few milliseconds of each other, each no earlier than its limit and the whole lot within a
     * few sweeps' time of the last limit; a stopped one among them never fires.
     */
    @Test
    void anOwnWatchdogFiresManyWatchesThatExpireTogether() throws Exception {
        StallWatchdog own = new StallWatchdog("test-watchdog");
        int n = 5_000;
        CountDownLatch fired = new CountDownLatch(n);
        AtomicInteger early = new AtomicInteger();
        AtomicInteger stoppedRan = new AtomicInteger();
        java.util.List<StallWatchdog.Watch> watches = new java.util.ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            long limit = 200_000_000L + (i % 50) * 100_000L; // 200 to 205 ms
            watches.add(own.start(Duration.ofNanos(limit), () -> start, () -> {
                if (System.nanoTime() - start < limit) early.incrementAndGet();
                fired.countDown();
            }));
        }
        StallWatchdog.Watch stopped = own.start(Duration.ofMillis(200), () -> t0, stoppedRan::incrementAndGet);
        assertTrue(stopped.stop());
        assertTrue(fired.await(10, TimeUnit.SECONDS), fired.getCount() + " of " + n + " still waiting");
        assertEquals(0, early.get(), "fired before their limit");
        assertTrue(watches.stream().allMatch(StallWatchdog.Watch::fired));
        assertEquals(0, stoppedRan.get());
        assertTrue(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("test-watchdog")));
    }
}
