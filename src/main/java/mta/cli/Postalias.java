package mta.cli;

import java.io.InputStream;
import java.io.PrintStream;
import mta.lookup.AliasSource;

/**
 * Postalias - build or query a Postfix alias table (postalias(1)).
 *
 * <pre>
 * SYNOPSIS
 *     postalias [-Ninoprsuvw] [-c config_dir] [-d key] [-q key] [file_type:]file_name ...
 *
 * DESCRIPTION
 *     Like postmap(1), for files in aliases(5) syntax: "name: value1, value2, ...", where a
 *     name with special characters is written in double quotes. The value is stored as
 *     written, so "postalias -q name file" prints the whole right-hand side. Each built table
 *     also gets the entry "@" with value "@", as Postfix adds for Sendmail compatibility.
 *     The NIS entries YP_LAST_MODIFIED and YP_MASTER_NAME are not written: there is no NIS.
 *
 *     A file name is required, as in Postfix (no file name is a usage error, exit 1);
 *     newaliases(1) rebuilds every table named by alias_database.
 *
 *     Options are those of postmap(1): -c dir, -d key, -i, -p, -q key, -r, -s, -w; -N, -n, -o,
 *     -u and -v are accepted and change nothing. A new table takes the source file's owner,
 *     group and mode (0644 with -p); a table that exists keeps its own.
 * </pre>
 * Errors print {@code postalias: fatal: ...} and exit 1.
 */
public final class Postalias {
    private Postalias() {}

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, System.in, out, err);
    }

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        return command("postalias", in, out, err).run(args);
    }

    static TableCommand command(String prog, InputStream in, PrintStream out, PrintStream err) {
        return new TableCommand(prog, AliasSource::parse, true, in, out, err);
    }
}
