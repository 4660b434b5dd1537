package mta.util;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * AcceptLoop - how a listening service binds, accepts and stops (the smtpd, postscreen and spawn
 * listeners).
 *
 * <p>Reads connections from the listening socket; writes nothing itself. {@link #bind} binds a
 * TCP socket with a deep accept queue; {@link #run} takes one of the service's permits (master.cf's
 * process limit), accepts, and runs the connection's session on the sessions' executor, which
 * gives the permit back when the session ends; {@link #stop} closes the socket, interrupts the
 * accept thread and gives the running sessions a grace period, after which they are interrupted
 * and get as long again to end.
 */
public final class AcceptLoop {
    private AcceptLoop() {}

    /** Takes the next connection off the listening socket. */
    @FunctionalInterface
    public interface Accept<C extends Closeable> {
        C accept() throws IOException;
    }

    /**
     * A TCP socket bound to {@code address}; the error names the address and port when the bind
     * fails (a taken port stops start-up with a clear message).
     */
    public static ServerSocket bind(InetSocketAddress address) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        try {
            // A deep accept queue: the kernel caps it at net.core.somaxconn; a burst of connections
            // waits there instead of being dropped and retried seconds later by the clients.
            server.bind(address, 65535);
        } catch (IOException e) {
            server.close();
            throw new IOException("bind " + address.getAddress().getHostAddress() + " port " + address.getPort()
                    + ": " + e.getMessage(), e);
        }
        return server;
    }

    /**
     * The address every connection accepted on {@code server} reaches: the bound one, unless it is
     * a wildcard (then each connection's own is the kernel's to tell) or a scoped IPv6 address
     * (whose form the kernel's answer may write differently); null in those cases.
     */
    public static InetAddress onlyAddress(ServerSocket server) {
        InetAddress a = server.getInetAddress();
        if (a == null || a.isAnyLocalAddress()) return null;
        if (a instanceof java.net.Inet6Address six && (six.getScopeId() != 0 || six.getScopedInterface() != null
                || six.isLinkLocalAddress())) return null;
        return a;
    }

    /**
     * Accepts until {@code stopping} says so: for each connection, with a permit taken before the
     * accept, {@code session} makes its session on the accepting thread (so it sees the settings of
     * that moment), which then runs on {@code sessions}. A failed accept gives the permit back and
     * goes to {@code acceptFailed}, unless the service is stopping; a connection the executor no
     * longer takes is closed.
     */
    public static <C extends Closeable> void run(Accept<C> accept, Semaphore permits, ExecutorService sessions,
                                                 BooleanSupplier stopping, Consumer<IOException> acceptFailed,
                                                 Function<C, Runnable> session) {
        // The loop stays in the interpreter (it is entered once, and a listener rarely accepts the
        // tens of thousands of connections that get a loop compiled in place); the work of each
        // connection is a method of its own, which the JIT compiles after a few hundred.
        while (!stopping.getAsBoolean()) {
            if (!acceptOne(accept, permits, sessions, stopping, acceptFailed, session)) return;
        }
    }

    /** One connection: false when the loop is to end (interrupted, or a failed accept while stopping). */
    private static <C extends Closeable> boolean acceptOne(Accept<C> accept, Semaphore permits, ExecutorService sessions,
                                                           BooleanSupplier stopping, Consumer<IOException> acceptFailed,
                                                           Function<C, Runnable> session) {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            return false;
        }
        C c;
        try {
            c = accept.accept();
        } catch (IOException e) {
            permits.release();
            if (stopping.getAsBoolean()) return false;
            acceptFailed.accept(e);
            return true;
        }
        try {
            Runnable r = session.apply(c);
            sessions.execute(() -> {
                try {
                    r.run();
                } finally {
                    permits.release();
                }
            });
        } catch (RuntimeException e) {
            permits.release();
            closeQuietly(c);
        }
        return true;
    }

    /**
     * Stops accepting on {@code server} and drains {@code sessions}.
     *
     * @param acceptThread the thread of the accept loop; null when it never started
     */
    public static void stop(Closeable server, Thread acceptThread, ExecutorService sessions, long graceMillis) {
        closeQuietly(server);
        if (acceptThread != null) acceptThread.interrupt();
        sessions.shutdown();
        try {
            if (!sessions.awaitTermination(graceMillis, TimeUnit.MILLISECONDS)) sessions.shutdownNow();
            sessions.awaitTermination(graceMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
