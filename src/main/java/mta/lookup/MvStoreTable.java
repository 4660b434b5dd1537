package mta.lookup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.h2.mvstore.type.StringDataType;

/**
 * MvStoreTable - the {@code hash:}, {@code btree:} and {@code mvstore:} backend: a table kept in
 * an H2 MVStore file named {@code NAME.db}.
 *
 * <p>Reads {@code NAME.db}, which holds one map called {@value #MAP} from lower-cased key to
 * value (see {@link TableBuilder}, which writes it). The file is opened read-only only long
 * enough to copy the entries into memory, then closed; lookups are served from that copy. Before
 * each lookup the file's identity, size and modification time are compared with those of the
 * copy, and a changed file is read again, so {@code postmap} and {@code newaliases} take effect
 * without a restart. Because a new table always replaces the old file by an atomic rename, a
 * reader sees the old table or the new one, never a mixture.
 *
 * <p>{@link #put} and {@link #remove} write a complete new file the same way; they are meant for
 * single changes ({@code postmap -d}). Two writers at once may lose one of the changes.
 */
final class MvStoreTable implements Table {
    /** The name of the one map inside the file. */
    static final String MAP = "table";

    /**
     * MVStore refuses to open a file twice in one JVM (it holds a file lock), so reads of any
     * table file go through this lock; they take milliseconds.
     */
    private static final ReentrantLock OPEN_LOCK = new ReentrantLock();

    private final String spec;
    private final Path db;
    private volatile Snapshot current;

    /** The entries read from one version of the file, and how to recognise that version. */
    private record Snapshot(Object fileKey, FileTime modified, long size, SortedMap<String, String> map) {
        boolean sameFile(BasicFileAttributes a) {
            return Objects.equals(fileKey, a.fileKey()) && modified.equals(a.lastModifiedTime()) && size == a.size();
        }
    }

    MvStoreTable(String spec, Path db) {
        this.spec = spec;
        this.db = db;
    }

    @Override
    public String spec() {
        return spec;
    }

    /** The database file, NAME.db. */
    Path file() {
        return db;
    }

    @Override
    public String get(String key) {
        return fresh().map.get(Keys.fold(key));
    }

    @Override
    public void put(String key, String value) {
        Objects.requireNonNull(value, "value");
        SortedMap<String, String> next = new TreeMap<>(Files.exists(db) ? fresh().map : Map.of());
        next.put(Keys.fold(key), value);
        TableBuilder.write(db, next, null);
    }

    @Override
    public boolean remove(String key) {
        SortedMap<String, String> next = new TreeMap<>(fresh().map);
        if (next.remove(Keys.fold(key)) == null) return false;
        TableBuilder.write(db, next, null);
        return true;
    }

    @Override
    public List<Map.Entry<String, String>> entries() {
        return Collections.unmodifiableList(new ArrayList<>(fresh().map.entrySet()));
    }

    @Override
    public void close() {
        current = null;
    }

    /** The snapshot of the file as it is now, read again if the file changed. */
    private Snapshot fresh() {
        BasicFileAttributes now = attributes();
        Snapshot s = current;
        if (s != null && s.sameFile(now)) return s;
        s = new Snapshot(now.fileKey(), now.lastModifiedTime(), now.size(), read(db));
        current = s;
        return s;
    }

    private BasicFileAttributes attributes() {
        try {
            return Files.readAttributes(db, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new TableException("open database " + db + ": No such file or directory");
        } catch (IOException e) {
            throw new TableException("open database " + db + ": " + e.getMessage(), e);
        }
    }

    /** Reads every entry of a table file. */
    static SortedMap<String, String> read(Path db) {
        return read(db.toString(), db.toString());
    }

    /** Reads every entry of the table file H2 knows as {@code fileName}; {@code label} names it in errors. */
    static SortedMap<String, String> read(String fileName, String label) {
        OPEN_LOCK.lock();
        try (MVStore store = new MVStore.Builder().fileName(fileName).readOnly().open()) {
            SortedMap<String, String> copy = new TreeMap<>();
            if (store.hasMap(MAP)) copy.putAll(openMap(store));
            return Collections.unmodifiableSortedMap(copy);
        } catch (MVStoreException e) {
            throw new TableException("open database " + label + ": " + e.getMessage(), e);
        } finally {
            OPEN_LOCK.unlock();
        }
    }

    /** The table map of an open store, with plain string keys and values. */
    static MVMap<String, String> openMap(MVStore store) {
        return store.openMap(MAP, new MVMap.Builder<String, String>()
                .keyType(StringDataType.INSTANCE)
                .valueType(StringDataType.INSTANCE));
    }
}
