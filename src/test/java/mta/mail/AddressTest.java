package mta.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** AddressTest - SMTP paths ({@link Address#parsePath}) and header address lists ({@link HeaderAddresses}). */
class AddressTest {
    private static String path(String arg) {
        Address.Path p = Address.parsePath(arg);
        return p == null ? null : p.address().localPart() + "|" + p.address().domain() + "|" + p.parameters();
    }

    @Test
    void paths() {
        assertEquals("a|b.example|", path("<a@b.example>"));
        assertEquals("||", path("<>"));
        assertTrue(Address.parsePath("<>").address().isNull());
        assertEquals("a|b.example|", path(" <a@b.example> "));
        assertEquals("a|b.example|", path("<@x.example:a@b.example>"), "source route dropped");
        assertEquals("a|b.example|", path("<@x.example,@y.example:a@b.example>"));
        assertEquals("a|b.example|SIZE=100 BODY=8BITMIME", path("<a@b.example> SIZE=100 BODY=8BITMIME"));
        assertEquals("a|b.example|", path("a@b.example"), "missing <> accepted");
        assertEquals("a|b.example|SIZE=1", path("a@b.example SIZE=1"));
        assertEquals("postmaster||", path("<postmaster>"));
        assertEquals("Mixed.Case|Example.COM|", path("<Mixed.Case@Example.COM>"), "case kept");
        assertEquals("\"a b\"|c.example|", path("<\"a b\"@c.example>"));
        assertEquals("\"a@b\"|c.example|", path("<\"a@b\"@c.example>"));
        assertEquals("\"a>b\"|c.example|", path("<\"a>b\"@c.example>"));
        assertEquals("a|b.example", Address.parsePath("<a@b.example>").address().toString().replace('@', '|'));
    }

    @Test
    void badPaths() {
        for (String bad : List.of("<a b@c.example>", "<a@b.example", "<a@b.example>SIZE=1", "<@x.example a@b>",
                "<@b.example>", "<a@>", "<a<b@c.example>", "<a\u0001@b.example>", "<\"open@b.example>")) {
            assertNull(Address.parsePath(bad), bad);
        }
    }

    @Test
    void parseBare() {
        assertEquals(new Address("user", "example.com"), Address.parse("user@example.com"));
        assertEquals(new Address("user", ""), Address.parse("user"));
        assertEquals(Address.NULL_SENDER, Address.parse("  "));
        assertEquals(new Address("a@b", "c"), Address.parse("a@b@c"), "the last @ separates the domain");
        assertEquals(new Address("u", "ex.com"), new Address("u", "").withDefaultDomain("ex.com"));
        assertEquals(Address.NULL_SENDER, Address.NULL_SENDER.withDefaultDomain("ex.com"));
        assertEquals("example.com", new Address("u", "EXAMPLE.com").domainLower());
    }

    private static List<String> header(String value) {
        return HeaderAddresses.parse(value).stream().map(Address::toString).toList();
    }

    @Test
    void headerAddresses() {
        assertEquals(List.of("bob@example.com"), header("\"Bob\" <bob@example.com>"));
        assertEquals(List.of("bob@example.com", "carol@example.org"), header("Bob Smith <bob@example.com>, carol@example.org"));
        assertEquals(List.of("a@x.example", "b@y.example", "c@z.example"),
                header("team: a@x.example, Bee <b@y.example>; c@z.example"));
        assertEquals(List.of(), header("undisclosed-recipients:;"));
        assertEquals(List.of("dave@example.net"), header("dave@example.net (Dave (the) Admin)"));
        assertEquals(List.of("eve@example.net"), header("(comment) eve@example.net"));
        assertEquals(List.of("x@y.example"), header("\"Last, First\" <x@y.example>"));
        assertEquals(List.of("x@y.example"), header("\"Quote \\\" inside\" <x@y.example>"));
        assertEquals(List.of("r@b.example"), header("<@relay.example:r@b.example>"));
        assertEquals(List.of("\"odd user\"@example.com"), header("\"odd user\"@example.com"));
    }
}
