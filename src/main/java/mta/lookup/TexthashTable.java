package mta.lookup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * TexthashTable - the {@code texthash:} backend: a postmap source file used as it is, without a {@code .db}.
 *
 * <p>Reads {@code texthash:/path/file}, the same {@code key whitespace value} text that postmap
 * would build into {@code file.db} ({@link PostmapSource}: comments, continuation lines, keys
 * folded to lower case, the first of duplicate keys wins with a warning). The file is read at
 * the first lookup and again whenever it changes ({@link WatchedFile}). Writes nothing:
 * {@link #put} and {@link #remove} are refused, as Postfix opens texthash read-only.
 */
final class TexthashTable extends ReadOnlyTable {
    private final WatchedFile<SortedMap<String, String>> file;

    TexthashTable(String spec, Path path) {
        super(spec);
        this.file = new WatchedFile<>(path, "open database", (in, warnings) -> {
            Source source = PostmapSource.parse(in, path.toString());
            warnings.addAll(source.warnings());
            SortedMap<String, String> map = new TreeMap<>();
            Duplicates.WARN.merge(map, source.entries(), path.toString(), warnings);
            return Collections.unmodifiableSortedMap(map);
        });
    }

    @Override
    public String get(String key) {
        return file.current().value().get(Keys.fold(key));
    }

    @Override
    public List<Map.Entry<String, String>> entries() {
        return Collections.unmodifiableList(new ArrayList<>(file.current().value().entrySet()));
    }

    @Override
    public List<String> warnings() {
        return file.current().warnings();
    }

    @Override
    public void close() {
        file.forget();
    }
}
