package mta.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import mta.config.TableTypes;
import mta.util.SecretFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CompositeTablesTest - unionmap:, pipemap:, proxy: sharing, lmdb: and cdb: files, the list of
 * types, and database configuration files read through {@link SecretFiles}.
 */
class CompositeTablesTest {
    @TempDir
    Path tmp;

    @Test
    void unionmapJoinsEveryTablesAnswer() {
        try (Table t = Tables.open("unionmap:{inline:{a=1, b=2}, inline:{a=3}, static:{x y}}")) {
            assertEquals("1,3,x y", t.get("a"));
            assertEquals("2,x y", t.get("b"));
        }
        try (Table t = Tables.open("unionmap:{inline:{a=1}, inline:{b=2}}")) {
            assertNull(t.get("c"));
        }
    }

    @Test
    void pipemapFeedsEachAnswerToTheNextTable() {
        try (Table t = Tables.open("pipemap:{inline:{a=b, x=y}, inline:{b=c}}")) {
            assertEquals("c", t.get("a"));
            assertNull(t.get("x"), "the second table has no y");
            assertNull(t.get("z"));
        }
        assertThrows(TableException.class, () -> Tables.open("pipemap:{inline:{a=b}}"));
        assertThrows(TableException.class, () -> Tables.open("unionmap:inline:{a=b}"));
    }

    @Test
    void proxySharesOneInstanceBetweenItsUsers() throws Exception {
        Path src = tmp.resolve("virtual");
        Files.writeString(src, "a b\n");
        int before = ProxyMap.openCount();
        Table one = Tables.open("proxy:texthash:" + src);
        Table two = Tables.open("proxy:texthash:" + src);
        assertEquals(before + 1, ProxyMap.openCount(), "one shared table");
        assertEquals("b", one.get("a"));
        assertEquals("b", two.get("a"));
        one.close();
        assertEquals("b", two.get("a"), "the other user keeps it");
        two.close();
        assertEquals(before, ProxyMap.openCount(), "closed with its last user");
    }

    @Test
    void lmdbAndCdbAreBuiltTablesWithTheirOwnFileNames() throws Exception {
        for (String type : List.of("lmdb", "cdb")) {
            Path name = tmp.resolve("transport-" + type);
            assertEquals(Path.of(name + "." + type), Tables.databaseFile(type + ":" + name));
            TableBuilder.write(Tables.databaseFile(type + ":" + name), Map.of("example.com", "smtp:[relay]"), null);
            try (Table t = Tables.open(type + ":" + name)) {
                assertEquals("smtp:[relay]", t.get("EXAMPLE.com"));
            }
            assertTrue(Tables.isFileType(type));
        }
        assertEquals(Path.of("/x.db"), Tables.databaseFile("hash:/x"));
    }

    @Test
    void theConfigPackageKnowsTheSameTypes() {
        assertEquals(new TreeSet<>(Tables.TYPES), new TreeSet<>(TableTypes.supported()));
        for (String type : Tables.TYPES) {
            TableException e = null;
            try {
                Tables.open(type + ":/nonexistent/x").close();
            } catch (TableException ex) {
                e = ex;
            } catch (RuntimeException other) {
                // fine: the type exists
            }
            assertTrue(e == null || !e.getMessage().startsWith("unsupported dictionary type"), type);
        }
    }

    @Test
    void configurationFilesAreReadThroughSecretFilesAndNeverQuoted() throws Exception {
        Path cf = tmp.resolve("pgsql.cf");
        Files.writeString(cf, "hosts = 127.0.0.1:1\nuser = postfix\npassword = T0pSecret\nquery = SELECT 1\n");
        Files.setPosixFilePermissions(cf, PosixFilePermissions.fromString("---------"));
        assertEquals(List.of(cf), Tables.configFiles("proxy:pgsql:" + cf));
        assertEquals(List.of(cf, Path.of("/b.cf")), Tables.configFiles("unionmap:{mysql:" + cf + ", ldap:/b.cf, hash:/c}"));
        String content = "hosts = 127.0.0.1:1\nuser = postfix\npassword = T0pSecret\nquery = SELECT goto FROM t WHERE k='%s'\n";
        try {
            Tables.useSecretFiles(SecretFiles.preloaded(Map.of(cf.toAbsolutePath().normalize(), content.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
            try (Table t = Tables.open("pgsql:" + cf)) {
                TableLookupException e = assertThrows(TableLookupException.class, () -> t.get("x"));
                assertTrue(e.getMessage().contains("connect to pgsql server 127.0.0.1:1"), e.getMessage());
                assertTrue(!e.getMessage().contains("T0pSecret"), e.getMessage());
            }
        } finally {
            Tables.useSecretFiles(SecretFiles.DIRECT);
        }
        Files.writeString(cf, "password = T0pSecret\nthis line is wrong\n");
        Files.setPosixFilePermissions(cf, PosixFilePermissions.fromString("rw-------"));
        TableException e = assertThrows(TableException.class, () -> Tables.open("mysql:" + cf));
        assertEquals(cf + ", line 2: missing '=' after attribute name", e.getMessage());
        TableException missing = assertThrows(TableException.class, () -> Tables.open("ldap:" + tmp.resolve("none.cf")));
        assertEquals("open " + tmp.resolve("none.cf") + ": No such file or directory", missing.getMessage());
        TableException relative = assertThrows(TableException.class, () -> Tables.open("pgsql:pgsqlsource"));
        assertTrue(relative.getMessage().contains("not supported"), relative.getMessage());
    }
}
