package mta.mail;

/**
 * Reply - an SMTP reply: code, RFC 3463 enhanced status, and text.
 *
 * <p>All reply texts the server sends live here, generic by design: they never name a table, a
 * file or a setting. {@link #toString()} is the wire form without CRLF.
 */
public record Reply(int code, String dsn, String text) {
    public static final Reply OK_MAIL = new Reply(250, "2.1.0", "Ok");
    public static final Reply OK_RCPT = new Reply(250, "2.1.5", "Ok");
    public static final Reply OK = new Reply(250, "2.0.0", "Ok");
    public static final Reply BYE = new Reply(221, "2.0.0", "Bye");
    public static final Reply START_DATA = new Reply(354, "", "End data with <CR><LF>.<CR><LF>");
    public static final Reply NOT_RECOGNIZED = new Reply(500, "5.5.2", "Error: command not recognized");
    public static final Reply LINE_TOO_LONG = new Reply(500, "5.5.2", "Error: line too long");
    public static final Reply BAD_SEQUENCE_HELO = new Reply(503, "5.5.1", "Error: send HELO/EHLO first");
    public static final Reply NESTED_MAIL = new Reply(503, "5.5.1", "Error: nested MAIL command");
    public static final Reply NEED_MAIL = new Reply(503, "5.5.1", "Error: need MAIL command");
    public static final Reply NEED_RCPT = new Reply(503, "5.5.1", "Error: need RCPT command");
    public static final Reply NO_VALID_RECIPIENTS = new Reply(554, "5.5.1", "Error: no valid recipients");
    public static final Reply TOO_MANY_RECIPIENTS = new Reply(452, "4.5.3", "Error: too many recipients");
    public static final Reply TIMEOUT = new Reply(421, "4.4.2", "Error: timeout exceeded");
    public static final Reply TOO_MANY_ERRORS = new Reply(421, "4.7.0", "Error: too many errors");
    public static final Reply SHUTDOWN = new Reply(421, "4.3.2", "Service shutting down");
    public static final Reply QUEUE_FILE_ERROR = new Reply(451, "4.3.0", "Error: queue file write error");
    public static final Reply MESSAGE_TOO_BIG = new Reply(552, "5.3.4", "Error: message file too big");
    public static final Reply BARE_LF = new Reply(550, "5.5.2", "Error: bare <LF> received");
    public static final Reply BAD_UTF8 = new Reply(500, "5.5.2", "Error: bad UTF-8 syntax");
    public static final Reply NOT_IMPLEMENTED = new Reply(502, "5.5.1", "Error: command not implemented");
    public static final Reply READY_TO_START_TLS = new Reply(220, "2.0.0", "Ready to start TLS");
    public static final Reply TLS_ALREADY_ACTIVE = new Reply(554, "5.5.1", "Error: TLS already active");
    public static final Reply TLS_NOT_AVAILABLE = new Reply(454, "4.7.0", "TLS not available due to local problem");
    public static final Reply STARTTLS_FIRST = new Reply(530, "5.7.0", "Must issue a STARTTLS command first");
    public static final Reply VRFY_DISABLED = new Reply(502, "5.5.1", "VRFY command is disabled");
    public static final Reply INSUFFICIENT_STORAGE = new Reply(452, "4.3.1", "Insufficient system storage");
    public static final Reply SIZE_EXCEEDS_LIMIT = new Reply(552, "5.3.4", "Message size exceeds fixed limit");
    public static final Reply NEED_SMTPUTF8 = new Reply(553, "5.6.7", "Must declare SMTPUTF8 to send unicode address");
    public static final Reply DATA_AFTER_BDAT = new Reply(503, "5.5.1", "Error: DATA after BDAT");
    public static final Reply RCPT_AFTER_BDAT = new Reply(503, "5.5.1", "Error: RCPT after BDAT");
    /** A BDAT line whose count cannot be trusted: the chunk cannot be skipped, so the session ends. */
    public static final Reply BAD_BDAT = new Reply(521, "5.5.4", "Syntax: BDAT count [LAST]");
    public static final Reply NULL_BDAT = new Reply(551, "5.7.1", "Null BDAT request");
    public static final Reply BDAT_TOO_BIG = new Reply(552, "5.3.4", "Chunk exceeds message size limit");
    public static final Reply BAD_SYNTAX = new Reply(500, "5.5.2", "Error: bad syntax");
    /** ETRN (RFC 1985) replies carry no enhanced status code, as Postfix's. */
    public static final Reply ETRN_STARTED = new Reply(250, "", "Queuing started");
    public static final Reply ETRN_SYNTAX = new Reply(500, "", "Syntax: ETRN domain");
    public static final Reply ETRN_BAD_DOMAIN = new Reply(501, "", "Error: invalid parameter syntax");
    public static final Reply ETRN_UNABLE = new Reply(458, "", "Unable to queue messages");
    public static final Reply ETRN_IN_TRANSACTION = new Reply(503, "", "Error: MAIL transaction in progress");
    public static final Reply ETRN_HELO_FIRST = new Reply(503, "", "Error: send HELO/EHLO first");

