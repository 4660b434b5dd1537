package mta.lookup;

import java.util.List;
import java.util.Map;

/**
 * StaticTable - the {@code static:} backend: every key finds the same value.
 *
 * <p>Reads only its specification: {@code static:text}, or {@code static:{ text with spaces }}
 * whose braces and surrounding spaces are removed. Writes nothing; it has no entries to list,
 * and {@link #put} and {@link #remove} are refused.
 */
final class StaticTable extends ReadOnlyTable {
    private final String value;

    StaticTable(String spec, String body) {
        super(spec);
        String v = body.strip();
        if (v.startsWith("{") && v.endsWith("}")) v = v.substring(1, v.length() - 1).strip();
        this.value = v;
    }

    @Override
    public String get(String key) {
        return value;
    }

    @Override
    public List<Map.Entry<String, String>> entries() {
        return List.of();
    }

    @Override
    public void close() {
        // nothing held
    }
}
