package mta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PostconfGoldenTest - postconf's master.cf options and parameter views, byte for byte against
 * Postfix 3.7.11's postconf.
 *
 * <p>{@code src/test/resources/cli/postconf/cases.txt} holds one postconf command line per line
 * (arguments separated by tabs); {@code NN.ref} is what Debian's postconf printed for case NN on
 * the same {@code main.cf} and {@code master.cf} (exit status, standard output, standard error,
 * and each file the command changed), made by {@code make-refs.sh} there. Each case runs this
 * system's postconf on fresh copies of the two files and must give the same text.
 */
class PostconfGoldenTest {
    private static final Path DIR = Path.of("src/test/resources/cli/postconf");

    @TempDir Path tmp;

    static Stream<String> cases() throws Exception {
        List<String> lines = Files.readAllLines(DIR.resolve("cases.txt"), StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) out.add(String.format("%02d\t%s", i + 1, lines.get(i)));
        assertTrue(out.size() >= 40);
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPostfix(String testCase) throws Exception {
        String n = testCase.substring(0, 2);
        String line = testCase.substring(3);
        Path etc = Files.createDirectories(tmp.resolve("etc"));
        for (String f : List.of("main.cf", "master.cf")) Files.copy(DIR.resolve(f), etc.resolve(f));
        List<String> args = new ArrayList<>(List.of("-c", etc.toString()));
        args.addAll(List.of(line.split("\t")));
        CommandRun r = CommandRun.of((a, in, out, err) -> Postconf.run(a, out, err), "", args.toArray(String[]::new));
        StringBuilder got = new StringBuilder();
        got.append("command: ").append(line.replace('\t', ' ')).append('\n');
        got.append("exit: ").append(r.exit()).append('\n');
        got.append("--- stdout\n").append(r.out().replace(etc.toString(), "DIR"));
        got.append("--- stderr\n").append(r.err().replace(etc.toString(), "DIR"));
        for (String f : List.of("main.cf", "master.cf")) {
            String now = Files.readString(etc.resolve(f), StandardCharsets.UTF_8);
            if (!now.equals(Files.readString(DIR.resolve(f), StandardCharsets.UTF_8))) {
                got.append("--- ").append(f).append('\n').append(now);
            }
        }
        assertEquals(Files.readString(DIR.resolve(n + ".ref"), StandardCharsets.UTF_8), got.toString());
    }
}
