package mta.master;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import mta.queue.Trigger;
import mta.util.MailLog;
import mta.util.ServiceLoops;

/**
 * TriggerServer - listens on {@code public/<service>} and passes each request letter to a service.
 *
 * <p>The socket is a {@link PublicService}; from each connection it reads up to a few bytes
 * within a second, calling {@link Trigger#trigger} for each.
 */
final class TriggerServer implements AutoCloseable {
    private final Path path;
    private final Trigger target;
    private final MailLog.Channel log;
    private final PublicService service;

    TriggerServer(Path path, Trigger target, MailLog.Channel log, ServiceLoops loops) throws IOException {
        this.path = path;
        this.target = target;
        this.log = log;
        this.service = new PublicService(path, this::serve, log, loops);
    }

    private void serve(SocketChannel connection) {
        try (SocketChannel ch = connection) {
            ByteBuffer buf = ByteBuffer.allocate(16);
            long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            while (buf.hasRemaining() && System.nanoTime() < deadline && ch.read(buf) > 0) {
                // read what the client sends: one letter per request
            }
            buf.flip();
            while (buf.hasRemaining()) target.trigger((char) buf.get());
        } catch (IOException e) {
            if (!service.isClosed()) log.warn("trigger " + path.getFileName() + ": " + e.getMessage());
        }
    }

    @Override
    public void close() throws IOException {
        service.close();
    }
}
