package mta.mail;

import java.util.List;

/**
 * Reply - an SMTP reply: code, RFC 3463 enhanced status, and text.
 *
 * <p>All reply texts the server sends live here, in Postfix's words, and those cleanup hands back
 * for the server to relay: the session and transaction replies first, then the rate limits, AUTH,
 * the access restrictions, postscreen's screening replies, and the content checks. They are generic by design: they never name a
 * table, a file or a setting. A reply whose code is configured ({@code *_reject_code}) takes it as
 * an argument; its enhanced status then follows the code's class ({@link #of}). {@link #toString()}
 * is the wire form without CRLF.
 *
 * <p>{@code dsn} is null for a reply that carries no enhanced status code, as Postfix sends them:
 * 354, 334, the greeting, the answer to HELO, ETRN (RFC 1985), and a relayed reply that had none.
 * The codes themselves are the named {@link Dsn} values; a text is made into a {@code Dsn} only
 * where it comes from outside (configuration, a remote server).
 */
public record Reply(int code, Dsn dsn, String text) {
    public static final Reply OK_MAIL = new Reply(250, Dsn.SENDER_OK, "Ok");
    public static final Reply OK_RCPT = new Reply(250, Dsn.DESTINATION_ADDRESS_VALID, "Ok");
    public static final Reply OK = new Reply(250, Dsn.OK, "Ok");
    public static final Reply BYE = new Reply(221, Dsn.OK, "Bye");
    public static final Reply START_DATA = new Reply(354, null, "End data with <CR><LF>.<CR><LF>");
    public static final Reply NOT_RECOGNIZED = new Reply(500, Dsn.SYNTAX_ERROR, "Error: command not recognized");
    public static final Reply LINE_TOO_LONG = new Reply(500, Dsn.SYNTAX_ERROR, "Error: line too long");
    public static final Reply BAD_SEQUENCE_HELO = new Reply(503, Dsn.INVALID_COMMAND, "Error: send HELO/EHLO first");
    public static final Reply NESTED_MAIL = new Reply(503, Dsn.INVALID_COMMAND, "Error: nested MAIL command");
    public static final Reply NEED_MAIL = new Reply(503, Dsn.INVALID_COMMAND, "Error: need MAIL command");
    public static final Reply NEED_RCPT = new Reply(503, Dsn.INVALID_COMMAND, "Error: need RCPT command");
    public static final Reply NO_VALID_RECIPIENTS = new Reply(554, Dsn.INVALID_COMMAND, "Error: no valid recipients");
    public static final Reply TOO_MANY_RECIPIENTS = new Reply(452, Dsn.TOO_MANY_RECIPIENTS.temporary(), "Error: too many recipients");
    public static final Reply TIMEOUT = new Reply(421, Dsn.BAD_CONNECTION.temporary(), "Error: timeout exceeded");
    public static final Reply TOO_MANY_ERRORS = new Reply(421, Dsn.OTHER_SECURITY.temporary(), "Error: too many errors");
    public static final Reply SHUTDOWN = new Reply(421, Dsn.SYSTEM_NOT_ACCEPTING.temporary(), "Service shutting down");
    public static final Reply QUEUE_FILE_ERROR = new Reply(451, Dsn.TEMPORARY_SYSTEM_ERROR, "Error: queue file write error");
    public static final Reply MESSAGE_TOO_BIG = new Reply(552, Dsn.MESSAGE_TOO_BIG, "Error: message file too big");
    public static final Reply BAD_UTF8 = new Reply(500, Dsn.SYNTAX_ERROR, "Error: bad UTF-8 syntax");
    public static final Reply NOT_IMPLEMENTED = new Reply(502, Dsn.INVALID_COMMAND, "Error: command not implemented");
    public static final Reply READY_TO_START_TLS = new Reply(220, Dsn.OK, "Ready to start TLS");
    public static final Reply TLS_ALREADY_ACTIVE = new Reply(554, Dsn.INVALID_COMMAND, "Error: TLS already active");
    public static final Reply TLS_NOT_AVAILABLE = new Reply(454, Dsn.OTHER_SECURITY.temporary(), "TLS not available due to local problem");
    public static final Reply STARTTLS_FIRST = new Reply(530, Dsn.OTHER_SECURITY, "Must issue a STARTTLS command first");
    public static final Reply VRFY_DISABLED = new Reply(502, Dsn.INVALID_COMMAND, "VRFY command is disabled");
    public static final Reply INSUFFICIENT_STORAGE = new Reply(452, Dsn.MAIL_SYSTEM_FULL.temporary(), "Insufficient system storage");
    public static final Reply SIZE_EXCEEDS_LIMIT = new Reply(552, Dsn.MESSAGE_TOO_BIG, "Message size exceeds fixed limit");
    public static final Reply NEED_SMTPUTF8 = new Reply(553, Dsn.NON_ASCII_ADDRESS, "Must declare SMTPUTF8 to send unicode address");
    public static final Reply DATA_AFTER_BDAT = new Reply(503, Dsn.INVALID_COMMAND, "Error: DATA after BDAT");
    public static final Reply RCPT_AFTER_BDAT = new Reply(503, Dsn.INVALID_COMMAND, "Error: RCPT after BDAT");
    /** A BDAT line whose count cannot be trusted: the chunk cannot be skipped, so the session ends. */
    public static final Reply BAD_BDAT = new Reply(521, Dsn.INVALID_ARGUMENTS, "Syntax: BDAT count [LAST]");
    public static final Reply NULL_BDAT = new Reply(551, Dsn.NOT_AUTHORIZED, "Null BDAT request");
    public static final Reply BDAT_TOO_BIG = new Reply(552, Dsn.MESSAGE_TOO_BIG, "Chunk exceeds message size limit");
    public static final Reply BAD_SYNTAX = new Reply(500, Dsn.SYNTAX_ERROR, "Error: bad syntax");
    /** ETRN (RFC 1985) replies carry no enhanced status code, as Postfix's. */
    public static final Reply ETRN_STARTED = new Reply(250, null, "Queuing started");
    public static final Reply ETRN_SYNTAX = new Reply(500, null, "Syntax: ETRN domain");
    public static final Reply ETRN_BAD_DOMAIN = new Reply(501, null, "Error: invalid parameter syntax");
    public static final Reply ETRN_UNABLE = new Reply(458, null, "Unable to queue messages");
    public static final Reply ETRN_IN_TRANSACTION = new Reply(503, null, "Error: MAIL transaction in progress");
    public static final Reply ETRN_HELO_FIRST = new Reply(503, null, "Error: send HELO/EHLO first");

