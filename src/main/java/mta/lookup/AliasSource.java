package mta.lookup;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * AliasSource - parses aliases(5) source text: {@code name: value1, value2, ...} per logical line.
 *
 * <p>Reads text through {@link LogicalLines} (comments, blank lines, continuation lines); writes
 * nothing. The name ends at the first colon outside double quotes; its quotes are removed
 * ({@code "a b": x} defines {@code a b}) and it is folded to lower case. The value is the raw
 * right-hand side with surrounding white space removed, so {@code postalias -q} shows it as
 * written; {@link Aliases#targets} splits it when mail is delivered. Lines without a colon, with
 * an empty name or with an empty value are reported and skipped.
 */
public final class AliasSource {
    private AliasSource() {}

    /**
     * Parses {@code in}.
     *
     * @param source the file name used in warnings
     */
    public static Source parse(BufferedReader in, String source) throws IOException {
        List<String> warnings = new ArrayList<>();
        List<Source.Entry> entries = new ArrayList<>();
        for (LogicalLines.Line line : LogicalLines.read(in, source, warnings)) {
            String where = source + ", line " + line.number() + ": ";
            String text = line.text();
            int colon = nameEnd(text);
            if (colon < 0) {
                warnings.add(where + "need name:value pair");
                continue;
            }
            String name = Keys.fold(unquote(text.substring(0, colon).strip()));
            String value = text.substring(colon + 1).strip();
            if (name.isEmpty()) {
                warnings.add(where + "null name");
            } else if (value.isEmpty()) {
                warnings.add(where + "null value for \"" + name + "\"");
            } else {
                entries.add(new Source.Entry(name, value, line.number()));
            }
        }
        return new Source(entries, warnings);
    }

    /** The index of the first colon outside double quotes, or -1. */
    private static int nameEnd(String text) {
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ':' && !quoted) {
                return i;
            }
        }
        return -1;
    }

    /** Removes double quotes, and the backslash before a quoted character. */
    static String unquote(String s) {
        if (s.indexOf('"') < 0) return s;
        StringBuilder out = new StringBuilder(s.length());
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (quoted && c == '\\' && i + 1 < s.length()) {
                out.append(s.charAt(++i));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
