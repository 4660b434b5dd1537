package mta.lookup;

import java.util.List;

/**
 * Source - the entries read from a table source file, in file order, and the warnings about it.
 *
 * <p>Produced by {@link PostmapSource} and {@link AliasSource}; holds no files. Keys are already
 * folded to lower case. Duplicate keys are kept here; {@link Duplicates} decides which one wins.
 */
public record Source(List<Entry> entries, List<String> warnings) {
    /** One {@code key value} pair and the line it came from. */
    public record Entry(String key, String value, int line) {}

    public Source {
        entries = List.copyOf(entries);
        warnings = List.copyOf(warnings);
    }
}
