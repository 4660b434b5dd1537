package mta.cli;

import java.io.InputStream;
import java.io.PrintStream;
import mta.lookup.PostmapSource;

/**
 * Postmap - build or query a Postfix lookup table (postmap(1)).
 *
 * <pre>
 * SYNOPSIS
 *     postmap [-Ninoprsuvw] [-c config_dir] [-d key] [-q key] [file_type:]file_name ...
 *
 * DESCRIPTION
 *     Without -d, -q or -s, reads each source file (lines "key whitespace value", # comments,
 *     lines that start with white space continue the previous line) and replaces file_name.db
 *     atomically; a new table takes the source file's owner, group and mode (as Postfix's
 *     postmap, which runs as the source file's owner), a table that exists keeps its own. Keys
 *     are folded to lower case. file_type is hash, btree or mvstore; without
 *     it, default_database_type from main.cf is used. texthash, regexp, pcre and cidr tables
 *     are read from their source directly: they can be queried (-q) but not built, listed or
 *     changed; lines they skip are reported as warnings when they are queried.
 *
 *     -c dir   read main.cf from dir instead of $MAIL_CONFIG or /etc/postfix
 *     -d key   remove key from each table; "-" reads keys from standard input.
 *              Exit 0 when something was removed, 1 otherwise.
 *     -i       incremental: add entries read from standard input to the existing table
 *     -q key   print the first value found for key; exit 1 (no output) when none.
 *              "-" reads keys from standard input and prints "key TAB value" for each hit.
 *              Works with every table type, such as inline:{a=b}, static:x, texthash:/f,
 *              regexp:/f and cidr:/f.
 *     -p       a new table gets mode 0644 instead of the source file's mode
 *     -r       when a key is duplicated, keep the last value quietly
 *     -s       print every entry as "key TAB value"
 *     -N -n -o -u -v   accepted for compatibility; they change nothing
 *     -w       when a key is duplicated, keep the first value quietly (default: keep the first, warn)
 * </pre>
 * Errors print {@code postmap: fatal: ...} and exit 1; so does a usage error (no file name
 * included), after the list of options, which --help prints on standard output.
 */
public final class Postmap {
    private Postmap() {}

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, System.in, out, err);
    }

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        return new TableCommand("postmap", PostmapSource::parse, false, in, out, err).run(args);
    }
}
