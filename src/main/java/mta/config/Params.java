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
 *
 * <p>Defaults are those of Postfix 3.7 at {@code compatibility_level = 3.6} (what Debian ships),
 * written as plain values where Postfix writes a {@code ${{$compatibility_level} <level ...}}
 * expression. Parameters whose doc line ends in {@value #NOT_YET} are declared so that
 * administrators' main.cf files load without "unused parameter" warnings and {@code postconf}
 * shows them, but no code acts on them yet. Each {@code section(...)} call starts a group
 * for {@code docs/parameters.md}; it applies to the declarations that follow it.
 */
public final class Params {
    private Params() {}

    private static final Map<String, Param> ALL = new LinkedHashMap<>();
    private static final Map<String, String> SECTION_OF = new LinkedHashMap<>();
    private static String section = "General";

    /** The suffix of the doc line of a parameter that is read but not yet acted on. */
    public static final String NOT_YET = " (accepted; not yet acted on)";

    private static Param def(Param p) {
        if (ALL.putIfAbsent(p.name(), p) != null) throw new IllegalStateException("declared twice: " + p.name());
        SECTION_OF.put(p.name(), section);
        return p;
    }

    /** Starts a new group of declarations (a heading in docs/parameters.md). */
    private static void section(String title) {
        section = title;
    }

    private static final long DAY = 86400;
    private static final long INT_MAX = Integer.MAX_VALUE;

    // --- compatibility
    static { section("Compatibility and version"); }
    public static final Param COMPATIBILITY_LEVEL = def(Param.string("compatibility_level", "3.6",
            "The release whose defaults apply; this system implements the 3.6 defaults only"
            + " (Postfix's own default is 0, Debian's main.cf sets 3.6)."));
    public static final Param MAIL_VERSION = def(Param.string("mail_version", "3.7.11",
            "The Postfix release whose behaviour this system reproduces; read-only, for scripts."));

    // --- identity and addresses
    static { section("Identity and addresses"); }
    public static final Param MAIL_NAME = def(Param.string("mail_name", "Postfix",
            "The mail system name shown in the SMTP greeting and in bounce messages."));
    public static final Param MYHOSTNAME = def(Param.string("myhostname", null,
            "The fully-qualified domain name of this mail system; default from the host name."));
    public static final Param MYDOMAIN = def(Param.string("mydomain", null,
            "The internet domain name of this mail system; default is $myhostname minus its first label."));
    public static final Param MYORIGIN = def(Param.nameOrFile("myorigin", "$myhostname",
            "The domain that locally-posted mail appears to come from and that bare user names get;"
            + " a value starting with / names a file whose first word is the domain (Debian's /etc/mailname)."));
    public static final Param MYDESTINATION = def(Param.patterns("mydestination", "$myhostname, localhost.$mydomain, localhost",
            "The domains delivered locally by the local transport."));
    public static final Param MYNETWORKS_STYLE = def(Param.string("mynetworks_style", "host",
            "How mynetworks is computed when not set: host, subnet or class."));
    public static final Param MYNETWORKS = def(Param.patterns("mynetworks", null,
            "The trusted clients that may relay; default from mynetworks_style."));
    public static final Param RELAY_DOMAINS = def(Param.patterns("relay_domains", "",
            "Remote domains this system relays mail to from anywhere."));
    public static final Param RELAYHOST = def(Param.string("relayhost", "",
            "The next-hop for non-local mail: empty for direct delivery via MX, or [host]:port, host:port, host."));
    public static final Param INET_INTERFACES = def(Param.list("inet_interfaces", "all",
            "The addresses that inet services listen on: all, loopback-only, or a list."));
    public static final Param PROXY_INTERFACES = def(Param.list("proxy_interfaces", "",
            "The addresses of a proxy or NAT device in front of this system; with inet_interfaces they make"
            + " user@[address] a local destination."));
    public static final Param INET_PROTOCOLS = def(Param.list("inet_protocols", "all",
            "The IP protocols used: all, ipv4, ipv6."));
    public static final Param EMPTY_ADDRESS_RECIPIENT = def(Param.string("empty_address_recipient", "MAILER-DAEMON",
            "Where undeliverable mail with the null sender goes." + NOT_YET));
    public static final Param RECIPIENT_DELIMITER = def(Param.string("recipient_delimiter", "",
            "The separator between a user name and an address extension (user+ext)."));
    public static final Param APPEND_DOT_MYDOMAIN = def(Param.bool("append_dot_mydomain", "no",
            "Complete a host name without a dot in a local address (user@host) with .$mydomain." + NOT_YET));

    // --- files and directories
    static { section("Files and directories"); }
    public static final Param CONFIG_DIRECTORY = def(Param.path("config_directory", "/etc/postfix",
            "Where main.cf and master.cf are; set by -c or MAIL_CONFIG."));
    public static final Param QUEUE_DIRECTORY = def(Param.path("queue_directory", "/var/spool/postfix",
            "The root of the mail queue."));
    public static final Param DATA_DIRECTORY = def(Param.path("data_directory", "/var/lib/postfix",
            "Where the mail system keeps its own data files."));
    public static final Param MAILLOG_FILE = def(Param.path("maillog_file", "",
            "The file the mail log is written to, with Postfix's postlogd dates (\"Dec 06\"); empty: the system logger,"
            + " through /dev/log, as Postfix's syslog() (standard error when nothing listens there); /dev/stdout"
            + " (with postfix start-fg): the standard output, as container images run it."));
    public static final Param MAILLOG_FILE_PREFIXES = def(Param.list("maillog_file_prefixes", "/var, /dev/stdout",
            "The path prefixes that maillog_file must start with; another value stops start-up."));
    public static final Param SYSLOG_NAME = def(Param.string("syslog_name", "postfix",
            "The first part of the tag of each mail log line."));
    public static final Param SYSLOG_FACILITY = def(Param.string("syslog_facility", "mail",
            "The syslog facility of mail log lines sent to the system logger (maillog_file empty)."));
    public static final Param MAILLOG_FORMAT = def(Param.string("maillog_format", "postfix",
            "The form of each mail log line: postfix (Postfix's text, for pflogsumm and the usual tools) or json"
            + " (one JSON object per line with the same event split into fields: queue_id, client, from, to, relay,"
            + " delays, dsn, status, ...; for Loki or Elasticsearch). Not a Postfix parameter; docs/observability.md."));
    public static final Param METRICS_LISTEN = def(Param.string("metrics_listen", "",
            "Where the master serves Prometheus metrics (/metrics) and its health check (/healthz) over HTTP:"
            + " empty (the default) for nowhere, a port (9187) for 127.0.0.1:port, or host:port ([::1]:9187)."
            + " Not a Postfix parameter; docs/observability.md."));
    public static final Param COMMAND_DIRECTORY = def(Param.path("command_directory", "/usr/sbin",
            "Where the administrative commands are installed." + NOT_YET));
    public static final Param DAEMON_DIRECTORY = def(Param.path("daemon_directory", "/usr/lib/postfix/sbin",
            "Where the server programs are installed." + NOT_YET));
    public static final Param META_DIRECTORY = def(Param.path("meta_directory", "/etc/postfix",
            "Where the files that describe the installation are kept." + NOT_YET));
    public static final Param SHLIB_DIRECTORY = def(Param.path("shlib_directory", "/usr/lib/postfix",
            "Where shared libraries and plugins are installed." + NOT_YET));
    public static final Param SAMPLE_DIRECTORY = def(Param.path("sample_directory", "/etc/postfix",
            "Where sample configuration files are installed." + NOT_YET));
    public static final Param README_DIRECTORY = def(Param.path("readme_directory", "/usr/share/doc/postfix",
            "Where the README files are installed." + NOT_YET));
    public static final Param HTML_DIRECTORY = def(Param.path("html_directory", "/usr/share/doc/postfix/html",
            "Where the HTML documentation is installed." + NOT_YET));
    public static final Param MANPAGE_DIRECTORY = def(Param.path("manpage_directory", "/usr/share/man",
            "Where the manual pages are installed." + NOT_YET));
    public static final Param MAIL_OWNER = def(Param.string("mail_owner", "postfix",
            "The account that owns the queue and runs the master and its daemons when the mail system is started as root."));
    public static final Param SETGID_GROUP = def(Param.string("setgid_group", "postdrop",
            "The group of the maildrop and public directories (modes 1730 and 2710) when the mail system is started as root."));

    // --- aliases and local delivery
    static { section("Aliases and local delivery"); }
    public static final Param ALIAS_MAPS = def(Param.tables("alias_maps", "hash:/etc/aliases",
            "The alias tables consulted by local delivery (Debian adds nis:mail.aliases; NIS is not supported)."));
    public static final Param ALIAS_DATABASE = def(Param.tables("alias_database", "hash:/etc/aliases",
            "The alias tables that newaliases builds."));
    public static final Param DEFAULT_DATABASE_TYPE = def(Param.string("default_database_type", "hash",
            "The table type postmap and postalias use when a file name has no type: prefix."));
    public static final Param PROXY_READ_MAPS = def(Param.list("proxy_read_maps",
            "$local_recipient_maps $mydestination $virtual_alias_maps $virtual_alias_domains $virtual_mailbox_maps "
            + "$virtual_mailbox_domains $relay_recipient_maps $relay_domains $canonical_maps $sender_canonical_maps "
            + "$recipient_canonical_maps $relocated_maps $transport_maps $mynetworks $smtpd_sender_login_maps "
            + "$sender_bcc_maps $recipient_bcc_maps $smtp_generic_maps $lmtp_generic_maps $alias_maps "
            + "$smtpd_client_restrictions $smtpd_helo_restrictions $smtpd_sender_restrictions "
            + "$smtpd_relay_restrictions $smtpd_recipient_restrictions "
            + "$address_verify_sender_dependent_default_transport_maps "
            + "$address_verify_sender_dependent_relayhost_maps $address_verify_transport_maps "
            + "$fallback_transport_maps $lmtp_discard_lhlo_keyword_address_maps $lmtp_pix_workaround_maps "
            + "$lmtp_sasl_password_maps $lmtp_tls_policy_maps $mailbox_command_maps $mailbox_transport_maps "
            + "$postscreen_discard_ehlo_keyword_address_maps $rbl_reply_maps "
            + "$sender_dependent_default_transport_maps $sender_dependent_relayhost_maps "
            + "$smtp_discard_ehlo_keyword_address_maps $smtp_pix_workaround_maps $smtp_sasl_password_maps "
            + "$smtp_tls_policy_maps $smtpd_discard_ehlo_keyword_address_maps $smtpd_milter_maps "
            + "$virtual_gid_maps $virtual_uid_maps $local_login_sender_maps $postscreen_reject_footer_maps "
            + "$smtpd_reject_footer_maps $tls_server_sni_maps $tlsproxy_client_policy_maps "
            + "$default_delivery_status_filter $lmtp_delivery_status_filter $lmtp_dns_reply_filter "
            + "$lmtp_reply_filter $local_delivery_status_filter $pipe_delivery_status_filter "
            + "$postscreen_command_filter $smtp_delivery_status_filter $smtp_dns_reply_filter "
            + "$smtp_reply_filter $smtpd_command_filter $smtpd_dns_reply_filter $virtual_delivery_status_filter "
            + "$body_checks $header_checks $lmtp_body_checks $lmtp_header_checks $lmtp_mime_header_checks "
            + "$lmtp_nested_header_checks $milter_header_checks $mime_header_checks $nested_header_checks "
            + "$smtp_body_checks $smtp_header_checks $smtp_mime_header_checks $smtp_nested_header_checks",
            "The proxy:type:name tables that may be opened (shared, read-only); a proxy: table not listed here stops the start."));
    public static final Param PROXY_WRITE_MAPS = def(Param.list("proxy_write_maps",
            "$smtp_sasl_auth_cache_name $lmtp_sasl_auth_cache_name $address_verify_map $postscreen_cache_map",
            "The proxy:type:name tables that may be opened for writing too."));
    public static final Param HOME_MAILBOX = def(Param.string("home_mailbox", "",
            "A mailbox path relative to the user's home; a trailing / means Maildir."));
    public static final Param MAIL_SPOOL_DIRECTORY = def(Param.path("mail_spool_directory", "/var/mail",
            "The directory of UNIX-style mailboxes; a trailing / means Maildir."));
    public static final Param HOPCOUNT_LIMIT = def(Param.integer("hopcount_limit", "50", 1, INT_MAX,
            "The maximal number of Received: headers before a message is bounced as looping."));
    public static final Param LOCAL_RECIPIENT_MAPS = def(Param.tables("local_recipient_maps",
            "proxy:unix:passwd.byname $alias_maps",
            "The tables of valid local recipients (unix:passwd.byname is /etc/passwd); the SMTP server"
            + " rejects others; empty turns the check off."));
    public static final Param MAILBOX_COMMAND = def(Param.string("mailbox_command", "",
            "A command that delivers to the mailbox instead of the built-in delivery."));
    public static final Param MAILBOX_TRANSPORT_MAPS = def(Param.tables("mailbox_transport_maps", "",
            "Tables from a local user name to the transport:nexthop that local(8) hands the user's mailbox"
            + " delivery to (after aliases and .forward), whether or not the user has a UNIX account."));
    public static final Param MAILBOX_TRANSPORT = def(Param.string("mailbox_transport", "",
            "The transport[:nexthop] that local(8) hands every mailbox delivery to, after aliases and .forward"
            + " (lmtp:unix:private/dovecot-lmtp for Dovecot)."));
    public static final Param FALLBACK_TRANSPORT_MAPS = def(Param.tables("fallback_transport_maps", "",
            "Tables from a local user name to the transport:nexthop for names local(8) finds in neither the"
            + " aliases nor the UNIX accounts."));
    public static final Param FALLBACK_TRANSPORT = def(Param.string("fallback_transport", "",
            "The transport[:nexthop] for local names found in neither the aliases nor the UNIX accounts;"
            + " before luser_relay."));
    public static final Param LUSER_RELAY = def(Param.string("luser_relay", "",
            "Where mail for unknown local recipients goes instead of being bounced."));
    public static final Param MAILBOX_SIZE_LIMIT = def(Param.size("mailbox_size_limit", "51200000", 0, Long.MAX_VALUE,
            "The maximal size in bytes of a mailbox or Maildir file; 0 means no limit."));
    public static final Param ALLOW_MAIL_TO_COMMANDS = def(Param.list("allow_mail_to_commands", "alias, forward",
            "Where |command destinations are allowed: alias, forward, include."));
    public static final Param ALLOW_MAIL_TO_FILES = def(Param.list("allow_mail_to_files", "alias, forward",
            "Where /file destinations are allowed: alias, forward, include."));
    public static final Param FORWARD_PATH = def(Param.list("forward_path",
            "$home/.forward${recipient_delimiter}${extension}, $home/.forward",
            "The .forward files looked for, in order."));
    public static final Param FORWARD_EXPANSION_FILTER = def(Param.string("forward_expansion_filter",
            "1234567890!@%-_=+:,./abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
            "The characters allowed in $name values expanded into forward_path and luser_relay; others become _."));
    public static final Param COMMAND_EXPANSION_FILTER = def(Param.string("command_expansion_filter",
            "1234567890!@%-_=+:,./abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
            "The characters allowed in the environment values given to commands; others become _."));
    public static final Param COMMAND_TIME_LIMIT = def(Param.time("command_time_limit", "1000s", 's', 1, Integer.MAX_VALUE,
            "The time a delivery to a |command or mailbox_command may take before it is killed and bounced;"
            + " the default of TRANSPORT_time_limit for pipe and spawn services."));
    public static final Param EXPORT_ENVIRONMENT = def(Param.list("export_environment", "TZ MAIL_CONFIG LANG",
            "The environment variables passed on to pipe and spawn commands (besides PATH=/usr/bin:/bin)."));
    public static final Param LOCAL_COMMAND_SHELL = def(Param.string("local_command_shell", "",
            "The shell that runs |command and mailbox_command, as \"program -c\"; empty means /bin/sh -c."));
    public static final Param DEFAULT_PRIVS = def(Param.string("default_privs", "nobody",
            "The account whose rights commands and files get when there is no user (root-owned aliases, root)."));
    public static final Param EXPAND_OWNER_ALIAS = def(Param.bool("expand_owner_alias", "no",
            "When alias x has an owner-x alias, use owner-x's expansion, not owner-x itself, as the sender of forwarded mail."));
    public static final Param OWNER_REQUEST_SPECIAL = def(Param.bool("owner_request_special", "yes",
            "Give owner-x aliases their meaning, and never split owner-x or x-request at a - delimiter."));
    public static final Param PREPEND_DELIVERED_HEADER = def(Param.list("prepend_delivered_header", "command, file, forward",
            "Where local adds Delivered-To: command, file (mailboxes and files), forward."));
    public static final Param BIFF = def(Param.bool("biff", "yes",
            "Notify the comsat service of new mail." + NOT_YET));

    // --- address rewriting and virtual domains
    static { section("Address rewriting and virtual domains"); }
    public static final Param VIRTUAL_MAPS = def(Param.tables("virtual_maps", "",
            "The old name of virtual_alias_maps." + NOT_YET));
    public static final Param VIRTUAL_ALIAS_MAPS = def(Param.tables("virtual_alias_maps", "$virtual_maps",
            "Tables that rewrite recipient addresses to other addresses, for any domain (expanded by cleanup)."));
    public static final Param CANONICAL_MAPS = def(Param.tables("canonical_maps", "",
            "Tables that rewrite sender and recipient addresses, in the envelope and in local mail's headers."));
    public static final Param CANONICAL_CLASSES = def(Param.list("canonical_classes",
            "envelope_sender, envelope_recipient, header_sender, header_recipient",
            "What canonical_maps rewrites: envelope_sender, envelope_recipient, header_sender, header_recipient."));
    public static final Param SENDER_CANONICAL_MAPS = def(Param.tables("sender_canonical_maps", "",
            "Tables that rewrite sender addresses (envelope and From/Sender/Resent-From... headers)."));
    public static final Param SENDER_CANONICAL_CLASSES = def(Param.list("sender_canonical_classes",
            "envelope_sender, header_sender", "What sender_canonical_maps rewrites: envelope_sender, header_sender."));
    public static final Param RECIPIENT_CANONICAL_MAPS = def(Param.tables("recipient_canonical_maps", "",
            "Tables that rewrite recipient addresses (envelope and To/Cc/Bcc/Reply-To... headers)."));
    public static final Param RECIPIENT_CANONICAL_CLASSES = def(Param.list("recipient_canonical_classes",
            "envelope_recipient, header_recipient",
            "What recipient_canonical_maps rewrites: envelope_recipient, header_recipient."));
    public static final Param MASQUERADE_DOMAINS = def(Param.list("masquerade_domains", "",
            "Domains whose subdomains are hidden in addresses (host.example.com becomes example.com)."));
    public static final Param MASQUERADE_CLASSES = def(Param.list("masquerade_classes",
            "envelope_sender, header_sender, header_recipient",
            "Where masquerade_domains applies: envelope_sender, envelope_recipient, header_sender, header_recipient."));
    public static final Param LOCAL_HEADER_REWRITE_CLIENTS = def(Param.list("local_header_rewrite_clients",
            "permit_inet_interfaces",
            "SMTP clients whose mail headers are rewritten as local mail: permit_inet_interfaces, permit_mynetworks, static:all."));
    public static final Param REMOTE_HEADER_REWRITE_DOMAIN = def(Param.string("remote_header_rewrite_domain", "",
            "The domain for incomplete header addresses in mail from other clients; empty: no rewriting." + NOT_YET));
    public static final Param APPEND_AT_MYORIGIN = def(Param.bool("append_at_myorigin", "yes",
            "Append @$myorigin to header addresses without a domain in local mail (the envelope always gets it)."));
    public static final Param RELAY_RECIPIENT_MAPS = def(Param.tables("relay_recipient_maps", "",
            "Tables of valid recipients in relay_domains (user@domain or @domain); others are rejected with 550 5.1.1;"
            + " empty: every address in relay_domains is accepted."));

    // --- routing and virtual delivery
    static { section("Routing and virtual delivery"); }
    public static final Param LOCAL_TRANSPORT = def(Param.string("local_transport", "local:$myhostname",
            "The transport for domains in mydestination."));
    public static final Param DEFAULT_TRANSPORT = def(Param.string("default_transport", "smtp",
            "The transport for remote destinations."));
    public static final Param RELAY_TRANSPORT = def(Param.string("relay_transport", "relay",
            "The transport for domains in relay_domains."));
    public static final Param TRANSPORT_MAPS = def(Param.tables("transport_maps", "",
            "Tables from an address or domain to transport:nexthop (user@domain, domain, .domain, *); overrides the class default."));
    public static final Param VIRTUAL_ALIAS_DOMAINS = def(Param.patterns("virtual_alias_domains", "$virtual_alias_maps",
            "Domains whose every address must be in virtual_alias_maps; others are rejected as unknown."));
    public static final Param VIRTUAL_MAILBOX_DOMAINS = def(Param.patterns("virtual_mailbox_domains", "$virtual_mailbox_maps",
            "Domains whose mailboxes are not UNIX accounts; delivered by $virtual_transport."));
    public static final Param VIRTUAL_MAILBOX_MAPS = def(Param.tables("virtual_mailbox_maps", "",
            "Tables from a virtual address (or @domain) to its mailbox path; a trailing / means Maildir."));
    public static final Param VIRTUAL_MAILBOX_BASE = def(Param.path("virtual_mailbox_base", "",
            "The directory that virtual mailbox paths are relative to."));
    public static final Param VIRTUAL_TRANSPORT = def(Param.string("virtual_transport", "virtual",
            "The transport for domains in virtual_mailbox_domains."));
    public static final Param VIRTUAL_UID_MAPS = def(Param.tables("virtual_uid_maps", "",
            "Tables from a virtual address (or @domain) to the user ID that owns its mailbox (often static:5000)."));
    public static final Param VIRTUAL_GID_MAPS = def(Param.tables("virtual_gid_maps", "",
            "Tables from a virtual address (or @domain) to the group ID of its mailbox."));
    public static final Param VIRTUAL_MINIMUM_UID = def(Param.integer("virtual_minimum_uid", "100", 1, INT_MAX,
            "The lowest user ID the virtual delivery agent accepts from virtual_uid_maps."));
    public static final Param SMTP_FALLBACK_RELAY = def(Param.list("smtp_fallback_relay", "$fallback_relay",
            "Hosts the SMTP client tries when a destination is not found or every host of it failed temporarily ([host]:port, host)."));
    public static final Param FALLBACK_RELAY = def(Param.list("fallback_relay", "",
            "The old name of smtp_fallback_relay."));
    public static final Param UNKNOWN_VIRTUAL_ALIAS_REJECT_CODE = def(Param.integer("unknown_virtual_alias_reject_code",
            "550", 400, 599, "The SMTP reply code for an unknown address in a virtual alias domain."));
    public static final Param UNKNOWN_VIRTUAL_MAILBOX_REJECT_CODE = def(Param.integer("unknown_virtual_mailbox_reject_code",
            "550", 400, 599, "The SMTP reply code for an unknown address in a virtual mailbox domain."));
    public static final Param CONTENT_FILTER = def(Param.string("content_filter", "",
            "transport:nexthop that receives all mail after queueing, for an external content filter;"
            + " set per smtpd service with -o content_filter= to turn it off for re-injected mail."));

    // --- content inspection
    static { section("Content inspection"); }
    public static final Param HEADER_CHECKS = def(Param.tables("header_checks", "",
            "Pattern tables applied to each message header (REJECT, DISCARD, HOLD, WARN, IGNORE, PREPEND, REPLACE, REDIRECT, FILTER)."));
    public static final Param BODY_CHECKS = def(Param.tables("body_checks", "",
            "Pattern tables applied to each message body line."));
    public static final Param ALWAYS_ADD_MISSING_HEADERS = def(Param.bool("always_add_missing_headers", "no",
            "Add a missing From:, Date: or Message-Id: header also to mail from clients outside"
            + " local_header_rewrite_clients (with no, their headers are left as they came, which keeps signatures intact)."));
    public static final Param UNDISCLOSED_RECIPIENTS_HEADER = def(Param.string("undisclosed_recipients_header", "",
            "The header cleanup adds to local mail that has no To:, Cc: or Bcc: header; empty adds none."));
    public static final Param CLEANUP_REPLACE_STRAY_CR_LF = def(Param.bool("cleanup_replace_stray_cr_lf", "yes",
            "Replace each carriage return or line feed that is not part of a line end with a space, before any"
            + " other content processing, so that no stray CR or LF leaves this system (outbound SMTP smuggling)."));

    public static final Param RECEIVE_OVERRIDE_OPTIONS = def(Param.list("receive_override_options", "",
            "Per smtpd or pickup service (-o): no_unknown_recipient_checks, no_address_mappings, no_header_body_checks,"
            + " no_milters (smtpd_milters and non_smtpd_milters are not called)."));
    public static final Param SENDER_BCC_MAPS = def(Param.tables("sender_bcc_maps", "",
            "Tables from a sender address to one BCC recipient added to new mail (with NOTIFY=NEVER)."));
    public static final Param RECIPIENT_BCC_MAPS = def(Param.tables("recipient_bcc_maps", "",
            "Tables from a recipient address to one BCC recipient added to new mail (with NOTIFY=NEVER)."));
    public static final Param CLEANUP_SERVICE_NAME = def(Param.string("cleanup_service_name", "cleanup",
            "The master.cf cleanup service that an smtpd, pickup or local service hands its mail to"
            + " (set with -o; a second cleanup entry can have its own -o header_checks=...)."));

    // --- milters
    static { section("Mail filters (milters)"); }
    public static final Param SMTPD_MILTERS = def(Param.list("smtpd_milters", "",
            "Milter applications for mail received by the SMTP server: inet:host:port or unix:pathname (relative to"
            + " queue_directory), or { name, default_action=..., connect_timeout=..., command_timeout=...,"
            + " content_timeout=..., protocol=... }; called in order at each SMTP stage, see docs/milter.md."));
    public static final Param NON_SMTPD_MILTERS = def(Param.list("non_smtpd_milters", "",
            "Milter applications for mail not received by SMTP (sendmail, pickup), run by cleanup; same syntax as smtpd_milters."));
    public static final Param MILTER_PROTOCOL = def(Param.string("milter_protocol", "6",
            "The milter protocol version offered to the filters: 2, 3, 4 or 6."));
    public static final Param MILTER_DEFAULT_ACTION = def(Param.string("milter_default_action", "tempfail",
            "What happens when a milter cannot be reached or fails: accept, reject, tempfail or quarantine."));
    public static final Param MILTER_CONNECT_TIMEOUT = def(Param.time("milter_connect_timeout", "30s", 's', 1, 100 * DAY,
            "The time limit for connecting to a milter and negotiating the protocol."));
    public static final Param MILTER_COMMAND_TIMEOUT = def(Param.time("milter_command_timeout", "30s", 's', 1, 100 * DAY,
            "The time limit for a milter's reply to an SMTP event (connect, HELO, MAIL, RCPT, DATA)."));
    public static final Param MILTER_CONTENT_TIMEOUT = def(Param.time("milter_content_timeout", "300s", 's', 1, 100 * DAY,
            "The time limit for a milter's reply to message content (a header, a body chunk, the end of the message)."));
    public static final Param MILTER_MACRO_DAEMON_NAME = def(Param.string("milter_macro_daemon_name", "$myhostname",
            "The {daemon_name} macro value sent to milters."));
    public static final Param MILTER_MACRO_V = def(Param.string("milter_macro_v", "$mail_name $mail_version",
            "The {v} macro value sent to milters."));
    public static final Param MILTER_CONNECT_MACROS = def(Param.list("milter_connect_macros", "j {daemon_name} {daemon_addr} v _",
            "The macros sent to milters with the client connection."));
    public static final Param MILTER_HELO_MACROS = def(Param.list("milter_helo_macros",
            "{tls_version} {cipher} {cipher_bits} {cert_subject} {cert_issuer}",
            "The macros sent to milters with HELO or EHLO."));
    public static final Param MILTER_MAIL_MACROS = def(Param.list("milter_mail_macros",
            "i {auth_type} {auth_authen} {auth_author} {mail_addr} {mail_host} {mail_mailer}",
            "The macros sent to milters with MAIL FROM."));
    public static final Param MILTER_RCPT_MACROS = def(Param.list("milter_rcpt_macros", "i {rcpt_addr} {rcpt_host} {rcpt_mailer}",
            "The macros sent to milters with RCPT TO."));
    public static final Param MILTER_DATA_MACROS = def(Param.list("milter_data_macros", "i",
            "The macros sent to milters with DATA."));
    public static final Param MILTER_END_OF_HEADER_MACROS = def(Param.list("milter_end_of_header_macros", "i",
            "The macros sent to milters at the end of the message headers."));
    public static final Param MILTER_END_OF_DATA_MACROS = def(Param.list("milter_end_of_data_macros", "i",
            "The macros sent to milters at the end of the message."));
    public static final Param MILTER_UNKNOWN_COMMAND_MACROS = def(Param.list("milter_unknown_command_macros", "",
            "The macros sent to milters with an unknown SMTP command" + NOT_YET));
    public static final Param MILTER_MACRO_DEFAULTS = def(Param.list("milter_macro_defaults", "",
            "name=value pairs: macro values sent when this system has no value of its own."));
    public static final Param MILTER_HEADER_CHECKS = def(Param.tables("milter_header_checks", "",
            "Pattern tables applied to the headers that milters add or change" + NOT_YET));

    // --- smtpd
    static { section("SMTP server"); }
    public static final Param SMTPD_BANNER = def(Param.string("smtpd_banner", "$myhostname ESMTP $mail_name",
            "The text after 220 in the SMTP greeting."));
    public static final Param STRESS = def(Param.string("stress", "",
            "Set to yes by the master when a service is overloaded; defaults such as smtpd_timeout test it."));
    public static final Param SMTPD_TIMEOUT = def(Param.time("smtpd_timeout", "${stress?{10}:{300}}s", 's', 1, 100 * DAY,
            "How long the SMTP server waits for a client command or data."));
    public static final Param SMTPD_RECIPIENT_LIMIT = def(Param.integer("smtpd_recipient_limit", "1000", 1, INT_MAX,
            "The maximal number of recipients per message."));
    public static final Param MESSAGE_SIZE_LIMIT = def(Param.size("message_size_limit", "10240000", 0, Long.MAX_VALUE,
            "The maximal size of a message in bytes, envelope included; 0 means no limit."));
    public static final Param QUEUE_MINFREE = def(Param.size("queue_minfree", "0", 0, Long.MAX_VALUE,
            "The free space in bytes the queue file system must keep for the SMTP server to accept MAIL FROM"
            + " (452 4.3.1 otherwise); the free space must also exceed 1.5 x message_size_limit."));
    public static final Param LINE_LENGTH_LIMIT = def(Param.integer("line_length_limit", "2048", 1, INT_MAX,
            "Longer lines are split into pieces of this length when queued."));
    public static final Param HEADER_SIZE_LIMIT = def(Param.integer("header_size_limit", "102400", 1, INT_MAX,
            "The maximal amount of memory for one message header; longer headers are cut."));
    public static final Param SMTPD_HARD_ERROR_LIMIT = def(Param.integer("smtpd_hard_error_limit", "${stress?{1}:{20}}", 1, INT_MAX,
            "The number of errors after which the SMTP server disconnects."));
    public static final Param SMTPD_SOFT_ERROR_LIMIT = def(Param.integer("smtpd_soft_error_limit", "10", 1, INT_MAX,
            "The number of errors after which the SMTP server slows down each reply."));
    public static final Param SMTPD_ERROR_SLEEP_TIME = def(Param.time("smtpd_error_sleep_time", "1s", 's', 0, 100 * DAY,
            "How long the SMTP server pauses before an error reply once errors pile up."));
    public static final Param SMTPD_PEERNAME_LOOKUP = def(Param.bool("smtpd_peername_lookup", "yes",
            "Look up the client's host name; with no, every client is \"unknown\"."));
    public static final Param DEFAULT_PROCESS_LIMIT = def(Param.integer("default_process_limit", "100", 1, INT_MAX,
            "The default maximal number of processes of a master.cf service; for smtpd, concurrent sessions."));
    public static final Param SMTPD_CLIENT_CONNECTION_COUNT_LIMIT = def(Param.integer(
            "smtpd_client_connection_count_limit", "50", 0, INT_MAX,
            "The maximal number of simultaneous connections from one client; 0 means no limit."));
    public static final Param SMTPD_CLIENT_CONNECTION_RATE_LIMIT = def(Param.integer(
            "smtpd_client_connection_rate_limit", "0", 0, INT_MAX,
            "The maximal number of connections per minute from one client; 0 means no limit."));
    public static final Param ANVIL_RATE_TIME_UNIT = def(Param.time("anvil_rate_time_unit", "60s", 's', 1, 100 * DAY,
            "The time window over which per-client connection rates are counted."));
    public static final Param SMTPD_CLIENT_EVENT_LIMIT_EXCEPTIONS = def(Param.patterns("smtpd_client_event_limit_exceptions",
            "$mynetworks", "Clients (network/mask) exempt from the per-client connection, message and recipient limits."));
    public static final Param SMTPD_CLIENT_MESSAGE_RATE_LIMIT = def(Param.integer(
            "smtpd_client_message_rate_limit", "0", 0, INT_MAX,
            "The maximal number of MAIL FROM commands per anvil_rate_time_unit from one client; 0 means no limit."));
    public static final Param SMTPD_CLIENT_RECIPIENT_RATE_LIMIT = def(Param.integer(
            "smtpd_client_recipient_rate_limit", "0", 0, INT_MAX,
            "The maximal number of RCPT TO commands per anvil_rate_time_unit from one client; 0 means no limit."));
    public static final Param SMTPD_CLIENT_NEW_TLS_SESSION_RATE_LIMIT = def(Param.integer(
            "smtpd_client_new_tls_session_rate_limit", "0", 0, INT_MAX,
            "The maximal number of new TLS sessions per anvil_rate_time_unit from one client; 0 means no limit."
            + NOT_YET));
    public static final Param SMTPD_UPSTREAM_PROXY_PROTOCOL = def(Param.string("smtpd_upstream_proxy_protocol", "",
            "The proxy protocol in front of the SMTP server: empty (none) or haproxy (a PROXY v1 or v2 header"
            + " names the real client)."));
    public static final Param SMTPD_UPSTREAM_PROXY_TIMEOUT = def(Param.time("smtpd_upstream_proxy_timeout", "5s", 's', 1,
            100 * DAY, "How long the SMTP server waits for the proxy protocol header."));
    public static final Param SMTPD_FORBID_BARE_NEWLINE = def(Param.string("smtpd_forbid_bare_newline", "normalize",
            "Bare <LF> handling: normalize (a line end, but only CRLF.CRLF ends DATA), reject, or no."));
    public static final Param SMTPD_FORBID_BARE_NEWLINE_EXCLUSIONS = def(Param.patterns(
            "smtpd_forbid_bare_newline_exclusions", "$mynetworks",
            "Clients (network/mask) to which smtpd_forbid_bare_newline does not apply."));
    public static final Param SMTPD_FORBID_BARE_NEWLINE_REJECT_CODE = def(Param.integer(
            "smtpd_forbid_bare_newline_reject_code", "550", 400, 599,
            "The reply code when smtpd_forbid_bare_newline = reject refuses a bare <LF>."));
    public static final Param SMTPUTF8_ENABLE = def(Param.bool("smtputf8_enable", "yes",
            "Offer SMTPUTF8 and accept UTF-8 addresses and headers."));
    public static final Param SMTPUTF8_AUTODETECT_CLASSES = def(Param.list("smtputf8_autodetect_classes", "sendmail, verify",
            "The mail origins (sendmail, smtpd, forward, bounce, verify, all, ...) whose mail needs SMTPUTF8"
            + " as soon as its sender or headers contain UTF-8, even without an SMTPUTF8 request."));
    public static final Param DISABLE_VRFY_COMMAND = def(Param.bool("disable_vrfy_command", "no",
            "Refuse the VRFY command, so that addresses cannot be probed."));

    // --- smtpd access restrictions
    static { section("SMTP server access restrictions"); }
    public static final Param SMTPD_HELO_REQUIRED = def(Param.bool("smtpd_helo_required", "no",
            "Require HELO or EHLO before MAIL FROM (503 5.5.1 otherwise)."));
    public static final Param SMTPD_DELAY_REJECT = def(Param.bool("smtpd_delay_reject", "yes",
            "Evaluate client, HELO and sender restrictions at RCPT TO and report their rejection there;"
            + " with no, each list acts at its own command."));
    public static final Param SMTPD_CLIENT_RESTRICTIONS = def(Param.list("smtpd_client_restrictions", "",
            "Access restrictions on the client's address and name (see docs/smtpd-access.md)."));
    public static final Param SMTPD_HELO_RESTRICTIONS = def(Param.list("smtpd_helo_restrictions", "",
            "Access restrictions on the HELO or EHLO argument."));
    public static final Param SMTPD_SENDER_RESTRICTIONS = def(Param.list("smtpd_sender_restrictions", "",
            "Access restrictions on the MAIL FROM address."));
    public static final Param SMTPD_RELAY_RESTRICTIONS = def(Param.list("smtpd_relay_restrictions",
            "permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination",
            "Relay control at RCPT TO, evaluated before smtpd_recipient_restrictions."));
    public static final Param SMTPD_RECIPIENT_RESTRICTIONS = def(Param.list("smtpd_recipient_restrictions", "",
            "Access restrictions on each RCPT TO address, after the relay restrictions."));
    public static final Param SMTPD_ETRN_RESTRICTIONS = def(Param.list("smtpd_etrn_restrictions", "",
            "Access restrictions on the ETRN command's domain (permit_mynetworks, reject, check_client_access...)."));
    public static final Param SMTPD_DATA_RESTRICTIONS = def(Param.list("smtpd_data_restrictions", "",
            "Access restrictions applied when the client sends DATA."));
    public static final Param SMTPD_END_OF_DATA_RESTRICTIONS = def(Param.list("smtpd_end_of_data_restrictions", "",
            "Access restrictions applied after the end of the message content, before it is queued."));
    public static final Param SMTPD_REJECT_UNLISTED_RECIPIENT = def(Param.bool("smtpd_reject_unlisted_recipient", "yes",
            "Reject unknown local recipients (local_recipient_maps) even without reject_unlisted_recipient."));
    public static final Param SMTPD_NULL_ACCESS_LOOKUP_KEY = def(Param.string("smtpd_null_access_lookup_key", "<>",
            "The access table key that stands for the null sender address."));
    public static final Param SMTPD_DISCARD_EHLO_KEYWORDS = def(Param.list("smtpd_discard_ehlo_keywords", "",
            "EHLO keywords (pipelining, starttls, auth, dsn, chunking, smtputf8...) not offered to clients; the matching"
            + " command or parameter is then refused; silent-discard: do not log it."));
    public static final Param SMTPD_DISCARD_EHLO_KEYWORD_ADDRESS_MAPS = def(Param.tables(
            "smtpd_discard_ehlo_keyword_address_maps", "",
            "Tables from a client address to the EHLO keywords not offered to it (instead of smtpd_discard_ehlo_keywords)."));
    public static final Param SMTPD_PROXY_FILTER = def(Param.string("smtpd_proxy_filter", "",
            "A before-queue content filter (host:port, inet:host:port or unix:path): the client's MAIL, RCPT and DATA"
            + " go to this SMTP server, whose replies the client gets; nothing is queued here."));
    public static final Param SMTPD_PROXY_TIMEOUT = def(Param.time("smtpd_proxy_timeout", "100s", 's', 1, 86400 * 365L,
            "The time limit for connecting to the smtpd_proxy_filter and for each of its replies."));
    public static final Param SMTPD_PROXY_EHLO = def(Param.string("smtpd_proxy_ehlo", "$myhostname",
            "The name this server sends in its EHLO to the smtpd_proxy_filter."));
    public static final Param SMTPD_PROXY_OPTIONS = def(Param.list("smtpd_proxy_options", "",
            "speed_adjust: receive the whole message before the smtpd_proxy_filter is connected."));
    public static final Param SMTPD_REJECT_UNLISTED_SENDER = def(Param.bool("smtpd_reject_unlisted_sender", "no",
            "Reject a sender address in our domains that is no valid recipient there, even without reject_unlisted_sender."));
    public static final Param SMTPD_RESTRICTION_CLASSES = def(Param.list("smtpd_restriction_classes", "",
            "Names of user-defined restriction lists: each name is a main.cf parameter whose value is a restriction"
            + " list, usable as a restriction word (often as an access table result)."));
    public static final Param UNKNOWN_HOSTNAME_REJECT_CODE = def(Param.integer("unknown_hostname_reject_code", "450",
            400, 599, "The reply code of reject_unknown_helo_hostname when the name has no A, AAAA or MX record."));
    public static final Param UNKNOWN_HELO_HOSTNAME_TEMPFAIL_ACTION = def(Param.string(
            "unknown_helo_hostname_tempfail_action", "$reject_tempfail_action",
            "What reject_unknown_helo_hostname does when DNS fails for the moment: defer_if_permit or defer."));
    public static final Param UNKNOWN_ADDRESS_TEMPFAIL_ACTION = def(Param.string(
            "unknown_address_tempfail_action", "$reject_tempfail_action",
            "What reject_unknown_sender_domain and reject_unknown_recipient_domain do when DNS fails for the moment:"
            + " defer_if_permit or defer."));
    public static final Param UNKNOWN_RELAY_RECIPIENT_REJECT_CODE = def(Param.integer(
            "unknown_relay_recipient_reject_code", "550", 400, 599,
            "The reply code for a recipient in relay_domains that relay_recipient_maps does not list."));
    public static final Param SHOW_USER_UNKNOWN_TABLE_NAME = def(Param.bool("show_user_unknown_table_name", "yes",
            "Name the table in \"User unknown in ... table\" replies (no: just \"User unknown\")."));
    public static final Param PARENT_DOMAIN_MATCHES_SUBDOMAINS = def(Param.list("parent_domain_matches_subdomains",
            "debug_peer_list,fast_flush_domains,mynetworks,permit_mx_backup_networks,qmqpd_authorized_clients,"
            + "relay_domains,smtpd_access_maps",
            "Features where a table entry example.com also matches its subdomains (else write .example.com)."));
    public static final Param REJECT_CODE = def(Param.integer("reject_code", "554", 400, 599,
            "The reply code of the reject restriction."));
    public static final Param DEFER_CODE = def(Param.integer("defer_code", "450", 400, 499,
            "The reply code of the defer restriction."));
    public static final Param RELAY_DOMAINS_REJECT_CODE = def(Param.integer("relay_domains_reject_code", "554", 400, 599,
            "The reply code of reject_unauth_destination."));
    public static final Param ACCESS_MAP_REJECT_CODE = def(Param.integer("access_map_reject_code", "554", 400, 599,
            "The reply code of an access table REJECT result."));
    public static final Param ACCESS_MAP_DEFER_CODE = def(Param.integer("access_map_defer_code", "450", 400, 499,
            "The reply code of an access table DEFER result."));
    public static final Param UNKNOWN_ADDRESS_REJECT_CODE = def(Param.integer("unknown_address_reject_code", "450", 400, 599,
            "The reply code of reject_unknown_sender_domain when the domain has no MX and no address."));
    public static final Param UNKNOWN_CLIENT_REJECT_CODE = def(Param.integer("unknown_client_reject_code", "450", 400, 599,
            "The reply code of reject_unknown_client_hostname."));
    public static final Param UNKNOWN_LOCAL_RECIPIENT_REJECT_CODE = def(Param.integer(
            "unknown_local_recipient_reject_code", "550", 400, 599,
            "The reply code for a local recipient that local_recipient_maps does not list."));
    public static final Param INVALID_HOSTNAME_REJECT_CODE = def(Param.integer("invalid_hostname_reject_code", "501", 400, 599,
            "The reply code of reject_invalid_helo_hostname."));
    public static final Param NON_FQDN_REJECT_CODE = def(Param.integer("non_fqdn_reject_code", "504", 400, 599,
            "The reply code of reject_non_fqdn_helo_hostname, _sender and _recipient."));
    public static final Param MAPS_RBL_REJECT_CODE = def(Param.integer("maps_rbl_reject_code", "554", 400, 599,
            "The reply code ($rbl_code) of reject_rbl_client and the reject_rhsbl_* restrictions."));
    public static final Param DEFAULT_RBL_REPLY = def(Param.string("default_rbl_reply",
            "$rbl_code Service unavailable; $rbl_class [$rbl_what] blocked using $rbl_domain${rbl_reason?; $rbl_reason}",
            "The reply template of a DNS blocklist refusal; its $names are $rbl_* and client attributes, not parameters."));
    public static final Param RBL_REPLY_MAPS = def(Param.tables("rbl_reply_maps", "",
            "Tables of reply templates per DNS blocklist domain, instead of default_rbl_reply."));

    public static final Param SMTPD_POLICY_SERVICE_TIMEOUT = def(Param.time("smtpd_policy_service_timeout", "100s", 's', 1,
            100 * DAY, "The time limit for connecting to, writing to or reading from a policy server (check_policy_service)."));
    public static final Param SMTPD_POLICY_SERVICE_MAX_IDLE = def(Param.time("smtpd_policy_service_max_idle", "300s", 's', 1,
            100 * DAY, "An unused connection to a policy server is closed after this time."));
    public static final Param SMTPD_POLICY_SERVICE_MAX_TTL = def(Param.time("smtpd_policy_service_max_ttl", "1000s", 's', 1,
            100 * DAY, "A connection to a policy server is closed (between requests) after this time."));
    public static final Param SMTPD_POLICY_SERVICE_REQUEST_LIMIT = def(Param.integer("smtpd_policy_service_request_limit",
            "0", 0, INT_MAX, "The most requests per policy server connection; 0 means no limit."));
    public static final Param SMTPD_POLICY_SERVICE_TRY_LIMIT = def(Param.integer("smtpd_policy_service_try_limit", "2", 1,
            INT_MAX, "The attempts to send a policy request before the default action applies."));
    public static final Param SMTPD_POLICY_SERVICE_RETRY_DELAY = def(Param.time("smtpd_policy_service_retry_delay", "1s",
            's', 1, 100 * DAY, "The pause between attempts to send a policy request."));
    public static final Param SMTPD_POLICY_SERVICE_DEFAULT_ACTION = def(Param.string(
            "smtpd_policy_service_default_action", "451 4.3.5 Server configuration problem",
            "The access(5) action when a policy server cannot be asked."));
    public static final Param SMTPD_POLICY_SERVICE_POLICY_CONTEXT = def(Param.string(
            "smtpd_policy_service_policy_context", "",
            "Sent to policy servers as policy_context=, so that one server can serve several configurations."));

    // --- TLS and SASL
    static { section("TLS and SASL"); }
    public static final Param SMTPD_TLS_SECURITY_LEVEL = def(Param.string("smtpd_tls_security_level", "",
            "TLS in the SMTP server: empty or none, may (offer STARTTLS), encrypt (require it before MAIL)."));
    public static final Param SMTPD_TLS_CERT_FILE = def(Param.path("smtpd_tls_cert_file", "",
            "The SMTP server's RSA certificate (and its chain), in PEM format."));
    public static final Param SMTPD_TLS_KEY_FILE = def(Param.path("smtpd_tls_key_file", "$smtpd_tls_cert_file",
            "The private key of smtpd_tls_cert_file, in PEM format (PKCS#8, PKCS#1 or SEC1; not encrypted)."));
    public static final Param SMTPD_TLS_ECCERT_FILE = def(Param.path("smtpd_tls_eccert_file", "",
            "The SMTP server's ECDSA certificate (and its chain), in PEM format."));
    public static final Param SMTPD_TLS_ECKEY_FILE = def(Param.path("smtpd_tls_eckey_file", "$smtpd_tls_eccert_file",
            "The private key of smtpd_tls_eccert_file, in PEM format."));
    public static final Param SMTPD_TLS_CHAIN_FILES = def(Param.list("smtpd_tls_chain_files", "",
            "PEM files each holding a private key followed by its certificate chain; when set, the cert/key"
            + " parameters are ignored."));
    public static final Param SMTPD_TLS_PROTOCOLS = def(Param.list("smtpd_tls_protocols", ">=TLSv1",
            "TLS protocols for opportunistic TLS (level may): \"!SSLv3, !TLSv1\" or \">=TLSv1.2\"; the JDK's own"
            + " limits still apply."));
    public static final Param SMTPD_TLS_MANDATORY_PROTOCOLS = def(Param.list("smtpd_tls_mandatory_protocols", ">=TLSv1",
            "TLS protocols at level encrypt, same syntax as smtpd_tls_protocols."));
    public static final Param SMTPD_TLS_CIPHERS = def(Param.string("smtpd_tls_ciphers", "medium",
            "Cipher grade for opportunistic TLS: export, low, medium (the JDK's default suites) or high"
            + " (AEAD suites only); null (unencrypted suites) is refused by the JDK."));
    public static final Param SMTPD_TLS_MANDATORY_CIPHERS = def(Param.string("smtpd_tls_mandatory_ciphers", "medium",
            "Cipher grade at level encrypt, as smtpd_tls_ciphers."));
    public static final Param SMTPD_TLS_LOGLEVEL = def(Param.integer("smtpd_tls_loglevel", "0", 0, 4,
            "SMTP server TLS logging: 0 none, 1 or more a summary line per TLS handshake."));
    public static final Param SMTPD_TLS_RECEIVED_HEADER = def(Param.bool("smtpd_tls_received_header", "no",
            "Record the TLS protocol and cipher in the Received: header."));
    public static final Param SMTPD_TLS_WRAPPERMODE = def(Param.bool("smtpd_tls_wrappermode", "no",
            "Implicit TLS: the handshake comes before the greeting (the smtps/submissions port 465, set with -o)."));
    public static final Param SMTPD_STARTTLS_TIMEOUT = def(Param.time("smtpd_starttls_timeout",
            "${stress?{10}:{300}}s", 's', 1, 100 * DAY, "The longest a TLS handshake in the SMTP server may take."));
    public static final Param SMTPD_TLS_AUTH_ONLY = def(Param.bool("smtpd_tls_auth_only", "no",
            "Offer AUTH only after STARTTLS; before it AUTH is refused with 504 5.5.4."));
    public static final Param SMTPD_USE_TLS = def(Param.bool("smtpd_use_tls", "no",
            "Before smtpd_tls_security_level: yes means level may (used only when that parameter is empty)."));
    public static final Param SMTPD_ENFORCE_TLS = def(Param.bool("smtpd_enforce_tls", "no",
            "Before smtpd_tls_security_level: yes means level encrypt (used only when that parameter is empty)."));
    public static final Param SMTPD_TLS_EXCLUDE_CIPHERS = def(Param.list("smtpd_tls_exclude_ciphers", "",
            "OpenSSL cipher classes or names (aNULL, RC4, DES-CBC3-SHA) the SMTP server never uses."));
    public static final Param SMTPD_TLS_MANDATORY_EXCLUDE_CIPHERS = def(Param.list("smtpd_tls_mandatory_exclude_ciphers",
            "", "More ciphers to leave out at level encrypt and in wrapper mode."));
    public static final Param SMTPD_TLS_DH1024_PARAM_FILE = def(Param.path("smtpd_tls_dh1024_param_file", "",
            "DH parameters in PEM; read (through the privileged process) and checked; the JDK uses its own"
            + " RFC 7919 groups."));
    public static final Param SMTPD_TLS_DH512_PARAM_FILE = def(Param.path("smtpd_tls_dh512_param_file", "",
            "Export-grade DH parameters; ignored, as by Postfix 3.6 and later."));
    public static final Param SMTPD_TLS_EECDH_GRADE = def(Param.string("smtpd_tls_eecdh_grade", "auto",
            "The ECDHE curve choice; the JDK negotiates its named groups itself." + NOT_YET));
    public static final Param SMTPD_TLS_CAFILE = def(Param.path("smtpd_tls_CAfile", "",
            "CA certificates for client certificates; client certificates are not asked for." + NOT_YET));
    public static final Param SMTPD_TLS_CAPATH = def(Param.path("smtpd_tls_CApath", "",
            "A directory of CA certificates for client certificates." + NOT_YET));
    public static final Param SMTPD_TLS_ASK_CCERT = def(Param.bool("smtpd_tls_ask_ccert", "no",
            "Ask clients for a certificate." + NOT_YET));
    public static final Param SMTPD_TLS_REQ_CCERT = def(Param.bool("smtpd_tls_req_ccert", "no",
            "Require a client certificate at level encrypt." + NOT_YET));
    public static final Param SMTPD_TLS_SESSION_CACHE_DATABASE = def(Param.string("smtpd_tls_session_cache_database", "",
            "Accepted; sessions are cached in the JDK's memory cache of the server context, not in a file."));
    public static final Param SMTPD_TLS_SESSION_CACHE_TIMEOUT = def(Param.time("smtpd_tls_session_cache_timeout",
            "3600s", 's', 0, 100 * DAY, "How long a TLS session of the SMTP server may be resumed."));
    public static final Param SMTP_TLS_SECURITY_LEVEL = def(Param.string("smtp_tls_security_level", "",
            "TLS in the SMTP client: empty or none, may, encrypt, fingerprint, verify, secure, dane, dane-only."));
    public static final Param SMTP_USE_TLS = def(Param.bool("smtp_use_tls", "no",
            "Before smtp_tls_security_level: yes means level may (used only when that parameter is empty)."));
    public static final Param SMTP_ENFORCE_TLS = def(Param.bool("smtp_enforce_tls", "no",
            "Before smtp_tls_security_level: yes means level encrypt, or verify with smtp_tls_enforce_peername."));
    public static final Param SMTP_TLS_ENFORCE_PEERNAME = def(Param.bool("smtp_tls_enforce_peername", "yes",
            "With smtp_enforce_tls = yes: verify the server's name (level verify) rather than only encrypt."));
    public static final Param SMTP_TLS_CERT_FILE = def(Param.path("smtp_tls_cert_file", "",
            "The SMTP client's RSA certificate (and chain), PEM, offered when a server asks for one."));
    public static final Param SMTP_TLS_KEY_FILE = def(Param.path("smtp_tls_key_file", "$smtp_tls_cert_file",
            "The private key of smtp_tls_cert_file, PEM."));
    public static final Param SMTP_TLS_ECCERT_FILE = def(Param.path("smtp_tls_eccert_file", "",
            "The SMTP client's ECDSA certificate (and chain), PEM."));
    public static final Param SMTP_TLS_ECKEY_FILE = def(Param.path("smtp_tls_eckey_file", "$smtp_tls_eccert_file",
            "The private key of smtp_tls_eccert_file, PEM."));
    public static final Param SMTP_TLS_CHAIN_FILES = def(Param.list("smtp_tls_chain_files", "",
            "PEM files with the SMTP client's private keys, each followed by its certificate chain."));
    public static final Param SMTP_TLS_CAFILE = def(Param.path("smtp_tls_CAfile", "",
            "CA certificates (PEM) the SMTP client trusts at levels verify and secure."));
    public static final Param SMTP_TLS_CAPATH = def(Param.path("smtp_tls_CApath", "",
            "A directory of CA certificates (PEM files) the SMTP client trusts at levels verify and secure."));
    public static final Param TLS_APPEND_DEFAULT_CA = def(Param.bool("tls_append_default_CA", "no",
            "Also trust the JDK's own CA list (its cacerts), besides the CAfile and CApath ones."));
    public static final Param SMTP_TLS_TRUST_ANCHOR_FILE = def(Param.list("smtp_tls_trust_anchor_file", "",
            "PEM files of trust-anchor certificates or public keys; when set, the CAs are no longer trusted"
            + " at levels verify and secure."));
    public static final Param SMTP_TLS_PROTOCOLS = def(Param.list("smtp_tls_protocols", ">=TLSv1",
            "TLS protocols of the SMTP client at level may (syntax of smtpd_tls_protocols)."));
    public static final Param SMTP_TLS_MANDATORY_PROTOCOLS = def(Param.list("smtp_tls_mandatory_protocols", ">=TLSv1",
            "TLS protocols of the SMTP client at level encrypt and above."));
    public static final Param SMTP_TLS_CIPHERS = def(Param.string("smtp_tls_ciphers", "medium",
            "Cipher grade of the SMTP client at level may."));
    public static final Param SMTP_TLS_MANDATORY_CIPHERS = def(Param.string("smtp_tls_mandatory_ciphers", "medium",
            "Cipher grade of the SMTP client at level encrypt and above."));
    public static final Param SMTP_TLS_EXCLUDE_CIPHERS = def(Param.list("smtp_tls_exclude_ciphers", "",
            "Ciphers the SMTP client never uses (smtpd_tls_exclude_ciphers syntax)."));
    public static final Param SMTP_TLS_MANDATORY_EXCLUDE_CIPHERS = def(Param.list("smtp_tls_mandatory_exclude_ciphers",
            "", "More ciphers the SMTP client leaves out at level encrypt and above."));
    public static final Param SMTP_TLS_VERIFY_CERT_MATCH = def(Param.list("smtp_tls_verify_cert_match", "hostname",
            "Names the server certificate must match at level verify: hostname, nexthop, dot-nexthop, names, .domains."));
    public static final Param SMTP_TLS_SECURE_CERT_MATCH = def(Param.list("smtp_tls_secure_cert_match",
            "nexthop, dot-nexthop", "Names the server certificate must match at level secure."));
    public static final Param SMTP_TLS_FINGERPRINT_CERT_MATCH = def(Param.list("smtp_tls_fingerprint_cert_match", "",
            "Certificate or public-key fingerprints accepted at level fingerprint."));
    public static final Param SMTP_TLS_FINGERPRINT_DIGEST = def(Param.string("smtp_tls_fingerprint_digest", "sha256",
            "The digest of smtp_tls_fingerprint_cert_match: sha256, sha1, md5, sha512."));
    public static final Param SMTP_TLS_POLICY_MAPS = def(Param.tables("smtp_tls_policy_maps", "",
            "Tables from a next-hop destination to a TLS level with attributes (match=, protocols=, ciphers=,"
            + " exclude=, tafile=)."));
    public static final Param SMTP_TLS_SERVERNAME = def(Param.string("smtp_tls_servername", "",
            "The SNI name the SMTP client sends: empty (none), hostname, nexthop, or a name."));
    public static final Param SMTP_TLS_NOTE_STARTTLS_OFFER = def(Param.bool("smtp_tls_note_starttls_offer", "no",
            "Log \"Host offered STARTTLS: [host]\" when a server offers STARTTLS that the client does not use."));
    public static final Param SMTP_TLS_SESSION_CACHE_DATABASE = def(Param.string("smtp_tls_session_cache_database", "",
            "Accepted; the SMTP client resumes sessions from the JDK's memory cache, not from a file."));
    public static final Param SMTP_TLS_SESSION_CACHE_TIMEOUT = def(Param.time("smtp_tls_session_cache_timeout",
            "3600s", 's', 0, 100 * DAY, "How long the SMTP client may resume a TLS session."));
    public static final Param SMTP_TLS_DANE_INSECURE_MX_POLICY = def(Param.string("smtp_tls_dane_insecure_mx_policy", "",
            "For MX records that are not DNSSEC-validated: dane (still look for TLSA), may or encrypt; empty is"
            + " Postfix's default, dane when smtp_tls_security_level is dane, else may."));
    public static final Param SMTP_DNS_SUPPORT_LEVEL = def(Param.string("smtp_dns_support_level", "",
            "SMTP client DNS: empty or enabled, disabled, dnssec (DNSSEC-validated lookups, needed for DANE)."));
    public static final Param SMTP_TLS_SCERT_VERIFYDEPTH = def(Param.integer("smtp_tls_scert_verifydepth", "9", 1, 100,
            "The longest server certificate chain the SMTP client verifies." + NOT_YET));
    public static final Param SMTP_TLS_WRAPPERMODE = def(Param.bool("smtp_tls_wrappermode", "no",
            "Connect with TLS at once (SMTPS, port 465) instead of STARTTLS; needs level encrypt or above."));
    public static final Param SMTP_TLS_CONNECTION_REUSE = def(Param.bool("smtp_tls_connection_reuse", "no",
            "Reuse TLS connections through a tlsproxy." + NOT_YET));
    public static final Param TLS_SSL_OPTIONS = def(Param.list("tls_ssl_options", "",
            "OpenSSL option names: NO_RENEGOTIATION (always so here), NO_COMPRESSION (the JDK never compresses),"
            + " NO_TICKET, ENABLE_MIDDLEBOX_COMPAT, LEGACY_SERVER_CONNECT, PRIORITIZE_CHACHA, ... or 0x bits."));
    public static final Param TLS_HIGH_CIPHERLIST = def(Param.string("tls_high_cipherlist", "aNULL:-aNULL:HIGH:@STRENGTH",
            "OpenSSL's list behind the grade high; the JDK's AEAD suites are used instead." + NOT_YET));
    public static final Param TLS_MEDIUM_CIPHERLIST = def(Param.string("tls_medium_cipherlist",
            "aNULL:-aNULL:HIGH:MEDIUM:+RC4:@STRENGTH",
            "OpenSSL's list behind the grade medium; the JDK's default suites are used instead." + NOT_YET));
    public static final Param TLS_PREEMPT_CIPHERLIST = def(Param.bool("tls_preempt_cipherlist", "no",
            "Server cipher preference; the JDK's server already prefers its own order." + NOT_YET));
    public static final Param TLS_RANDOM_SOURCE = def(Param.string("tls_random_source", "dev:/dev/urandom",
            "The entropy source; the JDK seeds its own SecureRandom." + NOT_YET));
    public static final Param TLS_SERVER_SNI_MAPS = def(Param.tables("tls_server_sni_maps", "",
            "Per-name server keys for SNI." + NOT_YET));
    public static final Param TLS_WILDCARD_MATCHES_MULTIPLE_LABELS = def(Param.bool("tls_wildcard_matches_multiple_labels",
            "yes", "A certificate name *.example.com also matches a.b.example.com."));
    public static final Param SMTPD_SASL_AUTH_ENABLE = def(Param.bool("smtpd_sasl_auth_enable", "no",
            "Offer SMTP AUTH (RFC 4954) to clients, checked by the SASL server of smtpd_sasl_type."));
    public static final Param SMTPD_SASL_TYPE = def(Param.string("smtpd_sasl_type", "cyrus",
            "The SASL implementation the SMTP server uses: dovecot (Dovecot's auth service), or cyrus (PLAIN and"
            + " LOGIN with passwords checked by saslauthd, from the Cyrus application file)."));
    public static final Param SMTPD_SASL_PATH = def(Param.string("smtpd_sasl_path", "smtpd",
            "For dovecot, the auth socket: a UNIX-domain socket path (relative to $queue_directory, e.g."
            + " private/auth), or inet:host:port; for cyrus, the application name (NAME.conf is read)."));
    public static final Param CYRUS_SASL_CONFIG_PATH = def(Param.string("cyrus_sasl_config_path", "",
            "Colon-separated directories searched for the Cyrus SASL application file (smtpd.conf); empty:"
            + " /etc/postfix/sasl, /etc/sasl2, /usr/lib/sasl2."));
    public static final Param SMTPD_SASL_SERVICE = def(Param.string("smtpd_sasl_service", "smtp",
            "The service name the SMTP server gives the SASL server (Dovecot's %s)."));
    public static final Param SMTPD_SASL_SECURITY_OPTIONS = def(Param.list("smtpd_sasl_security_options", "noanonymous",
            "Which SASL mechanisms the SMTP server offers on a plain connection: noanonymous, noplaintext."));
    public static final Param SMTPD_SASL_TLS_SECURITY_OPTIONS = def(Param.list("smtpd_sasl_tls_security_options",
            "$smtpd_sasl_security_options",
            "The SASL security options under TLS."));
    public static final Param SMTPD_SASL_LOCAL_DOMAIN = def(Param.string("smtpd_sasl_local_domain", "",
            "The SASL realm: given to saslauthd with smtpd_sasl_type = cyrus; Dovecot ignores it."));
    public static final Param SMTPD_SASL_AUTHENTICATED_HEADER = def(Param.bool("smtpd_sasl_authenticated_header", "no",
            "Write the SASL login name into the Received: header: (Authenticated sender: name)."));
    public static final Param SMTPD_SASL_EXCEPTIONS_NETWORKS = def(Param.patterns("smtpd_sasl_exceptions_networks", "",
            "Clients (network/mask) to which EHLO does not offer AUTH."));
    public static final Param BROKEN_SASL_AUTH_CLIENTS = def(Param.bool("broken_sasl_auth_clients", "no",
            "Also offer AUTH in the obsolete AUTH=mechanisms form, for old Outlook clients."));
    public static final Param SMTPD_SASL_RESPONSE_LIMIT = def(Param.integer("smtpd_sasl_response_limit", "12288", 1,
            Integer.MAX_VALUE, "The longest SASL response line a client may send after a 334 challenge."));
    public static final Param IPC_TIMEOUT = def(Param.time("ipc_timeout", "3600s", 's', 1, 100 * DAY,
            "The longest wait for an answer over an internal channel: here Dovecot's auth socket (smtpd_sasl_path),"
            + " and each read of the public/postdrop service from sendmail's thin client."));
    public static final Param MAX_IDLE = def(Param.time("max_idle", "100s", 's', 1, 100 * DAY,
            "How long the privileged delivery process (local, virtual, pipe, root-only files) waits for a request"
            + " before it exits; the next request starts it again. It never exits while it serves spawn services."));
    public static final Param SMTPD_CLIENT_AUTH_RATE_LIMIT = def(Param.integer("smtpd_client_auth_rate_limit", "0", 0,
            Integer.MAX_VALUE, "The most AUTH commands a client may send per anvil_rate_time_unit; 0: no limit."));
    public static final Param SMTPD_SENDER_LOGIN_MAPS = def(Param.tables("smtpd_sender_login_maps", "",
            "Tables from a MAIL FROM address to the SASL login names that own it"
            + " (reject_sender_login_mismatch and its relatives)."));
    public static final Param SMTP_SASL_AUTH_ENABLE = def(Param.bool("smtp_sasl_auth_enable", "no",
            "Let the SMTP client authenticate (AUTH PLAIN or LOGIN) to servers it has a password for."));
    public static final Param SMTP_SASL_PASSWORD_MAPS = def(Param.tables("smtp_sasl_password_maps", "",
            "Tables from a sender (with smtp_sender_dependent_authentication), next-hop as written"
            + " ([smtp.example.com]:587) or server name to the user:password the SMTP client sends;"
            + " read by the privileged side, so a root-only (0600) file works."));
    public static final Param SMTP_SASL_SECURITY_OPTIONS = def(Param.list("smtp_sasl_security_options",
            "noplaintext, noanonymous",
            "SASL options outside TLS: noplaintext (also noactive, nodictionary, mutual_auth) forbids PLAIN and"
            + " LOGIN, so no password is sent in the clear; noanonymous forbids ANONYMOUS."));
    public static final Param SMTP_SASL_TLS_SECURITY_OPTIONS = def(Param.list("smtp_sasl_tls_security_options",
            "$smtp_sasl_security_options", "SASL options inside TLS (noanonymous lets PLAIN and LOGIN through)."));
    public static final Param SMTP_SASL_TLS_VERIFIED_SECURITY_OPTIONS = def(Param.list(
            "smtp_sasl_tls_verified_security_options", "$smtp_sasl_tls_security_options",
            "SASL options inside TLS with a verified server certificate."));
    public static final Param SMTP_SASL_MECHANISM_FILTER = def(Param.list("smtp_sasl_mechanism_filter", "",
            "If set, only the mechanisms it matches are used: names, !name exclusions, /file/name or type:table."));
    public static final Param SMTP_SASL_AUTH_SOFT_BOUNCE = def(Param.bool("smtp_sasl_auth_soft_bounce", "yes",
            "A server that rejects the password with a 5xx reply defers the mail instead of bouncing it."));
    public static final Param SMTP_SASL_TYPE = def(Param.string("smtp_sasl_type", "cyrus",
            "The SMTP client's SASL implementation: cyrus, here the built-in PLAIN and LOGIN (postconf -A)."));
    public static final Param SMTP_SASL_PATH = def(Param.string("smtp_sasl_path", "",
            "Where the SASL plug-in finds its configuration; not used by the built-in client."));
    public static final Param SMTP_SASL_AUTH_CACHE_NAME = def(Param.string("smtp_sasl_auth_cache_name", "",
            "A cache of failed authentications (smtp_sasl_auth_soft_bounce)." + NOT_YET));
    public static final Param SMTP_SASL_AUTH_CACHE_TIME = def(Param.time("smtp_sasl_auth_cache_time", "90d", 'd', 0,
            100 * 365 * DAY, "How long smtp_sasl_auth_cache_name keeps an entry." + NOT_YET));
    public static final Param SMTP_SENDER_DEPENDENT_AUTHENTICATION = def(Param.bool(
            "smtp_sender_dependent_authentication", "no",
            "Look up smtp_sasl_password_maps by sender (address, then @domain) before the next-hop;"
            + " such sessions are not cached for other senders."));
    public static final Param SENDER_DEPENDENT_RELAYHOST_MAPS = def(Param.tables("sender_dependent_relayhost_maps", "",
            "Tables from a sender (address, then @domain) to the relayhost for that sender's mail;"
            + " DUNNO keeps $relayhost."));
    public static final Param EMPTY_ADDRESS_RELAYHOST_MAPS_LOOKUP_KEY = def(Param.string(
            "empty_address_relayhost_maps_lookup_key", "<>",
            "The sender_dependent_relayhost_maps key for mail from the null sender."));

    // --- queue manager
    static { section("Queue manager"); }
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
    public static final Param DELAY_WARNING_TIME = def(Param.time("delay_warning_time", "0h", 'h', 0, 100 * DAY,
            "After how long the sender is told that a message is still queued; 0 means never."));
    public static final Param NOTIFY_CLASSES = def(Param.list("notify_classes", "resource, software",
            "Which kinds of trouble are reported to the postmaster (bounce, 2bounce and delay are implemented)."));
    public static final Param BOUNCE_NOTICE_RECIPIENT = def(Param.string("bounce_notice_recipient", "postmaster",
            "Who gets the postmaster copy of a non-delivery notice (notify_classes bounce)."));
    public static final Param TWO_BOUNCE_NOTICE_RECIPIENT = def(Param.string("2bounce_notice_recipient", "postmaster",
            "Who gets undeliverable bounces (notify_classes 2bounce)."));
    public static final Param DELAY_NOTICE_RECIPIENT = def(Param.string("delay_notice_recipient", "postmaster",
            "Who gets the postmaster copy of a delay notice (notify_classes delay)."));
    public static final Param DOUBLE_BOUNCE_SENDER = def(Param.string("double_bounce_sender", "double-bounce",
            "The sender of postmaster notices; mail from it that cannot be delivered is discarded."));
    public static final Param QMGR_MESSAGE_ACTIVE_LIMIT = def(Param.integer("qmgr_message_active_limit", "20000", 1, INT_MAX,
            "The maximal number of messages in the active queue."));
    public static final Param DEFAULT_DESTINATION_CONCURRENCY_LIMIT = def(Param.integer(
            "default_destination_concurrency_limit", "20", 1, INT_MAX,
            "The maximal number of parallel deliveries to one destination; TRANSPORT_destination_concurrency_limit"
            + " overrides it for one master.cf transport (smtp-amavis_destination_concurrency_limit = 2)."));
    public static final Param INITIAL_DESTINATION_CONCURRENCY = def(Param.integer(
            "initial_destination_concurrency", "5", 1, INT_MAX,
            "How many parallel deliveries a destination starts with (slow start);"
            + " per transport: TRANSPORT_initial_destination_concurrency."));
    public static final Param DEFAULT_DESTINATION_CONCURRENCY_FAILED_COHORT_LIMIT = def(Param.integer(
            "default_destination_concurrency_failed_cohort_limit", "1", 1, INT_MAX,
            "How many failed delivery attempts in a row mark a destination as dead for a while;"
            + " per transport: TRANSPORT_destination_concurrency_failed_cohort_limit."));
    public static final Param DEFAULT_DESTINATION_RECIPIENT_LIMIT = def(Param.integer(
            "default_destination_recipient_limit", "50", 1, INT_MAX,
            "The maximal number of recipients per delivery to one destination;"
            + " per transport: TRANSPORT_destination_recipient_limit."));
    public static final Param DEFAULT_DESTINATION_RATE_DELAY = def(Param.time("default_destination_rate_delay", "0s", 's',
            0, 100 * DAY, "The least time between two deliveries to one destination; more than 0 also limits the"
            + " destination to one delivery at a time."));
    public static final Param LOCAL_DESTINATION_CONCURRENCY_LIMIT = def(Param.integer(
            "local_destination_concurrency_limit", "2", 1, INT_MAX,
            "The maximal number of parallel deliveries by the local transport (to one destination)."));
    public static final Param LOCAL_DESTINATION_RECIPIENT_LIMIT = def(Param.integer(
            "local_destination_recipient_limit", "1", 1, INT_MAX,
            "The maximal number of recipients per local delivery (one, so each gets its own .forward and mailbox run)."));
    public static final Param BOUNCE_SIZE_LIMIT = def(Param.integer("bounce_size_limit", "50000", 1, INT_MAX,
            "How much of an undeliverable message is returned to the sender."));
    public static final Param ENABLE_LONG_QUEUE_IDS = def(Param.bool("enable_long_queue_ids", "no",
            "Use long, non-repeating queue IDs."));
    public static final Param FAST_FLUSH_DOMAINS = def(Param.list("fast_flush_domains", "$relay_domains",
            "The destinations whose deferred mail the flush service lists per destination (in flush/), for ETRN"
            + " and postqueue -s."));
    public static final Param FAST_FLUSH_REFRESH_TIME = def(Param.time("fast_flush_refresh_time", "12h", 'h', 1, 100 * DAY,
            "After how long without a flush a destination's deferred mail is flushed anyway."));
    public static final Param FAST_FLUSH_PURGE_TIME = def(Param.time("fast_flush_purge_time", "7d", 'd', 1, 100 * DAY,
            "After how long an empty per-destination flush log is removed."));

    // --- smtp client
    static { section("SMTP client"); }
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
    public static final Param SMTP_RSET_TIMEOUT = def(Param.time("smtp_rset_timeout", "20s", 's', 1, 100 * DAY,
            "How long the SMTP client waits for the RSET reply that checks a cached connection (that RSET is pipelined with the envelope when the server offers PIPELINING)."));
    public static final Param SMTP_CONNECTION_CACHE_ON_DEMAND = def(Param.bool("smtp_connection_cache_on_demand", "yes",
            "Keep a connection open after a transaction, for the next delivery to the same next-hop."));
    public static final Param SMTP_CONNECTION_CACHE_TIME_LIMIT = def(Param.time("smtp_connection_cache_time_limit", "2s", 's', 1, 100 * DAY,
            "How long an unused cached SMTP client connection stays open."));
    public static final Param SMTP_CONNECTION_REUSE_TIME_LIMIT = def(Param.time("smtp_connection_reuse_time_limit", "300s", 's', 1, 100 * DAY,
            "How long after it was opened a connection may still be reused."));
    public static final Param SMTP_CONNECTION_REUSE_COUNT_LIMIT = def(Param.integer("smtp_connection_reuse_count_limit", "0", 0, INT_MAX,
            "How many times a connection may be reused, or 0 for no limit (a limit of N allows N+1 uses)."));
    public static final Param SMTP_TLS_LOGLEVEL = def(Param.integer("smtp_tls_loglevel", "0", 0, 4,
            "SMTP client TLS logging: 0 none, 1 or more a summary line per TLS handshake."));
    public static final Param SMTP_MX_ADDRESS_LIMIT = def(Param.integer("smtp_mx_address_limit", "5", 0, INT_MAX,
            "The most server addresses tried for one destination, or 0 for no limit."));
    public static final Param SMTP_MX_SESSION_LIMIT = def(Param.integer("smtp_mx_session_limit", "2", 0, INT_MAX,
            "The most sessions (past EHLO and TLS) per destination per delivery, or 0 for no limit."));
    public static final Param SMTP_LINE_LENGTH_LIMIT = def(Param.integer("smtp_line_length_limit", "998", 0, INT_MAX,
            "The longest content line the SMTP client sends; longer lines are broken with <CR><LF><SPACE>;"
            + " 0 means no limit."));
    public static final Param SMTP_HEADER_CHECKS = def(Param.tables("smtp_header_checks", "",
            "Pattern tables applied by the SMTP client to the primary message headers it sends"
            + " (WARN, INFO, IGNORE, STRIP, PREPEND, REPLACE, DUNNO)."));
    public static final Param SMTP_MIME_HEADER_CHECKS = def(Param.tables("smtp_mime_header_checks", "",
            "Pattern tables applied by the SMTP client to MIME headers (MIME-Version, Content-*, and MIME part headers)."));
    public static final Param SMTP_NESTED_HEADER_CHECKS = def(Param.tables("smtp_nested_header_checks", "",
            "Pattern tables applied by the SMTP client to the headers of attached messages (message/rfc822)."));
    public static final Param SMTP_BODY_CHECKS = def(Param.tables("smtp_body_checks", "",
            "Pattern tables applied by the SMTP client to each body line it sends, MIME boundaries included."));

    // --- address verification: the verify service, its probes and cache, reject_unverified_*
    static { section("Address verification"); }
    public static final Param ADDRESS_VERIFY_SERVICE_NAME = def(Param.string("address_verify_service_name", "verify",
            "The master.cf name of the address verification service (its command is verify)."));
    public static final Param ADDRESS_VERIFY_MAP = def(Param.string("address_verify_map",
            "btree:$data_directory/verify_cache",
            "Where probe results are kept (btree: and hash: are an MVStore file NAME.db here); empty: in memory only."));
    public static final Param ADDRESS_VERIFY_POSITIVE_EXPIRE_TIME = def(Param.time("address_verify_positive_expire_time",
            "31d", 'd', 1, 100_000 * DAY, "After how long a deliverable result is forgotten."));
    public static final Param ADDRESS_VERIFY_POSITIVE_REFRESH_TIME = def(Param.time("address_verify_positive_refresh_time",
            "7d", 'd', 1, 100_000 * DAY,
            "After how long a deliverable result is probed again (it stays valid meanwhile; a failed probe does not replace it)."));
    public static final Param ADDRESS_VERIFY_NEGATIVE_CACHE = def(Param.bool("address_verify_negative_cache", "yes",
            "Keep failed probe results; with no, every query of an address that failed sends a new probe."));
    public static final Param ADDRESS_VERIFY_NEGATIVE_EXPIRE_TIME = def(Param.time("address_verify_negative_expire_time",
            "3d", 'd', 1, 100_000 * DAY, "After how long a failed result is forgotten."));
    public static final Param ADDRESS_VERIFY_NEGATIVE_REFRESH_TIME = def(Param.time("address_verify_negative_refresh_time",
            "3h", 'h', 1, 100_000 * DAY, "After how long a failed result is probed again."));
    public static final Param ADDRESS_VERIFY_CACHE_CLEANUP_INTERVAL = def(Param.time(
            "address_verify_cache_cleanup_interval", "12h", 'h', 0, 100_000 * DAY,
            "How often expired results are removed from address_verify_map; 0: never."));
    public static final Param ADDRESS_VERIFY_POLL_COUNT = def(Param.integer("address_verify_poll_count",
            "${stress?{1}:{3}}", 1, INT_MAX,
            "How many times the SMTP server asks for the result of a probe in progress before it answers 450."));
    public static final Param ADDRESS_VERIFY_POLL_DELAY = def(Param.time("address_verify_poll_delay", "3s", 's', 1,
            100 * DAY, "The longest wait between two of those questions (an answer that comes sooner ends the wait)."));
    public static final Param ADDRESS_VERIFY_SENDER = def(Param.string("address_verify_sender", "$double_bounce_sender",
            "The sender of probe messages (@$myorigin is added to a bare name); empty or <> for the null sender."));
    public static final Param ADDRESS_VERIFY_SENDER_TTL = def(Param.time("address_verify_sender_ttl", "0s", 's', 0,
            100_000 * DAY, "How often the probe sender's local part changes (a time stamp is appended); 0: never."));
    public static final Param ADDRESS_VERIFY_RELAYHOST = def(Param.string("address_verify_relayhost", "$relayhost",
            "relayhost for probe messages."));
    public static final Param ADDRESS_VERIFY_TRANSPORT_MAPS = def(Param.tables("address_verify_transport_maps",
            "$transport_maps", "transport_maps for probe messages."));
    public static final Param ADDRESS_VERIFY_DEFAULT_TRANSPORT = def(Param.string("address_verify_default_transport",
            "$default_transport", "default_transport for probe messages."));
    public static final Param ADDRESS_VERIFY_LOCAL_TRANSPORT = def(Param.string("address_verify_local_transport",
            "$local_transport", "local_transport for probe messages."));
    public static final Param ADDRESS_VERIFY_VIRTUAL_TRANSPORT = def(Param.string("address_verify_virtual_transport",
            "$virtual_transport", "virtual_transport for probe messages."));
    public static final Param ADDRESS_VERIFY_RELAY_TRANSPORT = def(Param.string("address_verify_relay_transport",
            "$relay_transport", "relay_transport for probe messages."));
    public static final Param ADDRESS_VERIFY_SENDER_DEPENDENT_RELAYHOST_MAPS = def(Param.tables(
            "address_verify_sender_dependent_relayhost_maps", "$sender_dependent_relayhost_maps",
            "sender_dependent_relayhost_maps for probe messages."));
    public static final Param ADDRESS_VERIFY_SENDER_DEPENDENT_DEFAULT_TRANSPORT_MAPS = def(Param.tables(
            "address_verify_sender_dependent_default_transport_maps", "$sender_dependent_default_transport_maps",
            "sender_dependent_default_transport_maps for probe messages." + NOT_YET));
    public static final Param REJECT_TEMPFAIL_ACTION = def(Param.string("reject_tempfail_action", "defer_if_permit",
            "What a reject-type restriction does when it fails temporarily: defer (at once) or defer_if_permit."));
    public static final Param UNVERIFIED_RECIPIENT_REJECT_CODE = def(Param.integer("unverified_recipient_reject_code",
            "450", 200, 599, "The reply code of reject_unverified_recipient for an address known to bounce (550 to trust it)."));
    public static final Param UNVERIFIED_RECIPIENT_DEFER_CODE = def(Param.integer("unverified_recipient_defer_code",
            "450", 200, 599, "The reply code of reject_unverified_recipient while a probe is pending or failed temporarily."));
    public static final Param UNVERIFIED_RECIPIENT_TEMPFAIL_ACTION = def(Param.string(
            "unverified_recipient_tempfail_action", "$reject_tempfail_action",
            "What a 4xx result of reject_unverified_recipient does: defer_if_permit or defer."));
    public static final Param UNVERIFIED_RECIPIENT_REJECT_REASON = def(Param.string("unverified_recipient_reject_reason",
            "", "A fixed text for reject_unverified_recipient's refusals instead of the probe's details."));
    public static final Param UNVERIFIED_SENDER_REJECT_CODE = def(Param.integer("unverified_sender_reject_code",
            "450", 200, 599, "The reply code of reject_unverified_sender for an address known to bounce (550 to trust it)."));
    public static final Param UNVERIFIED_SENDER_DEFER_CODE = def(Param.integer("unverified_sender_defer_code",
            "450", 200, 599, "The reply code of reject_unverified_sender while a probe is pending or failed temporarily."));
    public static final Param UNVERIFIED_SENDER_TEMPFAIL_ACTION = def(Param.string(
            "unverified_sender_tempfail_action", "$reject_tempfail_action",
            "What a 4xx result of reject_unverified_sender does: defer_if_permit or defer."));
    public static final Param UNVERIFIED_SENDER_REJECT_REASON = def(Param.string("unverified_sender_reject_reason",
            "", "A fixed text for reject_unverified_sender's refusals instead of the probe's details."));

    // --- postscreen: the screening phase in front of smtpd on port 25
    static { section("postscreen"); }
    public static final Param SMTPD_SERVICE_NAME = def(Param.string("smtpd_service_name", "smtpd",
            "The master.cf pass entry whose smtpd takes the clients that postscreen lets through (its -o overrides apply)."));
    public static final Param DNSBLOG_SERVICE_NAME = def(Param.string("dnsblog_service_name", "dnsblog",
            "The master.cf name of the dnsblog service; its lookups run inside postscreen here."));
    public static final Param TLSPROXY_SERVICE_NAME = def(Param.string("tlsproxy_service_name", "tlsproxy",
            "The master.cf name of the tlsproxy service; STARTTLS under postscreen is smtpd's own here." + NOT_YET));
    public static final Param RESPECTFUL_LOGGING = def(Param.bool("respectful_logging", "yes",
            "Log ALLOWLISTED and DENYLISTED (yes) or the older WHITELISTED and BLACKLISTED (no)."));
    public static final Param POSTSCREEN_ACCESS_LIST = def(Param.list("postscreen_access_list", "permit_mynetworks",
            "The permanent allow and deny list, tried in order: permit_mynetworks, or cidr:/... tables whose"
            + " results are permit, reject or dunno."));
    public static final Param POSTSCREEN_DENYLIST_ACTION = def(Param.string("postscreen_denylist_action",
            "${postscreen_blacklist_action?{$postscreen_blacklist_action}:{ignore}}",
            "What happens to a client the access list rejects: ignore, enforce (550 at RCPT) or drop (521 at once)."));
    public static final Param POSTSCREEN_GREET_WAIT = def(Param.time("postscreen_greet_wait", "${stress?{2}:{6}}s", 's',
            1, 100 * DAY, "How long postscreen waits for a client to talk before its turn, and for DNSBL answers."));
    public static final Param POSTSCREEN_GREET_BANNER = def(Param.string("postscreen_greet_banner", "$smtpd_banner",
            "The text of the 220- line sent ahead of smtpd's greeting; empty: no 220- line."));
    public static final Param POSTSCREEN_GREET_ACTION = def(Param.string("postscreen_greet_action", "ignore",
            "What happens to a client that talks before its turn: ignore, enforce (550 at RCPT) or drop (521 at once)."));
    public static final Param POSTSCREEN_GREET_TTL = def(Param.time("postscreen_greet_ttl", "1d", 's', 1, 100_000 * DAY,
            "How long a passed pregreet test counts."));
    public static final Param POSTSCREEN_DNSBL_SITES = def(Param.list("postscreen_dnsbl_sites", "",
            "DNS allow and block lists: domain[=d.d.d.d][*weight] (negative weights for allow lists)."));
    public static final Param POSTSCREEN_DNSBL_THRESHOLD = def(Param.integer("postscreen_dnsbl_threshold", "1", 1, INT_MAX,
            "The combined DNSBL score from which a client fails the DNSBL test."));
    public static final Param POSTSCREEN_DNSBL_ALLOWLIST_THRESHOLD = def(Param.integer(
            "postscreen_dnsbl_allowlist_threshold",
            "${postscreen_dnsbl_whitelist_threshold?{$postscreen_dnsbl_whitelist_threshold}:{0}}", -INT_MAX, INT_MAX,
            "A client whose score is at most this (below 0) skips the other tests; 0: off."));
    public static final Param POSTSCREEN_DNSBL_ACTION = def(Param.string("postscreen_dnsbl_action", "ignore",
            "What happens to a client at or above the DNSBL threshold: ignore, enforce or drop."));
    public static final Param POSTSCREEN_DNSBL_REPLY_MAP = def(Param.tables("postscreen_dnsbl_reply_map", "",
            "A table from a DNSBL domain (with a secret in it) to the name shown in replies."));
    public static final Param POSTSCREEN_DNSBL_TIMEOUT = def(Param.time("postscreen_dnsbl_timeout", "10s", 's', 1,
            100 * DAY, "The longest wait for DNSBL answers (within the greet wait)."));
    public static final Param POSTSCREEN_DNSBL_MIN_TTL = def(Param.time("postscreen_dnsbl_min_ttl", "60s", 's', 1,
            100_000 * DAY, "How long a passed DNSBL test counts (DNS answer TTLs are not seen here; this one is used)."));
    public static final Param POSTSCREEN_DNSBL_MAX_TTL = def(Param.time("postscreen_dnsbl_max_ttl",
            "${postscreen_dnsbl_ttl?{$postscreen_dnsbl_ttl}:{1}}h", 'h', 1, 100_000 * DAY,
            "The upper bound of a passed DNSBL test's life."));
    public static final Param POSTSCREEN_CACHE_MAP = def(Param.string("postscreen_cache_map",
            "btree:$data_directory/postscreen_cache",
            "Where test results are kept per client address (btree: is an MVStore file NAME.db here); empty: in memory."));
    public static final Param POSTSCREEN_CACHE_RETENTION_TIME = def(Param.time("postscreen_cache_retention_time", "7d",
            'd', 0, 100_000 * DAY, "How long an expired cache entry is kept before a cleanup run removes it."));
    public static final Param POSTSCREEN_CACHE_CLEANUP_INTERVAL = def(Param.time("postscreen_cache_cleanup_interval",
            "12h", 'h', 0, 100_000 * DAY, "How often expired entries are removed from postscreen_cache_map; 0: never."));
    public static final Param POSTSCREEN_PIPELINING_ENABLE = def(Param.bool("postscreen_pipelining_enable", "no",
            "The pipelining test after the 220 greeting (postscreen's own SMTP engine; a passing client must reconnect)."));
    public static final Param POSTSCREEN_PIPELINING_ACTION = def(Param.string("postscreen_pipelining_action", "enforce",
            "What happens to a client that sends commands without waiting: ignore, enforce or drop."));
    public static final Param POSTSCREEN_PIPELINING_TTL = def(Param.time("postscreen_pipelining_ttl", "30d", 's', 1,
            100_000 * DAY, "How long a passed pipelining test counts."));
    public static final Param POSTSCREEN_NON_SMTP_COMMAND_ENABLE = def(Param.bool("postscreen_non_smtp_command_enable",
            "no", "The non-SMTP command test after the 220 greeting (forbidden commands, header-like lines)."));
    public static final Param POSTSCREEN_NON_SMTP_COMMAND_ACTION = def(Param.string("postscreen_non_smtp_command_action",
            "drop", "What happens to a client that sends a non-SMTP command: ignore, enforce or drop."));
    public static final Param POSTSCREEN_NON_SMTP_COMMAND_TTL = def(Param.time("postscreen_non_smtp_command_ttl", "30d",
            's', 1, 100_000 * DAY, "How long a passed non-SMTP command test counts."));
    public static final Param POSTSCREEN_BARE_NEWLINE_ENABLE = def(Param.bool("postscreen_bare_newline_enable", "no",
            "The bare newline test after the 220 greeting."));
    public static final Param POSTSCREEN_BARE_NEWLINE_ACTION = def(Param.string("postscreen_bare_newline_action",
            "ignore", "What happens to a client that ends a line with a bare newline: ignore, enforce or drop."));
    public static final Param POSTSCREEN_BARE_NEWLINE_TTL = def(Param.time("postscreen_bare_newline_ttl", "30d", 's', 1,
            100_000 * DAY, "How long a passed bare newline test counts."));
    public static final Param POSTSCREEN_FORBIDDEN_COMMANDS = def(Param.list("postscreen_forbidden_commands",
            "$smtpd_forbidden_commands", "The commands postscreen's SMTP engine takes as non-SMTP commands."));
    public static final Param POSTSCREEN_COMMAND_COUNT_LIMIT = def(Param.integer("postscreen_command_count_limit", "20",
            1, INT_MAX, "The most commands of one session with postscreen's SMTP engine."));
    public static final Param POSTSCREEN_COMMAND_TIME_LIMIT = def(Param.time("postscreen_command_time_limit",
            "${stress?{10}:{300}}s", 's', 1, 100 * DAY, "The longest wait for one command line in postscreen's SMTP engine."));
    public static final Param POSTSCREEN_DISCARD_EHLO_KEYWORDS = def(Param.list("postscreen_discard_ehlo_keywords",
            "$smtpd_discard_ehlo_keywords", "EHLO keywords postscreen's SMTP engine does not announce."));
    public static final Param POSTSCREEN_HELO_REQUIRED = def(Param.bool("postscreen_helo_required",
            "$smtpd_helo_required", "postscreen's SMTP engine wants HELO or EHLO before MAIL."));
    public static final Param POSTSCREEN_DISABLE_VRFY_COMMAND = def(Param.bool("postscreen_disable_vrfy_command",
            "$disable_vrfy_command", "postscreen's SMTP engine refuses VRFY."));
    public static final Param POSTSCREEN_UPSTREAM_PROXY_PROTOCOL = def(Param.string("postscreen_upstream_proxy_protocol",
            "", "haproxy: each connection starts with a PROXY header naming the real client (read by postscreen)."));
    public static final Param POSTSCREEN_UPSTREAM_PROXY_TIMEOUT = def(Param.time("postscreen_upstream_proxy_timeout",
            "5s", 's', 1, 100 * DAY, "The longest wait for that header."));
    public static final Param POSTSCREEN_PRE_QUEUE_LIMIT = def(Param.integer("postscreen_pre_queue_limit",
            "$default_process_limit", 1, INT_MAX,
            "The most clients being screened at once; more get 421 4.3.2 All screening ports are busy."));
    public static final Param POSTSCREEN_POST_QUEUE_LIMIT = def(Param.integer("postscreen_post_queue_limit",
            "$default_process_limit", 1, INT_MAX,
            "The most clients talking to smtpd through postscreen at once; more get 421 4.3.2 All server ports are busy."));
    public static final Param POSTSCREEN_CLIENT_CONNECTION_COUNT_LIMIT = def(Param.integer(
            "postscreen_client_connection_count_limit", "$smtpd_client_connection_count_limit", 0, INT_MAX,
            "The most connections one client may have with postscreen at once; 0: no limit."));

    static { section("Master, control and logging"); }
    // --- master, control and logging (reload, check, syslog)

    // --- LMTP client: the SMTP client's parameters under the lmtp_ prefix, each declared from its smtp_ twin
    /** lmtp_ names whose smtp_ twin is named otherwise (LHLO is LMTP's EHLO). */
    private static final Map<String, String> LMTP_RENAMED = Map.of(
            "smtp_helo_name", "lmtp_lhlo_name", "smtp_helo_timeout", "lmtp_lhlo_timeout");
    /** lmtp_ defaults that are not the smtp_ twin's (Postfix's own). */
    private static final Map<String, String> LMTP_DEFAULTS = Map.of(
            "lmtp_connect_timeout", "0s", "lmtp_fallback_relay", "");
    /** smtp_ name to its lmtp_ twin, in declaration order. */
    private static final Map<String, String> LMTP_TWINS = new LinkedHashMap<>();

    static { section("LMTP client"); declareLmtpTwins(); }
    public static final Param LMTP_TCP_PORT = def(Param.integer("lmtp_tcp_port", "24", 1, 65535,
            "The port of an LMTP next-hop that names none (inet:host)."));

    // --- end of declarations

    /**
     * Declares the lmtp_ twin of every smtp_ parameter declared so far that Postfix has one for:
     * the same type and bounds, the default with $smtp_ read as $lmtp_, and a doc line that points to
     * the twin (still marked when no code acts on it). The LMTP client reads its parameters through
     * the SMTP client's names ({@link #lmtpTwins()}), so each twin does in LMTP what its smtp_ does.
     */
    private static void declareLmtpTwins() {
        for (Param p : java.util.List.copyOf(ALL.values())) {
            if (!p.name().startsWith("smtp_")) continue;
            String twin = LMTP_RENAMED.getOrDefault(p.name(), "lmtp_" + p.name().substring(5));
            if (!PostfixParameters.known(twin)) continue;
            String def = LMTP_DEFAULTS.containsKey(twin) ? LMTP_DEFAULTS.get(twin)
                    : p.defaultValue() == null ? null : p.defaultValue().replace("$smtp_", "$lmtp_");
            String doc = "As " + p.name() + ", for the LMTP client." + (p.doc().endsWith(NOT_YET) ? NOT_YET : "");
            def(new Param(twin, p.type(), def, p.min(), p.max(), p.unit(), doc));
            LMTP_TWINS.put(p.name(), twin);
        }
    }

    /** Each smtp_ parameter that has an lmtp_ twin, with that twin's name. */
    public static Map<String, String> lmtpTwins() {
        return Collections.unmodifiableMap(LMTP_TWINS);
    }

    /** All parameters, in declaration order. */
    public static Map<String, Param> all() {
        return Collections.unmodifiableMap(ALL);
    }

    /** The parameter of that name, or null. */
    public static Param byName(String name) {
        return ALL.get(name);
    }

    /** The group heading a parameter was declared under, or null for an unknown name. */
    public static String section(Param p) {
        return SECTION_OF.get(p.name());
    }
}
