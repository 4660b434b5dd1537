package mta.cli;

import java.io.PrintStream;

/**
 * Newaliases - rebuild the alias tables named by alias_database (newaliases(1)).
 *
 * <pre>
 * SYNOPSIS
 *     newaliases [-v] [-c config_dir]
 *
 * DESCRIPTION
 *     The same as "postalias" without file names: reads main.cf (from -c dir, else
 *     $MAIL_CONFIG, else /etc/postfix) and rebuilds each table in $alias_database, such as
 *     /etc/aliases.db from /etc/aliases. Running daemons notice the new file at their next
 *     lookup; no reload is needed.
 * </pre>
 * Errors print {@code newaliases: fatal: ...} and exit 1.
 */
public final class Newaliases {
    private Newaliases() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-c") && i + 1 < args.length) {
                i++;
            } else if (!a.equals("-v") && !(a.startsWith("-c") && a.length() > 2)) {
                err.println("newaliases: fatal: usage: newaliases [-v] [-c config_dir]");
                return 1;
            }
        }
        return Postalias.command("newaliases", System.in, out, err).run(args);
    }
}