    /** {@code 459 <site>: service unavailable}: ETRN for a site that is not in fast_flush_domains. */
    public static Reply etrnUnavailable(String site) {
        return new Reply(459, null, "<" + site + ">: service unavailable");
    }

    /** A command failed inside the server; the client may try again. */
    public static final Reply INTERNAL_ERROR = new Reply(451, Dsn.TEMPORARY_SYSTEM_ERROR, "Error: internal error");
    /** As {@link #INTERNAL_ERROR} while message content was read; the caller prefixes the host name and closes. */
    public static final Reply INTERNAL_ERROR_CLOSING = new Reply(421, Dsn.TEMPORARY_SYSTEM_ERROR, "Error: internal error");

    /** {@code 250 2.0.0 Ok: n bytes}: a BDAT chunk other than the last was received. */
    public static Reply bdatOk(long bytes) {
        return new Reply(250, Dsn.OK, "Ok: " + bytes + " bytes");
    }

    /** {@code 551 5.0.0}: a BDAT chunk after an earlier error in the same message, read and thrown away. */
    public static Reply bdatDiscarded(long bytes) {
        return new Reply(551, Dsn.OTHER_UNDEFINED, "Discarded " + bytes + " bytes after earlier error");
    }

    /** The reply to {@code BDAT n LAST}: the message's size as stored, and its queue ID. */
    public static Reply bdatQueued(long bytes, String queueId) {
        return new Reply(250, Dsn.OK, "Ok: " + bytes + " bytes queued as " + queueId);
    }

