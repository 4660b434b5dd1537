package mta.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import mta.config.ConfigException;
import mta.config.MasterCf;
import mta.config.MasterCfEditor;

/**
 * PostconfMasterEdit - edits master.cf as {@code postconf -Me}, {@code -Fe}, {@code -Pe},
 * {@code -MX}, {@code -M#} and {@code -PX} do; installers of real mail servers rely on these.
 *
 * <pre>
 *   -Me name/type="whole entry"        replace the service, or append it
 *   -Fe name/type/field=value          change one field (service, type, private, unprivileged,
 *                                      chroot, wakeup, process_limit, command)
 *   -Pe name/type/parameter=value      set an -o parameter (no white space in the value)
 *   -MX name/type, -M# name/type       remove the service, or comment it out
 *   -PX name/type/parameter            remove an -o parameter
 * </pre>
 * Reads and rewrites master.cf through {@link MasterCfEditor}; every change is made in memory and
 * the file is written once at the end, so a refused argument leaves the file as it was. An
 * edited entry is written folded, as {@code postconf -Mf} prints it. Errors use Postfix's wording
 * ({@code invalid chroot field "maybe" in "..."}); a service that is not there gives the warning
 * {@code unmatched service_name/type: "argument"}.
 */
final class PostconfMasterEdit {
    private static final Set<String> TYPES = Set.of("inet", "unix", "unix-dgram", "fifo", "pass");

    private final Path file;
    private final MasterCfEditor editor;
    private final PrintStream err;
    /** Each service's words with the changes made so far, by its current name/type. */
    private final Map<String, List<String>> current = new LinkedHashMap<>();
    /** The name/type of the entry in the file that each current service came from. */
    private final Map<String, String> origin = new LinkedHashMap<>();

    PostconfMasterEdit(Path file, PrintStream err) {
        this.file = file;
        this.err = err;
        try {
            this.editor = MasterCfEditor.open(file);
        } catch (IOException e) {
            throw new Postconf.Fatal("open " + file + ": " + Postconf.reason(e));
        }
        try {
            for (MasterCf.Service s : MasterCf.parse(file.toString(), editor.original()).services()) {
                current.put(s.key(), s.fields());
                origin.put(s.key(), s.key());
            }
        } catch (ConfigException e) {
            throw new Postconf.Fatal(e.getMessage());
        }
    }

    /** -Me name/type=entry ... */
    void replaceEntries(List<String> args) {
        for (String a : args) {
            String[] kv = assignment(a);
            if (kv[0].split("/", -1).length != 2) throw new Postconf.Fatal("-Me, -MX or -M# requires service_name/type");
            List<String> fields = MasterCf.tokens(kv[1]);
            if (fields.size() < 8) throw new Postconf.Fatal("bad field count: \"" + a + "\"");
            for (int i = 1; i < 7; i++) checkField(PostconfMaster.FIELDS.get(i), fields.get(i), kv[1]);
            store(kv[0], fields);
        }
    }

    /** -Fe name/type/field=value ... */
    void setFields(List<String> args) {
        for (String a : args) {
            String[] kv = assignment(a);
            String[] key = kv[0].split("/", -1);
            if (key.length != 3) throw new Postconf.Fatal("-Fe or -FX requires service_name/type/field_name");
            int field = PostconfMaster.FIELDS.indexOf(key[2]);
            if (field < 0) throw new Postconf.Fatal("invalid service attribute name: \"" + key[2] + "\"");
            String k = key[0] + "/" + key[1];
            List<String> fields = service(k, a);
            if (fields == null) continue;
            fields = new ArrayList<>(fields);
            if (field < 7) {
                checkField(key[2], kv[1], kv[1]);
                fields.set(field, kv[1]);
            } else {
                List<String> command = MasterCf.tokens(kv[1]);
                if (command.isEmpty()) throw new Postconf.Fatal("invalid command field \"\" in \"\"");
                fields = new ArrayList<>(fields.subList(0, 7));
                fields.addAll(command);
            }
            store(k, fields);
        }
    }

    /** -Pe name/type/parameter=value ... */
    void setParameters(List<String> args) {
        for (String a : args) {
            String[] kv = assignment(a);
            String[] key = parameterKey(kv[0]);
            if (kv[1].chars().anyMatch(Character::isWhitespace)) {
                throw new Postconf.Fatal("-Pe does not accept whitespace in parameter value");
            }
            String k = key[0] + "/" + key[1];
            List<String> fields = service(k, a);
            if (fields == null) continue;
            store(k, setOption(withoutOption(fields, key[2], true), key[2], kv[1]));
        }
    }

