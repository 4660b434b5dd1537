package mta.lookup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import mta.util.SafeFiles;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;

/**
 * CacheTable - a table a long-running service keeps open to read and write as it works, such as
 * the address verification cache ({@code address_verify_map}).
 *
 * <p>Reads and writes one store, chosen by the specification: a file type ({@code btree:},
 * {@code hash:}, {@code lmdb:}, {@code cdb:}, {@code mvstore:}, also behind {@code proxy:}) is an
 * H2 MVStore file named as {@code postmap} names database files ({@code btree:/x} is
 * {@code /x.db}), kept open and committed in the background, with the one map that
 * {@link MvStoreTable} reads: {@code postmap -s} and {@code postmap -q} read it when the service
 * is stopped. A new file is created with mode 0600. Being a cache, a crash may lose the changes
 * of its last second. Another type ({@code memcache:} ...) goes through {@link Tables#open}; an
 * empty specification keeps the entries in memory only. Keys are folded to lower case, as in
 * every table.
 */
public final class CacheTable implements AutoCloseable {
    private final String spec;
    private final MVStore store;
    /** The MVStore map or the memory map; null when a {@link Table} holds the entries. */
    private final Map<String, String> map;
    private final Table table;

    private CacheTable(String spec, MVStore store, Map<String, String> map, Table table) {
        this.spec = spec;
        this.store = store;
        this.map = map;
        this.table = table;
    }

    /** A cache in memory only, lost at stop or reload. */
    public static CacheTable memory() {
        return new CacheTable("", null, new ConcurrentHashMap<>(), null);
    }

    /**
     * Opens (or creates) the store that {@code spec} names; an empty spec gives {@link #memory()}.
     *
     * @throws TableException when the store cannot be opened (a file another process holds, a
     *         directory that cannot be written, an unknown type)
     */
    public static CacheTable open(String spec) {
        String s = spec == null ? "" : spec.strip();
        if (s.isEmpty()) return memory();
        String inner = s;
        while ("proxy".equals(Tables.type(inner))) inner = Tables.name(inner);
        String type = Tables.type(inner);
        if (type == null || !Tables.isFileType(type)) return new CacheTable(s, null, null, Tables.open(inner));
        Path file = Tables.databaseFile(inner);
        try {
            if (file.getParent() != null) SafeFiles.ensureDirectory(file.getParent());
            boolean created = !Files.exists(file);
            MVStore store = new MVStore.Builder().fileName(file.toString()).open();
            if (created) SafeFiles.setMode(file, PosixFilePermissions.fromString("rw-------"));
            return new CacheTable(s, store, MvStoreTable.openMap(store), null);
        } catch (java.io.IOException | MVStoreException | IllegalStateException e) {
            throw new TableException("open database " + file + ": " + e.getMessage(), e);
        }
    }

    /** The specification it was opened with ("" in memory). */
    public String spec() {
        return spec;
    }

    /** The value for {@code key}, or null. */
    public String get(String key) {
        return table != null ? table.get(key) : map.get(Keys.fold(key));
    }

    /** Adds or replaces the entry for {@code key}. */
    public void put(String key, String value) {
        if (table != null) table.put(key, value);
        else map.put(Keys.fold(key), value);
    }

    /** Removes the entry for {@code key}, if it still has {@code value} (null: whatever it has). */
    public void remove(String key, String value) {
        if (table != null) {
            if (value == null || value.equals(table.get(key))) table.remove(key);
        } else if (value == null) {
            map.remove(Keys.fold(key));
        } else {
            map.remove(Keys.fold(key), value);
        }
    }

    /** True when the entries can be listed (not memcache: and the like): a cleanup run can walk them. */
    public boolean canList() {
        return table == null;
    }

    /** A copy of every entry, for a cleanup run; empty when they cannot be listed. */
    public List<Map.Entry<String, String>> entries() {
        if (table != null) return List.of();
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (Map.Entry<String, String> e : map.entrySet()) out.add(Map.entry(e.getKey(), e.getValue()));
        return out;
    }

    /** Writes what is not written yet and closes the store. */
    @Override
    public void close() {
        if (store != null && !store.isClosed()) store.close();
        if (table != null) table.close();
    }
}
