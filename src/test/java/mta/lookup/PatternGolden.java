package mta.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * PatternGolden - runs the golden files of pattern tables: {@code TYPE-NAME.in} is a table, {@code .ref} the answers.
 *
 * <p>The {@code .ref} file has one line per query, {@code query TAB result}, with
 * {@code query TAB (miss)} when nothing matches, followed by the table's warnings as
 * {@code warning: ...} (file names without their directory). The queries are taken from the
 * {@code .ref} itself; the test recomputes the whole file and compares. The answers were checked
 * against Postfix 3.7's {@code postmap -q}; the warning texts are ours.
 */
final class PatternGolden {
    private PatternGolden() {}

    /** The {@code .in} files of one table type, such as {@code regexp}. */
    static Stream<Path> cases(String type) throws Exception {
        Path dir = Path.of(PatternGolden.class.getResource("/lookup").toURI());
        List<Path> ins;
        try (Stream<Path> s = Files.list(dir)) {
            ins = s.filter(p -> p.getFileName().toString().startsWith(type + "-"))
                    .filter(p -> p.toString().endsWith(".in")).sorted().toList();
        }
        assertTrue(!ins.isEmpty(), "no " + type + " golden files in " + dir);
        return ins.stream();
    }

    /** Checks one {@code .in} file against its {@code .ref}. */
    static void check(String type, Path in) throws Exception {
        Path ref = in.resolveSibling(in.getFileName().toString().replaceFirst("\\.in$", ".ref"));
        String expected = Files.readString(ref, StandardCharsets.UTF_8);
        List<String> queries = new ArrayList<>();
        for (String line : expected.split("\n", -1)) {
            if (line.startsWith("warning: ") || line.isEmpty()) continue;
            queries.add(line.substring(0, line.indexOf('\t')));
        }
        assertEquals(expected, answers(type, in, queries));
    }

    static String answers(String type, Path in, List<String> queries) {
        StringBuilder out = new StringBuilder();
        try (Table t = Tables.open(type + ":" + in)) {
            for (String q : queries) {
                String v = t.get(q);
                out.append(q).append('\t').append(v == null ? "(miss)" : v).append('\n');
            }
            for (String w : t.warnings()) {
                out.append("warning: ").append(w.replace(in.getParent() + "/", "")).append('\n');
            }
        }
        return out.toString();
    }
}
