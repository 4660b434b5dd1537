package mta.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.ConfigLoader;
import mta.config.Params;
import mta.lookup.Duplicates;
import mta.lookup.Source;
import mta.lookup.Table;
import mta.lookup.TableBuilder;
import mta.lookup.TableException;
import mta.lookup.Tables;
import mta.util.Getopt;
import mta.util.Usage;

/**
 * TableCommand - what postmap, postalias and newaliases share: options, build, query, dump, delete.
 *
 * <p>Reads main.cf (only when a file name has no type), the source files, the tables, and keys
 * from standard input for {@code -q -}, {@code -d -} and {@code -i}. Writes {@code FILE.db}
 * through {@link TableBuilder} (a new table takes the source file's owner, group and mode, an
 * existing one keeps its own), results to standard output, and warnings and
 * {@code PROG: fatal: ...} to standard error. Exit status 0 on success or a hit, 1 on a miss, on
 * any error and on bad usage (no file name included), as Postfix's commands.
 */
final class TableCommand {
    /** Turns source text into entries: {@link mta.lookup.PostmapSource} or {@link mta.lookup.AliasSource}. */
    interface Parser {
        Source parse(BufferedReader in, String source) throws IOException;
    }

    /** What the command was asked to do. */
    private enum Mode { BUILD, QUERY, DELETE, DUMP }

