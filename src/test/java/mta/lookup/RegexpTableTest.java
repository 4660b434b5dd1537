package mta.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RegexpTableTest - regexp: and pcre: tables: the golden files {@code lookup/regexp-*.in}, then single rules.
 */
class RegexpTableTest {
    @TempDir Path dir;

    static Stream<Path> cases() throws Exception {
        return PatternGolden.cases("regexp");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesReference(Path in) throws Exception {
        PatternGolden.check("regexp", in);
    }

    private Table table(String type, String text) throws Exception {
        Path file = dir.resolve("t-" + type);
        Files.writeString(file, text);
        return Tables.open(type + ":" + file);
    }

    @Test
    void caseInsensitiveByDefaultAndTheIFlagToggles() throws Exception {
        Table t = table("regexp", "/^Big$/i exact\n/^big$/ folded\n");
        assertEquals("exact", t.get("Big"));
        assertEquals("folded", t.get("BIG"));
    }

    @Test
    void mFlagLetsAnchorsMatchAtNewlines() throws Exception {
        Table t = table("regexp", "/^two$/m lines\n");
        assertEquals("lines", t.get("one\ntwo"));
        assertEquals("dot-matches-newline", table("regexp", "/^one.two$/ dot-matches-newline\n").get("one\ntwo"));
        assertNull(table("regexp", "/^one$/ x\n").get("one\n"), "$ is the very end without m");
    }

    @Test
    void otherDelimitersAndEscapedDelimiters() throws Exception {
        Table t = table("regexp", "%^a/b$% slash\n/^c\\/d$/ escaped\n");
        assertEquals("slash", t.get("a/b"));
        assertEquals("escaped", t.get("c/d"));
    }

    @Test
    void pcreUsesJavaSyntaxAndItsOwnFlags() throws Exception {
        Table t = table("pcre", "/^(\\d+)\\.example$/ number $1\n/^a b$/x spaces-ignored\n/^x.y$/s dotall\n");
        assertEquals("number 42", t.get("42.EXAMPLE"));
        assertEquals("spaces-ignored", t.get("ab"));
        assertEquals("dotall", t.get("x\ny"));
        assertTrue(t.matchesPatterns());
        assertEquals(List.of(), t.warnings());
    }

    @Test
    void editedFileIsReadAgain() throws Exception {
        Table t = table("regexp", "/^a$/ old\n");
        assertEquals("old", t.get("a"));
        Path file = dir.resolve("t-regexp");
        Path next = dir.resolve("next");
        Files.writeString(next, "/^a$/ new\n");
        Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEquals("new", t.get("a"));
    }

    @Test
    void missingFileFailsTheLookupAndListingIsRefused() throws Exception {
        Path none = dir.resolve("none");
        TableException e = assertThrows(TableException.class, () -> Tables.open("regexp:" + none).get("a"));
        assertEquals("open " + none + ": No such file or directory", e.getMessage());
        Table t = table("regexp", "/a/ b\n");
        UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class, t::entries);
        assertEquals("table " + t.spec() + ": sequence operation is not supported", u.getMessage());
    }

    @Test
    void posixTranslation() {
        assertEquals("^a\\z", PosixRegex.toJava("^a$", true, false));
        assertEquals("[\\p{Alpha}\\\\]", PosixRegex.toJava("[[:alpha:]\\]", true, false));
        assertEquals("(a)\\+", PosixRegex.toJava("\\(a\\)+", false, false));
        assertEquals("a{0,2}", PosixRegex.toJava("a{,2}", true, false));
        assertThrows(IllegalArgumentException.class, () -> PosixRegex.toJava("a{x", true, false));
        assertThrows(IllegalArgumentException.class, () -> PosixRegex.toJava("[abc", true, false));
    }
}
