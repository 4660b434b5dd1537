package mta.util;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * ChannelDeadline - a time limit on blocking I/O over a channel (the milter and policy server
 * connections): the shared {@link StallWatchdog} closes the channel when the limit passes.
 *
 * <p>Reads and writes nothing itself. Closing the channel ends a blocked connect, read or write,
 * and the caller then gets the timeout error it named instead of the closed channel's. An
 * operation that finishes in time stops its watch: no thread and no exception of its own.
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
    public static <T> T within(Duration timeout, Closeable channel, Supplier<? extends IOException> timedOut, Io<T> io)
            throws IOException {
        StallWatchdog.Watch watch = StallWatchdog.deadline(timeout, () -> {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing is the point
            }
        });
        try {
            T result = io.run();
            if (!watch.stop()) throw timedOut.get();
            return result;
        } catch (ClosedChannelException e) {
            if (!watch.stop()) throw timedOut.get();
            throw e;
        } finally {
            watch.stop();
        }
    }
}
