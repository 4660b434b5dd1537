package mta.metrics;

/**
 * MailMetrics - every metric family of the mail system, declared once (as {@code config.Params}
 * declares every parameter), in the process-wide {@link #REGISTRY}.
 *
 * <p>Reads nothing, writes nothing. The services count into these fields at a few points: smtpd's
 * listener and reply writer, the restriction engine, cleanup's commit, the queue manager's status
 * line, the TLS handshakes, smtpd's AUTH, the DNS client, the table layer and the queue file's
 * fsync. Names follow Prometheus's rules: {@code postfix_} prefix, base units (seconds), counters
 * end in {@code _total}; labels take values from small fixed sets only (master.cf service and
 * transport names, reply classes, restriction names, table types, DNS record types), never an
 * address. The queue sizes, the privileged process and the JVM are collectors, computed when
 * scraped (docs/observability.md lists them all).
 */
public final class MailMetrics {
    private MailMetrics() {}

    public static final Registry REGISTRY = new Registry();

    /** Latency buckets for work that takes milliseconds to seconds (DNS, fsync, TLS). */
    static final double[] FAST = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    /** Buckets for a message's time in the system: from a second to days. */
    static final double[] DELIVERY = {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600, 86400, 5 * 86400};

    // --- smtpd
    public static final Family<Counter> SMTPD_CONNECTIONS = REGISTRY.counter("postfix_smtpd_connections_total",
            "SMTP connections accepted, by master.cf service.", "service");
    public static final Family<Gauge> SMTPD_SESSIONS = REGISTRY.gauge("postfix_smtpd_sessions",
            "SMTP sessions open now, by master.cf service.", "service");
    public static final Family<Counter> SMTPD_REPLIES = REGISTRY.counter("postfix_smtpd_replies_total",
            "SMTP replies sent by the server, by class (2xx, 3xx, 4xx, 5xx).", "class");
    public static final Family<Counter> SMTPD_REJECTS = REGISTRY.counter("postfix_smtpd_rejects_total",
            "Commands refused by an smtpd restriction, by stage and restriction name.", "stage", "restriction");
    public static final Family<Counter> SMTPD_SASL = REGISTRY.counter("postfix_smtpd_sasl_authentications_total",
            "SASL AUTH attempts that succeeded.");
    public static final Family<Counter> SMTPD_SASL_FAILURES = REGISTRY.counter(
            "postfix_smtpd_sasl_authentication_failures_total", "SASL AUTH attempts that failed.");

    // --- TLS (role: server is smtpd, client is smtp)
    public static final Family<Counter> TLS_HANDSHAKES = REGISTRY.counter("postfix_tls_handshakes_total",
            "TLS handshakes completed, by role (server, client).", "role");
    public static final Family<Counter> TLS_HANDSHAKE_FAILURES = REGISTRY.counter("postfix_tls_handshake_failures_total",
            "TLS handshakes that failed, by role (server, client).", "role");

    // --- messages
    public static final Family<Counter> MESSAGES_RECEIVED = REGISTRY.counter("postfix_messages_received_total",
            "Messages committed to the queue by cleanup (SMTP, sendmail, forwarded and bounce messages).");
    public static final Family<Counter> DELIVERIES = REGISTRY.counter("postfix_deliveries_total",
            "Delivery attempts per recipient, by master.cf transport and status (sent, deferred, bounced, ...).",
            "transport", "status");
    public static final Family<Histogram> DELIVERY_DELAY = REGISTRY.histogram("postfix_delivery_delay_seconds",
            "Time from arrival to the final status (sent or bounced) of each recipient, by transport.",
            DELIVERY, "transport");

    // --- DNS, tables, disk
    public static final Family<Counter> DNS_LOOKUPS = REGISTRY.counter("postfix_dns_lookups_total",
            "DNS queries sent to the name servers (cache misses), by record type.", "type");
    public static final Family<Counter> DNS_LOOKUP_FAILURES = REGISTRY.counter("postfix_dns_lookup_failures_total",
            "DNS queries that no server answered usefully (timeout, SERVFAIL), by record type.", "type");
    public static final Family<Histogram> DNS_LOOKUP_DURATION = REGISTRY.histogram("postfix_dns_lookup_duration_seconds",
            "Time of each DNS question, all servers and retries included.", FAST);
    public static final Family<Counter> TABLE_LOOKUPS = REGISTRY.counter("postfix_table_lookups_total",
            "Lookup table queries, by table type (hash, pgsql, ldap, ...).", "type");
    public static final Family<Counter> TABLE_LOOKUP_ERRORS = REGISTRY.counter("postfix_table_lookup_errors_total",
            "Lookup table queries that failed (server down, timeout), by table type.", "type");
    public static final Family<Histogram> FSYNC_DURATION = REGISTRY.histogram("postfix_fsync_duration_seconds",
            "Time to force a queue file to disk before it is renamed into place.", FAST);

    /** The first two characters of a reply class label: "2xx", "4xx", ...; cached children. */
    private static final Counter[] REPLY_CLASS = new Counter[10];

    static {
        for (int i = 1; i < REPLY_CLASS.length; i++) REPLY_CLASS[i] = SMTPD_REPLIES.labels(i + "xx");
    }

    /** Counts an SMTP reply by its first digit. */
    public static void reply(int code) {
        int c = code / 100;
        if (c > 0 && c < REPLY_CLASS.length) REPLY_CLASS[c].inc();
    }
}
