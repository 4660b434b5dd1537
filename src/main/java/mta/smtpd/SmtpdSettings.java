package mta.smtpd;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import mta.config.Cidr;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.Param;
import mta.config.Params;

/**
 * SmtpdSettings - the parameters one smtpd listener runs with, read and checked once.
 *
 * <p>Reads main.cf values with the listener's master.cf {@code -o} overrides applied, each field
 * by its parameter's name ({@link #from}). Sessions read these fields; they never consult
 * {@link Config} on the hot path. The AUTH parameters are {@link SmtpdSaslSettings}.
 */
final class SmtpdSettings {
    /** smtpd_forbid_bare_newline (Postfix 3.9): what a line ending in a bare LF means. */
    enum BareNewline {
        /** A bare LF ends a line like CRLF, but only CRLF "." CRLF ends DATA (the default). */
        NORMALIZE,
        /** A bare LF is refused: the reply code of smtpd_forbid_bare_newline_reject_code, then disconnect. */
        REJECT,
        /** The old behaviour: a bare LF ends a line, and "." on its own line ends DATA, however the lines end. */
        NO
    }

    // identity
    final String syslogName;
    final String myhostname;
    final String banner;
    final String mailName;
    final boolean peernameLookup;
    final List<Cidr> mynetworks;
    // the conversation
    final Duration timeout;
    final int lineLengthLimit;
    final int hardErrorLimit;
    final int softErrorLimit;
    final Duration errorSleep;
    final boolean heloRequired;
    final boolean vrfyDisabled;
    final boolean smtputf8;
    final BareNewline bareNewline;
    final List<Cidr> bareNewlineExclusions;
    final int bareNewlineRejectCode;
    final boolean upstreamProxy;
    final Duration upstreamProxyTimeout;
    // the message
    final int recipientLimit;
    final long messageSizeLimit;
    final SmtpdRewriteClients localRewriteClients;
    // per-client limits (anvil)
    final int connectionCountLimit;
    final int connectionRateLimit;
    final int messageRateLimit;
    final int recipientRateLimit;
    final Duration rateTimeUnit;
    final List<Cidr> eventLimitExceptions;
    // AUTH
    final SmtpdSaslSettings sasl;
    // EHLO keywords not offered
    final SmtpdEhloDiscard ehloDiscard;
    // the before-queue content filter, or null
    final SmtpdProxy.Settings proxy;

    private SmtpdSettings(Config c) {
        syslogName = c.str(Params.SYSLOG_NAME);
        myhostname = c.str(Params.MYHOSTNAME);
        banner = c.str(Params.SMTPD_BANNER);
        mailName = c.str(Params.MAIL_NAME);
        peernameLookup = c.bool(Params.SMTPD_PEERNAME_LOOKUP);
        mynetworks = c.list(Params.MYNETWORKS).stream().map(Cidr::parse).toList();

        timeout = c.time(Params.SMTPD_TIMEOUT);
        lineLengthLimit = c.integer(Params.LINE_LENGTH_LIMIT);
        hardErrorLimit = c.integer(Params.SMTPD_HARD_ERROR_LIMIT);
        softErrorLimit = c.integer(Params.SMTPD_SOFT_ERROR_LIMIT);
        errorSleep = c.time(Params.SMTPD_ERROR_SLEEP_TIME);
        bareNewline = bareNewline(c.str(Params.SMTPD_FORBID_BARE_NEWLINE));
        bareNewlineExclusions = networks(c, Params.SMTPD_FORBID_BARE_NEWLINE_EXCLUSIONS, false);
        bareNewlineRejectCode = c.integer(Params.SMTPD_FORBID_BARE_NEWLINE_REJECT_CODE);
        heloRequired = c.bool(Params.SMTPD_HELO_REQUIRED);
        vrfyDisabled = c.bool(Params.DISABLE_VRFY_COMMAND);
        smtputf8 = c.bool(Params.SMTPUTF8_ENABLE);
        upstreamProxy = upstreamProxy(c.str(Params.SMTPD_UPSTREAM_PROXY_PROTOCOL));
        upstreamProxyTimeout = c.time(Params.SMTPD_UPSTREAM_PROXY_TIMEOUT);

        recipientLimit = c.integer(Params.SMTPD_RECIPIENT_LIMIT);
        messageSizeLimit = c.size(Params.MESSAGE_SIZE_LIMIT);
        localRewriteClients = new SmtpdRewriteClients(c);

        connectionCountLimit = c.integer(Params.SMTPD_CLIENT_CONNECTION_COUNT_LIMIT);
        connectionRateLimit = c.integer(Params.SMTPD_CLIENT_CONNECTION_RATE_LIMIT);
        messageRateLimit = c.integer(Params.SMTPD_CLIENT_MESSAGE_RATE_LIMIT);
        recipientRateLimit = c.integer(Params.SMTPD_CLIENT_RECIPIENT_RATE_LIMIT);
        rateTimeUnit = c.time(Params.ANVIL_RATE_TIME_UNIT);
        eventLimitExceptions = networks(c, Params.SMTPD_CLIENT_EVENT_LIMIT_EXCEPTIONS, false);

        sasl = SmtpdSaslSettings.from(c, networks(c, Params.SMTPD_SASL_EXCEPTIONS_NETWORKS, true));
        ehloDiscard = new SmtpdEhloDiscard(c);
        proxy = SmtpdProxy.from(c);
    }

    /** @throws ConfigException for a value smtpd cannot run with */
    static SmtpdSettings from(Config c) {
        return new SmtpdSettings(c);
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

    /**
     * The network/mask entries of list parameter {@code p}. With {@code strict} anything else is a
     * configuration error; without, host names and table references are skipped (this list form
     * only knows addresses).
     */
    private static List<Cidr> networks(Config c, Param p, boolean strict) {
        List<Cidr> nets = new ArrayList<>();
        for (String n : c.list(p)) {
            try {
                nets.add(Cidr.parse(n));
            } catch (RuntimeException notANetwork) {
                if (strict) throw new ConfigException(p.name() + ": bad network/mask: " + n);
            }
        }
        return List.copyOf(nets);
    }

    /** True when {@code a} is in one of {@code nets}. */
    static boolean matches(List<Cidr> nets, InetAddress a) {
        for (Cidr c : nets) if (c.contains(a)) return true;
        return false;
    }
}
