package mta.util;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * UnixConnectTest - while the privileged process is starting, a connect waits for its socket;
 * once the start window has passed, a missing socket fails at once (the caller defers); with a
 * wake FIFO, a missing socket writes a byte to it and the connect waits for the server it woke.
 */
class UnixConnectTest {
    @TempDir
    Path tmp;

    @AfterEach
    void noWaiting() {
        UnixConnect.waitForStartUntil(0);
        UnixConnect.wakeWith(null);
    }

    @Test
    void aServerThatIsStillStartingIsWaitedFor() throws Exception {
        Path socket = tmp.resolve("local");
        UnixConnect.waitForStartUntil(30_000);
        AtomicReference<ServerSocketChannel> server = new AtomicReference<>();
        Thread later = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(300);
                ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                s.bind(UnixDomainSocketAddress.of(socket));
                server.set(s);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        try (SocketChannel ch = UnixConnect.open(socket)) {
            assertTrue(ch.isConnected());
        } finally {
            later.join();
            if (server.get() != null) server.get().close();
        }
    }

    @Test
    void afterTheStartAMissingSocketFailsAtOnce() {
        UnixConnect.waitForStartUntil(0);
        long t0 = System.nanoTime();
        assertThrows(IOException.class, () -> UnixConnect.open(tmp.resolve("nothing")));
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "no waiting for a start");
    }

    @Test
    void aMissingSocketWakesItsServerThroughTheFifoAndWaitsForIt() throws Exception {
        Path socket = tmp.resolve("local");
        Path fifo = tmp.resolve("privileged.wake");
        assertTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0);
        UnixConnect.wakeWith(fifo);
        AtomicReference<ServerSocketChannel> server = new AtomicReference<>();
        // The "root parent": binds the socket only once a byte has arrived.
        Thread parent = Thread.ofPlatform().start(() -> {
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(fifo)) {
                if (in.read() < 0) return;
                ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                s.bind(UnixDomainSocketAddress.of(socket));
                server.set(s);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        try (SocketChannel ch = UnixConnect.open(socket)) {
            assertTrue(ch.isConnected());
        } finally {
            parent.join();
            if (server.get() != null) server.get().close();
        }
    }

    @Test
    void aWakeFifoThatNobodyReadsNeverHangsTheConnect() throws Exception {
        Path fifo = tmp.resolve("privileged.wake");
        assertTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0);
        UnixConnect.wakeWith(fifo);
        // No reader: the byte's writer blocks in open(2) on its own thread; wake() returns at once.
        long t0 = System.nanoTime();
        UnixConnect.wake();
        UnixConnect.wake();
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "wake() does not wait for the FIFO");
        // Release the blocked writer (a reader appears), so that no thread is left behind.
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(fifo)) {
            assertTrue(in.read() >= 0);
        }
    }
}
