package mta.lookup;

import java.util.List;
import java.util.Map;

/**
 * Table - one lookup table: a map from lower-cased keys to text values, as Postfix's DICT.
 *
 * <p>Obtained from {@link Tables#open(String)}. Keys are case-insensitive: every method folds the
 * key to lower case before it looks, stores or removes, as Postfix does for {@code hash:} tables.
 * Read-only backends ({@code inline:}, {@code static:}) throw
 * {@link UnsupportedOperationException} from {@link #put} and {@link #remove}. A backend that
 * cannot reach its storage throws {@link TableException}.
 */
public interface Table extends AutoCloseable {
    /** The specification this table was opened with, such as {@code hash:/etc/aliases}. */
    String spec();

    /** The value for {@code key}, or null when there is none. */
    String get(String key);

    /** Adds or replaces the entry for {@code key}. */
    void put(String key, String value);

    /** Removes the entry for {@code key}; returns true when there was one. */
    boolean remove(String key);

    /** Every entry, sorted by key; empty for tables that cannot list (static:). */
    List<Map.Entry<String, String>> entries();

    /** Releases what the table holds; it must not be used afterwards. */
    @Override
    void close();
}
