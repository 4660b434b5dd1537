package mta.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Map;
import mta.testing.TestMariadb;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** MysqlTableTest - mysql_table(5) against a private MariaDB server (see {@link SqlBackendTest}). */
class MysqlTableTest extends SqlBackendTest {
    static TestMariadb db;

    @BeforeAll
    static void database() throws Exception {
        db = TestMariadb.get();
        // MySQL string literals take backslash escapes: double the backslash of the odd key.
        db.createDatabase("lookups", "postfix", "S3cret",
                Arrays.stream(SCHEMA).map(s -> s.replace("\\", "\\\\")).toArray(String[]::new));
        db.execute("lookups", "CREATE PROCEDURE lookup(IN k VARCHAR(255)) READS SQL DATA SQL SECURITY INVOKER "
                + "BEGIN SELECT goto FROM alias WHERE address = k; END");
    }

    @Override
    String type() {
        return "mysql";
    }

    @Override
    Map<String, String> connection() {
        return Map.of("hosts", "inet:127.0.0.1:" + db.port, "user", "postfix", "password", "S3cret", "dbname", "lookups");
    }

    @Override
    String concat(String... parts) {
        return "CONCAT(" + String.join(", ", parts) + ")";
    }

    @Override
    String slowQuery(int seconds) {
        return "SELECT goto FROM alias WHERE address='%s' AND SLEEP(" + seconds + ") = 0";
    }

    @Override
    void stopServer() {
        db.stop();
    }

    @Override
    void startServer() throws Exception {
        db.start();
    }

    @Test
    void storedProceduresAndUnixSockets() throws Exception {
        try (Table t = open("CALL lookup('%s')")) {
            assertEquals("ann@box.example", t.get("info@box.example"));
        }
        try (Table t = open(Map.of("hosts", "unix:" + db.socket, "query", "SELECT goto FROM alias WHERE address='%s'"))) {
            assertEquals("ann@box.example", t.get("info@box.example"));
            assertEquals("odd@box.example", t.get(ODD_KEY));
        }
        try (Table t = open("SELECT goto FROM alias WHERE address=\"%s\"")) {
            assertEquals("odd@box.example", t.get(ODD_KEY), "a double-quoted literal in MySQL");
        }
    }
}
