package mta.smtp;

import java.util.List;
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
 * line length limit, SMTPUTF8 and the {@code smtp_*_checks} tables); writes SMTP to remote
 * servers, and TLS summary and content check lines to its log. Each request is a
 * {@link SmtpDelivery}; what outlives a request is the agent's {@link SmtpConnectionCache}. It
 * never changes the queue file, and never throws for a failure of the network or a server.
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
    final Consumer<String> log;

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
     * The same, reading its TLS keys and CA file through {@code secrets} (the privileged process's
     * hand-over, for root-only files).
     */
    public SmtpAgent(Config config, Resolver resolver, int defaultPort, Consumer<String> log, SecretFiles secrets) {
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
        this.log = log;
    }

    @Override
    public String name() {
        return "smtp";
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
