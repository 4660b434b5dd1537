package mta.lookup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CidrTableTest - cidr: tables: the golden files {@code lookup/cidr-*.in}, address parsing and nesting.
 */
class CidrTableTest {
    @TempDir Path dir;

    static Stream<Path> cases() throws Exception {
        return PatternGolden.cases("cidr");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesReference(Path in) throws Exception {
        PatternGolden.check("cidr", in);
    }

    private Table table(String text) throws Exception {
        Path file = dir.resolve("client.cidr");
        Files.writeString(file, text);
        return Tables.open("cidr:" + file);
    }

    @Test
    void nestedIfBlocksAndNegatedIf() throws Exception {
        Table t = table("""
                if 10.0.0.0/8
                if !10.1.0.0/16
                10.0.0.0/8     ten-but-not-ten-one
                endif
                10.1.2.0/24    ten-one-two
                endif
                0.0.0.0/0      elsewhere
                """);
        assertEquals("ten-but-not-ten-one", t.get("10.2.0.1"));
        assertEquals("ten-one-two", t.get("10.1.2.3"));
        assertEquals("elsewhere", t.get("10.1.3.1"));
        assertEquals("elsewhere", t.get("192.0.2.1"));
        assertNull(t.get("2001:db8::1"));
    }

    @Test
    void negationNeverCrossesAddressFamilies() throws Exception {
        Table t = table("!192.0.2.0/24 outside\n");
        assertEquals("outside", t.get("198.51.100.1"));
        assertNull(t.get("192.0.2.9"));
        assertNull(t.get("2001:db8::1"));
        assertNull(t.get("not-an-address"));
    }

    @Test
    void continuationLinesKeepTheirSpaces() throws Exception {
        assertEquals("REJECT   go away", table("192.0.2.1 REJECT\n   go away\n").get("192.0.2.1"));
    }

    @Test
    void addressLiteralsOnly() {
        assertArrayEquals(new byte[] {(byte) 192, 0, 2, 1}, CidrPattern.address("192.0.2.1"));
        assertEquals(16, CidrPattern.address("::ffff:192.0.2.1").length);
        assertNull(CidrPattern.address("192.0.2"));
        assertNull(CidrPattern.address("192.0.2.256"));
        assertNull(CidrPattern.address("01.2.3.4"));
        assertNull(CidrPattern.address("1example.com"));
        assertNull(CidrPattern.address("fe80::1%eth0"));
    }

    @Test
    void patternErrorsSuggestTheNetwork() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CidrPattern.parse("2001:db8::1/32"));
        assertEquals("non-null host address bits in \"2001:db8::1/32\", perhaps you should use \"2001:db8::/32\""
                + " instead: skipping this rule", e.getMessage());
        assertEquals("::", CidrPattern.format(new byte[16]));
        assertEquals(24, CidrPattern.parse("[192.0.2.0]/24").bits());
    }
}
