package mta.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.ConfigLoader;
import mta.config.MainCf;
import mta.config.MainCfEditor;
import mta.config.MasterCf;
import mta.config.Param;
import mta.config.Params;

/**
 * Postconf - show or change main.cf parameters, and show master.cf services (postconf(1)).
 *
 * <pre>
 * SYNOPSIS
 *     postconf [-dhnx] [-c config_dir] [name ...]
 *     postconf [-c config_dir] [-e] name=value ...
 *     postconf [-c config_dir] -X name ...
 *     postconf [-c config_dir] -# name ...
 *     postconf [-c config_dir] -M [service[/type] ...]
 *     postconf -m
 *
 * DESCRIPTION
 *     Without options, prints every known parameter as "name = value", sorted by name, with
 *     the value as written in main.cf or the default, not expanded ($name stays). With names,
 *     prints those parameters only; an unknown name gives a warning (exit status 0).
 *
 *     -c dir   use dir/main.cf and dir/master.cf instead of $MAIL_CONFIG or /etc/postfix
 *     -d       print the default values (computed ones, such as myhostname, computed);
 *              main.cf is not read
 *     -e       edit main.cf: each name=value replaces the entry of that name where it is
 *              (with its continuation lines) or is appended; comments and other lines are
 *              kept. A name=value argument without -e does the same.
 *     -h       print the value only, without "name = "
 *     -m       print the lookup table types this system supports, one per line
 *     -M       print master.cf services, one per line in aligned columns; "name" selects
 *              every service of that name, "name/type" one service
 *     -n       print only the parameters set in main.cf (and config_directory with -c)
 *     -x       expand $name references in the values printed
 *     -X       remove the entries of the named parameters from main.cf
 *     -#       comment out the entries of the named parameters in main.cf
 *
 *     main.cf is rewritten atomically (a temporary file renamed over it).
 * </pre>
 * Warnings ({@code postconf: warning: ...}) go to standard error; errors print
 * {@code postconf: fatal: ...} and exit 1. Unlike the daemons, postconf does not check values,
 * so it can repair a main.cf that stops the mail system.
 */
public final class Postconf {
    static final Usage USAGE = new Usage("postconf", "postconf [-dehmMnxX#] [-c config_dir] [name[=value] ...]", 1,
            "  -c config_dir  main.cf and master.cf from config_dir instead of $MAIL_CONFIG or /etc/postfix",
            "  -d             the default values",
            "  -e             edit main.cf: set each name=value (also without -e)",
            "  -h             values only, without \"name = \"",
            "  -m             the lookup table types this system supports",
            "  -M             master.cf services (name or name/type selects)",
            "  -n             only the parameters that main.cf sets",
            "  -x             expand $name in the values",
            "  -X             remove the named parameters from main.cf",
            "  -#             comment out the named parameters in main.cf",
            "  --help         this list");

    /** The options given; at most one of e, X, # and M selects what is done. */
    private record Options(String dashC, String flags, List<String> args) {
        boolean has(char c) {
            return flags.indexOf(c) >= 0;
        }
    }

