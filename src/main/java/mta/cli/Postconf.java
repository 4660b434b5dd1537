package mta.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.ConfigLoader;
import mta.config.MainCf;
import mta.config.MainCfEditor;
import mta.config.MasterCf;
import mta.config.Param;
import mta.config.Params;
import mta.config.PostfixParameters;
import mta.config.ServiceParameters;
import mta.config.UnusedParameters;
import mta.lookup.Tables;
import mta.util.Usage;

/**
 * Postconf - show or change main.cf parameters and master.cf services (postconf(1)).
 *
 * <pre>
 * SYNOPSIS
 *     postconf [-dhnx] [-c config_dir] [name ...]
 *     postconf [-c config_dir] [-e] name=value ...
 *     postconf [-c config_dir] -X name ... | -# name ...
 *     postconf [-c config_dir] -M[fx] [name[/type] ...]
 *     postconf [-c config_dir] -F[hx] [name[/type[/field]] ...]
 *     postconf [-c config_dir] -P[hx] [name[/type[/parameter]] ...]
 *     postconf [-c config_dir] -Me name/type="entry" ... | -MX name/type ... | -M# name/type ...
 *     postconf [-c config_dir] -Fe name/type/field=value ...
 *     postconf [-c config_dir] -Pe name/type/parameter=value ... | -PX name/type/parameter ...
 *     postconf -m | -l | -a | -A
 *
 * DESCRIPTION
 *     Without options, prints every parameter as "name = value", sorted by name, with the value as
 *     written in main.cf or the default, not expanded ($name stays): the parameters of this
 *     system and every other Postfix 3.7 parameter (with Postfix's default; postfix check says
 *     which ones nothing here acts on), those that master.cf services define (TRANSPORT_suffix),
 *     and user-defined ones (set in main.cf and used as $name). With names, prints those only; an
 *     unknown name gives a warning (exit status 0). Unused and undefined parameters in main.cf and
 *     master.cf are warned about, as Postfix does.
 *
 *     -c dir   use dir/main.cf and dir/master.cf instead of $MAIL_CONFIG or /etc/postfix
 *     -d       print the default values (computed ones, such as myhostname, computed);
 *              main.cf is not read
 *     -e       edit main.cf (or with -M, -F, -P: master.cf); a name=value argument without -e
 *              edits main.cf too. Entries are replaced where they are, or appended
 *     -f       with -M: fold long entries over several lines
 *     -h       print values only, without "name = "
 *     -M, -F, -P  master.cf entries, fields or -o parameters (see PostconfMaster, PostconfMasterEdit)
 *     -n       print only the parameters set in main.cf (and config_directory with -c)
 *     -x       expand $name references in the values printed
 *     -X, -#   remove, or comment out, main.cf parameters (with -M: services; with -P: -o parameters)
 *     -m       the lookup table types this system supports
 *     -l       the mailbox locking methods local delivery uses
 *     -a, -A   the SASL server (smtpd) and client (smtp) implementations supported
 *
 *     main.cf and master.cf are rewritten atomically (a temporary file renamed over them).
 * </pre>
 * Warnings ({@code postconf: warning: ...}) go to standard error; errors print
 * {@code postconf: fatal: ...} and exit 1. Unlike the daemons, postconf does not check values,
 * so it can repair a configuration that stops the mail system.
 */
public final class Postconf {
    static final Usage USAGE = new Usage("postconf", "postconf [-aAdefFhlmMnPxX#] [-c config_dir] [name[=value] ...]", 1,
            "  -c config_dir  main.cf and master.cf from config_dir instead of $MAIL_CONFIG or /etc/postfix",
            "  -d             the default values",
            "  -e             edit main.cf: set each name=value (also without -e); with -M, -F, -P: master.cf",
            "  -f             with -M: fold long entries",
            "  -h             values only, without \"name = \"",
            "  -m, -l         the lookup table types, the mailbox lock methods",
            "  -a, -A         the SASL server and client types",
            "  -M, -F, -P     master.cf services, their fields, their -o parameters (name[/type[/attribute]] selects)",
            "  -n             only the parameters that main.cf sets",
            "  -x             expand $name in the values",
            "  -X, -#         remove or comment out parameters (with -M: services; with -P: -o parameters)",
            "  --help         this list");

