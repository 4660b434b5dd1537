package mta.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import mta.config.ConfigException;
import mta.config.ConfigLoader;
import mta.config.Params;
import mta.postdrop.Poster;
import mta.postdrop.SendmailOptions;

/**
 * Newaliases - the newaliases(1) command: sendmail with -bi as its default mode, so it rebuilds
 * the alias tables named by alias_database. It takes sendmail's options (-C dir, -oA file, and
 * -bp, -q, ... which change the mode); see {@link Sendmail}.
 *
 * <pre>
 * SYNOPSIS
 *     newaliases [options]
 *
 * DESCRIPTION
 *     The same as "postalias" on each table of $alias_database (main.cf from -C dir, else
 *     $MAIL_CONFIG, else /etc/postfix), such as /etc/aliases.db from /etc/aliases; with -oAfile,
 *     that file instead. Running daemons notice the new file at their next lookup; no reload is
 *     needed.
 * </pre>
 * Errors print {@code newaliases: fatal: ...} and exit 75, as Postfix's newaliases.
 */
public final class Newaliases {
    private Newaliases() {}

    public static void main(String[] args) {
        System.exit(Sendmail.run("newaliases", args, System.in, System.out, System.err, Poster.ofProcess()));
    }

    /** As the command run with {@code args} (tests). */
    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        return Sendmail.run("newaliases", args, in, out, err, Poster.ofProcess());
    }

    /**
     * Rebuilds the tables of alias_database in {@code configDir} (or {@code aliasFile}, from -oA);
     * 0 on success, 75 after a fatal error.
     */
    static int rebuild(Path configDir, String aliasFile, PrintStream out, PrintStream err) {
        List<String> tables;
        if (aliasFile != null && !aliasFile.isEmpty()) {
            tables = List.of(aliasFile);
        } else {
            try {
                tables = ConfigLoader.load(configDir).config().list(Params.ALIAS_DATABASE);
            } catch (ConfigException e) {
                err.println("newaliases: fatal: " + e.getMessage());
                return SendmailOptions.EX_TEMPFAIL;
            }
        }
        if (tables.isEmpty()) return 0;
        List<String> args = new ArrayList<>(List.of("-c", configDir.toString(), "--"));
        args.addAll(tables);
        int rc = Postalias.command("newaliases", InputStream.nullInputStream(), out, err).run(args.toArray(String[]::new));
        return rc == 0 ? 0 : SendmailOptions.EX_TEMPFAIL;
    }
}
