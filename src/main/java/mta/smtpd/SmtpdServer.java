package mta.smtpd;

import java.net.InetAddress;

/**
 * SmtpdServer - what a session needs from the server that runs it.
 *
 * <p>Three servers run sessions: {@link SmtpdListener} (a TCP socket, many sessions),
 * {@link SmtpdPass} (connections postscreen hands over), both {@link SmtpdTcpServer}s, and
 * {@link SmtpdStdio} (one session on standard input and output, {@code sendmail -bs}). Each gives
 * the {@link SmtpdServices} a session runs with, says when it is shutting down, and knows who a
 * client is, and which of its addresses a client reached.
 */
interface SmtpdServer {
    /** What a session that starts now runs with. */
    SmtpdServices services();

    /** True while the server is shutting down: sessions say 421 and end. */
    default boolean isStopping() {
        return false;
    }

    /** The facts about the client at {@code address}: its name and whether it is in mynetworks. */
    SmtpdState.Client identify(InetAddress address);

    /** The address a client reached on {@code socket}, one of this server's (the kernel's answer). */
    default InetAddress localAddress(java.net.Socket socket) {
        return socket.getLocalAddress();
    }
}
