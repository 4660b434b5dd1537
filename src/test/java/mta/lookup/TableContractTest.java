package mta.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TableContractTest - the promises every lookup backend keeps, run against each of them.
 *
 * <p>The abstract {@link Contract} holds the tests; one nested class per backend supplies the
 * table. Each backend starts with the same two entries, {@code postmaster -> root} and
 * {@code info@example.com -> alice, bob}, written in the backend's own way.
 */
class TableContractTest {
    abstract class Contract {
        protected Table table;

        /** A table holding exactly the two standard entries. */
        protected abstract Table create() throws Exception;

        /** True when the backend accepts put and remove. */
        protected abstract boolean writable();

        /** True when the backend can list its entries. */
        protected boolean listable() {
            return true;
        }

        @BeforeEach
        void open() throws Exception {
            table = create();
        }

        @AfterEach
        void close() {
            table.close();
        }

        @Test
        void findsAKey() {
            assertEquals("root", table.get("postmaster"));
            assertEquals("alice, bob", table.get("info@example.com"));
        }

        @Test
        void lookupsIgnoreCase() {
            assertEquals("root", table.get("PostMaster"));
            assertEquals("alice, bob", table.get("INFO@Example.COM"));
        }

        @Test
        void listsEntriesSortedByKey() {
            assumeTrue(listable());
            assertEquals(List.of(Map.entry("info@example.com", "alice, bob"), Map.entry("postmaster", "root")),
                    List.copyOf(table.entries()));
        }

        @Test
        void keepsTheSpecification() {
            assertTrue(table.spec().contains(":"), table.spec());
        }

        @Test
        void putAddsAndReplacesWithFoldedKeys() {
            assumeTrue(writable());
            table.put("Abuse", "root");
            table.put("postmaster", "admin");
            assertEquals("root", table.get("abuse"));
            assertEquals("admin", table.get("POSTMASTER"));
            assertEquals(3, table.entries().size());
        }

        @Test
        void removeSaysWhetherThereWasAnEntry() {
            assumeTrue(writable());
            assertTrue(table.remove("POSTMASTER"));
            assertNull(table.get("postmaster"));
            assertFalse(table.remove("postmaster"));
            assertEquals(1, table.entries().size());
        }

        @Test
        void readOnlyTablesRefuseChanges() {
            assumeFalse(writable());
            assertThrows(UnsupportedOperationException.class, () -> table.put("a", "b"));
            assertThrows(UnsupportedOperationException.class, () -> table.remove("postmaster"));
            assertEquals("root", table.get("postmaster"));
        }

        /** The misses differ: static: has none. */
        protected void assertMiss() {
            assertNull(table.get("nobody"));
            assertNull(table.get(""));
        }

        @Test
        void missReturnsNull() {
            assumeTrue(listable());
            assertMiss();
        }

    }

    // ------------------------------------------------------------------ the backends

    @Nested
    class Hash extends Contract {
        @TempDir Path dir;

        @Override
        protected Table create() {
            Map<String, String> m = new TreeMap<>(Map.of("postmaster", "root", "info@example.com", "alice, bob"));
            TableBuilder.write(dir.resolve("virtual.db"), m, null);
            return Tables.open("hash:" + dir.resolve("virtual"));
        }

        @Override
        protected boolean writable() {
            return true;
        }
    }

    @Nested
    class Btree extends Hash {
        @Override
        protected Table create() {
            Table t = super.create();
            t.close();
            return Tables.open("btree:" + dir.resolve("virtual"));
        }
    }

    @Nested
    class HashFromPut extends Contract {
        @TempDir Path dir;

        @Override
        protected Table create() {
            Table t = Tables.open("mvstore:" + dir.resolve("new"));
            t.put("PostMaster", "root");
            t.put("info@example.com", "alice, bob");
            return t;
        }

        @Override
        protected boolean writable() {
            return true;
        }
    }

    @Nested
    class Inline extends Contract {
        @Override
        protected Table create() {
            return Tables.open("inline:{ PostMaster=root, { info@example.com = alice, bob } }");
        }

        @Override
        protected boolean writable() {
            return false;
        }
    }

    @Nested
    class Static extends Contract {
        @Override
        protected Table create() {
            return new StaticBoth();
        }

        @Override
        protected boolean writable() {
            return false;
        }

        @Override
        protected boolean listable() {
            return false;
        }

        @Test
        void everyKeyFindsTheValue() {
            Table t = Tables.open("static:{ some value }");
            assertEquals("some value", t.get("anything"));
            assertEquals("some value", t.get(""));
            assertEquals(List.of(), t.entries());
            assertEquals("x", Tables.open("static:x").get("y"));
        }

        /**
         * A static table answers one value for every key, so the standard two entries are made of
         * two static tables, chosen by key; this still checks that get ignores case.
         */
        private static final class StaticBoth implements Table {
            private final Table root = Tables.open("static:root");
            private final Table list = Tables.open("static:{alice, bob}");

            @Override
            public String spec() {
                return root.spec();
            }

            @Override
            public String get(String key) {
                return key.toLowerCase().startsWith("info") ? list.get(key) : root.get(key);
            }

            @Override
            public void put(String key, String value) {
                root.put(key, value);
            }

            @Override
            public boolean remove(String key) {
                return root.remove(key);
            }

            @Override
            public List<Map.Entry<String, String>> entries() {
                return root.entries();
            }

            @Override
            public void close() {
                root.close();
                list.close();
            }
        }
    }
}
