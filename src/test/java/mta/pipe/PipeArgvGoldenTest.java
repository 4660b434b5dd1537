package mta.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mta.deliver.Recipient;
import org.junit.jupiter.api.Test;

/**
 * PipeArgvGoldenTest - expands the cases of {@code src/test/resources/pipe/argv.in} and compares
 * with {@code argv.ref}: per case the input line, then one {@code [argument]} per argument, or
 * {@code unknown macro name: "x"}. Covers the per-recipient repetition, the empty ${user}, the
 * h, q and u flags, the null sender, recipient delimiters, and every macro name.
 */
class PipeArgvGoldenTest {
    private static final Path IN = Path.of("src/test/resources/pipe/argv.in");
    private static final Path REF = Path.of("src/test/resources/pipe/argv.ref");

    @Test
    void matchesReference() throws Exception {
        String got = dump(Files.readAllLines(IN, StandardCharsets.UTF_8));
        if (Boolean.getBoolean("golden.update")) Files.writeString(REF, got); // regenerate, then review the diff
        assertEquals(Files.readString(REF, StandardCharsets.UTF_8), got);
    }

    static String dump(List<String> lines) {
        StringBuilder out = new StringBuilder();
        Map<String, String> attrs = Map.of("log_client_address", "192.0.2.7", "log_client_name", "client.example",
                "log_helo_name", "helo.example", "log_client_port", "54321", "log_protocol_name", "ESMTPSA",
                "sasl_method", "PLAIN", "sasl_username", "alice", "sasl_sender", "boss@example.test");
        for (String line : lines) {
            if (line.startsWith("#") || line.isBlank()) continue;
            String[] parts = line.split(" \\| ", -1);
            String flagText = parts[0].strip();
            String sender = "Odd Sender@Remote.EXAMPLE";
            String delim = "+";
            while (flagText.startsWith("sender=") || flagText.startsWith("delim=")) {
                int semi = flagText.indexOf(';');
                String value = flagText.substring(flagText.indexOf('=') + 1, semi);
                if (flagText.startsWith("sender=")) sender = value;
                else delim = value;
                flagText = flagText.substring(semi + 1);
            }
            Set<PipeFlag> flags = EnumSet.noneOf(PipeFlag.class);
            for (char c : flagText.toCharArray()) flags.add(PipeFlag.of(c));
            List<Recipient> rcpts = new ArrayList<>();
            for (String r : parts[1].strip().split(", ")) {
                int eq = r.indexOf('=');
                rcpts.add(new Recipient(eq < 0 ? r : r.substring(0, eq), eq < 0 ? null : r.substring(eq + 1),
                        rcpts.size(), null, null));
            }
            List<String> argv = List.of(parts[2].strip().split(" +"));
            PipeArgv.Values v = new PipeArgv.Values(
                    PipeArgv.messageValues(flags, sender, "Example.TEST", 1234, "4ABC123", attrs), flags, delim, true);
            out.append(line).append('\n');
            try {
                for (String a : PipeArgv.expand(argv, v, rcpts)) out.append("  [").append(a).append("]\n");
            } catch (PipeArgv.UnknownMacro e) {
                out.append("  unknown macro name: \"").append(e.getMessage()).append("\"\n");
            }
        }
        return out.toString();
    }
}
