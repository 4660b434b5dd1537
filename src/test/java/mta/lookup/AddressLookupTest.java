package mta.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AddressLookupTest - the order in which partial address keys are tried, for access(5) and for virtual(5)-style tables.
 */
class AddressLookupTest {
    @TempDir Path dir;

    private static List<String> keys(AddressLookup lookup, String address) {
        return lookup.queries(address).stream().map(AddressLookup.Query::key).toList();
    }

    @Test
    void rewriteOrderForALocalDomain() {
        AddressLookup l = AddressLookup.rewrite("+", d -> d.equals("example.com"));
        assertEquals(List.of("user+ext@Example.COM", "user@Example.COM", "user+ext", "user", "@Example.COM"),
                keys(l, "user+ext@Example.COM"));
        assertEquals(List.of("user@example.com", "user", "@example.com"), keys(l, "user@example.com"));
    }

    @Test
    void rewriteOrderForARemoteDomainSkipsBareUsers() {
        AddressLookup l = AddressLookup.rewrite("+", d -> false);
        assertEquals(List.of("user+ext@example.net", "user@example.net", "@example.net"), keys(l, "user+ext@example.net"));
        assertEquals(List.of("user+ext", "user"), keys(l, "user+ext"));
    }

    @Test
    void accessOrderWithParentDomains() {
        assertEquals(List.of("user+ext@mail.example.com", "user@mail.example.com", "mail.example.com",
                        "example.com", "com", "user+ext@", "user@"),
                keys(AddressLookup.access("+", true), "user+ext@mail.example.com"));
        assertEquals(List.of("user@mail.example.com", "mail.example.com", ".example.com", ".com", "user@"),
                keys(AddressLookup.access("", false), "user@mail.example.com"));
    }

    @Test
    void delimiterRules() {
        AddressLookup l = AddressLookup.rewrite("-+", d -> false);
        assertEquals(List.of("owner-list@x", "@x"), keys(l, "owner-list@x"));
        assertEquals(List.of("list-request@x", "@x"), keys(l, "list-request@x"));
        assertEquals(List.of("+only@x", "@x"), keys(l, "+only@x"));
        assertEquals(List.of("a-b+c@x", "a@x", "@x"), keys(l, "a-b+c@x"));
        assertEquals("-b+c", l.queries("a-b+c@x").get(1).unmatchedExtension());
    }

    @Test
    void eachKeyGoesToEveryTableBeforeTheNext() {
        Table first = Tables.open("inline:{ @example.com=catchall }");
        Table second = Tables.open("inline:{ user@example.com=exact }");
        AddressLookup.Hit hit = AddressLookup.rewrite("+", d -> false).find(List.of(first, second), "user+x@example.com");
        assertEquals("exact", hit.value());
        assertEquals("user@example.com", hit.query().key());
        assertEquals("+x", hit.query().unmatchedExtension());
        assertEquals(second, hit.table());
    }

    @Test
    void patternTablesSeeOnlyTheFullAddress() throws Exception {
        Path file = dir.resolve("r");
        Files.writeString(file, "/^user@example\\.com$/ stripped\n/^User\\+x@/ full\n");
        Table regexp = Tables.open("regexp:" + file);
        AddressLookup l = AddressLookup.access("+", true);
        assertEquals("full", l.get(regexp, "User+x@example.com"));
        assertNull(l.get(regexp, "user+y@example.com"), "user@example.com is a partial key");
        assertEquals("stripped", l.get(regexp, "user@example.com"));
    }

    @Test
    void fixedTablesFoldCase() {
        Table t = Tables.open("inline:{ example.com=domain }");
        assertEquals("domain", AddressLookup.access("+", true).get(t, "Someone@EXAMPLE.com"));
        assertNull(AddressLookup.access("+", true).get(t, "someone@example.org"));
    }
}
