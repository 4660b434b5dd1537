package mta.master;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import mta.flush.Flush;
import mta.queue.FlushClient;
import mta.queue.Queues;
import mta.util.MailLog;
import mta.util.ServiceLoops;

/**
 * FlushServer - the flush service on {@code public/flush}, and its periodic refresh.
 *
 * <p>Reads one request line per connection ({@code send_site example.com}), as
 * {@link FlushClient} sends it for {@code postqueue -s} and {@code sendmail -qR}, runs it on the
 * one {@link Flush} of the mail system, and answers with the status word. A client has ten
 * seconds to say what it wants. Every {@code wakeup} (master.cf's flush line, 1000 seconds by
 * default) it runs {@link Flush#refresh}. The socket is a {@link PublicService}.
 */
final class FlushServer implements AutoCloseable {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final Flush flush;
    private final MailLog.Channel log;
    private final PublicService service;
    private final Thread refresher;

    FlushServer(Queues queues, Flush flush, Duration wakeup, MailLog.Channel log, ServiceLoops loops) throws IOException {
        this.flush = flush;
        this.log = log;
        this.service = new PublicService(queues.root().resolve("public").resolve("flush"), this::serve, log, loops);
        this.refresher = loops.start("flush-refresh", () -> {
            try {
                while (!service.isClosed()) {
                    Thread.sleep(wakeup);
                    flush.refresh();
                }
            } catch (InterruptedException e) {
                // closing
            }
        });
    }

    private void serve(SocketChannel connection) {
        Thread watchdog = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(REQUEST_TIMEOUT);
                connection.close(); // a client that says nothing is not waited for
            } catch (InterruptedException | IOException e) {
                // answered in time, or already closed
            }
        });
        try (SocketChannel ch = connection) {
            String request = readLine(ch);
            FlushClient.Status status;
            if (request != null && request.startsWith("send_site ")) {
                status = flush.sendSite(request.substring("send_site ".length()).strip());
            } else {
                log.warn("flush: unknown request: " + (request == null ? "(none)" : request));
                status = FlushClient.Status.BAD;
            }
            ch.write(ByteBuffer.wrap((status.word() + "\n").getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            if (!service.isClosed()) log.warn("flush: " + e.getMessage());
        } finally {
            watchdog.interrupt();
        }
    }

    /** One line of at most 1000 bytes, without its end; null when the client said nothing. */
    private static String readLine(SocketChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1000);
        while (buf.hasRemaining()) {
            int n = ch.read(buf);
            if (n < 0) break;
            int end = indexOf(buf, (byte) '\n');
            if (end >= 0) return new String(buf.array(), 0, end, StandardCharsets.UTF_8);
        }
        return buf.position() == 0 ? null : new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).strip();
    }

    private static int indexOf(ByteBuffer buf, byte b) {
        for (int i = 0; i < buf.position(); i++) if (buf.get(i) == b) return i;
        return -1;
    }

    @Override
    public void close() throws IOException {
        service.close();
        refresher.interrupt();
    }
}
