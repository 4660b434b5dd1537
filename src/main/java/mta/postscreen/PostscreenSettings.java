package mta.postscreen;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.Params;

/**
 * PostscreenSettings - the postscreen parameters of one master.cf entry, read from {@link Config} once per configuration.
 *
 * <p>Reads main.cf with the entry's {@code -o} overrides; holds typed values. The access list's
 * tables and the DNSBL reply map are opened by {@link PostscreenAccess} and {@link PostscreenListener}.
 */
final class PostscreenSettings {
    final String syslogName;
    final String myhostname;
    final String smtpdBanner;
    final String greetBanner;
    final Duration greetWait;
    final PostscreenAction greetAction;
    final Duration greetTtl;
    final List<PostscreenDnsblSite> dnsblSites;
    final int dnsblThreshold;
    final int dnsblAllowlistThreshold;
    final PostscreenAction dnsblAction;
    final String dnsblReplyMap;
    final Duration dnsblTimeout;
    final Duration dnsblTtl;
    final PostscreenAction denylistAction;
    final boolean pipeliningEnable;
    final PostscreenAction pipeliningAction;
    final Duration pipeliningTtl;
    final boolean nonSmtpEnable;
    final PostscreenAction nonSmtpAction;
    final Duration nonSmtpTtl;
    final boolean bareNewlineEnable;
    final PostscreenAction bareNewlineAction;
    final Duration bareNewlineTtl;
    final Set<String> forbiddenCommands;
    final int commandCountLimit;
    final Duration commandTimeLimit;
    final int lineLengthLimit;
    final long messageSizeLimit;
    final Set<String> discardEhloKeywords;
    final boolean heloRequired;
    final boolean disableVrfy;
    final boolean upstreamProxy;
    final Duration upstreamProxyTimeout;
    final int preQueueLimit;
    final int postQueueLimit;
    final boolean respectfulLogging;
    final String cacheMap;
    final Duration cacheRetention;
    final Duration cacheCleanupInterval;

