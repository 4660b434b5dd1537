package mta.master;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;
import jdk.net.ExtendedSocketOptions;
import mta.util.MailLog;
import mta.util.PosixAccounts;

/**
 * PrivilegedSocket - the root side's UNIX-domain sockets ({@code private/local},
 * {@code private/secrets}): binding one, its accept loop, and who is at the other end.
 *
 * <p>Reads connections and their peer credentials ({@code SO_PEERCRED}); writes a warning for a
 * failed accept and for a peer that is neither root nor the mail owner, whose connection the
 * caller then closes unanswered.
 */
final class PrivilegedSocket {
    /** Who may talk to the root side. */
    enum Peer { ROOT, OWNER }

    private PrivilegedSocket() {}

    /**
     * Binds the UNIX-domain socket {@code socket} (a stale one is removed first), owned by the
     * mail owner and its group.
     */
    static ServerSocketChannel bind(Path socket, PosixAccounts.User owner) throws IOException {
        Files.deleteIfExists(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            server.close();
            throw new IOException("bind " + socket + ": " + e.getMessage(), e);
        }
        Files.setAttribute(socket, "unix:gid", owner.gid());
        Files.setAttribute(socket, "unix:uid", owner.uid());
        return server;
    }

    /**
     * Accepts on {@code server} until it closes; each connection runs {@code handle} on a virtual
     * thread of its own ({@code threadPrefix} and a number), counted by {@code serving} from its
     * accept to its end.
     *
     * @param where the socket's name in warnings ({@code private/local})
     */
    static void serve(ServerSocketChannel server, String where, MailLog.Channel log, String threadPrefix,
                      IdleExit serving, Consumer<SocketChannel> handle) {
        while (server.isOpen()) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                if (server.isOpen()) log.warn("accept " + where + ": " + e.getMessage());
                continue;
            }
            serving.accepted();
            Thread.ofVirtual().name(threadPrefix + ch.hashCode()).start(() -> {
                try {
                    handle.accept(ch);
                } finally {
                    serving.done();
                }
            });
        }
    }

    /** The peer of {@code ch}: root or the mail owner; null (logged) for anyone else. */
    static Peer peer(SocketChannel ch, PosixAccounts.User owner, String where, MailLog.Channel log) throws IOException {
        String user = ch.getOption(ExtendedSocketOptions.SO_PEERCRED).user().getName();
        if (user.equals("root") || user.equals("0")) return Peer.ROOT;
        if (user.equals(owner.name()) || user.equals(Integer.toString(owner.uid()))) return Peer.OWNER;
        log.warn(where + ": connection from user " + user + " refused: not " + owner.name() + " or root");
        return null;
    }
}
