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
 * once the start window has passed, a missing socket fails at once (the caller defers).
 */
class UnixConnectTest {
    @TempDir
    Path tmp;

    @AfterEach
    void noWaiting() {
        UnixConnect.waitForStartUntil(0);
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
}
