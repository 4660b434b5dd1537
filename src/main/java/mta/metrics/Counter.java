package mta.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counter - a number that only goes up (Prometheus's counter). Reads nothing, writes nothing:
 * {@link #inc} is one {@link LongAdder} increment, cheap enough for every message and command.
 */
public final class Counter {
    private final LongAdder value = new LongAdder();

    public void inc() {
        value.increment();
    }

    public void add(long n) {
        if (n > 0) value.add(n);
    }

    public long get() {
        return value.sum();
    }
}
