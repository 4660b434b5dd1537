package mta.local;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import mta.lookup.Table;
import mta.lookup.Tables;

/**
 * LocalAliases - looks a local name up in {@code alias_maps}.
 *
 * <p>Reads the alias tables (opened once; an MVStore table notices a rebuilt file by itself);
 * writes nothing. The first table that knows the name wins. {@link Hit#file} is the file that
 * holds the table, whose owner decides the rights of commands and files in the alias
 * ({@link Ownership#fileOwner}).
 */
final class LocalAliases {
    /** A found alias: its right-hand side and the file of the table it came from (or null). */
    record Hit(String name, String value, Path file) {}

    private final List<String> maps;
    private final Map<String, Table> tables = new ConcurrentHashMap<>();

    LocalAliases(List<String> maps) {
        this.maps = maps;
    }

    /** The alias for {@code name} (lower case, without domain), or null. */
    Hit find(String name) {
        for (String spec : maps) {
            Table t = tables.computeIfAbsent(spec, Tables::open);
            String v = t.get(name);
            if (v != null) return new Hit(name, v, file(spec));
        }
        return null;
    }

    private static Path file(String spec) {
        String type = Tables.type(spec);
        String name = Tables.name(spec);
        if (type == null) return null;
        if (type.equals("proxy")) return file(name);
        if (Tables.isFileType(type)) return Tables.databaseFile(spec);
        return name.startsWith("/") ? Path.of(name) : null;
    }
}
