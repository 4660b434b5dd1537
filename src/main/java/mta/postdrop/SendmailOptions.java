package mta.postdrop;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;
import mta.mail.DsnNotify;
import mta.util.Getopt;
import mta.util.Usage;

/**
 * SendmailOptions - reads the command line of sendmail, mailq and newaliases as Postfix's
 * sendmail does, into a {@link SendmailRequest}.
 *
 * <p>The three names are one command with another default mode: sendmail posts (-bm), mailq lists
 * the queue (-bp), newaliases rebuilds the aliases (-bi); each accepts every option, -C included.
 * Options end at the first argument that is not one, or at "--"; the rest are recipients. Options
 * with a value take it attached ({@code -fme}) or as the next argument: -b -e -f -h -o -p -r -A -B
 * -C -F -L -N -O -R -V -X; -q takes an attached value only. Flags: -c -i -m -G -I -U -t -v -x.
 * A bad -N, -R or -V value is ignored with a warning, as Postfix does; every fatal error prints
 * {@code PROG: fatal: ...} and exits 75 (EX_TEMPFAIL), Postfix's exit status for them. Writes only
 * those messages to standard error.
 */
public final class SendmailOptions {
    /** sendmail's exit status for every error, bad usage included (Postfix's). */
    public static final int EX_TEMPFAIL = 75;
    /** The option letters that take a value. */
    private static final String WITH_VALUE = "befhoprABCFLNORVX";
    /** The option letters that are flags (accepted; those that do something are handled). */
    private static final String FLAGS = "cimGIUtvx";

    private final String prog;
    private final PrintStream err;

    private SendmailOptions(String prog, PrintStream err) {
        this.prog = prog;
        this.err = err;
    }

    /** The usage of {@code prog} (sendmail, mailq or newaliases). */
    public static Usage usage(String prog) {
        Usage u = new Usage("sendmail", "sendmail [options] [recipient ...]", EX_TEMPFAIL,
                "  -t            take the recipients from To:, Cc: and Bcc: as well (Bcc: is removed)",
                "  -i, -oi       a line with only \".\" does not end the message",
                "  -f sender     the envelope sender (also -r); -f '' or -f '<>' for the null sender",
                "  -F name       the sender's full name, for a message without From:",
                "  -C dir        the configuration directory (or its main.cf), as MAIL_CONFIG",
                "  -N dsn        delivery status notices: never, or a list of failure, delay, success",
                "  -R hdrs|full  how much of the message a notice returns",
                "  -V envid      the envelope ID that notices quote",
                "  -B type       7BIT or 8BITMIME (accepted)",
                "  -bm           post the message on standard input (sendmail's default)",
                "  -bp           list the mail queue (mailq's default)",
                "  -bi, -I       rebuild the alias database (newaliases' default); -oA file: that file",
                "  -bs           an SMTP session on standard input and output",
                "  -bd, -bl      start the mail system (postfix start)",
                "  -q            deliver the queued mail now; -qRsite one site, -qIqueue_id one message",
                "  -c -m -v -x -G -U -e x -h n -o x -p x -A x -L x -O x -X x   accepted and ignored",
                "  --help        this list");
        return prog.equals("sendmail") ? u : u.named(prog);
    }

    /** The default mode of each name: mailq lists, newaliases rebuilds, sendmail posts. */
    static String defaultMode(String prog) {
        return switch (prog) {
            case "mailq" -> "p";
            case "newaliases" -> "i";
            default -> "m";
        };
    }

    /** Parses {@code args}; prints what is wrong and sets {@link SendmailRequest#exit} when it cannot. */
    public static SendmailRequest parse(String prog, String[] args, PrintStream err) {
        return new SendmailOptions(prog, err).parse(args);
    }

