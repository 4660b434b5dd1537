package mta.smtpd;

import mta.cleanup.CleanupService;
import mta.flush.Flush;
import mta.util.MailLog;

/**
 * SmtpdServices - what one server gives its sessions: settings, log, restrictions, TLS and the services behind them.
 *
 * <p>Built once per configuration by {@link SmtpdListener} (again at each {@code postfix reload})
 * and by {@link SmtpdStdio}. A session takes the one current when it starts and keeps it to the
 * end, so a reload changes nothing half-way through a conversation.
 *
 * @param settings    the listener's parameters
 * @param log         the mail log channel ({@code postfix/smtpd}, or the service's syslog_name)
 * @param check       the access restrictions (smtpd_*_restrictions)
 * @param tls         TLS settings and server keys ({@link SmtpdTls#OFF} without TLS)
 * @param cleanup     where accepted mail goes
 * @param anvil       the per-client connection and event counters
 * @param flush       the fast flush service for ETRN; null for the stand-alone server of sendmail -bs
 * @param serviceName the master.cf service name, for log lines such as "... for service smtp"
 * @param standalone  the stand-alone server of {@code sendmail -bs}: no AUTH
 * @param milters     smtpd_milters (none with {@code receive_override_options = no_milters}); each session opens its own connections
 */
record SmtpdServices(SmtpdSettings settings, MailLog.Channel log, SmtpdCheck check, SmtpdTls tls,
                     CleanupService cleanup, Anvil anvil, Flush flush, String serviceName, boolean standalone,
                     mta.milter.MilterSettings milters) {
}
