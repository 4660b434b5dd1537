package mta.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MainCf - reads main.cf into name/value pairs, unexpanded, as Postfix's postconf(5) describes.
 *
 * <p>Reads one file. A logical line is {@code name = value}; lines that start with white space
 * continue the previous one (joined with one space); blank lines and lines whose first non-blank
 * character is {@code #} are ignored, even inside a continuation. A later entry replaces an earlier
 * one, with a warning. Expansion of {@code $name} is left to {@link Config}.
 */
public final class MainCf {
    private final Path file;
    private final Map<String, String> values;
    private final List<String> warnings;

    private MainCf(Path file, Map<String, String> values, List<String> warnings) {
        this.file = file;
        this.values = values;
        this.warnings = warnings;
    }

    /** Parses {@code file}; throws ConfigException for a line that is not {@code name = value}. */
    public static MainCf read(Path file) throws IOException {
        return parse(file, Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    /** An empty main.cf (every parameter at its default). */
    public static MainCf empty() {
        return new MainCf(null, new LinkedHashMap<>(), new ArrayList<>());
    }

    static MainCf parse(Path file, List<String> lines) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        StringBuilder logical = null;
        int logicalLine = 0;
        int n = 0;
        for (String line : lines) {
            n++;
            String stripped = line.strip();
            if (stripped.isEmpty() || stripped.startsWith("#")) continue;
            if (Character.isWhitespace(line.charAt(0))) {
                if (logical == null) {
                    throw new ConfigException(where(file, n) + ": missing '=' after attribute name: \"" + stripped + "\"");
                }
                logical.append(' ').append(stripped);
                continue;
            }
            if (logical != null) put(file, logicalLine, logical.toString(), values, warnings);
            logical = new StringBuilder(stripped);
            logicalLine = n;
        }
        if (logical != null) put(file, logicalLine, logical.toString(), values, warnings);
        return new MainCf(file, values, warnings);
    }

    private static void put(Path file, int line, String text, Map<String, String> values, List<String> warnings) {
        // As Postfix: the name is the first word, whatever its characters (policyd-spf_time_limit,
        // smtp-amavis_destination_recipient_limit); only white space may stand between it and '='.
        int end = 0;
        while (end < text.length() && text.charAt(end) != '=' && !Character.isWhitespace(text.charAt(end))) end++;
        int eq = end;
        while (eq < text.length() && Character.isWhitespace(text.charAt(eq))) eq++;
        if (end == 0 || eq >= text.length() || text.charAt(eq) != '=') {
            throw new ConfigException(where(file, line) + ": missing '=' after attribute name: \"" + text + "\"");
        }
        String name = text.substring(0, end);
        String value = text.substring(eq + 1).strip();
        if (values.containsKey(name)) {
            warnings.add(where(file, line) + ": overriding earlier entry: " + name + "=" + values.get(name));
            values.remove(name); // keep the order of the last definition
        }
        values.put(name, value);
    }

    private static String where(Path file, int line) {
        return (file == null ? "main.cf" : file.toString()) + ", line " + line;
    }

    public Path file() {
        return file;
    }

    /** The raw (unexpanded) values, in file order. */
    public Map<String, String> values() {
        return values;
    }

    /** Warnings found while reading, in Postfix's wording. */
    public List<String> warnings() {
        return warnings;
    }
}
