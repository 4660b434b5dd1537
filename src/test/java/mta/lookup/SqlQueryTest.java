package mta.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SqlQueryTest - query templates become prepared statements: each literal holding an expansion
 * is one parameter, and nothing of the key reaches the SQL text.
 */
class SqlQueryTest {
    static SqlQuery pg(String q) {
        return SqlQuery.parse("pgsql:/t.cf", q, SqlQuery.Dialect.PGSQL);
    }

    @Test
    void literalsWithExpansionsBecomeParameters() {
        SqlQuery q = pg("SELECT goto FROM alias WHERE address='%s' AND active = '1'");
        assertEquals("SELECT goto FROM alias WHERE address=? AND active = '1'", q.sql());
        assertEquals(List.of("a@b.example"), q.bind(KeyFields.of("a@b.example")));

        q = pg("SELECT maildir FROM mailbox WHERE local_part = '%u' AND domain = '%d' AND x LIKE '%%%1'");
        assertEquals("SELECT maildir FROM mailbox WHERE local_part = ? AND domain = ? AND x LIKE ?", q.sql());
        assertEquals(List.of("ann", "box.example", "%example"), q.bind(KeyFields.of("ann@box.example")));

        q = pg("SELECT 1 FROM t WHERE a = '%u@%d' AND b = 'it''s %s' AND c = %s AND d = '100%%'");
        assertEquals("SELECT 1 FROM t WHERE a = ? AND b = ? AND c = ? AND d = '100%'", q.sql());
        assertEquals(List.of("x@y.example", "it's x@y.example", "x@y.example"), q.bind(KeyFields.of("x@y.example")));
    }

    @Test
    void missingFieldsSuppressTheQuery() {
        SqlQuery q = pg("SELECT 1 FROM t WHERE d = '%d'");
        assertNull(q.bind(KeyFields.of("user")));
        assertNull(pg("SELECT '%u'").bind(KeyFields.of("@example.com")));
        assertEquals(List.of("user"), pg("SELECT '%u'").bind(KeyFields.of("user")));
        assertNull(pg("SELECT '%3'").bind(KeyFields.of("a@b.example")));
        assertEquals(List.of("b"), pg("SELECT '%2'").bind(KeyFields.of("a@b.example")));
    }

    @Test
    void quotedNamesAndCommentsStayAsTheyAre() {
        assertEquals("SELECT \"goto\" FROM \"alias\" WHERE \"address\" = ? -- it's '%s'\n",
                pg("SELECT \"goto\" FROM \"alias\" WHERE \"address\" = '%s' -- it's '%s'\n").sql());
        SqlQuery my = SqlQuery.parse("mysql:/t.cf", "SELECT `goto` FROM alias WHERE address = \"%s\" AND x = 'a\\'b'",
                SqlQuery.Dialect.MYSQL);
        assertEquals("SELECT `goto` FROM alias WHERE address = ? AND x = 'a''b'", my.sql());
        assertThrows(TableException.class, () -> pg("SELECT \"%s\" FROM t"));
    }

    @Test
    void badTemplatesAreRefused() {
        assertThrows(TableException.class, () -> pg("SELECT 1 WHERE a = '%x'"));
        assertThrows(TableException.class, () -> pg("SELECT 1 WHERE a = %"));
        assertThrows(TableException.class, () -> pg("SELECT 1 WHERE a = 'unclosed"));
    }
}
