package mta.config;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import mta.testing.GoldenFiles;

/**
 * MainCfGoldenTest - reads each {@code src/test/resources/config/*.in} as a main.cf and compares with its {@code .ref}.
 *
 * <p>The output is, for each parameter named in the file (in file order, last definition), the line
 * {@code name = expanded value} or {@code name: fatal: message} when expansion fails; then the
 * parse and check warnings as {@code warning: ...}, with the file's directory left out; then a
 * {@code fatal: ...} line when the whole-file check fails. The host is called host.example.test.
 */
class MainCfGoldenTest {
    static Stream<Path> cases() throws Exception {
        return GoldenFiles.inputs("config", 4);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesReference(Path in) throws Exception {
        GoldenFiles.assertMatches("config", in, dump(in));
    }

    static String dump(Path in) throws Exception {
        String dirPrefix = in.getParent().toString() + "/";
        StringBuilder out = new StringBuilder();
        MainCf cf;
        try {
            cf = MainCf.read(in);
        } catch (ConfigException e) {
            return "fatal: " + e.getMessage().replace(dirPrefix, "") + "\n";
        }
        Config config = new Config(cf.values(), "host.example.test"); // the same on every build host
        for (String n : cf.values().keySet()) {
            try {
                String v = config.get(n);
                out.append(n).append(" = ").append(v).append('\n');
            } catch (ConfigException e) {
                out.append(n).append(": fatal: ").append(e.getMessage()).append('\n');
            }
        }
        for (String w : cf.warnings()) out.append("warning: ").append(w.replace(dirPrefix, "")).append('\n');
        try {
            config.validate();
            for (String w : UnusedParameters.warnings(in.getFileName().toString(), cf.values(), "master.cf", null)) {
                out.append("warning: ").append(w).append('\n');
            }
        } catch (ConfigException e) {
            out.append("fatal: ").append(e.getMessage()).append('\n');
        }
        return out.toString();
    }
}
