package mta.lookup;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * ProxyMap - the {@code proxy:type:name} tables: one open instance of {@code type:name} shared by
 * every user in this JVM, the role Postfix's proxymap(8) plays for its processes.
 *
 * <p>Reads and writes through the shared table. The first {@link #open} of a name opens the
 * table; later ones get a handle on the same instance, so a {@code proxy:pgsql:} table used by
 * smtpd, cleanup and the delivery agents keeps one connection pool to its database, not one per
 * user. The instance is closed when its last handle is closed (a reload closes and reopens
 * them all, and so reads changed configuration files). Which tables may be proxied is decided
 * where main.cf is read ({@code proxy_read_maps}, see the config package's TableTypes); a table
 * that is not listed there stops the start. This registry is the one JVM-wide state of the
 * lookup package, on purpose: sharing is its job.
 */
final class ProxyMap {
    private ProxyMap() {}

    private static final class Shared {
        final Table table;
        int handles;

        Shared(Table table) {
            this.table = table;
        }
    }

    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final Map<String, Shared> OPEN = new HashMap<>();

    static Table open(String spec, String inner) {
        String type = Tables.type(inner);
        if (type == null) {
            throw new TableException("open dictionary: expecting \"type:name\" form instead of \"" + inner + "\"");
        }
        String key = type + ":" + Tables.name(inner);
        LOCK.lock();
        try {
            Shared s = OPEN.get(key);
            if (s == null) {
                s = new Shared(Tables.open(inner));
                OPEN.put(key, s);
            }
            s.handles++;
            return new Handle(spec, key, s);
        } finally {
            LOCK.unlock();
        }
    }

    /** The number of tables open through proxy: now (for tests). */
    static int openCount() {
        LOCK.lock();
        try {
            return OPEN.size();
        } finally {
            LOCK.unlock();
        }
    }

    private static void release(String key, Shared s) {
        LOCK.lock();
        try {
            if (--s.handles > 0) return;
            OPEN.remove(key, s);
        } finally {
            LOCK.unlock();
        }
        s.table.close();
    }

    /** One user's view of the shared table. */
    private static final class Handle implements Table {
        private final String spec;
        private final String key;
        private final Shared shared;
        private boolean closed;

        Handle(String spec, String key, Shared shared) {
            this.spec = spec;
            this.key = key;
            this.shared = shared;
        }

        @Override
        public String spec() {
            return spec;
        }

        @Override
        public String get(String k) {
            return shared.table.get(k);
        }

        @Override
        public void put(String k, String value) {
            shared.table.put(k, value);
        }

        @Override
        public boolean remove(String k) {
            return shared.table.remove(k);
        }

        @Override
        public List<Map.Entry<String, String>> entries() {
            return shared.table.entries();
        }

        @Override
        public boolean matchesPatterns() {
            return shared.table.matchesPatterns();
        }

        @Override
        public List<String> warnings() {
            return shared.table.warnings();
        }

        @Override
        public synchronized void close() {
            if (closed) return;
            closed = true;
            release(key, shared);
        }
    }
}
