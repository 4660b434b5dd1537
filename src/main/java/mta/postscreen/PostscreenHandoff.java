package mta.postscreen;

import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * PostscreenHandoff - where a client that may talk to a real SMTP server goes: the smtpd of the
 * master.cf {@code pass} entry that {@code smtpd_service_name} names.
 *
 * <p>The master implements it with that entry's smtpd; the call runs the whole SMTP session on the
 * caller's (postscreen's) virtual thread and returns when it ends, the socket closed.
 */
@FunctionalInterface
public interface PostscreenHandoff {
    /**
     * @param early  bytes postscreen read from the client before the hand-off (empty when none)
     * @param client the client's address and port (from the PROXY header, when there is one)
     * @param server the address and port the client connected to
     */
    void pass(Socket socket, byte[] early, InetSocketAddress client, InetSocketAddress server);
}
