package mta.smtpd;

import java.io.IOException;
import java.util.Locale;

/**
 * SmtpdCommand - the SMTP server's command table: one row per verb, naming its handler.
 *
 * <p>A grep for a verb finds its row and its handler in {@link SmtpdSession} ({@code mailCmd}).
 * {@code lastInGroup} marks commands after which a pipelining client must wait for the reply
 * (RFC 2920 section 3.1: EHLO, DATA, VRFY, NOOP, QUIT...); input that arrives earlier is logged
 * as improper pipelining. The row order is also the order of the counters in the "disconnect
 * from" log line, as in Postfix. {@code help} is the usage shown in syntax-error replies.
 * {@code preTls} marks the commands a client may give before STARTTLS when
 * {@code smtpd_tls_security_level = encrypt} (Postfix's SMTPD_CMD_FLAG_PRE_TLS); the others
 * are answered {@code 530 5.7.0 Must issue a STARTTLS command first}.
 */
enum SmtpdCommand {
    HELO("HELO", SmtpdSession::heloCmd, true, "HELO hostname", true),
    EHLO("EHLO", SmtpdSession::ehloCmd, true, "EHLO hostname", true),
    STARTTLS("STARTTLS", SmtpdSession::starttlsCmd, true, "STARTTLS", true),
    AUTH("AUTH", SmtpdSession::authCmd, false, "AUTH mechanism [initial-response]"),
    MAIL("MAIL", SmtpdSession::mailCmd, false, "MAIL FROM:<address> [parameters]"),
    RCPT("RCPT", SmtpdSession::rcptCmd, false, "RCPT TO:<address> [parameters]"),
    DATA("DATA", SmtpdSession::dataCmd, true, "DATA"),
    BDAT("BDAT", SmtpdSession::bdatCmd, false, "BDAT count [LAST]"),
    RSET("RSET", SmtpdSession::rsetCmd, false, "RSET"),
    NOOP("NOOP", SmtpdSession::noopCmd, true, "NOOP", true),
    VRFY("VRFY", SmtpdSession::vrfyCmd, true, "VRFY address"),
    ETRN("ETRN", SmtpdSession::etrnCmd, true, "ETRN domain"),
    HELP("HELP", SmtpdSession::helpCmd, true, "HELP", true),
    QUIT("QUIT", SmtpdSession::quitCmd, true, "QUIT", true);

    /** A handler gets the session and the text after the verb. */
    @FunctionalInterface
    interface Handler {
        void handle(SmtpdSession session, String argument) throws IOException;
    }

    final String verb;
    final Handler handler;
    final boolean lastInGroup;
    final String help;
    final boolean preTls;

    SmtpdCommand(String verb, Handler handler, boolean lastInGroup, String help) {
        this(verb, handler, lastInGroup, help, false);
    }

    SmtpdCommand(String verb, Handler handler, boolean lastInGroup, String help, boolean preTls) {
        this.verb = verb;
        this.handler = handler;
        this.lastInGroup = lastInGroup;
        this.help = help;
        this.preTls = preTls;
    }

    /** The row for {@code verb} (any case), or null. */
    static SmtpdCommand find(String verb) {
        String v = verb.toUpperCase(Locale.ROOT);
        for (SmtpdCommand c : values()) if (c.verb.equals(v)) return c;
        return null;
    }
}
