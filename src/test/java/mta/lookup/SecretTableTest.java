package mta.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import mta.util.SecretFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SecretTableTest - tables read through the privileged process's hand-over: a postmap-built
 * {@code .db} given only as bytes (the file itself is gone), a texthash source, a new postmap
 * seen without a restart, and a refused read as a table error.
 */
class SecretTableTest {
    @TempDir
    Path dir;

    @Test
    void aDbFileKnownOnlyAsBytesIsOpenedInMemory() throws Exception {
        Path db = dir.resolve("sasl_passwd.db");
        TableBuilder.write(db, Map.of("[smtp.provider.example]:587", "me:secret"), null);
        byte[] bytes = Files.readAllBytes(db);
        Files.delete(db); // only the hand-over has it now
        Table t = SecretTable.open("hash:" + dir.resolve("sasl_passwd"), SecretFiles.preloaded(Map.of(db, bytes)));
        assertEquals("me:secret", t.get("[SMTP.provider.example]:587"));
        assertNull(t.get("smtp.provider.example"));
        assertEquals(1, t.entries().size());
        assertTrue(Files.notExists(db));
    }

    @Test
    void texthashAndProxyAreReadTheSameWay() throws Exception {
        Path src = dir.resolve("sasl_passwd");
        Files.writeString(src, "# comment\n[relay.example]:587   user:pass:with:colons\n");
        assertEquals("user:pass:with:colons", SecretTable.open("texthash:" + src, SecretFiles.DIRECT).get("[relay.example]:587"));
        TableBuilder.write(Path.of(src + ".db"), Map.of("k", "v"), null);
        assertEquals("v", SecretTable.open("proxy:hash:" + src, SecretFiles.DIRECT).get("k"));
    }

    @Test
    void aNewPostmapIsSeenWithinASecond() throws Exception {
        Path db = dir.resolve("t.db");
        TableBuilder.write(db, Map.of("k", "old"), null);
        Table t = SecretTable.open("hash:" + dir.resolve("t"), SecretFiles.DIRECT);
        assertEquals("old", t.get("k"));
        TableBuilder.write(db, Map.of("k", "new"), null);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!"new".equals(t.get("k"))) {
            assertTrue(System.nanoTime() < deadline, "the new table is read again");
            Thread.sleep(50);
        }
    }

    @Test
    void aRefusedReadIsATableError() {
        SecretFiles refusing = f -> {
            throw new IOException("not named by the configuration");
        };
        Table t = SecretTable.open("hash:" + dir.resolve("x"), refusing);
        TableException e = assertThrows(TableException.class, () -> t.get("k"));
        assertEquals("open database " + dir.resolve("x.db") + ": not named by the configuration", e.getMessage());
    }
}
