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

    /**
     * Every entry, sorted by key; empty for static:. Pattern tables (regexp:, cidr:) have no
     * entries to list and throw {@link UnsupportedOperationException}, as Postfix refuses
     * {@code postmap -s} for them.
     */
    List<Map.Entry<String, String>> entries();

    /**
     * True for tables that match the whole lookup string against patterns (regexp:, pcre:,
     * cidr:). {@link AddressLookup} sends them only the full address, never the partial keys
     * {@code user@domain} without extension, {@code user}, {@code @domain} and so on.
     */
    default boolean matchesPatterns() {
        return false;
    }

    /**
     * What the table found wrong in its source when it last read it (bad lines it skipped),
     * each as {@code file, line N: text}; empty for most tables. Lookups continue without the bad lines.
     */
    default List<String> warnings() {
        return List.of();
    }

    /** Releases what the table holds; it must not be used afterwards. */
    @Override
    void close();
}
