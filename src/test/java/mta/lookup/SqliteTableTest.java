package mta.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SqliteTableTest - sqlite_table(5) against a real SQLite file (see {@link SqlBackendTest}); the
 * database "goes away" by being moved aside, and a writer's lock makes lookups wait.
 */
class SqliteTableTest extends SqlBackendTest {
    Path file;

    @BeforeEach
    void database() throws Exception {
        file = tmp.resolve("mail.sqlite");
        try (Connection c = new org.sqlite.JDBC().connect("jdbc:sqlite:" + file, new java.util.Properties());
             Statement st = c.createStatement()) {
            for (String s : SCHEMA) st.execute(s);
        }
    }

    @Override
    String type() {
        return "sqlite";
    }

    @Override
    Map<String, String> connection() {
        return Map.of("dbpath", file.toString());
    }

    @Override
    String slowQuery(int seconds) {
        return null;
    }

    @Override
    void stopServer() throws Exception {
        Files.move(file, tmp.resolve("aside"), StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    void startServer() throws Exception {
        Files.move(tmp.resolve("aside"), file, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void aWritersLockIsWaitedForThenATemporaryFailure() throws Exception {
        try (Table t = open(Map.of("query", "SELECT goto FROM alias WHERE address='%s'", "query_timeout", "1"));
             Connection writer = new org.sqlite.JDBC().connect("jdbc:sqlite:" + file, new java.util.Properties());
             Statement st = writer.createStatement()) {
            assertEquals("ann@box.example", t.get("info@box.example"));
            st.execute("BEGIN EXCLUSIVE");
            TableLookupException e = assertThrows(TableLookupException.class, () -> t.get("info@box.example"));
            assertTrue(e.getMessage().contains("sqlite server " + file), e.getMessage());
            st.execute("COMMIT");
            assertEquals("ann@box.example", t.get("info@box.example"));
        }
    }
}
