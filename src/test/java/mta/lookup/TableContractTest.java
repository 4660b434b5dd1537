package mta.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
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

        /** True for pattern tables (regexp:, cidr:), which refuse to list rules as entries. */
        protected boolean patterns() {
            return false;
        }

        /** The key that finds {@code root}. */
        protected String rootKey() {
            return "postmaster";
        }

        /** The key that finds {@code alice, bob}. */
        protected String listKey() {
            return "info@example.com";
        }

        /** Keys that find nothing. */
        protected List<String> missKeys() {
            return List.of("nobody", "");
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
            assertEquals("root", table.get(rootKey()));
            assertEquals("alice, bob", table.get(listKey()));
        }

        @Test
        void lookupsIgnoreCase() {
            assertEquals("root", table.get(rootKey().toUpperCase(Locale.ROOT)));
            assertEquals("alice, bob", table.get(listKey().toUpperCase(Locale.ROOT)));
        }

        @Test
        void onlyPatternTablesSayTheyMatchPatterns() {
            assertEquals(patterns(), table.matchesPatterns());
        }

        @Test
        void patternTablesRefuseToList() {
            assumeTrue(patterns());
            assertThrows(UnsupportedOperationException.class, () -> table.entries());
        }

        @Test
        void wellFormedSourcesGiveNoWarnings() {
            assertEquals(List.of(), table.warnings());
        }

        @Test
        void listsEntriesSortedByKey() {
            assumeTrue(listable() && !patterns());
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
            assertThrows(UnsupportedOperationException.class, () -> table.remove(rootKey()));
            assertEquals("root", table.get(rootKey()));
        }

        @Test
        void missReturnsNull() {
            for (String key : missKeys()) assertNull(table.get(key), key);
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
    class Texthash extends Contract {
        @TempDir Path dir;

        @Override
        protected Table create() throws Exception {
            Path file = dir.resolve("virtual");
            Files.writeString(file, "# texthash: the postmap source itself\nPostMaster root\ninfo@example.com alice,\n  bob\n");
            return Tables.open("texthash:" + file);
        }

        @Override
        protected boolean writable() {
            return false;
        }

        @Test
        void editedFileIsReadAgain() throws Exception {
            Path file = dir.resolve("virtual");
            Files.writeString(file, "postmaster admin\nabuse root\n");
            Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
            assertEquals("admin", table.get("postmaster"));
            assertEquals("root", table.get("Abuse"));
            assertEquals(2, table.entries().size());
        }

        @Test
        void duplicatesAreReported() throws Exception {
            Path file = dir.resolve("dup");
            Files.writeString(file, "a 1\nA 2\n");
            Table t = Tables.open("texthash:" + file);
            assertEquals("1", t.get("a"));
            assertEquals(List.of(file + ", line 2: duplicate entry: \"a\""), t.warnings());
        }

        @Test
        void missingFileFailsTheLookup() {
            Path none = dir.resolve("none");
            TableException e = assertThrows(TableException.class, () -> Tables.open("texthash:" + none).get("a"));
            assertEquals("open database " + none + ": No such file or directory", e.getMessage());
        }
    }

    @Nested
    class Regexp extends Contract {
        @TempDir Path dir;

        /** The table's type. */
        protected String type() {
            return "regexp";
        }

        @Override
        protected Table create() throws Exception {
            Path file = dir.resolve("virtual." + type());
            Files.writeString(file, "/^postmaster$/ root\n/^info@example\\.com$/ alice, bob\n");
            return Tables.open(type() + ":" + file);
        }

        @Override
        protected boolean writable() {
            return false;
        }

        @Override
        protected boolean patterns() {
            return true;
        }

        @Override
        protected List<String> missKeys() {
            return List.of("nobody", "", "postmaster2", "info@example.com.evil");
        }
    }

    @Nested
    class Pcre extends Regexp {
        @Override
        protected String type() {
            return "pcre";
        }
    }

    @Nested
    class Cidr extends Contract {
        @TempDir Path dir;

        @Override
        protected Table create() throws Exception {
            Path file = dir.resolve("client.cidr");
            Files.writeString(file, "192.0.2.1 root\n2001:db8::/32 alice, bob\n");
            return Tables.open("cidr:" + file);
        }

        @Override
        protected boolean writable() {
            return false;
        }

        @Override
        protected boolean patterns() {
            return true;
        }

        @Override
        protected String rootKey() {
            return "192.0.2.1";
        }

        @Override
        protected String listKey() {
            return "2001:db8::a:b"; // upper-cased by lookupsIgnoreCase
        }

        @Override
        protected List<String> missKeys() {
            return List.of("192.0.2.2", "2001:db9::1", "", "postmaster", "[192.0.2.1]");
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

        @Override
        protected List<String> missKeys() {
            return List.of(); // static: finds every key
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

    @Nested
    class Lmdb extends Contract {
        @TempDir Path dir;

        @Override
        protected Table create() {
            Map<String, String> m = new TreeMap<>(Map.of("postmaster", "root", "info@example.com", "alice, bob"));
            TableBuilder.write(dir.resolve("virtual.lmdb"), m, null);
            return Tables.open("lmdb:" + dir.resolve("virtual"));
        }

        @Override
        protected boolean writable() {
            return true;
        }
    }

    /** The database tables: read-only, not listable; SQLite stands for them here (a file, no server). */
    @Nested
    class Sqlite extends Contract {
        @TempDir Path dir;

        @Override
        protected Table create() throws Exception {
            Path db = dir.resolve("aliases.sqlite");
            try (java.sql.Connection c = new org.sqlite.JDBC().connect("jdbc:sqlite:" + db, new java.util.Properties());
                 java.sql.Statement st = c.createStatement()) {
                st.execute("CREATE TABLE a (k TEXT, v TEXT)");
                st.execute("INSERT INTO a VALUES ('postmaster', 'root'), ('info@example.com', 'alice, bob')");
            }
            Path cf = dir.resolve("aliases.cf");
            Files.writeString(cf, "dbpath = " + db + "\nquery = SELECT v FROM a WHERE k = '%s'\n");
            return Tables.open("sqlite:" + cf);
        }

        @Override
        protected boolean writable() {
            return false;
        }

        @Override
        protected boolean listable() {
            return false;
        }
    }

    @Nested
    class Unionmap extends Contract {
        @Override
        protected Table create() {
            return Tables.open("unionmap:{inline:{postmaster=root}, inline:{ {info@example.com = alice, bob} }}");
        }

        @Override
        protected boolean writable() {
            return false;
        }

        @Override
        protected boolean listable() {
            return false;
        }
    }

    @Nested
    class Pipemap extends Contract {
        @Override
        protected Table create() {
            return Tables.open("pipemap:{inline:{postmaster=r, info@example.com=ab}, inline:{r=root, { ab = alice, bob }}}");
        }

        @Override
        protected boolean writable() {
            return false;
        }

        @Override
        protected boolean listable() {
            return false;
        }
    }

    @Nested
    class Proxy extends Hash {
        @Override
        protected Table create() {
            Table t = super.create();
            t.close();
            return Tables.open("proxy:hash:" + dir.resolve("virtual"));
        }
    }
}