    /** The options given. */
    private record Options(String dashC, String flags, List<String> args) {
        boolean has(char c) {
            return flags.indexOf(c) >= 0;
        }
    }

    /** Ends the command with {@code postconf: fatal: message} and exit status 1. */
    static final class Fatal extends RuntimeException {
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
                if ("aAdefFhlmMnPxX#".indexOf(c) < 0) return usage(err, "invalid option -- '" + c + "'");
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
        if (o.has('m')) return lines(Tables.TYPES);
        if (o.has('l')) return lines(List.of("fcntl", "dotlock"));
        if (o.has('a')) return lines(List.of("dovecot"));
        // the SMTP client's built-in PLAIN and LOGIN answer to smtp_sasl_type = cyrus (docs/smtp-client.md)
        if (o.has('A')) return lines(List.of("cyrus"));
        String tables = oneOf(o, "FMP");
        String edits = oneOf(o, "eX#");
        Path dir = ConfigLoader.directory(o.dashC());
        if (!tables.isEmpty()) return master(dir, tables.charAt(0), edits, o);
        if (!edits.isEmpty() && (o.has('n') || o.has('d') || o.has('x') || o.has('h'))) {
            throw new Fatal("-" + edits + " cannot be combined with -d, -h, -n or -x");
        }
        boolean assignment = o.args().stream().anyMatch(a -> a.contains("="));
        if (edits.equals("e") || (edits.isEmpty() && assignment)) return edit(dir, o.args());
        if (!edits.isEmpty()) return remove(dir, o.args(), edits.equals("#"));
        return show(dir, o);
    }

    /** Which of the mutually exclusive {@code letters} were given (at most one, else Postfix's error). */
    private static String oneOf(Options o, String letters) {
        StringBuilder given = new StringBuilder();
        for (char c : letters.toCharArray()) if (o.has(c)) given.append(c);
        if (given.length() > 1) throw new Fatal("specify one of -" + given.charAt(0) + " -" + given.charAt(1));
        return given.toString();
    }

    private int lines(Iterable<String> items) {
        for (String s : items) out.println(s);
        return 0;
    }

    // ------------------------------------------------------------------ show parameters

    private int show(Path dir, Options o) {
        boolean defaults = o.has('d');
        Map<String, String> values = new LinkedHashMap<>();
        Path mainCfFile = dir.resolve("main.cf");
        if (!defaults) values.putAll(readMainCf(mainCfFile).values());
        MasterCf masterCf = readMasterCfForParameters(dir);
        if (!defaults) warn(UnusedParameters.undefined(mainCfName(dir), values, masterCfName(dir), masterCf));
        if (!defaults && (o.dashC() != null || System.getenv("MAIL_CONFIG") != null)) {
            values.put(Params.CONFIG_DIRECTORY.name(), dir.toString());
        }
        Map<String, String> serviceDefined = masterCf == null ? Map.of() : ServiceParameters.of(masterCf);
        Set<String> userDefined = defaults ? Set.of() : UnusedParameters.userDefined(values, masterCf);
        Set<String> universe = new TreeSet<>(Params.all().keySet());
        universe.addAll(PostfixParameters.all().keySet());
        universe.addAll(serviceDefined.keySet());
        universe.addAll(userDefined);
        List<String> names = new ArrayList<>();
        if (o.args().isEmpty()) {
            names.addAll(universe);
        } else {
            for (String name : o.args()) {
                if (!universe.contains(name) && !PostfixParameters.known(name)) {
                    err.println("postconf: warning: " + name + ": unknown parameter");
                }
                else names.add(name);
            }
        }
        Config config = Config.of(values);
        for (String name : names) {
            if (o.has('n') && !config.isSet(name)) continue;
            String value = value(config, name, serviceDefined, o.has('x'));
            if (o.has('h')) out.println(value);
            else out.println(value.isEmpty() ? name + " =" : name + " = " + value);
        }
        if (!defaults) warn(UnusedParameters.unused(mainCfName(dir), values, masterCfName(dir), masterCf));
        return 0;
    }

    /** A parameter's value as written (or its default), expanded with {@code -x}; computed defaults computed. */
    private static String value(Config config, String name, Map<String, String> serviceDefined, boolean expand) {
        Param p = Params.byName(name);
        boolean computed = p != null && p.defaultValue() == null && !config.isSet(name);
        if (expand || computed) return config.get(name);
        if (!config.isSet(name) && p == null && !PostfixParameters.known(name) && serviceDefined.containsKey(name)) {
            return serviceDefined.get(name);
        }
        String v = config.rawValue(name);
        return v == null ? "" : v;
    }

