package mta.smtp;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import mta.mail.Dsn;

/**
 * Reasons - the wording of SMTP client reasons, in the shape Postfix logs them.
 *
 * <p>Pure functions from what happened to the text inside {@code status=...(reason)}. Keeping the
 * words in one place keeps them consistent and easy to compare with real Postfix logs.
 */
final class Reasons {
    private Reasons() {}

    /** {@code host mx.example.com[192.0.2.1] said: 550 5.1.1 ... (in reply to RCPT TO command)}. */
    static String said(MailHost host, ServerReply reply, SmtpPhase phase) {
        return "host " + host.label() + " said: " + reply.text() + " (in reply to " + phase.command + " command)";
    }

    /** The reason for a timeout, lost connection or garbled reply during {@code phase}. */
    static String peer(MailHost host, SmtpPhase phase, PeerException e) {
        return switch (e.kind()) {
            case TIMEOUT -> "conversation with " + host.label() + " timed out while " + phase.doing;
            case LOST -> "lost connection with " + host.label() + " while " + phase.doing;
            case MALFORMED -> "conversation with " + host.label() + " failed while " + phase.doing
                    + ": " + e.getMessage();
        };
    }

    /** 4.4.2 for a broken connection, 4.5.0 for a protocol error. */
    static Dsn peerDsn(PeerException e) {
        return e.kind() == PeerException.Kind.MALFORMED ? Dsn.OTHER_PROTOCOL.temporary() : Dsn.BAD_CONNECTION.temporary();
    }

    /**
     * {@code connect to mx.example.com[192.0.2.1]:25: Connection refused}; for a UNIX-domain socket
     * {@code connect to private/dovecot-lmtp: No such file or directory}.
     */
    static String connect(MailHost host, IOException e) {
        return "connect to " + (host.isUnix() ? host.socket() : host.relay()) + ": " + connectError(e);
    }

    private static String connectError(IOException e) {
        if (e instanceof SocketTimeoutException) return "Connection timed out";
        if (e instanceof NoRouteToHostException) return "No route to host";
        String m = e.getMessage();
        if (e instanceof ConnectException && m != null && m.startsWith("Connection refused")) return "Connection refused";
        return m != null ? m : e.getClass().getSimpleName();
    }

    /** {@code Host or domain name not found. Name service error for name=x type=MX: Host not found}. */
    static String dns(String dnsMessage) {
        return "Host or domain name not found. " + dnsMessage;
    }

    /** RFC 7505: the domain has a null MX. */
    static String nullMx(String domain) {
        return "Domain " + domain + " does not accept mail (nullMX)";
    }

    /** The server's SIZE limit is smaller than the message. */
    static String tooBig(MailHost host, long size, long limit) {
        return "message size " + size + " exceeds size limit " + limit + " of server " + host.label();
    }
}
