package mta.master;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Consumer;
import mta.util.MailLog;
import mta.util.SafeFiles;
import mta.util.ServiceLoops;

/**
 * PublicService - a UNIX-domain socket in {@code public/} and its accept loop, shared by the
 * master's public services (the pickup and qmgr triggers, showq, postdrop).
 *
 * <p>Replaces a stale socket left by a crash, makes the new one 0666 as Postfix's public sockets
 * are (the {@code public/} directory, 2710 mail_owner:postdrop, decides who gets there), and
 * hands each connection to the service's handler on a virtual thread of its own (the accept loop
 * runs under the master's {@link Supervisor}); the handler
 * closes the connection. {@link #close} stops accepting and removes the socket.
 */
final class PublicService implements AutoCloseable {
    private final Path path;
    private final ServerSocketChannel server;
    private final Consumer<SocketChannel> handler;
    private final MailLog.Channel log;
    private volatile boolean closed;

    PublicService(Path path, Consumer<SocketChannel> handler, MailLog.Channel log, ServiceLoops loops) throws IOException {
        this.path = path;
        this.handler = handler;
        this.log = log;
        Files.deleteIfExists(path);
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        SafeFiles.setMode(path, PosixFilePermissions.fromString("rw-rw-rw-"));
        String name = path.getFileName().toString();
        loops.start(name, () -> run(name));
    }

    private void run(String name) {
        while (!closed) {
            try {
                SocketChannel ch = server.accept();
                Thread.ofVirtual().name(name + "-client").start(() -> handler.accept(ch));
            } catch (IOException e) {
                if (!closed) log.warn(name + ": " + e.getMessage());
            }
        }
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        Files.deleteIfExists(path);
    }
}
