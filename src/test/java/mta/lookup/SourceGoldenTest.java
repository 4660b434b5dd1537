package mta.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SourceGoldenTest - parses each {@code src/test/resources/lookup/*.in} and compares with its {@code .ref}.
 *
 * <p>Files named {@code aliases-*} use aliases(5) syntax, {@code postmap-*} postmap syntax. The
 * output is the table as postmap would build it (duplicates: first wins, with a warning), one
 * {@code key TAB value} per line sorted by key, followed by the warnings as {@code warning: ...}.
 */
class SourceGoldenTest {
    static Stream<Path> cases() throws Exception {
        Path dir = Path.of(SourceGoldenTest.class.getResource("/lookup").toURI());
        List<Path> ins;
        try (Stream<Path> s = Files.list(dir)) {
            ins = s.filter(p -> p.toString().endsWith(".in"))
                    .filter(p -> p.getFileName().toString().matches("(aliases|postmap)-.*")).sorted().toList();
        }
        assertTrue(ins.size() >= 3, "golden files missing in " + dir);
        return ins.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesReference(Path in) throws Exception {
        String name = in.getFileName().toString();
        Path ref = in.resolveSibling(name.replaceFirst("\\.in$", ".ref"));
        assertEquals(Files.readString(ref, StandardCharsets.UTF_8), dump(in, name));
    }

    static String dump(Path in, String name) throws Exception {
        Source source;
        try (BufferedReader r = Files.newBufferedReader(in, StandardCharsets.UTF_8)) {
            source = name.startsWith("aliases-") ? AliasSource.parse(r, name) : PostmapSource.parse(r, name);
        }
        List<String> warnings = new ArrayList<>(source.warnings());
        Map<String, String> table = new TreeMap<>();
        Duplicates.WARN.merge(table, source.entries(), name, warnings);
        StringBuilder out = new StringBuilder();
        table.forEach((k, v) -> out.append(k).append('\t').append(v).append('\n'));
        warnings.forEach(w -> out.append("warning: ").append(w).append('\n'));
        return out.toString();
    }
}