    private PostscreenSettings(Config c) {
        syslogName = c.str(Params.SYSLOG_NAME);
        myhostname = c.str(Params.MYHOSTNAME);
        smtpdBanner = c.str(Params.SMTPD_BANNER);
        greetBanner = c.str(Params.POSTSCREEN_GREET_BANNER);
        greetWait = c.time(Params.POSTSCREEN_GREET_WAIT);
        greetAction = action(c, Params.POSTSCREEN_GREET_ACTION.name(), c.str(Params.POSTSCREEN_GREET_ACTION));
        greetTtl = c.time(Params.POSTSCREEN_GREET_TTL);
        List<PostscreenDnsblSite> sites = new ArrayList<>();
        for (String s : c.list(Params.POSTSCREEN_DNSBL_SITES)) sites.add(PostscreenDnsblSite.parse(s));
        dnsblSites = List.copyOf(sites);
        dnsblThreshold = c.integer(Params.POSTSCREEN_DNSBL_THRESHOLD);
        dnsblAllowlistThreshold = c.integer(Params.POSTSCREEN_DNSBL_ALLOWLIST_THRESHOLD);
        dnsblAction = action(c, Params.POSTSCREEN_DNSBL_ACTION.name(), c.str(Params.POSTSCREEN_DNSBL_ACTION));
        dnsblReplyMap = c.str(Params.POSTSCREEN_DNSBL_REPLY_MAP).strip();
        dnsblTimeout = c.time(Params.POSTSCREEN_DNSBL_TIMEOUT);
        Duration min = c.time(Params.POSTSCREEN_DNSBL_MIN_TTL);
        Duration max = legacyTime(c, Params.POSTSCREEN_DNSBL_MAX_TTL);
        dnsblTtl = min.compareTo(max) > 0 ? max : min; // DNS answer TTLs are not seen: the lower bound
        denylistAction = action(c, Params.POSTSCREEN_DENYLIST_ACTION.name(), c.str(Params.POSTSCREEN_DENYLIST_ACTION));
        pipeliningEnable = c.bool(Params.POSTSCREEN_PIPELINING_ENABLE);
        pipeliningAction = action(c, Params.POSTSCREEN_PIPELINING_ACTION.name(), c.str(Params.POSTSCREEN_PIPELINING_ACTION));
        pipeliningTtl = c.time(Params.POSTSCREEN_PIPELINING_TTL);
        nonSmtpEnable = c.bool(Params.POSTSCREEN_NON_SMTP_COMMAND_ENABLE);
        nonSmtpAction = action(c, Params.POSTSCREEN_NON_SMTP_COMMAND_ACTION.name(),
                c.str(Params.POSTSCREEN_NON_SMTP_COMMAND_ACTION));
        nonSmtpTtl = c.time(Params.POSTSCREEN_NON_SMTP_COMMAND_TTL);
        bareNewlineEnable = c.bool(Params.POSTSCREEN_BARE_NEWLINE_ENABLE);
        bareNewlineAction = action(c, Params.POSTSCREEN_BARE_NEWLINE_ACTION.name(),
                c.str(Params.POSTSCREEN_BARE_NEWLINE_ACTION));
        bareNewlineTtl = c.time(Params.POSTSCREEN_BARE_NEWLINE_TTL);
        forbiddenCommands = upper(c.list(Params.POSTSCREEN_FORBIDDEN_COMMANDS));
        commandCountLimit = c.integer(Params.POSTSCREEN_COMMAND_COUNT_LIMIT);
        commandTimeLimit = c.time(Params.POSTSCREEN_COMMAND_TIME_LIMIT);
        lineLengthLimit = c.integer(Params.LINE_LENGTH_LIMIT);
        messageSizeLimit = c.size(Params.MESSAGE_SIZE_LIMIT);
        discardEhloKeywords = upper(c.list(Params.POSTSCREEN_DISCARD_EHLO_KEYWORDS));
        heloRequired = c.bool(Params.POSTSCREEN_HELO_REQUIRED);
        disableVrfy = c.bool(Params.POSTSCREEN_DISABLE_VRFY_COMMAND);
        String proxy = c.str(Params.POSTSCREEN_UPSTREAM_PROXY_PROTOCOL).strip();
        if (!proxy.isEmpty() && !proxy.equals("haproxy")) {
            throw new ConfigException("postscreen_upstream_proxy_protocol = " + proxy
                    + ": unsupported protocol type (haproxy, or empty for none)");
        }
        upstreamProxy = !proxy.isEmpty();
        upstreamProxyTimeout = c.time(Params.POSTSCREEN_UPSTREAM_PROXY_TIMEOUT);
        preQueueLimit = c.integer(Params.POSTSCREEN_PRE_QUEUE_LIMIT);
        postQueueLimit = c.integer(Params.POSTSCREEN_POST_QUEUE_LIMIT);
        respectfulLogging = c.bool(Params.RESPECTFUL_LOGGING);
        cacheMap = c.str(Params.POSTSCREEN_CACHE_MAP).strip();
        cacheRetention = c.time(Params.POSTSCREEN_CACHE_RETENTION_TIME);
        cacheCleanupInterval = c.time(Params.POSTSCREEN_CACHE_CLEANUP_INTERVAL);
    }

    /**
     * @throws ConfigException naming what is wrong
     */
    static PostscreenSettings from(Config c) {
        return new PostscreenSettings(c);
    }

    /**
     * A time whose default appends a unit to an older parameter ({@code postscreen_dnsbl_ttl = 5m}
     * gives {@code 5mh}): as in Postfix, the first unit letter counts.
     */
    private static Duration legacyTime(Config c, mta.config.Param p) {
        try {
            return c.time(p);
        } catch (ConfigException e) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+[smhdw])[a-z]+").matcher(c.get(p.name()).strip());
            if (!m.matches()) throw e;
            return c.with(java.util.Map.of(p.name(), m.group(1))).time(p);
        }
    }

    private static PostscreenAction action(Config c, String name, String value) {
        return PostscreenAction.parse(name, value);
    }

    private static Set<String> upper(List<String> items) {
        Set<String> out = new TreeSet<>();
        for (String i : items) out.add(i.toUpperCase(Locale.ROOT));
        return out;
    }

    /** True when a test after the 220 greeting is on. */
    boolean deepTests() {
        return pipeliningEnable || nonSmtpEnable || bareNewlineEnable;
    }
}
