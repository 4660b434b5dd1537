package mta.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import mta.testing.TestSlapd;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LdapTableTest - ldap_table(5) against a private OpenLDAP slapd: filters and escaping, result,
 * special, leaf and terminal attributes, binds, ldapi://, limits, and a server that goes away.
 */
class LdapTableTest {
    static final String BASE = "ou=lookups," + TestSlapd.SUFFIX;
    static TestSlapd ldap;

    @TempDir
    Path tmp;

    @BeforeAll
    static void directory() throws Exception {
        ldap = TestSlapd.get();
        ldap.delete(BASE);
        ldap.add("""
                dn: %1$s
                objectClass: organizationalUnit
                ou: lookups

                dn: uid=ann,%1$s
                objectClass: inetOrgPerson
                objectClass: inetLocalMailRecipient
                cn: Ann
                sn: Ann
                uid: ann
                mail: ann@box.example
                mailLocalAddress: ann@box.example
                mailLocalAddress: info@box.example
                mailRoutingAddress: ann@box.example

                dn: uid=ben,%1$s
                objectClass: inetOrgPerson
                objectClass: inetLocalMailRecipient
                cn: Ben
                sn: Ben
                uid: ben
                mail: ben@box.example
                mailLocalAddress: ben@box.example
                mailRoutingAddress: ben@box.example

                dn: uid=odd,%1$s
                objectClass: inetOrgPerson
                objectClass: inetLocalMailRecipient
                cn: Odd
                sn: Odd
                uid: odd
                mailLocalAddress: %2$s
                mailRoutingAddress: odd@box.example

                dn: cn=team,%1$s
                objectClass: groupOfNames
                objectClass: inetLocalMailRecipient
                cn: team
                mailLocalAddress: team@box.example
                member: uid=ann,%1$s
                member: uid=ben,%1$s

                dn: cn=routed,%1$s
                objectClass: groupOfNames
                objectClass: inetLocalMailRecipient
                cn: routed
                mailLocalAddress: routed@box.example
                mailRoutingAddress: lists@box.example
                member: uid=ann,%1$s
                """.formatted(BASE, SqlBackendTest.ODD_KEY));
    }

    Table open(Map<String, String> params) throws Exception {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("server_host", "ldap://127.0.0.1:" + ldap.port);
        all.put("search_base", BASE);
        all.put("query_filter", "(mailLocalAddress=%s)");
        all.put("result_attribute", "mailRoutingAddress");
        all.putAll(params);
        StringBuilder text = new StringBuilder();
        all.forEach((k, v) -> text.append(k).append(" = ").append(v).append('\n'));
        Path cf = Files.createTempFile(tmp, "ldap", ".cf");
        Files.writeString(cf, text);
        return Tables.open("ldap:" + cf);
    }

    @Test
    void findsTheResultAttributeOfTheEntriesTheFilterSelects() throws Exception {
        try (Table t = open(Map.of())) {
            assertEquals("ann@box.example", t.get("info@box.example"));
            assertEquals("ann@box.example", t.get("Ann@Box.Example"));
            assertNull(t.get("nobody@box.example"));
        }
        try (Table t = open(Map.of("query_filter", "mailLocalAddress=%u@%d", "result_format", "%u"))) {
            assertEquals("ben", t.get("ben@box.example"), "a filter without parentheses, %u and %d");
            assertNull(t.get("ben"), "%d of an unqualified key: no search");
        }
    }

    @Test
    void theKeyIsEscapedAsRfc4515Says() throws Exception {
        try (Table t = open(Map.of())) {
            assertEquals("odd@box.example", t.get(SqlBackendTest.ODD_KEY));
            assertNull(t.get("*"), "a star is a character, not a wildcard");
            assertNull(t.get("*)(uid=*"), "no filter injection");
            assertNull(t.get("ann@box.example)(|(mailLocalAddress=*"));
        }
    }

