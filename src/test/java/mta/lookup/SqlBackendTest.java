package mta.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SqlBackendTest - what every SQL table ({@code pgsql:}, {@code mysql:}, {@code sqlite:}) must do,
 * against the real database: the subclasses start it and say how to reach it.
 *
 * <p>Each subclass loads the same rows: aliases (one with a key full of quotes, {@code %},
 * {@code *}, parentheses and a backslash), mailboxes and domains. The tests read them through
 * configuration files written the way an administrator writes them.
 */
abstract class SqlBackendTest {
    /** The key that must reach the database unchanged. */
    static final String ODD_KEY = "o'brien\"%*()\\x@box.example";

    static final String[] SCHEMA = {
        "CREATE TABLE alias (address VARCHAR(255) NOT NULL, goto VARCHAR(255) NOT NULL, active INT NOT NULL)",
        "CREATE TABLE domain (domain VARCHAR(255) NOT NULL)",
        "INSERT INTO alias VALUES ('info@box.example', 'ann@box.example', 1)",
        "INSERT INTO alias VALUES ('team@box.example', 'ann@box.example', 1)",
        "INSERT INTO alias VALUES ('team@box.example', 'ben@box.example', 1)",
        "INSERT INTO alias VALUES ('old@box.example', 'gone@box.example', 0)",
        "INSERT INTO alias VALUES ('o''brien\"%*()\\x@box.example', 'odd@box.example', 1)",
        "INSERT INTO alias VALUES ('postmaster', 'root', 1)",
        "INSERT INTO domain VALUES ('box.example')",
    };

    @TempDir
    Path tmp;

    /** pgsql, mysql or sqlite. */
    abstract String type();

    /** The lines of a configuration file that reach the database (hosts, user, ... or dbpath). */
    abstract Map<String, String> connection();

    /** A query that takes {@code seconds} to answer, or null when the database has none. */
    abstract String slowQuery(int seconds);

    /** An SQL expression joining the parts as text. */
    String concat(String... parts) {
        return String.join(" || ", parts);
    }

    /** Takes the database away. */
    abstract void stopServer() throws Exception;

    /** Brings it back. */
    abstract void startServer() throws Exception;

    /** Writes a configuration file with {@link #connection()} and {@code params}, and opens it. */
    Table open(Map<String, String> params) throws Exception {
        Map<String, String> all = new LinkedHashMap<>(connection());
        all.putAll(params);
        StringBuilder text = new StringBuilder("# written by the test\n");
        all.forEach((k, v) -> text.append(k).append(" = ").append(v).append('\n'));
        Path cf = Files.createTempFile(tmp, type(), ".cf");
        Files.writeString(cf, text);
        return Tables.open(type() + ":" + cf);
    }

    Table open(String query) throws Exception {
        return open(Map.of("query", query));
    }

    @Test
    void findsWhatTheQuerySelectsAndNothingElse() throws Exception {
        try (Table t = open("SELECT goto FROM alias WHERE address='%s' AND active = 1")) {
            assertEquals("ann@box.example", t.get("info@box.example"));
            assertEquals("ann@box.example", t.get("INFO@Box.Example"), "keys are folded to lower case");
            assertNull(t.get("nobody@box.example"));
            assertNull(t.get("old@box.example"));
            assertEquals("ann@box.example,ben@box.example", sorted(t.get("team@box.example")));
        }
    }

    @Test
    void aKeyWithQuotesPercentStarParenthesesAndBackslashDoesNotChangeTheQuery() throws Exception {
        try (Table t = open("SELECT goto FROM alias WHERE address='%s'")) {
            assertEquals("odd@box.example", t.get(ODD_KEY));
            assertNull(t.get("x' OR '1'='1"));
            assertNull(t.get("%"));
            assertNull(t.get("*"));
            assertNull(t.get("\\"));
            assertNull(t.get("') OR ('1'='1"));
        }
        try (Table t = open("SELECT goto FROM alias WHERE address LIKE '%u%%'")) {
            assertEquals("ann@box.example", t.get("info@box.example"), "%% is a literal % beside the key");
        }
    }