    private SendmailRequest parse(String[] args) {
        SendmailRequest.Builder b = new SendmailRequest.Builder(defaultMode(prog));
        // --help is not getopt's: it is taken out before the options are read.
        String[] rest = args;
        if (Usage.asksForHelp(args)) {
            b.mode = "help";
            rest = Arrays.stream(args).filter(a -> !a.equals("--help")).toArray(String[]::new);
        }
        Getopt g = new Getopt(rest, WITH_VALUE, "q");
        for (char opt; (opt = g.next()) != Getopt.END; ) {
            if (opt == 'q') {
                if (!queueOption(b, g.value())) return SendmailRequest.failed(EX_TEMPFAIL);
            } else if (g.value() != null) {
                if (!valueOption(b, opt, g.value())) return SendmailRequest.failed(EX_TEMPFAIL);
            } else if (opt == 'n') {
                return fatal("-n option not supported");
            } else if (FLAGS.indexOf(opt) < 0) {
                g.invalid(opt);
            } else if (opt == 't') {
                b.extract = true;
            } else if (opt == 'i') {
                b.dotEnds = false;
            } else if (opt == 'I') {
                b.mode = "i";
            } // -c -m -v -x -G -U: accepted, nothing to do
        }
        if (g.problem() != null) return usageError(g.problem());
        int i = g.operands();
        args = rest;
        b.rcpts.addAll(Arrays.asList(args).subList(i, args.length));
        if (b.extract && !b.mode.equals("m")) return fatal("-t can be used only in delivery mode");
        if (b.mode.equals("help")) return b.build();
        String noRecipient = switch (b.mode) {
            case "p" -> "display queue mode";
            case "i" -> "alias initialization mode";
            case "s" -> "stand-alone mode";
            case "d" -> "daemon mode";
            case "q" -> "flush queue mode";
            case "qR" -> "flush site";
            case "qI" -> "flush queue_id";
            default -> null;
        };
        if (noRecipient != null && !b.rcpts.isEmpty()) return fatal(noRecipient + " requires no recipient");
        return b.build();
    }

    /** -q: flush the queue; -qRsite, -qIid: one site, one message; -q30m (an interval): nothing. */
    private boolean queueOption(SendmailRequest.Builder b, String rest) {
        if (rest.isEmpty()) {
            b.mode = "q";
        } else if (rest.startsWith("R") || rest.startsWith("I")) {
            b.mode = "q" + rest.charAt(0);
            b.queueTarget = rest.substring(1);
        } else if (rest.startsWith("S")) {
            err.println(prog + ": fatal: -qS is not implemented");
            return false;
        } else {
            b.mode = "q-"; // -q30m: run the queue every so often; the master does that already
        }
        return true;
    }

    /** An option with a value; false after printing a fatal error. */
    private boolean valueOption(SendmailRequest.Builder b, char opt, String value) {
        switch (opt) {
            case 'f', 'r' -> b.sender = value;
            case 'F' -> b.fullName = value;
            case 'C' -> b.dashC = value;
            case 'b' -> {
                switch (value) {
                    case "m", "p", "i", "s" -> b.mode = value;
                    case "d", "l" -> b.mode = "d";
                    case "h", "H" -> { } // historical: ignored
                    default -> {
                        err.println(prog + ": fatal: unsupported: -b" + value);
                        return false;
                    }
                }
            }
            case 'o' -> {
                if (value.equals("i")) b.dotEnds = false;
                else if (value.startsWith("A")) b.aliasFile = value.substring(1);
                // other -o options are historical and ignored
            }
            case 'N' -> {
                b.dsnNotify = DsnNotify.normalize(value);
                if (b.dsnNotify == null) err.println(prog + ": warning: bad -N option value -- ignored");
            }
            case 'R' -> {
                String ret = value.toUpperCase(Locale.ROOT);
                if (ret.equals("HDRS") || ret.equals("FULL")) b.dsnRet = ret;
                else err.println(prog + ": warning: bad -R option value -- ignored");
            }
            case 'V' -> {
                if (validEnvid(value)) b.dsnEnvid = value;
                else err.println(prog + ": warning: bad syntax in -V option value -- ignored");
            }
            case 'B' -> {
                String type = value.toUpperCase(Locale.ROOT);
                if (!type.equals("8BITMIME") && !type.equals("7BIT")) {
                    err.println(prog + ": fatal: -B option needs 8BITMIME or 7BIT");
                    return false;
                }
            }
            default -> { } // -e -h -p -A -L -O -X: historical, ignored
        }
        return true;
    }

    /** An ENVID (RFC 3461): 1 to 100 printable US-ASCII characters, no spaces. */
    static boolean validEnvid(String v) {
        if (v.isEmpty() || v.length() > 100) return false;
        return v.chars().allMatch(c -> c > 32 && c < 127);
    }

    private SendmailRequest fatal(String message) {
        err.println(prog + ": fatal: " + message);
        return SendmailRequest.failed(EX_TEMPFAIL);
    }

    private SendmailRequest usageError(String problem) {
        return SendmailRequest.failed(usage(prog).error(err, problem));
    }
}
