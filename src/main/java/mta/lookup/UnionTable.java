package mta.lookup;

import java.util.ArrayList;
import java.util.List;

/**
 * UnionTable - the {@code unionmap:{type:name, ...}} backend: asks every table and joins what
 * they found.
 *
 * <p>Reads its member tables; writes nothing. The answer is every member's value, in order,
 * separated by commas; "not found" when no member has the key. A member's failure fails the
 * lookup (temporarily, when the member says so). Pattern lookups: the union counts as a pattern
 * table when any member is one, so it sees only whole keys.
 */
final class UnionTable extends CompositeTable {
    UnionTable(String spec, List<Table> members) {
        super(spec, members);
    }

    @Override
    public String get(String key) {
        List<String> found = new ArrayList<>();
        for (Table t : members) {
            String v = t.get(key);
            if (v != null) found.add(v);
        }
        return found.isEmpty() ? null : String.join(",", found);
    }

    @Override
    public boolean matchesPatterns() {
        return members.stream().anyMatch(Table::matchesPatterns);
    }
}