    /** {@code 501 5.5.4 Bad NAME parameter syntax} for a malformed ESMTP parameter value. */
    public static Reply badParameter(String name) {
        return new Reply(501, Dsn.INVALID_ARGUMENTS, "Bad " + name + " parameter syntax");
    }

    /** {@code 555 5.5.4 Unsupported option: X}. */
    public static Reply unsupportedOption(String option) {
        return new Reply(555, Dsn.INVALID_ARGUMENTS, "Unsupported option: " + option);
    }

    /** The connection-limit refusal; the caller prefixes the host name. */
    public static Reply tooManyConnections(String ip) {
        return new Reply(421, Dsn.OTHER_SECURITY.temporary(), "Error: too many connections from " + ip);
    }

    public static Reply syntax(String what) {
        return new Reply(501, Dsn.INVALID_ARGUMENTS, "Syntax: " + what);
    }

    /** {@code 501 Syntax: HELO hostname}: Postfix answers HELO and EHLO without an enhanced status code. */
    public static Reply heloSyntax(String verb) {
        return new Reply(501, null, "Syntax: " + verb + " hostname");
    }

    /** {@code 501 5.5.4 Error: Bad NOTIFY parameter syntax}: the DSN parameters of RCPT TO (NOTIFY, ORCPT). */
    public static Reply badDsnParameter(String name) {
        return new Reply(501, Dsn.INVALID_ARGUMENTS, "Error: Bad " + name + " parameter syntax");
    }

    /** {@code what} is "sender" (RFC 3463 X.1.7) or "recipient" (X.1.3). */
    public static Reply badAddress(String what) {
        return new Reply(501, what.equals("sender") ? Dsn.BAD_SENDER_MAILBOX : Dsn.BAD_DESTINATION_SYNTAX,
                "Bad " + what + " address syntax");
    }

    public static Reply queued(String queueId) {
        return new Reply(250, Dsn.OK, "Ok: queued as " + queueId);
    }

    /** {@code 220 banner}: the greeting (smtpd_banner). */
    public static Reply greeting(String banner) {
        return new Reply(220, null, banner);
    }

    /** {@code 250 myhostname}: the answer to HELO. */
    public static Reply heloOk(String myhostname) {
        return new Reply(250, null, myhostname);
    }

    /** {@code 252 2.0.0 address}: VRFY, an address we neither confirm nor deny. */
    public static Reply vrfyUnconfirmed(String address) {
        return new Reply(252, Dsn.OK, address);
    }

    /** {@code 214 2.0.0 Commands: ...}: the answer to HELP. */
    public static Reply help(List<String> verbs) {
        return new Reply(214, Dsn.OK, "Commands: " + String.join(" ", verbs));
    }

    /** A line that ends in a bare LF, refused with smtpd_forbid_bare_newline_reject_code. */
    public static Reply bareLf(int code) {
        return new Reply(code, Dsn.SYNTAX_ERROR.asClassOf(code), "Error: bare <LF> received");
    }

    public static final Reply BAD_SIZE = new Reply(501, Dsn.INVALID_ARGUMENTS, "Bad message size syntax");
    /** A DSN parameter from a client that was not offered DSN (smtpd_discard_ehlo_keywords). */
    public static final Reply DSN_DISABLED = new Reply(501, Dsn.NOT_AUTHORIZED, "DSN support is disabled");
    /** BDAT from a client that was not offered CHUNKING; the session ends. */
    public static final Reply BDAT_NOT_IMPLEMENTED = new Reply(521, Dsn.INVALID_COMMAND, "Error: command not implemented");
    /** A table needed to talk to this client cannot be read: {@code 421 4.3.0 host Server local data error}, the session ends. */
    public static final Reply LOCAL_DATA_ERROR = new Reply(421, Dsn.TEMPORARY_SYSTEM_ERROR, "Server local data error");
    public static final Reply MULTIPLE_AUTH = new Reply(503, Dsn.INVALID_ARGUMENTS, "Error: multiple AUTH= options");