    /** Ends the command with {@code PROG: fatal: message} and exit status 1. */
    private static final class Fatal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Fatal(String message) {
            super(message);
        }
    }

    private final String prog;
    private final Parser parser;
    private final boolean aliases;
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;

    private String configDir;
    private Mode mode = Mode.BUILD;
    private String key;
    private Duplicates duplicates = Duplicates.WARN;
    private boolean incremental;
    /** A new table takes the source file's mode (false: -p, mode 0644). */
    private boolean sourceMode = true;
    private final List<String> maps = new ArrayList<>();
    private Config config;

    /**
     * @param prog    the command name for messages
     * @param parser  the source syntax
     * @param aliases true for postalias and newaliases: adds the {@code @} entry
     */
    TableCommand(String prog, Parser parser, boolean aliases, InputStream in, PrintStream out, PrintStream err) {
        this.prog = prog;
        this.parser = parser;
        this.aliases = aliases;
        this.in = in;
        this.out = out;
        this.err = err;
    }

    /** The usage of postmap or postalias (newaliases has sendmail's). */
    static Usage usage(String prog) {
        return new Usage(prog, prog + " [-Ninoprsuvw] [-c config_dir] [-d key] [-q key] [map_type:]file...", 1,
                "  -c config_dir  read main.cf from config_dir instead of $MAIL_CONFIG or /etc/postfix",
                "  -d key         remove key from each table (\"-\": keys from standard input)",
                "  -i             add the entries on standard input to the existing table",
                "  -p             a new table gets mode 0644, not the source file's mode",
                "  -q key         print the value of key (\"-\": keys from standard input); exit 1 if none",
                "  -r             a repeated key keeps its last value, quietly",
                "  -s             print every entry as \"key TAB value\"",
                "  -w             a repeated key keeps its first value, quietly (default: warn)",
                "  -N -n -o -u -v accepted for compatibility",
                "  --help         this list",
                "Without -d, -q or -s, builds file.db from each file; map_type is hash, btree or mvstore"
                        + " (default: default_database_type).");
    }

    int run(String[] args) {
        try {
            if (Usage.asksForHelp(args) && !prog.equals("newaliases")) return usage(prog).help(out);
            String problem = parseOptions(args);
            if (problem != null) {
                return problem.isEmpty() ? usage(prog).error(err) : usage(prog).error(err, problem);
            }
            return switch (mode) {
                case BUILD -> build();
                case QUERY -> query();
                case DELETE -> delete();
                case DUMP -> dump();
            };
        } catch (Fatal | TableException | ConfigException | UnsupportedOperationException e) {
            err.println(prog + ": fatal: " + e.getMessage());
            return 1;
        } catch (UncheckedIOException e) {
            err.println(prog + ": fatal: " + e.getCause().getMessage());
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /**
     * Parses getopt-style options ({@code -sv}, {@code -qkey}, {@code -q key}); returns null when
     * they are good, else the problem ("" when the usage alone says it: no file name).
     */
    private String parseOptions(String[] args) {
        Getopt g = new Getopt(args, "cdq", "");
        for (char c; (c = g.next()) != Getopt.END; ) {
            switch (c) {
                case 'c' -> configDir = g.value();
                case 'd' -> setMode(Mode.DELETE, g.value());
                case 'q' -> setMode(Mode.QUERY, g.value());
                case 's' -> setMode(Mode.DUMP, null);
                case 'i' -> incremental = true;
                case 'p' -> sourceMode = false;
                case 'r' -> duplicates = Duplicates.REPLACE;
                case 'w' -> duplicates = Duplicates.IGNORE;
                case 'v', 'N', 'n', 'o', 'u' -> { } // accepted; nothing to change here
                default -> g.invalid(c);
            }
        }
        if (g.problem() != null) return g.problem();
        for (int i = g.operands(); i < args.length; i++) maps.add(args[i]);
        if (incremental && mode != Mode.BUILD) throw new Fatal("-i works only when building a table");
        return maps.isEmpty() ? "" : null;
    }

    private void setMode(Mode m, String k) {
        if (mode != Mode.BUILD) throw new Fatal("specify only one of -s -q or -d");
        mode = m;
        key = k;
    }

    /**
     * main.cf, read once on first use. As Postfix's postmap, it does not check the parameters it
     * does not use: a table can be built while main.cf names a table type not supported yet.
     */
    private Config config() {
        if (config == null) {
            ConfigLoader.Loaded loaded = ConfigLoader.read(ConfigLoader.directory(configDir));
            for (String w : loaded.warnings()) err.println(prog + ": warning: " + w);
            config = loaded.config();
        }
        return config;
    }

    private List<String> specs() {
        List<String> specs = new ArrayList<>();
        for (String m : maps) {
            String spec = Tables.type(m) != null ? m : Tables.withType(m, config().str(Params.DEFAULT_DATABASE_TYPE));
            specs.add(spec);
        }
        return specs;
    }

    // ------------------------------------------------------------------ modes

    private int build() {
        for (String spec : specs()) {
            String type = Tables.type(spec);
            if (!Tables.isFileType(type)) {
                Tables.open(spec).close(); // names an unknown type as Postfix does
                throw new Fatal("unsupported dictionary type: " + type + " does not support bulk-mode creation.");
            }
            String name = Tables.name(spec);
            Path sourceFile = Path.of(name);
            Map<String, String> table = new TreeMap<>();
            List<String> warnings = new ArrayList<>();
            Source source;
            if (incremental) {
                if (Files.exists(Tables.databaseFile(spec))) {
                    try (Table old = Tables.open(spec)) {
                        for (Map.Entry<String, String> e : old.entries()) table.put(e.getKey(), e.getValue());
                    }
                }
                source = parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), "stdin");
            } else {
                source = parse(sourceFile);
            }
            warnings.addAll(source.warnings());
            duplicates.merge(table, source.entries(), incremental ? "stdin" : name, warnings);
            if (aliases) table.putIfAbsent("@", "@");
            for (String w : warnings) err.println(prog + ": warning: " + w);
            TableBuilder.write(Tables.databaseFile(spec), table, Files.exists(sourceFile) ? sourceFile : null, sourceMode);
        }
        return 0;
    }

    private Source parse(Path file) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8))) {
            return parse(r, file.toString());
        } catch (NoSuchFileException e) {
            throw new Fatal("open " + file + ": No such file or directory");
        } catch (IOException e) {
            throw new Fatal("open " + file + ": " + e.getMessage());
        }
    }

    private Source parse(BufferedReader r, String name) {
        try {
            return parser.parse(r, name);
        } catch (IOException e) {
            throw new Fatal("read " + name + ": " + e.getMessage());
        }
    }

    private int query() {
        List<Table> tables = open();
        try {
            boolean found = false;
            if (!key.equals("-")) {
                String value = first(tables, key);
                if (value != null) {
                    out.println(value);
                    found = true;
                }
            } else {
                for (String k : stdinKeys()) {
                    String value = first(tables, k);
                    if (value != null) {
                        out.println(k + "\t" + value);
                        found = true;
                    }
                }
            }
            warnAboutSources(tables);
            return found ? 0 : 1;
        } finally {
            tables.forEach(Table::close);
        }
    }

    /** Reports the lines that texthash:, regexp: and cidr: tables skipped, as Postfix does when it opens them. */
    private void warnAboutSources(List<Table> tables) {
        for (Table t : tables) {
            for (String w : t.warnings()) err.println(prog + ": warning: " + w);
        }
    }

    private static String first(List<Table> tables, String k) {
        for (Table t : tables) {
            String v = t.get(k);
            if (v != null) return v;
        }
        return null;
    }

    private int delete() {
        List<Table> tables = open();
        try {
            List<String> keys = key.equals("-") ? stdinKeys() : List.of(key);
            boolean found = false;
            for (Table t : tables) {
                for (String k : keys) found |= t.remove(k);
            }
            return found ? 0 : 1;
        } finally {
            tables.forEach(Table::close);
        }
    }

    private int dump() {
        for (Table t : open()) {
            try (t) {
                for (Map.Entry<String, String> e : t.entries()) out.println(e.getKey() + "\t" + e.getValue());
            }
        }
        return 0;
    }

    private List<Table> open() {
        List<Table> tables = new ArrayList<>();
        for (String spec : specs()) tables.add(Tables.open(spec));
        return tables;
    }

    /** Keys read from standard input, one per line, blank lines skipped. */
    private List<String> stdinKeys() {
        List<String> keys = new ArrayList<>();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) keys.add(line.strip());
            }
        } catch (IOException e) {
            throw new Fatal("read stdin: " + e.getMessage());
        }
        return keys;
    }
}
