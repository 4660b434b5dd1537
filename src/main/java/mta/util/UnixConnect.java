package mta.util;

import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * UnixConnect - connects to a UNIX-domain socket of the privileged delivery process
 * ({@code private/local}, {@code private/secrets}), waking that process and waiting for it while it
 * starts.
 *
 * <p>Under privilege separation the root parent ({@code bin/.privileged-parent}) starts the
 * privileged process on demand: when a byte arrives on its wake FIFO ({@code
 * $queue_directory/pid/privileged.wake}, {@link #wakeWith}, set once by the master's {@code main}),
 * or at boot beside the master when master.cf has spawn services, and the process exits after
 * {@code max_idle} without a request. So a socket that is not there or refuses is normal: the
 * connect writes one byte to the FIFO (again every {@value #REWAKE_MILLIS} ms while it keeps
 * failing, in case the process was just exiting), and tries again every {@value #RETRY_MILLIS} ms
 * for up to {@value #WAKE_WAIT_MILLIS} ms, so a delivery waits for the start instead of being
 * deferred. The byte is written by a thread of its own that nobody waits for (a FIFO without a
 * reader would block its open), one at a time: a connect never hangs on it. After that wait, or
 * without a FIFO once {@link #waitForStartUntil} has passed, a failed connect fails (the caller
 * defers the mail: a dependency that is down is a temporary error). Writes only that byte.
 */
public final class UnixConnect {
    static final long RETRY_MILLIS = 50;
    /** How long a connect waits for a process it has woken (a JVM start on a loaded machine). */
    static final long WAKE_WAIT_MILLIS = 60_000;
    /** How often a connect that keeps failing wakes again. */
    static final long REWAKE_MILLIS = 1000;

    /** {@code System.nanoTime()} until which connects wait; no waiting when it has passed. */
    private static volatile long waitUntil = System.nanoTime();
    /** The root parent's wake FIFO; null: nothing to wake (the process is started by its parent alone). */
    private static volatile Path wakeFifo;
    /** True while a wake byte is being written. */
    private static final AtomicBoolean waking = new AtomicBoolean();

    private UnixConnect() {}

    /** Connects wait for a starting server until {@code millis} from now. */
    public static void waitForStartUntil(long millis) {
        waitUntil = System.nanoTime() + millis * 1_000_000;
    }

    /** Connects that fail wake the server's root parent through {@code fifo} (null: never). */
    public static void wakeWith(Path fifo) {
        wakeFifo = fifo;
    }

    /** A channel connected to {@code socket}; the last connect's exception when it cannot be. */
    public static SocketChannel open(Path socket) throws IOException {
        Path fifo = wakeFifo;
        long now = System.nanoTime();
        long until = fifo == null ? waitUntil : later(waitUntil, now + WAKE_WAIT_MILLIS * 1_000_000);
        long nextWake = now;
        while (true) {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
                return ch;
            } catch (IOException e) {
                ch.close();
                now = System.nanoTime();
                if (fifo != null && now - nextWake >= 0) {
                    wake(fifo);
                    nextWake = now + REWAKE_MILLIS * 1_000_000;
                }
                if (now - until >= 0) throw e;
                try {
                    Thread.sleep(RETRY_MILLIS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** Wakes the server's root parent now, when there is a wake FIFO (a spawn service appeared on reload). */
    public static void wake() {
        Path fifo = wakeFifo;
        if (fifo != null) wake(fifo);
    }

    private static long later(long a, long b) {
        return a - b >= 0 ? a : b;
    }

    /**
     * Writes one byte to {@code fifo} on a daemon thread, unless one is still being written; the
     * caller does not wait. A missing FIFO (the root parent is gone) or a failed write is ignored:
     * the connect then fails at its deadline as without waking.
     */
    static void wake(Path fifo) {
        if (!waking.compareAndSet(false, true)) return;
        Thread t = new Thread(() -> {
            try (OutputStream out = Files.newOutputStream(fifo, StandardOpenOption.WRITE)) {
                out.write('w');
            } catch (IOException | RuntimeException ignored) {
                // nothing to wake: the connect fails at its deadline
            } finally {
                waking.set(false);
            }
        }, "privileged-wake");
        t.setDaemon(true);
        t.start();
    }
}
