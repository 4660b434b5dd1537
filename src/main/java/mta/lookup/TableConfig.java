package mta.lookup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mta.util.SecretFiles;

/**
 * TableConfig - the configuration file of a database table ({@code pgsql:/etc/postfix/x.cf}):
 * {@code name = value} lines in main.cf's syntax.
 *
 * <p>Reads the file once, through {@link SecretFiles} (it usually holds a password and may be
 * readable by root only). Lines that start with white space continue the previous one; blank
 * lines and {@code #} comments are skipped; a later entry replaces an earlier one. Values are not
 * {@code $}-expanded, as in Postfix. Writes nothing, and no error message ever quotes a value: a
 * bad line is named by its number only.
 */
final class TableConfig {
    private final String spec;
    private final Path file;
    private final Map<String, String> values;

    private TableConfig(String spec, Path file, Map<String, String> values) {
        this.spec = spec;
        this.file = file;
        this.values = values;
    }

    /**
     * Reads {@code file} for the table {@code spec}. Throws {@link TableException}
     * {@code open /path: Permission denied} and the like, or for a malformed line.
     */
    static TableConfig read(String spec, Path file, SecretFiles files) {
        if (!file.isAbsolute() && !file.toString().startsWith(".")) {
            throw new TableException(spec + ": table configuration must be a file name (starting with / or .): "
                    + "the parameters-in-main.cf form is not supported");
        }
        String text;
        try {
            text = files.readString(file);
        } catch (IOException e) {
            throw new TableException("open " + file + ": " + e.getMessage(), e);
        }
        return new TableConfig(spec, file, parse(file, text));
    }

    /** A configuration made of the given values (for tests and for tables without a file). */
    static TableConfig of(String spec, Map<String, String> values) {
        return new TableConfig(spec, null, new LinkedHashMap<>(values));
    }

    static Map<String, String> parse(Path file, String text) {
        Map<String, String> values = new LinkedHashMap<>();
        StringBuilder logical = null;
        int logicalLine = 0;
        int n = 0;
        for (String line : text.split("\r?\n", -1)) {
            n++;
            String stripped = line.strip();
            if (stripped.isEmpty() || stripped.startsWith("#")) continue;
            if (Character.isWhitespace(line.charAt(0))) {
                if (logical == null) throw new TableException(file + ", line " + n + ": missing '=' after attribute name");
                logical.append(' ').append(stripped);
                continue;
            }
            if (logical != null) put(file, logicalLine, logical.toString(), values);
            logical = new StringBuilder(stripped);
            logicalLine = n;
        }
        if (logical != null) put(file, logicalLine, logical.toString(), values);
        return values;
    }

    private static void put(Path file, int line, String text, Map<String, String> values) {
        int eq = text.indexOf('=');
        if (eq <= 0) throw new TableException(file + ", line " + line + ": missing '=' after attribute name");
        String name = text.substring(0, eq).strip().toLowerCase(Locale.ROOT);
        values.remove(name);
        values.put(name, text.substring(eq + 1).strip());
    }

    String spec() {
        return spec;
    }

    Path file() {
        return file;
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    /** The value, or {@code def} when the name is not set. */
    String str(String name, String def) {
        String v = values.get(name);
        return v != null ? v : def;
    }

    /** The value split at commas and white space; empty when not set. */
    List<String> list(String name) {
        List<String> out = new ArrayList<>();
        for (String w : str(name, "").split("[,\\s]+")) {
            if (!w.isEmpty()) out.add(w);
        }
        return out;
    }

    int integer(String name, int def) {
        String v = values.get(name);
        if (v == null || v.isEmpty()) return def;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new TableException(where() + ": bad numerical configuration: " + name + " = " + v);
        }
    }

    /** A time in seconds ({@code 10}, {@code 10s}, {@code 2m}); {@code def} when not set. */
    long seconds(String name, long def) {
        String v = values.get(name);
        if (v == null || v.isEmpty()) return def;
        long unit = 1;
        String digits = v;
        char last = Character.toLowerCase(v.charAt(v.length() - 1));
        if (Character.isLetter(last)) {
            digits = v.substring(0, v.length() - 1);
            unit = switch (last) {
                case 's' -> 1;
                case 'm' -> 60;
                case 'h' -> 3600;
                case 'd' -> 86400;
                case 'w' -> 7 * 86400;
                default -> throw new TableException(where() + ": bad time value: " + name + " = " + v);
            };
        }
        try {
            return Long.parseLong(digits) * unit;
        } catch (NumberFormatException e) {
            throw new TableException(where() + ": bad time value: " + name + " = " + v);
        }
    }

    boolean bool(String name, boolean def) {
        String v = values.get(name);
        if (v == null || v.isEmpty()) return def;
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "yes", "true", "on", "1" -> true;
            case "no", "false", "off", "0" -> false;
            default -> throw new TableException(where() + ": bad boolean configuration: " + name + " = " + v);
        };
    }

    private String where() {
        return file != null ? file.toString() : spec;
    }
}
