package mta.lookup;

import java.util.List;
import java.util.Map;

/**
 * Duplicates - what to do when a source file defines a key twice (postmap's {@code -r} and {@code -w}).
 *
 * <p>Reads and writes nothing. {@link #WARN}, the default, keeps the first value and reports the
 * later one; {@link #IGNORE} ({@code -w}) keeps the first quietly; {@link #REPLACE} ({@code -r})
 * keeps the last quietly.
 */
public enum Duplicates {
    WARN, IGNORE, REPLACE;

    /**
     * Adds {@code entries} to {@code table} under this policy.
     *
     * @param source   the file name used in warnings
     * @param warnings receives one line per reported duplicate
     */
    public void merge(Map<String, String> table, List<Source.Entry> entries, String source, List<String> warnings) {
        for (Source.Entry e : entries) {
            if (this == REPLACE || !table.containsKey(e.key())) {
                table.put(e.key(), e.value());
            } else if (this == WARN) {
                warnings.add(source + ", line " + e.line() + ": duplicate entry: \"" + e.key() + "\"");
            }
        }
    }
}
