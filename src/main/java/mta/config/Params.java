package mta.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Params - every main.cf parameter this system knows, declared once with Postfix's default.
 *
 * <p>Reads nothing; it is the registry that {@link Config} consults and that {@code postconf -d}
 * and {@code docs/parameters.md} are generated from. No other class holds a default value.
 * A default of {@code null} is computed by {@link Config} from the host ({@code myhostname},
 * {@code mydomain}, {@code mynetworks}), as Postfix computes it.
 */
public final class Params {
    private Params() {}

    private static final Map<String, Param> ALL = new LinkedHashMap<>();

    private static Param def(Param p) {
        if (ALL.putIfAbsent(p.name(), p) != null) throw new IllegalStateException("declared twice: " + p.name());
        return p;
    }

    private static final long DAY = 86400;
    private static final long INT_MAX = Integer.MAX_VALUE;

    // --- compatibility
    public static final Param COMPATIBILITY_LEVEL = def(Param.string("compatibility_level", "0",
            "The release whose default settings apply; Debian ships main.cf with 3.6."));

    // --- identity and addresses
    public static final Param MAIL_NAME = def(Param.string("mail_name", "Postfix",
            "The mail system name shown in the SMTP greeting and in bounce messages."));
    public static final Param MYHOSTNAME = def(Param.string("myhostname", null,
            "The fully-qualified domain name of this mail system; default from the host name."));
    public static final Param MYDOMAIN = def(Param.string("mydomain", null,
            "The internet domain name of this mail system; default is $myhostname minus its first label."));
    public static final Param MYORIGIN = def(Param.string("myorigin", "$myhostname",
            "The domain that locally-posted mail appears to come from and that bare user names get."));
    public static final Param MYDESTINATION = def(Param.list("mydestination", "$myhostname, localhost.$mydomain, localhost",
            "The domains delivered locally by the local transport."));
    public static final Param MYNETWORKS_STYLE = def(Param.string("mynetworks_style", "host",
            "How mynetworks is computed when not set: host, subnet or class."));
    public static final Param MYNETWORKS = def(Param.list("mynetworks", null,
            "The trusted clients that may relay; default from mynetworks_style."));
    public static final Param RELAY_DOMAINS = def(Param.list("relay_domains", "",
            "Remote domains this system relays mail to from anywhere."));
    public static final Param RELAYHOST = def(Param.string("relayhost", "",
            "The next-hop for non-local mail: empty for direct delivery via MX, or [host]:port, host:port, host."));
    public static final Param INET_INTERFACES = def(Param.list("inet_interfaces", "all",
            "The addresses that inet services listen on: all, loopback-only, or a list."));
    public static final Param INET_PROTOCOLS = def(Param.list("inet_protocols", "all",
            "The IP protocols used: all, ipv4, ipv6."));
    public static final Param EMPTY_ADDRESS_RECIPIENT = def(Param.string("empty_address_recipient", "MAILER-DAEMON",
            "Where undeliverable mail with the null sender goes."));
    public static final Param RECIPIENT_DELIMITER = def(Param.string("recipient_delimiter", "",
            "The separator between a user name and an address extension (user+ext)."));

    // --- files and directories
    public static final Param CONFIG_DIRECTORY = def(Param.path("config_directory", "/etc/postfix",
            "Where main.cf and master.cf are; set by -c or MAIL_CONFIG."));
    public static final Param QUEUE_DIRECTORY = def(Param.path("queue_directory", "/var/spool/postfix",
            "The root of the mail queue."));
    public static final Param DATA_DIRECTORY = def(Param.path("data_directory", "/var/lib/postfix",
            "Where the mail system keeps its own data files."));
    public static final Param MAILLOG_FILE = def(Param.path("maillog_file", "",
            "The file the mail log is written to; empty logs through the diagnostics stream."));
    public static final Param SYSLOG_NAME = def(Param.string("syslog_name", "postfix",
            "The first part of the tag of each mail log line."));

