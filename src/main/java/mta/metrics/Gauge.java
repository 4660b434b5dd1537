package mta.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * Gauge - a number that goes up and down (sessions open now). Reads nothing, writes nothing;
 * values computed when scraped (queue sizes, JVM memory) are {@link Registry#collector}s instead.
 */
public final class Gauge {
    private final LongAdder value = new LongAdder();

    public void inc() {
        value.increment();
    }

    public void dec() {
        value.decrement();
    }

    public long get() {
        return value.sum();
    }
}
