package mta.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * GoldenFiles - what the golden-file tests share: the {@code NAME.in} inputs of a test-resource
 * directory, and the check of a test's output against the {@code NAME.ref} beside each one.
 *
 * <p>Reads {@code src/test/resources/DIR} through the class path; with {@code -Dgolden.update=true}
 * writes the output over the {@code .ref} in the source tree instead (then review the diff).
 */
public final class GoldenFiles {
    private GoldenFiles() {}

    /** The {@code .in} files of resource directory {@code dir} (such as {@code "rewrite"}), sorted; at least {@code atLeast}. */
    public static Stream<Path> inputs(String dir, int atLeast) throws Exception {
        Path d = Path.of(GoldenFiles.class.getResource("/" + dir).toURI());
        List<Path> ins;
        try (Stream<Path> s = Files.list(d)) {
            ins = s.filter(p -> p.toString().endsWith(".in")).sorted().toList();
        }
        assertTrue(ins.size() >= atLeast, "golden files missing in " + d);
        return ins.stream();
    }

    /** Asserts that {@code got}, the output for {@code in}, equals its {@code .ref} (or rewrites the latter). */
    public static void assertMatches(String dir, Path in, String got) throws Exception {
        Path ref = in.resolveSibling(in.getFileName().toString().replaceFirst("\\.in$", ".ref"));
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(Path.of("src/test/resources").resolve(dir).resolve(ref.getFileName()), got);
        }
        assertEquals(Files.readString(ref, StandardCharsets.UTF_8), got);
    }
}
