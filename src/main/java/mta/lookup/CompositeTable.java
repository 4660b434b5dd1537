package mta.lookup;

import java.util.ArrayList;
import java.util.List;

/**
 * CompositeTable - a table made of other tables ({@code pipemap:}, {@code unionmap:}): what its
 * members warn of, it warns of, and closing it closes them.
 *
 * <p>Reads its member tables; writes nothing. The subclass says how a lookup asks them.
 */
abstract class CompositeTable extends ReadOnlyTable {
    /** The member tables, in the order the specification names them. */
    final List<Table> members;

    CompositeTable(String spec, List<Table> members) {
        super(spec);
        this.members = List.copyOf(members);
    }

    @Override
    public final List<String> warnings() {
        List<String> w = new ArrayList<>();
        for (Table t : members) w.addAll(t.warnings());
        return w;
    }

    @Override
    public final void close() {
        members.forEach(Table::close);
    }
}
