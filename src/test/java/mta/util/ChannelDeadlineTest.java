package mta.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * ChannelDeadlineTest - a read from a peer that never answers is cut at the limit and reported as
 * the caller's timeout; an operation that finishes in time keeps its result and its channel; a
 * closed channel that is not the watchdog's doing stays a ClosedChannelException.
 */
class ChannelDeadlineTest {
    @Test
    @Timeout(30) // a watchdog that never fires would leave the read blocked for good
    void aReadThatNeverEndsIsCutAtTheLimit() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             SocketChannel ch = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
             Socket silent = server.accept()) {
            long start = System.nanoTime();
            IOException e = assertThrows(IOException.class, () -> ChannelDeadline.within(Duration.ofMillis(300), ch,
                    () -> new IOException("timed out"), () -> ch.read(ByteBuffer.allocate(1))));
            long took = System.nanoTime() - start;
            assertEquals("timed out", e.getMessage());
            assertTrue(took >= 250_000_000L && took < 10_000_000_000L, "cut after the limit: " + took);
            assertTrue(!ch.isOpen(), "the watchdog closed the channel");
        }
    }

    @Test
    void anOperationInTimeKeepsItsResultAndItsChannel() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             SocketChannel ch = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
             Socket peer = server.accept()) {
            peer.getOutputStream().write('x');
            int n = ChannelDeadline.within(Duration.ofMillis(300), ch, () -> new IOException("timed out"),
                    () -> ch.read(ByteBuffer.allocate(1)));
            assertEquals(1, n);
            Thread.sleep(600); // past the limit: the stopped watch must not close the channel later
            assertTrue(ch.isOpen());
        }
    }

    @Test
    void aChannelClosedByTheCallerIsNotATimeout() throws Exception {
        SocketChannel ch = SocketChannel.open();
        ch.close();
        assertThrows(ClosedChannelException.class, () -> ChannelDeadline.within(Duration.ofSeconds(10), ch,
                () -> new IOException("timed out"), () -> ch.read(ByteBuffer.allocate(1))));
    }
}
