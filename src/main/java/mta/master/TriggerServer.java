package mta.master;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import mta.queue.Trigger;
import mta.util.MailLog;
import mta.util.SafeFiles;

/**
 * TriggerServer - listens on {@code public/<service>} and passes each request letter to a service.
 *
 * <p>Creates a UNIX-domain socket (replacing a stale one left by a crash) and, on a virtual thread,
 * reads up to a few bytes from each connection, calling {@link Trigger#trigger} for each.
 */
final class TriggerServer implements AutoCloseable {
    private final Path path;
    private final ServerSocketChannel server;
    private final Trigger target;
    private final MailLog.Channel log;
    private volatile boolean closed;

    TriggerServer(Path path, Trigger target, MailLog.Channel log) throws IOException {
        this.path = path;
        this.target = target;
        this.log = log;
        Files.deleteIfExists(path);
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        // As Postfix's public sockets: anyone may write; the public/ directory (2710) decides who gets there.
        SafeFiles.setMode(path, PosixFilePermissions.fromString("rw-rw-rw-"));
        Thread.ofVirtual().name("trigger-" + path.getFileName()).start(this::run);
    }

    private void run() {
        while (!closed) {
            try (SocketChannel ch = server.accept()) {
                ByteBuffer buf = ByteBuffer.allocate(16);
                long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
                while (buf.hasRemaining() && System.nanoTime() < deadline && ch.read(buf) > 0) {
                    // read what the client sends: one letter per request
                }
                buf.flip();
                while (buf.hasRemaining()) target.trigger((char) buf.get());
            } catch (IOException e) {
                if (!closed) log.warn("trigger " + path.getFileName() + ": " + e.getMessage());
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        Files.deleteIfExists(path);
    }
}
