package mta.lookup;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * LogicalLines - joins the physical lines of a table source file into logical lines.
 *
 * <p>Reads text, writes nothing. The rules are those of postmap(1) and aliases(5): blank lines
 * and lines whose first non-blank character is {@code #} are ignored (and do not end a logical
 * line); a line that starts with white space continues the previous logical line. Pieces are
 * joined with one space, or, for pattern tables (regexp:, cidr:), only the line break is removed
 * and the continuation keeps its leading white space, as Postfix does. A continuation line with
 * nothing to continue is reported and skipped. {@code #} elsewhere in a line is ordinary text.
 */
final class LogicalLines {
    private LogicalLines() {}

    /** One logical line and the number of the physical line it starts on. */
    record Line(String text, int number) {}

    /** Logical lines whose pieces are joined with one space (postmap and postalias sources). */
    static List<Line> read(BufferedReader in, String source, List<String> warnings) throws IOException {
        return read(in, source, warnings, false);
    }

    /**
     * Logical lines of {@code in}.
     *
     * @param asWritten true to keep a continuation line's leading white space instead of one space
     */
    static List<Line> read(BufferedReader in, String source, List<String> warnings, boolean asWritten)
            throws IOException {
        List<Line> out = new ArrayList<>();
        StringBuilder current = null;
        int start = 0;
        int number = 0;
        String physical;
        while ((physical = in.readLine()) != null) {
            number++;
            String trimmed = physical.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) continue;
            if (Character.isWhitespace(physical.charAt(0))) {
                if (current == null) {
                    warnings.add(source + ", line " + number + ": logical line must not start with white space");
                } else {
                    if (asWritten) current.append(physical.stripTrailing());
                    else current.append(' ').append(trimmed);
                }
                continue;
            }
            if (current != null) out.add(new Line(current.toString(), start));
            current = new StringBuilder(physical.stripTrailing());
            start = number;
        }
        if (current != null) out.add(new Line(current.toString(), start));
        return out;
    }
}