    @Test
    void specialLeafAndTerminalAttributes() throws Exception {
        try (Table t = open(Map.of("result_attribute", "", "special_result_attribute", "member",
                "leaf_result_attribute", "mail", "terminal_result_attribute", "mailRoutingAddress"))) {
            assertEquals("ann@box.example,ben@box.example", SqlBackendTest.sorted(t.get("team@box.example")),
                    "group members' mail, through the member DNs");
            assertEquals("lists@box.example", t.get("routed@box.example"), "a terminal attribute stops the expansion");
        }
        try (Table t = open(Map.of("result_attribute", "mail", "special_result_attribute", "member",
                "expansion_limit", "1"))) {
            TableLookupException e = assertThrows(TableLookupException.class, () -> t.get("team@box.example"));
            assertTrue(e.getMessage().contains("expansion limit"), e.getMessage());
        }
    }

    @Test
    void scopeSearchBaseExpansionsAndDomain() throws Exception {
        try (Table t = open(Map.of("search_base", "uid=%u," + BASE, "scope", "base", "query_filter", "(objectClass=*)",
                "result_attribute", "mail"))) {
            assertEquals("ben@box.example", t.get("ben@box.example"));
            assertNull(t.get("nobody@box.example"), "a search base that does not exist: not found");
        }
        try (Table t = open(Map.of("domain", "other.example"))) {
            assertNull(t.get("info@box.example"));
        }
    }

    @Test
    void bindsLdapiAndBadPasswords() throws Exception {
        try (Table t = open(Map.of("bind", "yes", "bind_dn", TestSlapd.ROOT_DN, "bind_pw", TestSlapd.ROOT_PW))) {
            assertEquals("ann@box.example", t.get("info@box.example"));
        }
        try (Table t = open(Map.of("bind", "yes", "bind_dn", TestSlapd.ROOT_DN, "bind_pw", "Wr0ngPassw0rd"))) {
            TableLookupException e = assertThrows(TableLookupException.class, () -> t.get("info@box.example"));
            assertTrue(e.getMessage().contains("ldap server ldap://127.0.0.1:" + ldap.port), e.getMessage());
            assertFalse(e.getMessage().contains("Wr0ngPassw0rd"), e.getMessage());
        }
        String ldapi = "ldapi://" + URLEncoder.encode(ldap.socket.toString(), StandardCharsets.UTF_8);
        try (Table t = open(Map.of("server_host", ldapi))) {
            assertEquals("ann@box.example", t.get("info@box.example"));
        }
    }

    @Test
    void aServerThatStopsAnsweringTimesOut() throws Exception {
        try (Table t = open(Map.of("timeout", "1"))) {
            assertEquals("ann@box.example", t.get("info@box.example"));
            ldap.freeze(true);
            try {
                long t0 = System.nanoTime();
                TableLookupException e = assertThrows(TableLookupException.class, () -> t.get("info@box.example"));
                assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "gave up in time");
                assertTrue(e.getMessage().contains("ldap server ldap://127.0.0.1:" + ldap.port), e.getMessage());
            } finally {
                ldap.freeze(false);
            }
            assertEquals("ann@box.example", t.get("info@box.example"));
        }
    }

    @Test
    void aSizeLimitAndAServerThatIsAwayAreTemporaryFailures() throws Exception {
        try (Table t = open(Map.of("query_filter", "(mail=*%d)", "result_attribute", "mail", "size_limit", "1"))) {
            TableLookupException e = assertThrows(TableLookupException.class, () -> t.get("x@box.example"));
            assertTrue(e.getMessage().contains("size limit"), e.getMessage());
        }
        try (Table t = open(Map.of("timeout", "2"))) {
            assertEquals("ann@box.example", t.get("info@box.example"));
            ldap.stop();
            try {
                TableLookupException e = assertThrows(TableLookupException.class, () -> t.get("info@box.example"));
                assertTrue(e.getMessage().startsWith(t.spec() + ": table lookup problem: "), e.getMessage());
                assertTrue(e.getMessage().contains("127.0.0.1:" + ldap.port), e.getMessage());
            } finally {
                ldap.start();
            }
            assertEquals("ann@box.example", t.get("info@box.example"), "a new connection once it is back");
        }
    }
}
