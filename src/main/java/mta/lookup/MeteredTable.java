package mta.lookup;

import java.util.List;
import java.util.Map;
import java.util.Set;
import mta.metrics.Counter;
import mta.metrics.MailMetrics;

/**
 * MeteredTable - a table whose lookups are counted in {@code postfix_table_lookups_total} and,
 * when they fail ({@link TableException}: a server down or slow), in
 * {@code postfix_table_lookup_errors_total}, labelled with the table type.
 *
 * <p>Reads and writes through the table it wraps; everything else is passed on unchanged.
 */
final class MeteredTable implements Table {
    /** The types a label may name (the ones {@link Tables#open} knows). */
    static final Set<String> KNOWN_TYPES = Set.of("hash", "btree", "lmdb", "cdb", "dbm", "sdbm", "inline", "static",
            "texthash", "regexp", "pcre", "cidr", "pgsql", "mysql", "sqlite", "ldap", "memcache", "socketmap", "tcp",
            "unionmap", "pipemap", "proxy", "unix");

    private final Table table;
    private final Counter lookups;
    private final Counter errors;

    MeteredTable(Table table, String type) {
        this.table = table;
        this.lookups = MailMetrics.TABLE_LOOKUPS.labels(type);
        this.errors = MailMetrics.TABLE_LOOKUP_ERRORS.labels(type);
    }

    @Override
    public String spec() {
        return table.spec();
    }

    @Override
    public String get(String key) {
        lookups.inc();
        try {
            return table.get(key);
        } catch (TableException e) {
            errors.inc();
            throw e;
        }
    }

    @Override
    public void put(String key, String value) {
        table.put(key, value);
    }

    @Override
    public boolean remove(String key) {
        return table.remove(key);
    }

    @Override
    public List<Map.Entry<String, String>> entries() {
        return table.entries();
    }

    @Override
    public boolean matchesPatterns() {
        return table.matchesPatterns();
    }

    @Override
    public List<String> warnings() {
        return table.warnings();
    }

    @Override
    public void close() {
        table.close();
    }

    @Override
    public String toString() {
        return table.toString();
    }
}
