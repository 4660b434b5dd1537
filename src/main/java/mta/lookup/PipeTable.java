package mta.lookup;

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
final class PipeTable extends CompositeTable {
    PipeTable(String spec, List<Table> members) {
        super(spec, members);
        if (members.size() < 2) throw new TableException(spec + ": need at least two tables");
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
}