    /** -PX name/type/parameter ... */
    void removeParameters(List<String> args) {
        for (String a : args) {
            String[] key = parameterKey(a);
            String k = key[0] + "/" + key[1];
            List<String> fields = service(k, a);
            if (fields == null) continue;
            store(k, withoutOption(fields, key[2], false));
        }
    }

    /** -MX name/type ..., or -M# name/type ... */
    void removeEntries(List<String> args, boolean commentOut) {
        for (String a : args) {
            if (a.split("/", -1).length != 2) throw new Postconf.Fatal("-Me, -MX or -M# requires service_name/type");
            String from = origin.remove(a);
            if (from == null) continue;
            current.remove(a);
            if (commentOut) editor.commentOut(from);
            else editor.remove(from);
        }
    }

    void write() {
        try {
            editor.write();
        } catch (IOException e) {
            throw new Postconf.Fatal("write " + file + ": " + Postconf.reason(e));
        }
    }

    /** Records the new words of the service {@code key} (which they may rename) and its folded entry. */
    private void store(String key, List<String> fields) {
        String from = origin.remove(key);
        current.remove(key);
        String now = fields.get(0) + "/" + fields.get(1);
        if (from == null) from = now;
        current.put(now, List.copyOf(fields));
        origin.put(now, from);
        editor.replace(from, MasterCfFormat.folded(fields, UnaryOperator.identity()));
    }

    /** {@code name=value} split at the first '='. */
    private static String[] assignment(String a) {
        int eq = a.indexOf('=');
        if (eq < 0) throw new Postconf.Fatal("missing '=' after attribute name: \"" + a + "\"");
        return new String[] {a.substring(0, eq).strip(), a.substring(eq + 1).strip()};
    }

    private static String[] parameterKey(String key) {
        String[] k = key.split("/", -1);
        if (k.length != 3 || k[2].isEmpty()) throw new Postconf.Fatal("-Pe or -PX requires service_name/type/parameter");
        return k;
    }

    /** The words of the service {@code key} with the changes made so far, or null (with a warning). */
    private List<String> service(String key, String arg) {
        List<String> fields = current.get(key);
        if (fields == null) err.println("postconf: warning: unmatched service_name/type: \"" + arg + "\"");
        return fields;
    }

    /** Refuses a field value that master.cf would refuse, in Postfix's words. */
    private static void checkField(String field, String value, String context) {
        boolean ok = switch (field) {
            case "type" -> TYPES.contains(value);
            case "private", "unprivileged", "chroot" -> value.equals("y") || value.equals("n") || value.equals("-");
            case "wakeup" -> value.equals("-") || value.matches("[0-9]+\\??");
            case "process_limit" -> value.equals("-") || value.matches("[0-9]+");
            default -> !value.isEmpty();
        };
        if (!ok) throw new Postconf.Fatal("invalid " + field + " field \"" + value + "\" in \"" + context + "\"");
    }

    /**
     * The fields without the -o options of {@code name}; with {@code keepPlace} the first one stays,
     * as a marker that {@link #setOption} replaces, so the parameter keeps its position.
     */
    private static List<String> withoutOption(List<String> fields, String name, boolean keepPlace) {
        List<String> out = new ArrayList<>(fields.subList(0, 8));
        boolean options = true;
        boolean kept = false;
        for (int i = 8; i < fields.size(); i++) {
            String w = fields.get(i);
            if (!w.startsWith("-")) options = false;
            if (options && w.equals("-o") && i + 1 < fields.size() && optionName(fields.get(i + 1)).equals(name)) {
                if (keepPlace && !kept) {
                    out.add(w);
                    out.add(fields.get(i + 1));
                    kept = true;
                }
                i++;
                continue;
            }
            out.add(w);
        }
        return out;
    }

    /** Sets -o name=value where it is, or after the last option. */
    private static List<String> setOption(List<String> fields, String name, String value) {
        List<String> out = new ArrayList<>(fields);
        int end = 8;
        for (int i = 8; i < out.size() && out.get(i).startsWith("-"); i++) {
            if (out.get(i).equals("-o") && i + 1 < out.size()) {
                if (optionName(out.get(i + 1)).equals(name)) {
                    out.set(i + 1, name + "=" + value);
                    return out;
                }
                i++;
            }
            end = i + 1;
        }
        out.add(end, "-o");
        out.add(end + 1, name + "=" + value);
        return out;
    }

    private static String optionName(String token) {
        String s = MasterCfFormat.unbrace(token);
        int eq = s.indexOf('=');
        return (eq < 0 ? s : s.substring(0, eq)).strip();
    }
}
