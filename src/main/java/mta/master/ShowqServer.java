package mta.master;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import mta.cli.Postqueue;
import mta.queue.Queues;
import mta.util.MailLog;
import mta.util.SafeFiles;

/**
 * ShowqServer - Postfix's showq service on {@code public/showq}: writes the queue listing (as
 * {@code mailq}) to each client and closes.
 *
 * <p>Ordinary users cannot read the queue; their {@code mailq} runs through the set-gid postdrop
 * launcher, which reaches {@code public/} (mode 2710, group postdrop) and reads the listing here,
 * made by the master with mail_owner's rights. The socket is 0666, as Postfix's public sockets.
 */
final class ShowqServer implements AutoCloseable {
    private final Path path;
    private final ServerSocketChannel server;
    private final Queues queues;
    private final MailLog.Channel log;
    private volatile boolean closed;

    ShowqServer(Queues queues, MailLog.Channel log) throws IOException {
        this.queues = queues;
        this.log = log;
        this.path = queues.root().resolve("public").resolve("showq");
        Files.deleteIfExists(path);
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        SafeFiles.setMode(path, PosixFilePermissions.fromString("rw-rw-rw-"));
        Thread.ofVirtual().name("showq").start(this::run);
    }

    private void run() {
        while (!closed) {
            try {
                SocketChannel ch = server.accept();
                Thread.ofVirtual().name("showq-client").start(() -> serve(ch));
            } catch (IOException e) {
                if (!closed) log.warn("showq: " + e.getMessage());
            }
        }
    }

    private void serve(SocketChannel ch) {
        try (ch; OutputStream raw = Channels.newOutputStream(ch);
             PrintStream out = new PrintStream(raw, false, StandardCharsets.UTF_8)) {
            Postqueue.showq(queues, out);
        } catch (IOException e) {
            log.warn("showq: " + e.getMessage());
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        Files.deleteIfExists(path);
    }
}
