package mta.lookup;

import java.util.ArrayList;
import java.util.List;

/**
 * DbResults - collects the values a database lookup found, through {@code result_format} and
 * {@code expansion_limit}, into one comma-separated answer.
 *
 * <p>Reads and writes nothing but strings. An empty value is skipped, and so is a value that a
 * lower-case field of result_format cannot be taken from ({@code %d} of an unqualified value).
 * More values than {@code expansion_limit} (when it is not 0) is a temporary error, as in
 * Postfix. No value at all is "not found" (null).
 */
final class DbResults {
    private final String spec;
    private final DbTemplate format;
    private final int limit;
    private final KeyFields key;
    private final List<String> values = new ArrayList<>();

    DbResults(String spec, DbTemplate format, int limit, KeyFields key) {
        this.spec = spec;
        this.format = format;
        this.limit = limit;
        this.key = key;
    }

    void add(String value) {
        if (value == null || value.isEmpty()) return;
        String v = format.expand(KeyFields.of(value), key, s -> s);
        if (v == null) return;
        values.add(v);
        if (limit > 0 && values.size() > limit) {
            throw new TableLookupException(spec, "expansion limit exceeded for key: \"" + key.text() + "\"");
        }
    }

    /** The answer, or null when nothing was found. */
    String result() {
        return values.isEmpty() ? null : String.join(",", values);
    }
}