    /** This reply with {@code host} in front of its text: the replies that end a session ({@code 421 host ...}). */
    public Reply withHost(String host) {
        return new Reply(code, dsn, host + " " + text);
    }

    // ------------------------------------------------------------------ per-client rate limits

    /** What a client did too often: the words of {@link #rateLimited}. */
    public enum RateLimit {
        /** smtpd_client_message_rate_limit: MAIL FROM commands. */
        MESSAGES("too much mail"),
        /** smtpd_client_recipient_rate_limit: RCPT TO commands. */
        RECIPIENTS("too many recipients"),
        /** smtpd_client_auth_rate_limit: AUTH commands. */
        AUTH_COMMANDS("too many AUTH commands");

        private final String text;

        RateLimit(String text) {
            this.text = text;
        }
    }

    /** {@code 450 4.7.1 Error: too much mail from ip}: a client over one of its rate limits. */
    public static Reply rateLimited(RateLimit what, String ip) {
        return new Reply(450, Dsn.NOT_AUTHORIZED.temporary(), "Error: " + what.text + " from " + ip);
    }

    // ------------------------------------------------------------------ AUTH (RFC 4954)

    public static final Reply AUTH_NOT_ENABLED = new Reply(503, Dsn.INVALID_COMMAND, "Error: authentication not enabled");
    public static final Reply AUTH_IN_TRANSACTION = new Reply(503, Dsn.INVALID_COMMAND, "Error: MAIL transaction in progress");
    public static final Reply AUTH_NEEDS_TLS =
            new Reply(504, Dsn.INVALID_ARGUMENTS, "Encryption required for requested authentication mechanism");
    public static final Reply AUTH_ALREADY_DONE = new Reply(503, Dsn.INVALID_COMMAND, "Error: already authenticated");
    public static final Reply AUTH_RESPONSE_TOO_LONG = new Reply(500, Dsn.AUTH_LINE_TOO_LONG, "SASL response limit exceeded");
    public static final Reply AUTH_ABORTED = new Reply(501, Dsn.OTHER_SECURITY, "Authentication aborted");
    public static final Reply AUTH_OK = new Reply(235, Dsn.AUTHENTICATED, "Authentication successful");

    /** {@code 334 challenge}: the SASL server's next challenge, as it gave it (base64). */
    public static Reply authChallenge(String data) {
        return new Reply(334, null, data);
    }

    /** {@code 535 5.7.8}: the SASL server refused the login. */
    public static Reply authFailed(String reason) {
        return new Reply(535, Dsn.AUTH_CREDENTIALS_INVALID, "Error: authentication failed: " + reason);
    }

    /** {@code 454 4.7.0}: the SASL server cannot be asked now; the client may try again. */
    public static Reply authUnavailable(String why) {
        return new Reply(454, Dsn.OTHER_SECURITY.temporary(), "Temporary authentication failure: " + why);
    }

    // ------------------------------------------------------------------ access restrictions

    /**
     * What a restriction's refusal is about (Postfix's reply class): {@link #noun()} is
     * {@code Recipient address}, {@link #text} the words after {@code <subject>:},
     * {@code Recipient address rejected}.
     */
    public enum Rejected {
        CLIENT("Client host"), HELO("Helo command"), SENDER("Sender address"), RECIPIENT("Recipient address"),
        ETRN("Etrn command"), DATA("Data command"), END_OF_DATA("End-of-data"), SASL_USER("SASL login name");

        private final String noun;
        public final String text;

        Rejected(String noun) {
            this.noun = noun;
            this.text = noun + " rejected";
        }

        /** What is refused, without "rejected": the {@code $rbl_class} of a blocklist reply. */
        public String noun() {
            return noun;
        }
    }

    /** The {@code $rbl_class} of reject_rhsbl_reverse_client: a name the client's address points to, unconfirmed. */
    public static final String UNVERIFIED_CLIENT = "Unverified Client host";

