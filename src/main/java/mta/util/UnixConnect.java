package mta.util;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * UnixConnect - connects to a UNIX-domain socket of the privileged delivery process
 * ({@code private/local}, {@code private/secrets}), waiting for it while it starts.
 *
 * <p>Under privilege separation the root parent ({@code bin/.privileged-parent}) starts the
 * privileged process and the master at the same time, so the master may need that process before
 * it has bound its sockets. {@link #waitForStartUntil} (set once by the master's {@code main})
 * names the end of that start: until then a socket that is not there yet or refuses is tried again
 * every {@value #RETRY_MILLIS} ms, so a delivery is late by a moment instead of deferred; after it,
 * a failed connect fails at once, as before (the caller defers the mail). Reads and writes nothing.
 */
public final class UnixConnect {
    static final long RETRY_MILLIS = 50;

    /** {@code System.nanoTime()} until which connects wait; no waiting when it has passed. */
    private static volatile long waitUntil = System.nanoTime();

    private UnixConnect() {}

    /** Connects wait for a starting server until {@code millis} from now. */
    public static void waitForStartUntil(long millis) {
        waitUntil = System.nanoTime() + millis * 1_000_000;
    }

    /** A channel connected to {@code socket}; the last connect's exception when it cannot be. */
    public static SocketChannel open(Path socket) throws IOException {
        while (true) {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
                return ch;
            } catch (IOException e) {
                ch.close();
                if (System.nanoTime() - waitUntil >= 0) throw e;
                try {
                    Thread.sleep(RETRY_MILLIS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
