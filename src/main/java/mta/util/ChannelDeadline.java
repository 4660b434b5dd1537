package mta.util;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * ChannelDeadline - a time limit on blocking I/O over a channel (the milter and policy server
 * connections): a watchdog closes the channel when the limit passes.
 *
 * <p>Reads and writes nothing itself. The watchdog is a virtual thread of its own name
 * ({@code milter-timeout}, {@code policy-timeout}); closing the channel ends a blocked connect,
 * read or write, and the caller then gets the timeout error it named instead of the closed
 * channel's. An operation that finishes in time stops the watchdog.
 */
public final class ChannelDeadline {
    private ChannelDeadline() {}

    /** An operation that the watchdog may cut short by closing the channel. */
    @FunctionalInterface
    public interface Io<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code io}; closes {@code channel} if it takes longer than {@code timeout}, and then
     * throws {@code timedOut}'s error.
     */
    public static <T> T within(Duration timeout, Closeable channel, String watchdogName,
                               Supplier<? extends IOException> timedOut, Io<T> io) throws IOException {
        AtomicBoolean finished = new AtomicBoolean();
        Thread watchdog = Thread.ofVirtual().name(watchdogName).start(() -> {
            try {
                Thread.sleep(timeout);
            } catch (InterruptedException e) {
                return; // the operation finished in time
            }
            if (finished.compareAndSet(false, true)) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closing is the point
                }
            }
        });
        try {
            T result = io.run();
            if (!finished.compareAndSet(false, true)) throw timedOut.get();
            return result;
        } catch (ClosedChannelException e) {
            if (finished.get()) throw timedOut.get();
            throw e;
        } finally {
            finished.set(true);
            watchdog.interrupt();
        }
    }
}
