package mta.rewrite;


import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import mta.config.Config;
import mta.mail.Address;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import mta.testing.GoldenFiles;

/**
 * ResolveGoldenTest - reads each {@code src/test/resources/rewrite/*.in} and compares what
 * trivial-rewrite makes of its addresses with its {@code .ref}.
 *
 * <p>An input is main.cf lines ({@code name = value}; {@code @DIR@} stands for the input's
 * directory, so a transport_maps file can sit beside it), then a line {@code ---}, then one address
 * per line. The output repeats the input; after each address, {@code  => } the canonical address
 * (cleanup's rewriting), the transport and next hop, the recipient and the address class
 * (ADDRESS_CLASS_README). Each input sets myhostname, so no answer depends on the build host. Regenerate with
 * {@code -Dgolden.update=true}, then review the diff.
 */
class ResolveGoldenTest {
    static Stream<Path> cases() throws Exception {
        return GoldenFiles.inputs("rewrite", 2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesReference(Path in) throws Exception {
        GoldenFiles.assertMatches("rewrite", in, dump(in));
    }

    static String dump(Path in) throws Exception {
        List<String> lines = Files.readAllLines(in, StandardCharsets.UTF_8);
        Map<String, String> params = new LinkedHashMap<>();
        StringBuilder out = new StringBuilder();
        int i = 0;
        for (; i < lines.size() && !lines.get(i).equals("---"); i++) {
            String l = lines.get(i);
            out.append(l).append('\n');
            int eq = l.indexOf('=');
            if (l.isBlank() || l.startsWith("#") || eq < 0) continue;
            params.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip().replace("@DIR@", in.getParent().toString()));
        }
        TrivialRewrite t = new TrivialRewrite(Config.of(params));
        for (; i < lines.size(); i++) {
            String l = lines.get(i);
            out.append(l).append('\n');
            if (l.equals("---") || l.isBlank() || l.startsWith("#")) continue;
            try {
                Address canonical = t.canonicalize(Address.parse(l));
                Resolved r = t.resolve(canonical);
                out.append("  => ").append(canonical).append(" -> ").append(r.transport()).append(':').append(r.nexthop())
                        .append(" rcpt=").append(r.recipient()).append(' ').append(r.destinationClass()).append('\n');
            } catch (RuntimeException e) {
                out.append("  => error: ").append(e.getMessage()).append('\n');
            }
        }
        return out.toString();
    }
}
