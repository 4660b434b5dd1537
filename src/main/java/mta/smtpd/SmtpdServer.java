package mta.smtpd;

import java.net.InetAddress;
import mta.cleanup.CleanupService;
import mta.flush.Flush;
import mta.util.MailLog;

/**
 * SmtpdServer - what a session needs from the server that runs it.
 *
 * <p>Two servers run sessions: {@link SmtpdListener} (a TCP socket, many sessions) and
 * {@link SmtpdStdio} (one session on standard input and output, {@code sendmail -bs}). Each gives
 * its settings, log channel, restrictions and cleanup service, and knows who a client is.
 */
interface SmtpdServer {
    SmtpdSettings settings();

    MailLog.Channel log();

    SmtpdCheck check();

    CleanupService cleanup();

    /** The per-client connection counter (smtpd_client_connection_count_limit and _rate_limit). */
    Anvil anvil();

    /** The master.cf service name, for log lines such as "... for service smtp". */
    String serviceName();

    /** True while the server is shutting down: sessions say 421 and end. */
    boolean isStopping();

    /** The fast flush service for ETRN; null when there is none (the stand-alone server of sendmail -bs). */
    default Flush flush() {
        return null;
    }

    /** The TLS settings and server keys; TLS is off unless a listener says otherwise. */
    default SmtpdTls tls() {
        return SmtpdTls.OFF;
    }

    /** The facts about the client at {@code address}: its name and whether it is in mynetworks. */
    SmtpdState.Client identify(InetAddress address);
}