    @Test
    void expansionsOfTheKey() throws Exception {
        try (Table t = open("SELECT " + concat("'%u'", "'|'", "'%d'", "'|'", "'%1'", "'|'", "'%2'")
                + " FROM domain WHERE domain = '%d'")) {
            assertEquals("ann|box.example|example|box", t.get("ann@box.example"));
            assertNull(t.get("ann"), "%d of an unqualified key: no query");
            assertNull(t.get("@box.example"), "%u of @domain: no query");
        }
        try (Table t = open("SELECT domain FROM domain WHERE domain = '%3.%2.%1'")) {
            assertNull(t.get("ann@box.example"), "%3 of a two-label domain: no query");
        }
        try (Table t = open("SELECT domain FROM domain WHERE domain = '%s'")) {
            assertEquals("box.example", t.get("box.example"));
        }
    }

    @Test
    void resultFormatDomainAndExpansionLimit() throws Exception {
        try (Table t = open(Map.of("query", "SELECT goto FROM alias WHERE address='%s'", "result_format", "smtp:[%d] %U"))) {
            assertEquals("smtp:[box.example] info", t.get("info@box.example"));
        }
        try (Table t = open(Map.of("query", "SELECT goto FROM alias WHERE address='%s'", "domain", "other.example"))) {
            assertNull(t.get("info@box.example"), "outside domain: not looked up");
            assertNull(t.get("postmaster"));
        }
        try (Table t = open(Map.of("query", "SELECT goto FROM alias WHERE address='%s'", "domain", "box.example"))) {
            assertEquals("ann@box.example", t.get("info@box.example"));
        }
        try (Table t = open(Map.of("query", "SELECT goto FROM alias WHERE address='%s'", "expansion_limit", "1"))) {
            assertEquals("ann@box.example", t.get("info@box.example"));
            TableLookupException e = assertThrows(TableLookupException.class, () -> t.get("team@box.example"));
            assertTrue(e.getMessage().contains("expansion limit exceeded"), e.getMessage());
        }
    }

    @Test
    void theOldSelectFieldTableWhereFieldForm() throws Exception {
        try (Table t = open(Map.of("select_field", "goto", "table", "alias", "where_field", "address",
                "additional_conditions", "AND active = 1"))) {
            assertEquals("ann@box.example", t.get("info@box.example"));
            assertNull(t.get("old@box.example"));
        }
    }

    @Test
    void aServerThatIsAwayIsATemporaryFailureNamingTableAndServerUntilItReturns() throws Exception {
        try (Table t = open(Map.of("query", "SELECT goto FROM alias WHERE address='%s'", "retry_interval", "0",
                "connect_timeout", "2"))) {
            assertEquals("ann@box.example", t.get("info@box.example"));
            stopServer();
            try {
                TableLookupException e = assertThrows(TableLookupException.class, () -> t.get("info@box.example"));
                assertTrue(e.getMessage().startsWith(t.spec() + ": table lookup problem: "), e.getMessage());
                assertTrue(e.getMessage().contains(type() + " server"), e.getMessage());
                assertFalse(e.getMessage().contains("S3cret"), "no password in messages: " + e.getMessage());
            } finally {
                startServer();
            }
            assertEquals("ann@box.example", t.get("info@box.example"), "a new connection once it is back");
        }
    }

    @Test
    void aSlowQueryTimesOut() throws Exception {
        String slow = slowQuery(20);
        if (slow == null) return;
        try (Table t = open(Map.of("query", slow, "query_timeout", "1"))) {
            long t0 = System.nanoTime();
            TableLookupException e = assertThrows(TableLookupException.class, () -> t.get("info@box.example"));
            assertTrue(Duration.ofNanos(System.nanoTime() - t0).toSeconds() < 10, "gave up in time");
            assertTrue(e.getMessage().contains(type() + " server"), e.getMessage());
            assertEquals("ann@box.example", open("SELECT goto FROM alias WHERE address='%s'").get("info@box.example"));
        }
    }

    @Test
    void tablesCannotBeListedOrChanged() throws Exception {
        try (Table t = open("SELECT goto FROM alias WHERE address='%s'")) {
            assertThrows(UnsupportedOperationException.class, t::entries);
            assertThrows(UnsupportedOperationException.class, () -> t.put("a", "b"));
        }
    }

    @Test
    void aBadTemplateStopsTheOpen() {
        TableException e = assertThrows(TableException.class, () -> open("SELECT goto FROM alias WHERE address='%x'"));
        assertTrue(e.getMessage().contains("%x"), e.getMessage());
    }

    static String sorted(String commaList) {
        if (commaList == null) return null;
        return String.join(",", new java.util.TreeSet<>(java.util.List.of(commaList.split(","))));
    }
}
