package mta.master;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import mta.queue.QueueListing;
import mta.queue.Queues;
import mta.util.MailLog;
import mta.util.ServiceLoops;

/**
 * ShowqServer - Postfix's showq service on {@code public/showq}: writes the queue listing (as
 * {@code mailq}) to each client and closes.
 *
 * <p>Ordinary users cannot read the queue; their {@code mailq} runs through the set-gid postdrop
 * launcher, which reaches {@code public/} (mode 2710, group postdrop) and reads the listing here,
 * made by the master with mail_owner's rights. The socket is a {@link PublicService}.
 */
final class ShowqServer implements AutoCloseable {
    private final Queues queues;
    private final MailLog.Channel log;
    private final PublicService service;

    ShowqServer(Queues queues, MailLog.Channel log, ServiceLoops loops) throws IOException {
        this.queues = queues;
        this.log = log;
        this.service = new PublicService(queues.root().resolve("public").resolve("showq"), this::serve, log, loops);
    }

    private void serve(SocketChannel ch) {
        try (ch; OutputStream raw = Channels.newOutputStream(ch);
             PrintStream out = new PrintStream(raw, false, StandardCharsets.UTF_8)) {
            QueueListing.print(queues, out, false);
        } catch (IOException e) {
            log.warn("showq: " + e.getMessage());
        }
    }

    @Override
    public void close() throws IOException {
        service.close();
    }
}
