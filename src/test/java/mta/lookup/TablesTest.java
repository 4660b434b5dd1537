package mta.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TablesTest - opening tables by specification, errors included, and reopening a rebuilt file.
 */
class TablesTest {
    @TempDir Path dir;

    @Test
    void unknownTypeIsRefused() {
        TableException e = assertThrows(TableException.class, () -> Tables.open("foo:/etc/x"));
        assertEquals("unsupported dictionary type: foo", e.getMessage());
    }

    @Test
    void specificationWithoutTypeIsRefused() {
        TableException e = assertThrows(TableException.class, () -> Tables.open("/etc/aliases"));
        assertEquals("open dictionary: expecting \"type:name\" form instead of \"/etc/aliases\"", e.getMessage());
    }

    @Test
    void missingDatabaseFailsAtLookupWithPostfixWording() {
        Path file = dir.resolve("x");
        Table t = Tables.open("hash:" + file);
        TableException e = assertThrows(TableException.class, () -> t.get("a"));
        assertEquals("open database " + file + ".db: No such file or directory", e.getMessage());
    }

    @Test
    void corruptDatabaseIsReportedNotThrownRaw() throws Exception {
        Files.writeString(dir.resolve("bad.db"), "this is not an MVStore file");
        Table t = Tables.open("hash:" + dir.resolve("bad"));
        TableException e = assertThrows(TableException.class, () -> t.get("a"));
        assertEquals(true, e.getMessage().startsWith("open database " + dir.resolve("bad.db") + ": "), e.getMessage());
    }

    @Test
    void proxyPrefixIsTransparent() {
        assertEquals("v", Tables.open("proxy:inline:{k=v}").get("K"));
    }

    @Test
    void inlineSyntaxErrorsNameTheElement() {
        TableException e = assertThrows(TableException.class, () -> Tables.open("inline:{ a=b, junk }"));
        assertEquals("inline:{ a=b, junk }: \"junk\": need key=value or { key = value }", e.getMessage());
        assertThrows(TableException.class, () -> Tables.open("inline:a=b"));
        assertThrows(TableException.class, () -> Tables.open("inline:{ { a = b }"));
    }

    @Test
    void inlineKeepsSpacesInsideBracesOnly() {
        Table t = Tables.open("inline:{ a=1,b=2 { c = three four } }");
        assertEquals(List.of(Map.entry("a", "1"), Map.entry("b", "2"), Map.entry("c", "three four")), t.entries());
    }

    @Test
    void argumentsGetTheDefaultTypeUnlessTheyHaveOne() {
        assertEquals("hash:/etc/aliases", Tables.withType("/etc/aliases", "hash"));
        assertEquals("btree:/etc/aliases", Tables.withType("btree:/etc/aliases", "hash"));
        assertEquals("hash:/odd:name", Tables.withType("/odd:name", "hash"));
        assertEquals("btree", Tables.type("btree:/x"));
        assertNull(Tables.type("/x"));
    }

    @Test
    void rebuiltFileIsSeenByAnOpenTable() {
        Path db = dir.resolve("aliases.db");
        TableBuilder.write(db, Map.of("postmaster", "root"), null);
        Table t = Tables.open("hash:" + dir.resolve("aliases"));
        assertEquals("root", t.get("postmaster"));

        TableBuilder.write(db, Map.of("postmaster", "alice", "abuse", "bob"), null);
        assertEquals("alice", t.get("postmaster"));
        assertEquals("bob", t.get("abuse"));

        TableBuilder.write(db, Map.of(), null);
        assertNull(t.get("postmaster"));
        assertEquals(List.of(), t.entries());
    }

    @Test
    void changesThroughOneTableAreSeenByAnother() {
        Table writer = Tables.open("hash:" + dir.resolve("v"));
        Table reader = Tables.open("hash:" + dir.resolve("v"));
        writer.put("a", "1");
        assertEquals("1", reader.get("a"));
        writer.put("a", "22");
        assertEquals("22", reader.get("A"));
        writer.remove("a");
        assertNull(reader.get("a"));
    }

    @Test
    void builderLeavesNoTemporaryFiles() throws Exception {
        TableBuilder.write(dir.resolve("t.db"), Map.of("k", "v"), null);
        TableBuilder.write(dir.resolve("t.db"), Map.of("k", "w"), null);
        try (var s = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("t.db")), s.toList());
        }
    }

    @Test
    void builderInheritsReadPermissionOfTheSource() throws Exception {
        Path src = dir.resolve("secret");
        Files.writeString(src, "k v\n");
        Files.setPosixFilePermissions(src, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        TableBuilder.write(dir.resolve("secret.db"), Map.of("k", "v"), src);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("secret.db"))));
        TableBuilder.write(dir.resolve("open.db"), Map.of("k", "v"), null);
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("open.db"))));
    }

    @Test
    void builderReportsAMissingDirectory() {
        TableException e = assertThrows(TableException.class,
                () -> TableBuilder.write(dir.resolve("no/such/x.db"), Map.of(), null));
        assertEquals("create database " + dir.resolve("no/such/x.db") + ": No such file or directory", e.getMessage());
    }
}