    /** The text of a refusal that says nothing more (plain reject and defer, an access table's REJECT). */
    public static final String ACCESS_DENIED = "Access denied";

    /** {@code code d.x.y text}: the enhanced status {@code status} in the class d of {@code code}. */
    public static Reply of(int code, Dsn status, String text) {
        return new Reply(code, status.asClassOf(code), text);
    }

    /** {@code code d.x.y <subject>: What rejected: text}, {@code status} in the class d of {@code code}. */
    public static Reply rejected(int code, Dsn status, String subject, Rejected what, String text) {
        return of(code, status, "<" + subject + ">: " + what.text + ": " + text);
    }

    /** {@code code d.7.1 <subject>: What rejected: Access denied}: a plain reject or defer. */
    public static Reply accessDenied(int code, String subject, Rejected what) {
        return rejected(code, Dsn.NOT_AUTHORIZED, subject, what, ACCESS_DENIED);
    }

    /** The restriction words defer_if_permit and defer_if_reject: {@code 450 4.7.0 <subject>: What rejected: WORD requested}. */
    public static Reply deferIfRequested(String subject, Rejected what, String word) {
        return rejected(450, Dsn.OTHER_SECURITY, subject, what, word + " requested");
    }

    /** {@code 503 5.7.0}: the client restrictions refused the client at connect time (smtpd_delay_reject = no). */
    public static Reply accessDeniedFor(String clientLabel) {
        return new Reply(503, Dsn.OTHER_SECURITY, "Error: access denied for " + clientLabel);
    }

    /** reject_unauth_destination ({@code code} is relay_domains_reject_code) and defer_unauth_destination. */
    public static Reply relayDenied(int code, String rcpt) {
        return of(code, Dsn.NOT_AUTHORIZED, "<" + rcpt + ">: Relay access denied");
    }

    /** reject_non_fqdn_sender and reject_non_fqdn_recipient. */
    public static Reply needFqdnAddress(int code, String address, Rejected what) {
        return rejected(code, Dsn.SYNTAX_ERROR, address, what, "need fully-qualified address");
    }

    /** reject_non_fqdn_helo_hostname. */
    public static Reply needFqdnHelo(int code, String helo) {
        return rejected(code, Dsn.SYNTAX_ERROR, helo, Rejected.HELO, "need fully-qualified hostname");
    }

    /** reject_invalid_helo_hostname. */
    public static Reply invalidHelo(int code, String helo) {
        return rejected(code, Dsn.SYNTAX_ERROR, helo, Rejected.HELO, "Invalid name");
    }

    /** reject_unknown_client_hostname. */
    public static Reply unknownClientHostname(int code, String ip) {
        return of(code, Dsn.REVERSE_DNS_FAILED, "Client host rejected: cannot find your hostname, [" + ip + "]");
    }

    /** An unknown recipient; {@code table} is "local recipient table", "virtual alias table"... */
    public static Reply userUnknown(int code, String rcpt, String table) {
        return userUnknown(code, rcpt, Rejected.RECIPIENT, table);
    }

    /**
     * An unknown recipient ({@code X.1.1}) or sender address ({@code X.1.0}, reject_unlisted_sender);
     * {@code table} is null when show_user_unknown_table_name = no.
     */
    public static Reply userUnknown(int code, String address, Rejected what, String table) {
        return rejected(code, what == Rejected.SENDER ? Dsn.OTHER_ADDRESS : Dsn.BAD_DESTINATION_MAILBOX, address, what,
                table == null ? "User unknown" : "User unknown in " + table);
    }

    /** reject_unknown_sender_domain: the domain has no address and no MX. */
    public static Reply senderDomainNotFound(int code, String sender) {
        return domainNotFound(code, sender, Rejected.SENDER);
    }

    /**
     * reject_unknown_sender_domain ({@code X.1.8}) and reject_unknown_recipient_domain
     * ({@code X.1.2}): the address's domain has no MX and no address record.
     */
    public static Reply domainNotFound(int code, String address, Rejected what) {
        return rejected(code, what == Rejected.SENDER ? Dsn.BAD_SENDER_SYSTEM : Dsn.BAD_DESTINATION_SYSTEM, address, what,
                "Domain not found");
    }

