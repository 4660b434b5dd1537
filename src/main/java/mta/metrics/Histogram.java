package mta.metrics;

import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Histogram - counts observations (seconds) into fixed buckets, with their sum, as Prometheus's
 * histogram. Reads nothing, writes nothing; {@link #observe} is a short search and two adders.
 * Buckets hold the count of observations up to and including their bound; the exposition adds them
 * up into Prometheus's cumulative {@code le} buckets.
 */
public final class Histogram {
    private final double[] bounds;
    private final LongAdder[] counts;
    private final DoubleAdder sum = new DoubleAdder();

    Histogram(double[] bounds) {
        this.bounds = bounds;
        this.counts = new LongAdder[bounds.length + 1];
        for (int i = 0; i < counts.length; i++) counts[i] = new LongAdder();
    }

    public void observe(double seconds) {
        int i = 0;
        while (i < bounds.length && seconds > bounds[i]) i++;
        counts[i].increment();
        sum.add(seconds);
    }

    /** Observes the time since {@code startNanos} (a {@link System#nanoTime()} value). */
    public void observeSince(long startNanos) {
        observe((System.nanoTime() - startNanos) / 1e9);
    }

    double[] bounds() {
        return bounds;
    }

    /** The count per bucket, not cumulative; the last is above the largest bound. */
    long[] counts() {
        long[] out = new long[counts.length];
        for (int i = 0; i < out.length; i++) out[i] = counts[i].sum();
        return out;
    }

    double sum() {
        return sum.sum();
    }
}
