package mta.smtpd;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mta.mail.Reply;

/**
 * SmtpdCommand - the SMTP server's command table: one row per verb, naming its handler.
 *
 * <p>A grep for a verb finds its row, and the row names its handler ({@code SmtpdTransaction::mailCmd}).
 * A handler gets the session's {@link SmtpdContext} and the text after the verb; the small ones
 * (NOOP, HELP, QUIT) are at the end of this file. {@code lastInGroup} marks commands after which
 * a pipelining client must wait for the reply (RFC 2920 section 3.1: EHLO, DATA, VRFY, NOOP,
 * QUIT...); input that arrives earlier is logged as improper pipelining. The row order is also
 * the order of the counters in the "disconnect from" log line, as in Postfix. {@code help} is the
 * usage shown in syntax-error replies. {@code preTls} marks the commands a client may give before
 * STARTTLS when {@code smtpd_tls_security_level = encrypt} (Postfix's SMTPD_CMD_FLAG_PRE_TLS);
 * the others are answered {@code 530 5.7.0 Must issue a STARTTLS command first}.
 */
enum SmtpdCommand {
    HELO("HELO", SmtpdHelo::heloCmd, true, "HELO hostname", true),
    EHLO("EHLO", SmtpdHelo::ehloCmd, true, "EHLO hostname", true),
    STARTTLS("STARTTLS", SmtpdStarttls::starttlsCmd, true, "STARTTLS", true),
    AUTH("AUTH", SmtpdSasl::authCmd, false, "AUTH mechanism [initial-response]"),
    MAIL("MAIL", SmtpdTransaction::mailCmd, false, "MAIL FROM:<address> [parameters]"),
    RCPT("RCPT", SmtpdTransaction::rcptCmd, false, "RCPT TO:<address> [parameters]"),
    DATA("DATA", SmtpdTransaction::dataCmd, true, "DATA"),
    BDAT("BDAT", SmtpdTransaction::bdatCmd, false, "BDAT count [LAST]"),
    RSET("RSET", SmtpdTransaction::rsetCmd, false, "RSET"),
    NOOP("NOOP", SmtpdCommand::noopCmd, true, "NOOP", true),
    VRFY("VRFY", SmtpdVrfy::vrfyCmd, true, "VRFY address"),
    ETRN("ETRN", SmtpdEtrn::etrnCmd, true, "ETRN domain"),
    HELP("HELP", SmtpdCommand::helpCmd, true, "HELP", true),
    QUIT("QUIT", SmtpdCommand::quitCmd, true, "QUIT", true);

    /** A handler gets the session's context and the text after the verb. */
    @FunctionalInterface
    interface Handler {
        void handle(SmtpdContext context, String argument) throws IOException;
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
        return BY_VERB.get(verb.toUpperCase(Locale.ROOT));
    }

    /** The counter names in table order ({@code helo}, {@code ehlo}, ...), for the "disconnect from" line. */
    static List<String> counters() {
        return COUNTERS;
    }

    // Made once: find runs for every command line and counters for every session.
    private static final Map<String, SmtpdCommand> BY_VERB;
    private static final List<String> COUNTERS;

    static {
        Map<String, SmtpdCommand> verbs = new HashMap<>();
        List<String> names = new ArrayList<>();
        for (SmtpdCommand c : values()) {
            verbs.put(c.verb, c);
            names.add(c.verb.toLowerCase(Locale.ROOT));
        }
        BY_VERB = Map.copyOf(verbs);
        COUNTERS = List.copyOf(names);
    }

    // ------------------------------------------------------------------ the small handlers

    /** noop_cmd - process NOOP command */
    static void noopCmd(SmtpdContext c, String arg) throws IOException {
        c.ok("noop", Reply.OK);
    }

    /** help_cmd - process HELP command: the verbs of this table that work for this client. */
    static void helpCmd(SmtpdContext c, String arg) throws IOException {
        List<String> verbs = new ArrayList<>();
        for (SmtpdCommand cmd : values()) {
            if (cmd == VRFY && c.settings.vrfyDisabled) continue;
            if (cmd == STARTTLS && !(c.server.tls().offersStarttls() && c.state.client.tls == null)) continue;
            if (cmd == AUTH && !c.settings.sasl.enabled) continue;
            verbs.add(cmd.verb);
        }
        c.ok("help", Reply.help(verbs));
    }

    /** quit_cmd - process QUIT command */
    static void quitCmd(SmtpdContext c, String arg) throws IOException {
        c.ok("quit", Reply.BYE);
        c.hangUp();
    }
}
