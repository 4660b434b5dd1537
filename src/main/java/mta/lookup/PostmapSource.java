package mta.lookup;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * PostmapSource - parses postmap(1) source text: {@code key whitespace value} per logical line.
 *
 * <p>Reads text through {@link LogicalLines} (comments, blank lines, continuation lines); writes
 * nothing. The key is the text up to the first white space, folded to lower case; the value is
 * the rest with surrounding white space removed. A line without a value is reported and skipped.
 */
public final class PostmapSource {
    private PostmapSource() {}

    /**
     * Parses {@code in}.
     *
     * @param source the file name used in warnings
     */
    public static Source parse(BufferedReader in, String source) throws IOException {
        List<String> warnings = new ArrayList<>();
        List<Source.Entry> entries = new ArrayList<>();
        for (LogicalLines.Line line : LogicalLines.read(in, source, warnings)) {
            String text = line.text();
            int space = 0;
            while (space < text.length() && !Character.isWhitespace(text.charAt(space))) space++;
            String value = text.substring(space).strip();
            if (value.isEmpty()) {
                warnings.add(source + ", line " + line.number() + ": expected format: key whitespace value");
                continue;
            }
            entries.add(new Source.Entry(Keys.fold(text.substring(0, space)), value, line.number()));
        }
        return new Source(entries, warnings);
    }
}
