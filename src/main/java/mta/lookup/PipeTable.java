package mta.lookup;

import java.util.ArrayList;
import java.util.List;

/**
 * PipeTable - the {@code pipemap:{type:name, ...}} backend: a pipeline of tables, each answer
 * the next table's key.
 *
 * <p>Reads its member tables; writes nothing. The key goes to the first table; what it finds is
 * looked up in the second, and so on; the last table's answer is the result. When any table
 * finds nothing, the pipeline finds nothing. A member's failure fails the lookup. The pipeline
 * sees whole keys only when its first table is a pattern table.
 */
final class PipeTable extends ReadOnlyTable {
    private final List<Table> members;

    PipeTable(String spec, List<Table> members) {
        super(spec);
        if (members.size() < 2) throw new TableException(spec + ": need at least two tables");
        this.members = List.copyOf(members);
    }

    @Override
    public String get(String key) {
        String v = key;
        for (Table t : members) {
            v = t.get(v);
            if (v == null) return null;
        }
        return v;
    }

    @Override
    public boolean matchesPatterns() {
        return members.get(0).matchesPatterns();
    }

    @Override
    public List<String> warnings() {
        List<String> w = new ArrayList<>();
        for (Table t : members) w.addAll(t.warnings());
        return w;
    }

    @Override
    public void close() {
        members.forEach(Table::close);
    }
}
