package mta.lookup;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * InlineTable - the {@code inline:} backend: a small read-only table written in main.cf itself.
 *
 * <p>Reads only its specification, {@code inline:{ key=value, { key2 = value with spaces } }}:
 * elements are separated by commas or white space; an element in braces may have spaces around
 * the {@code =} and in the value, which are trimmed. Keys are folded to lower case. Writes
 * nothing; {@link #put} and {@link #remove} are refused.
 */
final class InlineTable extends ReadOnlyTable {
    private final SortedMap<String, String> map;

    InlineTable(String spec, String body) {
        super(spec);
        this.map = Collections.unmodifiableSortedMap(parse(spec, body));
    }

    /** Parses {@code { element, ... }} into a map. */
    static SortedMap<String, String> parse(String spec, String body) {
        String text = body.strip();
        if (!text.startsWith("{") || !text.endsWith("}")) {
            throw new TableException(spec + ": need {key=value, ...}");
        }
        SortedMap<String, String> out = new TreeMap<>();
        String inner = text.substring(1, text.length() - 1);
        int i = 0;
        while (i < inner.length()) {
            char c = inner.charAt(i);
            if (c == ',' || Character.isWhitespace(c)) {
                i++;
                continue;
            }
            int end;
            String element;
            if (c == '{') {
                end = inner.indexOf('}', i);
                if (end < 0) throw new TableException(spec + ": missing '}'");
                element = inner.substring(i + 1, end);
                end++;
            } else {
                end = i;
                while (end < inner.length() && inner.charAt(end) != ',' && !Character.isWhitespace(inner.charAt(end))) {
                    end++;
                }
                element = inner.substring(i, end);
            }
            int eq = element.indexOf('=');
            if (eq <= 0 || element.substring(0, eq).isBlank()) {
                throw new TableException(spec + ": \"" + element.strip() + "\": need key=value or { key = value }");
            }
            out.putIfAbsent(Keys.fold(element.substring(0, eq).strip()), element.substring(eq + 1).strip());
            i = end;
        }
        return out;
    }

    @Override
    public String get(String key) {
        return map.get(Keys.fold(key));
    }

    @Override
    public List<Map.Entry<String, String>> entries() {
        return Collections.unmodifiableList(new ArrayList<>(map.entrySet()));
    }

    @Override
    public void close() {
        // nothing held
    }
}
