package mta.smtpd;

import java.net.InetSocketAddress;

/**
 * SmtpdHandover - the addresses of a connection that postscreen hands to smtpd.
 *
 * <p>postscreen has read the HAProxy header (when there is one), so these are the real client's
 * address and port and the server address the client connected to; the session uses them instead
 * of the socket's, and does not look for a header of its own.
 *
 * @param client the client's address and port
 * @param server the local address and port the client connected to
 */
record SmtpdHandover(InetSocketAddress client, InetSocketAddress server) {
}