    // --- aliases and local delivery
    public static final Param ALIAS_MAPS = def(Param.tables("alias_maps", "hash:/etc/aliases",
            "The alias tables consulted by local delivery."));
    public static final Param ALIAS_DATABASE = def(Param.tables("alias_database", "hash:/etc/aliases",
            "The alias tables that newaliases builds."));
    public static final Param DEFAULT_DATABASE_TYPE = def(Param.string("default_database_type", "hash",
            "The table type postmap and postalias use when a file name has no type: prefix."));
    public static final Param HOME_MAILBOX = def(Param.string("home_mailbox", "",
            "A mailbox path relative to the user's home; a trailing / means Maildir."));
    public static final Param MAIL_SPOOL_DIRECTORY = def(Param.path("mail_spool_directory", "/var/mail",
            "The directory of UNIX-style mailboxes; a trailing / means Maildir."));
    public static final Param LOCAL_TRANSPORT = def(Param.string("local_transport", "local:$myhostname",
            "The transport for domains in mydestination."));
    public static final Param DEFAULT_TRANSPORT = def(Param.string("default_transport", "smtp",
            "The transport for remote destinations."));
    public static final Param RELAY_TRANSPORT = def(Param.string("relay_transport", "relay",
            "The transport for domains in relay_domains."));
    public static final Param HOPCOUNT_LIMIT = def(Param.integer("hopcount_limit", "50", 1, INT_MAX,
            "The maximal number of Received: headers before a message is bounced as looping."));

    // --- smtpd
    public static final Param SMTPD_BANNER = def(Param.string("smtpd_banner", "$myhostname ESMTP $mail_name",
            "The text after 220 in the SMTP greeting."));
    public static final Param SMTPD_TIMEOUT = def(Param.time("smtpd_timeout", "${stress?{10}:{300}}s", 's', 1, 100 * DAY,
            "How long the SMTP server waits for a client command or data."));
    public static final Param SMTPD_RECIPIENT_LIMIT = def(Param.integer("smtpd_recipient_limit", "1000", 1, INT_MAX,
            "The maximal number of recipients per message."));
    public static final Param MESSAGE_SIZE_LIMIT = def(Param.size("message_size_limit", "10240000", 0, Long.MAX_VALUE,
            "The maximal size of a message in bytes, envelope included; 0 means no limit."));
    public static final Param LINE_LENGTH_LIMIT = def(Param.integer("line_length_limit", "2048", 1, INT_MAX,
            "Longer lines are split into pieces of this length when queued."));
    public static final Param HEADER_SIZE_LIMIT = def(Param.integer("header_size_limit", "102400", 1, INT_MAX,
            "The maximal amount of memory for one message header; longer headers are cut."));
    public static final Param SMTPD_HARD_ERROR_LIMIT = def(Param.integer("smtpd_hard_error_limit", "${stress?{1}:{20}}", 1, INT_MAX,
            "The number of errors after which the SMTP server disconnects."));
    public static final Param SMTPD_PEERNAME_LOOKUP = def(Param.bool("smtpd_peername_lookup", "yes",
            "Look up the client's host name; with no, every client is \"unknown\"."));
    public static final Param DEFAULT_PROCESS_LIMIT = def(Param.integer("default_process_limit", "100", 1, INT_MAX,
            "The default maximal number of processes of a master.cf service; for smtpd, concurrent sessions."));

