package mta.smtpd;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import mta.config.Cidr;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.Params;

/**
 * SmtpdSettings - the parameters one smtpd listener runs with, read and checked once.
 *
 * <p>Reads main.cf values with the listener's master.cf {@code -o} overrides applied. Sessions
 * read these fields; they never consult {@link Config} on the hot path.
 */
record SmtpdSettings(String syslogName, String myhostname, String banner, String mailName, Duration timeout,
                     int recipientLimit, long messageSizeLimit, int lineLengthLimit, int hardErrorLimit,
                     int softErrorLimit, Duration errorSleep, boolean peernameLookup, List<Cidr> mynetworks,
                     boolean vrfyDisabled, boolean smtputf8, int connectionCountLimit, int connectionRateLimit,
                     Duration rateTimeUnit, List<Cidr> eventLimitExceptions, BareNewline bareNewline,
                     List<Cidr> bareNewlineExclusions, int bareNewlineRejectCode, boolean heloRequired,
                     SmtpdRewriteClients localRewriteClients, int messageRateLimit, int recipientRateLimit,
                     boolean upstreamProxy, Duration upstreamProxyTimeout,
                     SmtpdSasl.Settings sasl) {

    /** smtpd_forbid_bare_newline (Postfix 3.9): what a line ending in a bare LF means. */
    enum BareNewline {
        /** A bare LF ends a line like CRLF, but only CRLF "." CRLF ends DATA (the default). */
        NORMALIZE,
        /** A bare LF is refused: the reply code of smtpd_forbid_bare_newline_reject_code, then disconnect. */
        REJECT,
        /** The old behaviour: a bare LF ends a line, and "." on its own line ends DATA, however the lines end. */
        NO
    }

    static SmtpdSettings from(Config c) {
        return new SmtpdSettings(c.str(Params.SYSLOG_NAME), c.str(Params.MYHOSTNAME), c.str(Params.SMTPD_BANNER),
                c.str(Params.MAIL_NAME), c.time(Params.SMTPD_TIMEOUT), c.integer(Params.SMTPD_RECIPIENT_LIMIT),
                c.size(Params.MESSAGE_SIZE_LIMIT), c.integer(Params.LINE_LENGTH_LIMIT),
                c.integer(Params.SMTPD_HARD_ERROR_LIMIT), c.integer(Params.SMTPD_SOFT_ERROR_LIMIT),
                c.time(Params.SMTPD_ERROR_SLEEP_TIME), c.bool(Params.SMTPD_PEERNAME_LOOKUP),
                c.list(Params.MYNETWORKS).stream().map(Cidr::parse).toList(), c.bool(Params.DISABLE_VRFY_COMMAND),
                c.bool(Params.SMTPUTF8_ENABLE), c.integer(Params.SMTPD_CLIENT_CONNECTION_COUNT_LIMIT),
                c.integer(Params.SMTPD_CLIENT_CONNECTION_RATE_LIMIT), c.time(Params.ANVIL_RATE_TIME_UNIT),
                networks(c.list(Params.SMTPD_CLIENT_EVENT_LIMIT_EXCEPTIONS)),
                bareNewline(c.str(Params.SMTPD_FORBID_BARE_NEWLINE)),
                networks(c.list(Params.SMTPD_FORBID_BARE_NEWLINE_EXCLUSIONS)),
                c.integer(Params.SMTPD_FORBID_BARE_NEWLINE_REJECT_CODE), c.bool(Params.SMTPD_HELO_REQUIRED),
                new SmtpdRewriteClients(c), c.integer(Params.SMTPD_CLIENT_MESSAGE_RATE_LIMIT),
                c.integer(Params.SMTPD_CLIENT_RECIPIENT_RATE_LIMIT), upstreamProxy(c.str(Params.SMTPD_UPSTREAM_PROXY_PROTOCOL)),
                c.time(Params.SMTPD_UPSTREAM_PROXY_TIMEOUT), SmtpdSasl.Settings.from(c));
    }

    /** smtpd_upstream_proxy_protocol: empty, or haproxy. */
    private static boolean upstreamProxy(String v) {
        return switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "" -> false;
            case "haproxy" -> true;
            default -> throw new ConfigException("unsupported smtpd_upstream_proxy_protocol value: " + v);
        };
    }

    private static BareNewline bareNewline(String v) {
        return switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "normalize", "yes" -> BareNewline.NORMALIZE; // Postfix 3.9 takes yes as normalize
            case "reject" -> BareNewline.REJECT;
            case "no" -> BareNewline.NO;
            default -> throw new ConfigException("bad smtpd_forbid_bare_newline value: " + v);
        };
    }

    /** The network/mask entries of a list; host names and table references are not matched here. */
    private static List<Cidr> networks(List<String> items) {
        List<Cidr> nets = new ArrayList<>();
        for (String n : items) {
            try {
                nets.add(Cidr.parse(n));
            } catch (RuntimeException notANetwork) {
                // a name or a type:table; this list form only knows addresses
            }
        }
        return List.copyOf(nets);
    }

    static boolean matches(List<Cidr> nets, InetAddress a) {
        for (Cidr c : nets) if (c.contains(a)) return true;
        return false;
    }
}
