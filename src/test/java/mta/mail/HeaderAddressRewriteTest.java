package mta.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** HeaderAddressRewriteTest - only the address parts of a header value change. */
class HeaderAddressRewriteTest {
    private static final UnaryOperator<Address> ORIGIN = a -> a.withDefaultDomain("example.test");

    private static final String[][] CASES = {
        {"alice", "alice@example.test"},
        {" alice ", " alice@example.test "},
        {"Alice <alice>", "Alice <alice@example.test>"},
        {"\"Smith, Alice\" <alice>, bob", "\"Smith, Alice\" <alice@example.test>, bob@example.test"},
        {"alice (Alice A), (c) bob", "alice@example.test (Alice A), (c) bob@example.test"},
        {"team: alice, bob@other.test;", "team: alice@example.test, bob@other.test;"},
        {"undisclosed-recipients:;", "undisclosed-recipients:;"},
        {"<>", "<>"},
        {"Alice\r\n\t<alice>,\r\n bob", "Alice\r\n\t<alice@example.test>,\r\n bob@example.test"},
        {"\"a b\"", "\"a b\"@example.test"},
        {"Just A Phrase", "Just A Phrase"},
        {"al(x)ice", "al(x)ice"},
        {"<@route:alice>", "<@route:alice>"},
    };

    @Test
    void appendsTheOriginToBareNamesOnly() {
        for (String[] c : CASES) assertEquals(c[1], HeaderAddressRewrite.rewrite(c[0], ORIGIN), c[0]);
    }
}
