package mta.smtp;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import mta.config.Config;
import mta.config.Params;
import mta.deliver.DeliveryAgent;
import mta.deliver.DeliveryRequest;
import mta.deliver.DeliveryStatus;
import mta.dns.Resolver;
import mta.util.SecretFiles;

/**
 * SmtpAgent - the SMTP client delivery agent: sends a message to the servers of its next-hop.
 *
 * <p>Reads the request's envelope and content (from the queue file, through the request), DNS
 * (through a {@link Resolver}) and the configuration ({@code smtp_helo_name}, the
 * {@code smtp_*_timeout} parameters, TLS, connection cache, fallback relay and MX limits, the
 * line length limit, SMTPUTF8, the {@code smtp_*_checks} tables and the {@code smtp_sasl_*} settings of
 * {@link SmtpSasl}); writes SMTP to remote
 * servers, and TLS summary and content check lines to its log. Each request is a
 * {@link SmtpDelivery}; what outlives a request is the agent's {@link SmtpConnectionCache}. It
 * never changes the queue file, and never throws for a failure of the network or a server. The
 * same class is the LMTP client ({@link #lmtp}): Postfix's smtp(8) and lmtp(8) are one program too.
 */
public final class SmtpAgent implements DeliveryAgent {
    final Resolver resolver;
    final int defaultPort;
    final String heloName;
    final SmtpTimeouts timeouts;
    final SmtpTls tls;
    final SmtpConnectionCache cache;
    final boolean cacheOnDemand;
    final List<String> fallbackRelays;
    final int mxAddressLimit;
    final int mxSessionLimit;
    /** smtp_line_length_limit: longer content lines are broken (0: never). */
    final int lineLengthLimit;
    /** The smtp_*_checks tables, or null when there are none. */
    final SmtpContentChecks contentChecks;
    /** smtputf8_enable: say SMTPUTF8 when a message asks for it, and refuse servers that cannot take it. */
    final boolean smtputf8;
    /** SMTP AUTH to the servers the tables have a password for (smtp_sasl_*). */
    final SmtpSasl sasl;
    final Consumer<String> log;
    /** Speaks LMTP (RFC 2033): LHLO, next-hops of {@link Nexthop#parseLmtp}, one reply per recipient after DATA. */
    final boolean lmtp;
    /** This host's name, for a UNIX-domain socket in relay= ({@code mail.example.com[private/dovecot-lmtp]}). */
    final String myhostname;
    /** What a relative UNIX-domain socket path is relative to. */
    final Path queueDirectory;

    /** An agent that speaks to port 25 unless a next-hop names another port. */
    public SmtpAgent(Config config, Resolver resolver) {
        this(config, resolver, 25);
    }

    /**
     * An agent with another default port, for MX hosts and next-hops without a port (tests run
     * their servers on free high ports).
     */
    public SmtpAgent(Config config, Resolver resolver, int defaultPort) {
        this(config, resolver, defaultPort, line -> { });
    }

    /** The same, with the log that receives the agent's own lines (TLS summaries). */
    public SmtpAgent(Config config, Resolver resolver, int defaultPort, Consumer<String> log) {
        this(config, resolver, defaultPort, log, SecretFiles.DIRECT);
    }

    /**
     * The same, reading its TLS keys, CA file and smtp_sasl_password_maps files through
     * {@code secrets} (the privileged process's hand-over, for root-only files).
     */
    public SmtpAgent(Config config, Resolver resolver, int defaultPort, Consumer<String> log, SecretFiles secrets) {
        this(config, resolver, defaultPort, log, secrets, false);
    }

    /**
     * The LMTP client (Postfix's lmtp(8)): the same agent, speaking LMTP, with each {@code lmtp_*}
     * parameter in the place of its {@code smtp_*} twin ({@code lmtp_lhlo_name} for
     * {@code smtp_helo_name}, {@code lmtp_tls_security_level}, {@code lmtp_connection_cache_on_demand},
     * ...), and {@code lmtp_tcp_port} as the port of a next-hop that names none.
     */
    public static SmtpAgent lmtp(Config config, Resolver resolver, Consumer<String> log, SecretFiles secrets) {
        Map<String, String> asSmtp = new LinkedHashMap<>();
        Params.lmtpTwins().forEach((smtp, lmtp) -> asSmtp.put(smtp, "$" + lmtp));
        return new SmtpAgent(config.with(asSmtp), resolver, config.integer(Params.LMTP_TCP_PORT), log, secrets, true);
    }

    private SmtpAgent(Config config, Resolver resolver, int defaultPort, Consumer<String> log, SecretFiles secrets,
                      boolean lmtp) {
        this.lmtp = lmtp;
        this.myhostname = config.str(Params.MYHOSTNAME);
        this.queueDirectory = config.path(Params.QUEUE_DIRECTORY);
        this.resolver = resolver;
        this.defaultPort = defaultPort;
        this.heloName = config.str(Params.SMTP_HELO_NAME);
        this.timeouts = SmtpTimeouts.from(config);
        this.tls = SmtpTls.from(config, resolver, secrets, log);
        this.cache = SmtpConnectionCache.from(config);
        this.cacheOnDemand = config.bool(Params.SMTP_CONNECTION_CACHE_ON_DEMAND);
        this.fallbackRelays = config.list(Params.SMTP_FALLBACK_RELAY);
        this.mxAddressLimit = config.integer(Params.SMTP_MX_ADDRESS_LIMIT);
        this.mxSessionLimit = config.integer(Params.SMTP_MX_SESSION_LIMIT);
        this.lineLengthLimit = config.integer(Params.SMTP_LINE_LENGTH_LIMIT);
        this.contentChecks = SmtpContentChecks.from(config);
        this.smtputf8 = config.bool(Params.SMTPUTF8_ENABLE);
        this.sasl = SmtpSasl.from(config, lmtp ? "lmtp" : "smtp", secrets, log);
        this.log = log;
    }

    @Override
    public String name() {
        return lmtp ? "lmtp" : "smtp";
    }

    @Override
    public List<DeliveryStatus> deliver(DeliveryRequest request) {
        return new SmtpDelivery(this, request).run();
    }

    /** Says QUIT on every cached connection (at shutdown, and in tests). */
    public void closeCachedConnections() {
        cache.closeAll();
    }
}
