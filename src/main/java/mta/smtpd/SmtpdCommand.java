package mta.smtpd;

import java.io.IOException;
import java.util.Locale;

/**
 * SmtpdCommand - the SMTP server's command table: one row per verb, naming its handler.
 *
 * <p>A grep for a verb finds its row and its handler in {@link SmtpdSession} ({@code mailCmd}).
 * {@code lastInGroup} marks commands after which a pipelining client must wait for replies
 * (RFC 2920: EHLO, DATA, QUIT, NOOP...). STARTTLS and AUTH will get rows here.
 */
enum SmtpdCommand {
    HELO("HELO", SmtpdSession::heloCmd, true, "HELO hostname"),
    EHLO("EHLO", SmtpdSession::ehloCmd, true, "EHLO hostname"),
    MAIL("MAIL", SmtpdSession::mailCmd, false, "MAIL FROM:<address> [parameters]"),
    RCPT("RCPT", SmtpdSession::rcptCmd, false, "RCPT TO:<address> [parameters]"),
    DATA("DATA", SmtpdSession::dataCmd, true, "DATA"),
    RSET("RSET", SmtpdSession::rsetCmd, false, "RSET"),
    NOOP("NOOP", SmtpdSession::noopCmd, true, "NOOP"),
    QUIT("QUIT", SmtpdSession::quitCmd, true, "QUIT");

    /** A handler gets the session and the text after the verb. */
    @FunctionalInterface
    interface Handler {
        void handle(SmtpdSession session, String argument) throws IOException;
    }

    final String verb;
    final Handler handler;
    final boolean lastInGroup;
    final String help;

    SmtpdCommand(String verb, Handler handler, boolean lastInGroup, String help) {
        this.verb = verb;
        this.handler = handler;
        this.lastInGroup = lastInGroup;
        this.help = help;
    }

    /** The row for {@code verb} (any case), or null. */
    static SmtpdCommand find(String verb) {
        String v = verb.toUpperCase(Locale.ROOT);
        for (SmtpdCommand c : values()) if (c.verb.equals(v)) return c;
        return null;
    }
}
