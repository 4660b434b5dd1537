package mta.lookup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * DomainFilter - the {@code domain} parameter of the database tables: only addresses in these
 * domains are looked up.
 *
 * <p>Reads its elements when the table is opened: domain names, {@code /file/name} (the file's
 * words, {@code #} comments skipped) and {@code type:table} (a table whose keys are domains, asked
 * at each lookup). When the list is not empty, a key must be {@code user@domain} with a non-empty
 * user and a listed domain (exact, case-insensitive); other keys ({@code user}, {@code domain},
 * {@code @domain}) are "not found" without a query, as in Postfix.
 */
final class DomainFilter implements AutoCloseable {
    private final Set<String> names = new HashSet<>();
    private final List<Table> tables = new ArrayList<>();

    DomainFilter(String spec, List<String> elements) {
        for (String e : elements) {
            if (e.startsWith("/")) {
                try {
                    for (String line : Files.readAllLines(Path.of(e))) {
                        int hash = line.indexOf('#');
                        String text = hash >= 0 ? line.substring(0, hash) : line;
                        for (String w : text.split("[,\\s]+")) {
                            if (!w.isEmpty()) names.add(w.toLowerCase(Locale.ROOT));
                        }
                    }
                } catch (IOException ex) {
                    throw new TableException(spec + ": domain: open " + e + ": " + ex.getMessage(), ex);
                }
            } else if (Tables.type(e) != null) {
                tables.add(Tables.open(e));
            } else {
                names.add(e.toLowerCase(Locale.ROOT));
            }
        }
    }

    boolean isEmpty() {
        return names.isEmpty() && tables.isEmpty();
    }

    /** True when {@code key} may be looked up. */
    boolean allows(KeyFields key) {
        if (isEmpty()) return true;
        if (key.domain() == null || key.domain().isEmpty() || key.local().isEmpty()) return false;
        String d = key.domain().toLowerCase(Locale.ROOT);
        if (names.contains(d)) return true;
        for (Table t : tables) {
            if (t.get(d) != null) return true;
        }
        return false;
    }

    @Override
    public void close() {
        tables.forEach(Table::close);
    }
}
