package mta.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * AliasesTest - splitting an alias right-hand side into delivery targets.
 */
class AliasesTest {
    @Test
    void splitsOnCommasAndTrims() {
        assertEquals(List.of("alice", "bob@example.com", "/var/mail/archive", ":include:/etc/postfix/list.txt"),
                Aliases.targets(" alice,bob@example.com ,  /var/mail/archive, :include:/etc/postfix/list.txt "));
    }

    @Test
    void commaInsideQuotesDoesNotSplitAndWholeQuotesAreRemoved() {
        assertEquals(List.of("|/usr/bin/procmail -a one,two", "carol"),
                Aliases.targets("\"|/usr/bin/procmail -a one,two\", carol"));
    }

    @Test
    void quotedLocalPartKeepsItsQuotes() {
        assertEquals(List.of("\"john doe\"@example.com"), Aliases.targets("\"john doe\"@example.com"));
    }

    @Test
    void escapedQuoteInsideQuotes() {
        assertEquals(List.of("|echo \"hi, there\"", "x"), Aliases.targets("\"|echo \\\"hi, there\\\"\", x"));
    }

    @Test
    void emptyTargetsAreDropped() {
        assertEquals(List.of("a", "b"), Aliases.targets("a,, ,b,"));
        assertEquals(List.of(), Aliases.targets("  "));
    }
}
