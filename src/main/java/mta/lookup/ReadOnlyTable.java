package mta.lookup;

import java.util.List;
import java.util.Map;

/**
 * ReadOnlyTable - the common refusals of a table that can only be queried: the database,
 * directory and network tables, the tables made of other tables, the pattern tables, and
 * inline:, static:, texthash: and unix:passwd.byname.
 *
 * <p>Reads and writes nothing itself. {@link #put} and {@link #remove} are refused; {@link #entries}
 * is refused as Postfix refuses {@code postmap -s} for most of these types ({@code sequence
 * operation is not supported}); the tables that hold their entries list them instead.
 */
abstract class ReadOnlyTable implements Table {
    private final String spec;

    ReadOnlyTable(String spec) {
        this.spec = spec;
    }

    @Override
    public final String spec() {
        return spec;
    }

    @Override
    public final void put(String key, String value) {
        throw new UnsupportedOperationException(spec + ": table is read-only");
    }

    @Override
    public final boolean remove(String key) {
        throw new UnsupportedOperationException(spec + ": table is read-only");
    }

    @Override
    public List<Map.Entry<String, String>> entries() {
        throw new UnsupportedOperationException("table " + spec + ": sequence operation is not supported");
    }
}