    /** reject_unknown_sender_domain: the domain says it takes no mail (RFC 7505 null MX). */
    public static Reply senderDomainNullMx(String sender, String domain) {
        return domainNullMx(sender, domain, Rejected.SENDER);
    }

    /** The null MX refusal: {@code 550 5.7.27} for a sender, {@code 556 5.1.10} for a recipient (RFC 7505). */
    public static Reply domainNullMx(String address, String domain, Rejected what) {
        boolean sender = what == Rejected.SENDER;
        return rejected(sender ? 550 : 556, sender ? Dsn.SENDER_NULL_MX : Dsn.RECIPIENT_NULL_MX, address, what,
                "Domain " + domain + " does not accept mail (nullMX)");
    }

    /** reject_unknown_helo_hostname: the name has no A, AAAA or MX record. */
    public static Reply heloHostNotFound(int code, String helo) {
        return rejected(code, Dsn.NOT_AUTHORIZED, helo, Rejected.HELO, "Host not found");
    }

    /** reject_unknown_helo_hostname for an address literal that is no valid address. */
    public static Reply invalidHeloAddress(int code, String helo) {
        return rejected(code, Dsn.SYNTAX_ERROR, helo, Rejected.HELO, "invalid ip address");
    }

    /** reject_unauth_pipelining: the client sent commands ahead where it must wait for the reply (RFC 2920). */
    public static Reply improperPipelining(String subject, Rejected what) {
        return rejected(503, Dsn.OTHER_PROTOCOL, subject, what, "Improper use of SMTP command pipelining");
    }

    /** The sender login mismatch words: an address with an owner, from a client that did not log in. */
    public static Reply senderNotLoggedIn(String sender) {
        return of(553, Dsn.NOT_AUTHORIZED, "<" + sender + ">: Sender address rejected: not logged in");
    }

    /** The sender login mismatch words: an address that is not the logged-in user's. */
    public static Reply senderNotOwned(String sender, String user) {
        return of(553, Dsn.NOT_AUTHORIZED, "<" + sender + ">: Sender address rejected: not owned by user " + user);
    }

    /**
     * reject_unverified_recipient and reject_unverified_sender while the address is not known to
     * be deliverable: a probe in progress or failed for now, or (with a 4xx
     * unverified_*_reject_code) known to bounce; {@code why} is the probe's reason or
     * unverified_*_reject_reason. The enhanced status is X.1.1 for a recipient, X.1.7 for a sender.
     */
    public static Reply unverifiedAddress(int code, String address, Rejected what, String why) {
        return rejected(code, verifyDetail(what), address, what, "unverified address: " + why);
    }

    /** The same for an address known to bounce, with a 5xx unverified_*_reject_code. */
    public static Reply undeliverableAddress(int code, String address, Rejected what, String why) {
        return rejected(code, verifyDetail(what), address, what, "undeliverable address: " + why);
    }

    /** reject_unverified_*: the verify service could not be asked. */
    public static Reply addressVerificationProblem(String address, Rejected what) {
        return rejected(450, verifyDetail(what), address, what, "address verification problem");
    }

    private static Dsn verifyDetail(Rejected what) {
        return what == Rejected.SENDER ? Dsn.BAD_SENDER_MAILBOX : Dsn.BAD_DESTINATION_MAILBOX;
    }

    /** A DNS blocklist's reply when rbl_reject_reply cannot be made into one. */
    public static final Reply SERVICE_UNAVAILABLE = new Reply(450, Dsn.NOT_AUTHORIZED.temporary(), "Service unavailable");
    /** The text of a blocklist reply whose template gives none. */
    public static final String SERVICE_UNAVAILABLE_TEXT = "Service unavailable";