    private void warn(List<String> warnings) {
        for (String w : warnings) err.println("postconf: warning: " + w);
    }

    private static String mainCfName(Path dir) {
        return dir.resolve("main.cf").toString();
    }

    private static String masterCfName(Path dir) {
        return dir.resolve("master.cf").toString();
    }

    private MainCf readMainCf(Path file) {
        MainCf cf;
        try {
            cf = MainCf.read(file);
        } catch (IOException e) {
            throw new Fatal("open " + file + ": " + reason(e));
        }
        for (String w : cf.warnings()) err.println("postconf: warning: " + w);
        return cf;
    }

    /** master.cf for service-defined parameters; as Postfix, a missing file is only a warning. */
    private MasterCf readMasterCfForParameters(Path dir) {
        Path file = dir.resolve("master.cf");
        if (!Files.exists(file)) {
            if (Files.isDirectory(dir)) err.println("postconf: warning: open " + file + ": No such file or directory");
            return null;
        }
        return MasterCf.read(file);
    }

    // ------------------------------------------------------------------ edit main.cf

    private int edit(Path dir, List<String> args) {
        if (args.isEmpty()) throw new Fatal("-e requires name=value argument");
        MainCfEditor editor = openEditor(dir);
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq < 0) throw new Fatal("missing '=' after attribute name: \"" + a + "\"");
            String name = a.substring(0, eq).strip();
            if (name.isEmpty() || name.chars().anyMatch(Character::isWhitespace)) {
                throw new Fatal("missing '=' after attribute name: \"" + a + "\"");
            }
            editor.set(name, a.substring(eq + 1).strip());
        }
        return save(dir, editor);
    }

    private int remove(Path dir, List<String> names, boolean commentOut) {
        if (names.isEmpty()) throw new Fatal("missing service argument");
        MainCfEditor editor = openEditor(dir);
        for (String name : names) {
            if (name.contains("=")) throw new Fatal("-X or -# requires names without value");
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

    /** -M, -F, -P: show, or with -e, -X, -# edit master.cf. */
    private int master(Path dir, char what, String edit, Options o) {
        Path file = dir.resolve("master.cf");
        if (!edit.isEmpty()) return editMaster(file, what, edit, o.args());
        if (o.has('h') && what == 'M') throw new Fatal("with option -M, do not specify -h");
        if (!Files.exists(file)) throw new Fatal("open " + file + ": No such file or directory");
        MasterCf masterCf = MasterCf.read(file);
        Map<String, String> mainValues = Files.exists(dir.resolve("main.cf"))
                ? readMainCf(dir.resolve("main.cf")).values() : Map.of();
        warn(UnusedParameters.undefined(mainCfName(dir), mainValues, masterCfName(dir), masterCf));
        PostconfMaster show = new PostconfMaster(masterCf.services(), mainValues, out, err);
        switch (what) {
            case 'M' -> show.entries(o.args(), o.has('f'), o.has('x'));
            case 'F' -> show.fields(o.args(), o.has('h'), o.has('x'));
            default -> show.parameters(o.args(), o.has('h'), o.has('x'));
        }
        return 0;
    }

    private int editMaster(Path file, char what, String edit, List<String> args) {
        if (what == 'F' && !edit.equals("e")) throw new Fatal("with option -F, do not specify -" + edit);
        if (args.isEmpty()) {
            throw new Fatal(edit.equals("e") ? "-e requires name=value argument" : "missing service argument");
        }
        PostconfMasterEdit editor = new PostconfMasterEdit(file, err);
        switch (what + edit) {
            case "Me" -> editor.replaceEntries(args);
            case "MX" -> editor.removeEntries(args, false);
            case "M#" -> editor.removeEntries(args, true);
            case "Fe" -> editor.setFields(args);
            case "Pe" -> editor.setParameters(args);
            case "PX" -> editor.removeParameters(args);
            default -> throw new Fatal("with option -" + what + ", do not specify -" + edit);
        }
        editor.write();
        return 0;
    }

    static String reason(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) return "No such file or directory";
        if (e instanceof java.nio.file.AccessDeniedException) return "Permission denied";
        return e.getMessage();
    }
}