    // --- queue manager
    public static final Param QUEUE_RUN_DELAY = def(Param.time("queue_run_delay", "300s", 's', 1, 100 * DAY,
            "How often the deferred queue is scanned."));
    public static final Param MINIMAL_BACKOFF_TIME = def(Param.time("minimal_backoff_time", "300s", 's', 1, 100 * DAY,
            "The least time a deferred message waits before its next attempt."));
    public static final Param MAXIMAL_BACKOFF_TIME = def(Param.time("maximal_backoff_time", "4000s", 's', 1, 100 * DAY,
            "The most time a deferred message waits before its next attempt."));
    public static final Param MAXIMAL_QUEUE_LIFETIME = def(Param.time("maximal_queue_lifetime", "5d", 'd', 0, 8640000,
            "How long a message may stay queued before it is returned as undeliverable."));
    public static final Param BOUNCE_QUEUE_LIFETIME = def(Param.time("bounce_queue_lifetime", "5d", 'd', 0, 8640000,
            "The queue lifetime of bounce messages."));
    public static final Param QMGR_MESSAGE_ACTIVE_LIMIT = def(Param.integer("qmgr_message_active_limit", "20000", 1, INT_MAX,
            "The maximal number of messages in the active queue."));
    public static final Param DEFAULT_DESTINATION_CONCURRENCY_LIMIT = def(Param.integer(
            "default_destination_concurrency_limit", "20", 1, INT_MAX,
            "The maximal number of parallel deliveries to one destination."));
    public static final Param DEFAULT_DESTINATION_RECIPIENT_LIMIT = def(Param.integer(
            "default_destination_recipient_limit", "50", 1, INT_MAX,
            "The maximal number of recipients per delivery to one destination."));
    public static final Param BOUNCE_SIZE_LIMIT = def(Param.integer("bounce_size_limit", "50000", 1, INT_MAX,
            "How much of an undeliverable message is returned to the sender."));
    public static final Param ENABLE_LONG_QUEUE_IDS = def(Param.bool("enable_long_queue_ids", "no",
            "Use long, non-repeating queue IDs."));

    // --- smtp client
    public static final Param SMTP_HELO_NAME = def(Param.string("smtp_helo_name", "$myhostname",
            "The host name the SMTP client sends in EHLO or HELO."));
    public static final Param SMTP_CONNECT_TIMEOUT = def(Param.time("smtp_connect_timeout", "30s", 's', 0, 100 * DAY,
            "How long the SMTP client waits for a TCP connection."));
    public static final Param SMTP_HELO_TIMEOUT = def(Param.time("smtp_helo_timeout", "300s", 's', 1, 100 * DAY,
            "How long the SMTP client waits for the greeting and the EHLO reply."));
    public static final Param SMTP_MAIL_TIMEOUT = def(Param.time("smtp_mail_timeout", "300s", 's', 1, 100 * DAY,
            "How long the SMTP client waits for the MAIL FROM reply."));
    public static final Param SMTP_RCPT_TIMEOUT = def(Param.time("smtp_rcpt_timeout", "300s", 's', 1, 100 * DAY,
            "How long the SMTP client waits for a RCPT TO reply."));
    public static final Param SMTP_DATA_INIT_TIMEOUT = def(Param.time("smtp_data_init_timeout", "120s", 's', 1, 100 * DAY,
            "How long the SMTP client waits for the DATA reply."));
    public static final Param SMTP_DATA_XFER_TIMEOUT = def(Param.time("smtp_data_xfer_timeout", "180s", 's', 1, 100 * DAY,
            "How long the SMTP client waits while sending message content."));
    public static final Param SMTP_DATA_DONE_TIMEOUT = def(Param.time("smtp_data_done_timeout", "600s", 's', 1, 100 * DAY,
            "How long the SMTP client waits for the reply to the final dot."));
    public static final Param SMTP_QUIT_TIMEOUT = def(Param.time("smtp_quit_timeout", "300s", 's', 1, 100 * DAY,
            "How long the SMTP client waits for the QUIT reply."));

    // --- master, control and logging (reload, check, syslog)

    // --- end of declarations

    /** All parameters, in declaration order. */
    public static Map<String, Param> all() {
        return Collections.unmodifiableMap(ALL);
    }

    /** The parameter of that name, or null. */
    public static Param byName(String name) {
        return ALL.get(name);
    }
}