    /** A table lookup failed for a moment ({@code 451 4.3.0 <subject>: Temporary lookup failure}); the client tries again. */
    public static Reply temporaryLookupFailure(String subject) {
        return new Reply(451, Dsn.TEMPORARY_SYSTEM_ERROR, "<" + subject + ">: Temporary lookup failure");
    }

    /** An access table could not be read: {@code 451 4.3.5 <subject>: What rejected: Server configuration error}. */
    public static Reply configurationError(String subject, Rejected what) {
        return rejected(451, Dsn.SYSTEM_MISCONFIGURED, subject, what, "Server configuration error");
    }

    /** An access table answered something that is no access result. */
    public static final Reply CONFIGURATION_ERROR = new Reply(451, Dsn.SYSTEM_MISCONFIGURED.temporary(), "Server configuration error");

    // ------------------------------------------------------------------ postscreen (the screening before smtpd)

    /** A failed pregreet, pipelining, non-SMTP command or bare newline test, under the ENFORCE action. */
    public static final Reply SCREEN_PROTOCOL_ERROR = new Reply(550, Dsn.INVALID_COMMAND, "Protocol error");
    /** A client on postscreen's access list as denied, under the ENFORCE action. */
    public static final Reply SCREEN_DENIED = new Reply(550, Dsn.SYSTEM_NOT_ACCEPTING, "Service currently unavailable");
    /** Every RCPT and VRFY once the deep tests are passed: the client must come back on a new connection. */
    public static final Reply SCREEN_COME_BACK =
            new Reply(450, Dsn.SYSTEM_NOT_ACCEPTING.temporary(), "Service currently unavailable");
    public static final Reply SCREENING_PORTS_BUSY =
            new Reply(421, Dsn.SYSTEM_NOT_ACCEPTING.temporary(), "All screening ports are busy");
    public static final Reply SERVER_PORTS_BUSY = new Reply(421, Dsn.SYSTEM_NOT_ACCEPTING.temporary(), "All server ports are busy");
    /** A command line over line_length_limit; the caller prefixes the host name and closes. */
    public static final Reply SCREEN_COMMAND_TOO_LONG = new Reply(521, Dsn.INVALID_COMMAND, "Error: command too long");
    /** More commands than postscreen_command_count_limit; the caller prefixes the host name and closes. */
    public static final Reply SCREEN_TOO_MANY_COMMANDS = new Reply(421, Dsn.OTHER_SECURITY.temporary(), "Error: too many commands");
    /** postscreen's answer to a command it does not know: 502, where smtpd says 500 ({@link #NOT_RECOGNIZED}). */
    public static final Reply SCREEN_NOT_RECOGNIZED = new Reply(502, Dsn.SYNTAX_ERROR, "Error: command not recognized");

    /** {@code 550 5.7.1 Service unavailable; client [ip] blocked using name}: a DNSBL score at the threshold, under ENFORCE. */
    public static Reply screenBlocked(String ip, String listName) {
        return new Reply(550, Dsn.NOT_AUTHORIZED, "Service unavailable; client [" + ip + "] blocked using " + listName);
    }

    /** This postscreen refusal as the DROP action sends it before hanging up: 521, the same status and text. */
    public Reply dropping() {
        return new Reply(521, dsn, text);
    }

    // ------------------------------------------------------------------ content (cleanup's refusals, relayed by smtpd)

    /** The message has passed through too many mail servers (hopcount_limit Received: headers). */
    public static final Reply TOO_MANY_HOPS = new Reply(554, Dsn.OTHER_NETWORK, "Error: too many hops");
    /** The text of a header_checks or body_checks REJECT that gives none. */
    public static final String CONTENT_REJECTED_TEXT = "message content rejected";

    /** {@code 550 5.7.1 text}: a header_checks or body_checks REJECT. */
    public static Reply contentRejected(String text) {
        return new Reply(550, Dsn.NOT_AUTHORIZED, text);
    }

    public boolean isPositive() {
        return code < 400;
    }

    @Override
    public String toString() {
        return dsn == null ? code + " " + text : code + " " + dsn + " " + text;
    }
}
