package mta.smtpd;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import mta.util.HaproxyHeader;
import mta.util.MailLog;

/**
 * SmtpdHaproxy - reads the HAProxy PROXY protocol header that names the real client (Postfix's smtpd_haproxy).
 *
 * <p>With {@code smtpd_upstream_proxy_protocol = haproxy}, a load balancer in front of the SMTP
 * server opens each connection with a header before any SMTP: version 1 is one text line,
 * {@code PROXY TCP4|TCP6 client server client-port server-port CRLF} (at most 107 bytes), version 2
 * a binary block (a 12-byte signature, version and command, address family, a length, the
 * addresses, then TLVs that are skipped). The header must arrive within
 * {@code smtpd_upstream_proxy_timeout}; exactly its bytes are read, never a byte of the SMTP
 * conversation after it. The client address it names replaces the peer's address for the whole
 * session; a version 2 {@code LOCAL} header (the proxy's own health check) keeps the peer's.
 * {@code PROXY UNKNOWN} is refused, as in Postfix, because it would sidestep every address-based
 * control. A missing, malformed or late header is logged as {@code warning: haproxy read: ...}
 * and the connection is closed without a greeting; a connection closed before its first byte is
 * logged quietly. Standard input ({@code sendmail -bs}) never carries a header. The header is
 * parsed by {@link HaproxyHeader}, as postscreen's is; the log lines here quote its bytes.
 */
final class SmtpdHaproxy {
    private SmtpdHaproxy() {}

    /**
     * The client's address: the one the proxy header names when this service expects a header,
     * else the peer's. Null when the header is missing or bad (already logged); the caller then
     * closes the connection.
     */
    static InetAddress client(SmtpdConnection connection, SmtpdSettings settings, MailLog.Channel log) {
        if (!settings.upstreamProxy || !(connection.closer() instanceof Socket)) return connection.client();
        try {
            HaproxyHeader.Addresses a = HaproxyHeader.read(connection.in(), connection.readTimeout()::set,
                    settings.upstreamProxyTimeout);
            return a != null ? a.client().getAddress() : connection.client();
        } catch (SocketTimeoutException e) {
            log.warn("haproxy read: timeout error");
        } catch (HaproxyHeader.Truncated e) {
            if (e.received() == 0) log.info("haproxy read: lost connection from [" + connection.client().getHostAddress() + "]");
            else log.warn("haproxy read: unexpected EOF");
        } catch (HaproxyHeader.Bad e) {
            log.warn("haproxy read: " + e.reason() + ": " + escape(e.header()));
        } catch (IOException e) {
            log.warn("haproxy read: " + e.getMessage());
        }
        return null;
    }

    /** The header bytes for a log line: printable ASCII as is, the rest as C escapes. */
    static String escape(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < b.length; i++) {
            int c = b[i] & 0xff;
            switch (c) {
                case '\r' -> sb.append("\\r");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c >= 32 && c < 127) sb.append((char) c);
                    else sb.append('\\').append(String.format("%03o", c));
                }
            }
        }
        return sb.toString();
    }
}
