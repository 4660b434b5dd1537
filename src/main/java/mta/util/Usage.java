package mta.util;

import java.io.PrintStream;
import java.util.List;

/**
 * Usage - one command's usage line and its list of options or commands, printed on request or
 * after a usage error.
 *
 * <p>Writes nothing but those lines. {@code --help} (and {@code -h} where the command has no
 * {@code -h} option of its own) prints {@code usage: SYNOPSIS} and the list on standard output and
 * exits 0. A usage error prints {@code PROG: fatal: usage: SYNOPSIS}, as Postfix does (scripts and
 * log readers match that line), then the same list, on standard error, and exits with the
 * command's own code for bad usage (Postfix's: 1 for most commands, 69 for postqueue, 75 for
 * sendmail, mailq and newaliases).
 *
 * @param prog     the command's name, as the messages give it
 * @param synopsis the usage line without the leading "usage: "
 * @param exit     the exit status of a usage error
 * @param lines    the options or commands, one per line, indented
 */
public record Usage(String prog, String synopsis, int exit, List<String> lines) {
    public Usage(String prog, String synopsis, int exit, String... lines) {
        this(prog, synopsis, exit, List.of(lines));
    }

    /** True when an argument before any "--" is {@code --help}. */
    public static boolean asksForHelp(String[] args) {
        for (String a : args) {
            if (a.equals("--")) return false;
            if (a.equals("--help")) return true;
        }
        return false;
    }

    /** The answer to {@code --help}: the usage and the list on standard output; exit 0. */
    public int help(PrintStream out) {
        out.println("usage: " + synopsis);
        for (String l : lines) out.println(l);
        out.flush();
        return 0;
    }

    /** A usage error: the fatal usage line and the list on standard error; the command's exit code. */
    public int error(PrintStream err) {
        err.println(prog + ": fatal: usage: " + synopsis);
        for (String l : lines) err.println(l);
        err.flush();
        return exit;
    }

    /** A usage error that names its cause first, as getopt does ({@code invalid option -- 'x'}). */
    public int error(PrintStream err, String problem) {
        err.println(prog + ": " + problem);
        return error(err);
    }

    /** The same usage under another name (mailq and newaliases are sendmail). */
    public Usage named(String otherProg) {
        return new Usage(otherProg, otherProg + synopsis.substring(synopsis.indexOf(' ')), exit, lines);
    }
}