    /** {@code 459 <site>: service unavailable}: ETRN for a site that is not in fast_flush_domains. */
    public static Reply etrnUnavailable(String site) {
        return new Reply(459, "", "<" + site + ">: service unavailable");
    }

    /** A command failed inside the server; the client may try again. */
    public static final Reply INTERNAL_ERROR = new Reply(451, "4.3.0", "Error: internal error");
    /** As {@link #INTERNAL_ERROR} while message content was read; the caller prefixes the host name and closes. */
    public static final Reply INTERNAL_ERROR_CLOSING = new Reply(421, "4.3.0", "Error: internal error");

    /** {@code 250 2.0.0 Ok: n bytes}: a BDAT chunk other than the last was received. */
    public static Reply bdatOk(long bytes) {
        return new Reply(250, "2.0.0", "Ok: " + bytes + " bytes");
    }

    /** {@code 551 5.0.0}: a BDAT chunk after an earlier error in the same message, read and thrown away. */
    public static Reply bdatDiscarded(long bytes) {
        return new Reply(551, "5.0.0", "Discarded " + bytes + " bytes after earlier error");
    }

    /** The reply to {@code BDAT n LAST}: the message's size as stored, and its queue ID. */
    public static Reply bdatQueued(long bytes, String queueId) {
        return new Reply(250, "2.0.0", "Ok: " + bytes + " bytes queued as " + queueId);
    }

    /** {@code 501 5.5.4 Bad NAME parameter syntax} for a malformed ESMTP parameter value. */
    public static Reply badParameter(String name) {
        return new Reply(501, "5.5.4", "Bad " + name + " parameter syntax");
    }

    /** {@code 555 5.5.4 Unsupported option: X}. */
    public static Reply unsupportedOption(String option) {
        return new Reply(555, "5.5.4", "Unsupported option: " + option);
    }

    /** The connection-limit refusal; the caller prefixes the host name. */
    public static Reply tooManyConnections(String ip) {
        return new Reply(421, "4.7.0", "Error: too many connections from " + ip);
    }

    public static Reply syntax(String what) {
        return new Reply(501, "5.5.4", "Syntax: " + what);
    }

    /** {@code 501 Syntax: HELO hostname}: Postfix answers HELO and EHLO without an enhanced status code. */
    public static Reply heloSyntax(String verb) {
        return new Reply(501, "", "Syntax: " + verb + " hostname");
    }

    /** {@code 501 5.5.4 Error: Bad NOTIFY parameter syntax}: the DSN parameters of RCPT TO (NOTIFY, ORCPT). */
    public static Reply badDsnParameter(String name) {
        return new Reply(501, "5.5.4", "Error: Bad " + name + " parameter syntax");
    }

    /** {@code what} is "sender" (RFC 3463 X.1.7) or "recipient" (X.1.3). */
    public static Reply badAddress(String what) {
        return new Reply(501, what.equals("sender") ? "5.1.7" : "5.1.3", "Bad " + what + " address syntax");
    }

    public static Reply queued(String queueId) {
        return new Reply(250, "2.0.0", "Ok: queued as " + queueId);
    }

    public static Reply relayDenied(String rcpt) {
        return new Reply(554, "5.7.1", "<" + rcpt + ">: Relay access denied");
    }

    public boolean isPositive() {
        return code < 400;
    }

    @Override
    public String toString() {
        return dsn.isEmpty() ? code + " " + text : code + " " + dsn + " " + text;
    }
}