    /** Ends the command with {@code postconf: fatal: message} and exit status 1. */
    private static final class Fatal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Fatal(String message) {
            super(message);
        }
    }

    private final PrintStream out;
    private final PrintStream err;

    private Postconf(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (Usage.asksForHelp(args)) return USAGE.help(out);
        Options o = parse(args, err);
        if (o == null) return 1;
        try {
            return new Postconf(out, err).dispatch(o);
        } catch (Fatal | ConfigException e) {
            err.println("postconf: fatal: " + e.getMessage());
            return 1;
        }
    }

    /** getopt-style parsing: flags may be grouped ({@code -nh}), {@code -c} takes a value. */
    private static Options parse(String[] args, PrintStream err) {
        String dashC = null;
        StringBuilder flags = new StringBuilder();
        int i = 0;
        for (; i < args.length && args[i].startsWith("-") && args[i].length() > 1; i++) {
            if (args[i].equals("--")) {
                i++;
                break;
            }
            for (int k = 1; k < args[i].length(); k++) {
                char c = args[i].charAt(k);
                if (c == 'c') {
                    if (k + 1 < args[i].length()) dashC = args[i].substring(k + 1);
                    else if (i + 1 < args.length) dashC = args[++i];
                    else return usage(err, "option requires an argument -- 'c'");
                    break;
                }
                if ("dehmMnxX#".indexOf(c) < 0) return usage(err, "invalid option -- '" + c + "'");
                flags.append(c);
            }
        }
        List<String> rest = List.of(args).subList(i, args.length);
        return new Options(dashC, flags.toString(), rest);
    }

    private static Options usage(PrintStream err, String problem) {
        USAGE.error(err, problem);
        return null;
    }

    private int dispatch(Options o) {
        if (o.has('m')) {
            for (String type : mta.config.TableTypes.supported()) out.println(type);
            return 0;
        }
        String modes = o.flags().replaceAll("[^eXM#]", "").chars().distinct()
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        if (modes.length() > 1) throw new Fatal("specify one of -e -X -# -M");
        Path dir = ConfigLoader.directory(o.dashC());
        if (modes.equals("M")) return master(dir, o.args());
        if (!modes.isEmpty() && (o.has('n') || o.has('d') || o.has('x') || o.has('h'))) {
            throw new Fatal("-" + modes + " cannot be combined with -d, -h, -n or -x");
        }
        boolean assignment = o.args().stream().anyMatch(a -> a.contains("="));
        if (modes.equals("e") || (modes.isEmpty() && assignment)) {
            return edit(dir, o.args());
        }
        if (modes.equals("X") || modes.equals("#")) return remove(dir, o.args(), modes.equals("#"));
        return show(dir, o);
    }

    // ------------------------------------------------------------------ show parameters

    private int show(Path dir, Options o) {
        boolean defaults = o.has('d');
        Map<String, String> values = new LinkedHashMap<>();
        if (!defaults) {
            Path file = dir.resolve("main.cf");
            MainCf cf = readMainCf(file);
            for (String w : cf.warnings()) err.println("postconf: warning: " + w);
            values.putAll(cf.values());
            for (Map.Entry<String, String> e : cf.values().entrySet()) {
                if (Params.byName(e.getKey()) == null) {
                    err.println("postconf: warning: " + file + ": unused parameter: " + e.getKey() + "=" + e.getValue());
                }
            }
            if (o.dashC() != null || System.getenv("MAIL_CONFIG") != null) {
                values.put(Params.CONFIG_DIRECTORY.name(), dir.toString());
            }
        }
        Config config = Config.of(values);
        List<String> names = new ArrayList<>();
        if (o.args().isEmpty()) {
            names.addAll(new TreeSet<>(Params.all().keySet()));
        } else {
            for (String name : o.args()) {
                if (Params.byName(name) == null) err.println("postconf: warning: " + name + ": unknown parameter");
                else names.add(name);
            }
        }
        for (String name : names) {
            if (o.has('n') && !config.isSet(name)) continue;
            Param p = Params.byName(name);
            String value;
            if (o.has('x') || p.defaultValue() == null && !config.isSet(name)) value = config.get(name);
            else value = config.rawValue(name);
            if (o.has('h')) out.println(value);
            else out.println(value.isEmpty() ? name + " =" : name + " = " + value);
        }
        return 0;
    }

    private static MainCf readMainCf(Path file) {
        try {
            return MainCf.read(file);
        } catch (IOException e) {
            throw new Fatal("open " + file + ": " + reason(e));
        }
    }

    // ------------------------------------------------------------------ edit main.cf

    private int edit(Path dir, List<String> args) {
        if (args.isEmpty()) throw new Fatal("-e requires name=value argument");
        MainCfEditor editor = openEditor(dir);
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq < 0) throw new Fatal("missing '=' after attribute name: \"" + a + "\"");
            String name = a.substring(0, eq).strip();
            if (name.isEmpty() || !name.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_')) {
                throw new Fatal("bad parameter name: \"" + name + "\"");
            }
            editor.set(name, a.substring(eq + 1).strip());
        }
        return save(dir, editor);
    }

    private int remove(Path dir, List<String> names, boolean commentOut) {
        if (names.isEmpty()) throw new Fatal("-" + (commentOut ? "#" : "X") + " requires a parameter name");
        MainCfEditor editor = openEditor(dir);
        for (String name : names) {
            if (commentOut) editor.commentOut(name);
            else editor.remove(name);
        }
        return save(dir, editor);
    }

    private static MainCfEditor openEditor(Path dir) {
        Path file = dir.resolve("main.cf");
        try {
            return MainCfEditor.open(file);
        } catch (IOException e) {
            throw new Fatal("open " + file + " for reading: " + reason(e));
        }
    }

    private int save(Path dir, MainCfEditor editor) {
        for (String w : editor.warnings()) err.println("postconf: warning: " + w);
        try {
            editor.write();
        } catch (IOException e) {
            throw new Fatal("write " + dir.resolve("main.cf") + ": " + reason(e));
        }
        return 0;
    }

    // ------------------------------------------------------------------ master.cf

    private int master(Path dir, List<String> selectors) {
        Path file = dir.resolve("master.cf");
        if (!Files.exists(file)) throw new Fatal("open " + file + ": No such file or directory");
        List<MasterCf.Service> services = MasterCf.read(file).services();
        if (selectors.isEmpty()) {
            for (MasterCf.Service s : services) out.println(MasterCfFormat.line(s));
            return 0;
        }
        for (String sel : selectors) {
            boolean matched = false;
            for (MasterCf.Service s : services) {
                if (sel.equals(s.key()) || sel.equals(s.name())) {
                    out.println(MasterCfFormat.line(s));
                    matched = true;
                }
            }
            if (!matched) err.println("postconf: warning: unmatched request: \"" + sel + "\"");
        }
        return 0;
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) return "No such file or directory";
        if (e instanceof java.nio.file.AccessDeniedException) return "Permission denied";
        return e.getMessage();
    }
}
