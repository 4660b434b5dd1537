package mta.mail;

/**
 * MailAttributes - the names of a message's named attributes, in one table (Postfix's
 * {@code MAIL_ATTR_*} of mail_proto.h): written into the queue file as {@code A name=value}
 * records by smtpd, sendmail, pickup, cleanup and the verify service, read by the queue manager,
 * bounce and, through the delivery request, the delivery agents. Here in {@code mail}, not in
 * {@code queue}, because the agents read them and do not use the queue. Holds names only.
 */
public final class MailAttributes {
    private MailAttributes() {}

    /** The SMTP client as smtpd logs it: name, address, port, HELO name, protocol (ESMTP, SMTP...). */
    public static final String LOG_CLIENT_NAME = "log_client_name";
    public static final String LOG_CLIENT_ADDRESS = "log_client_address";
    public static final String LOG_CLIENT_PORT = "log_client_port";
    public static final String LOG_HELO_NAME = "log_helo_name";
    public static final String LOG_PROTOCOL_NAME = "log_protocol_name";
    /** The same facts under their other names (Postfix's XFORWARD forms, which a queue file may carry). */
    public static final String CLIENT_NAME = "client_name";
    public static final String CLIENT_ADDRESS = "client_address";
    public static final String CLIENT_PORT = "client_port";
    public static final String HELO_NAME = "helo_name";
    public static final String PROTOCOL_NAME = "protocol_name";
    /** SMTP AUTH: the mechanism, the login and the MAIL FROM AUTH= sender. */
    public static final String SASL_METHOD = "sasl_method";
    public static final String SASL_USERNAME = "sasl_username";
    public static final String SASL_SENDER = "sasl_sender";
    /** "local" or "remote": which address rewriting cleanup applies to the headers. */
    public static final String REWRITE_CONTEXT = "rewrite_context";
    /** RFC 3461 RET (HDRS, FULL) and ENVID. */
    public static final String DSN_RET = "dsn_ret";
    public static final String DSN_ENVID = "dsn_envid";
    /** The body type: 7BIT, 8BITMIME. */
    public static final String ENCODING = "encoding";
    /** The SMTPUTF8 state ({@link Smtputf8}). */
    public static final String SMTPUTF8 = "smtputf8";
    /** The content filter a message goes to, {@code transport:nexthop} (content_filter, FILTER actions). */
    public static final String CONTENT_FILTER = "content_filter";
    /** "yes": sendmail -t, the recipients come from the headers. */
    public static final String EXTRACT_RECIPIENTS = "extract_recipients";
    /** The poster's uid, in a maildrop file. */
    public static final String UID = "uid";
    /** What a message is for when it is not for delivery (queue.TraceFlags). */
    public static final String TRACE_FLAGS = "trace_flags";
}
