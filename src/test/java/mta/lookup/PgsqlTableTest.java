package mta.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import mta.testing.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** PgsqlTableTest - pgsql_table(5) against a private PostgreSQL server (see {@link SqlBackendTest}). */
class PgsqlTableTest extends SqlBackendTest {
    static TestPostgres pg;

    @BeforeAll
    static void database() throws Exception {
        pg = TestPostgres.get();
        pg.createDatabase("lookups", "postfix", "S3cret", SCHEMA);
    }

    @Override
    String type() {
        return "pgsql";
    }

    @Override
    Map<String, String> connection() {
        return Map.of("hosts", "inet:127.0.0.1:" + pg.port, "user", "postfix", "password", "S3cret", "dbname", "lookups");
    }

    @Override
    String slowQuery(int seconds) {
        return "SELECT goto FROM alias, pg_sleep(" + seconds + ") WHERE address='%s'";
    }

    @Override
    void stopServer() {
        pg.stop();
    }

    @Override
    void startServer() throws Exception {
        pg.start();
    }

    @Test
    void unixSocketsAndSeveralHostsAndUris() throws Exception {
        try (Table t = open(Map.of("hosts", "unix:" + pg.dir.resolve(".s.PGSQL." + pg.port), "query", "SELECT goto FROM alias WHERE address='%s'"))) {
            assertEquals("ann@box.example", t.get("info@box.example"));
        }
        // a dead host beside a live one: the lookup still succeeds whichever is tried first
        int dead = mta.testing.TestSite.freePort();
        try (Table t = open(Map.of("hosts", "127.0.0.1:" + dead + " 127.0.0.1:" + pg.port,
                "query", "SELECT goto FROM alias WHERE address='%s'"))) {
            for (int i = 0; i < 5; i++) assertEquals("ann@box.example", t.get("info@box.example"));
        }
        try (Table t = open(Map.of("hosts", "postgresql://postfix:S3cret@127.0.0.1:" + pg.port + "/lookups?sslmode=disable",
                "query", "SELECT goto FROM alias WHERE address='%s'"))) {
            assertEquals("ann@box.example", t.get("info@box.example"));
        }
    }

    @Test
    void aWrongPasswordIsATemporaryFailureAndIsNotShown() throws Exception {
        try (Table t = open(Map.of("password", "Wr0ngPassw0rd", "query", "SELECT goto FROM alias WHERE address='%s'"))) {
            TableLookupException e = assertThrows(TableLookupException.class, () -> t.get("info@box.example"));
            assertTrue(e.getMessage().contains("127.0.0.1:" + pg.port), e.getMessage());
            assertFalse(e.getMessage().contains("Wr0ngPassw0rd"), e.getMessage());
        }
    }

    @Test
    void numericColumnsCompareWithTheBoundKey() throws Exception {
        try (Table t = open("SELECT goto FROM alias WHERE active = %s AND address = 'info@box.example'")) {
            assertEquals("ann@box.example", t.get("1"));
        }
    }
}
