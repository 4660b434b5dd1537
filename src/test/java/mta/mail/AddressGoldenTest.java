package mta.mail;


import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import mta.testing.GoldenFiles;

/**
 * AddressGoldenTest - reads each {@code src/test/resources/mail/address/*.in} and compares the
 * parser's answers with its {@code .ref}.
 *
 * <p>Each line of an input is {@code kind input}, where kind says which parser reads it:
 * {@code path} (the argument of MAIL FROM: or RCPT TO:, {@link Address#parsePath}), {@code bare}
 * ({@link Address#parse}), {@code header} (an address header's value, {@link HeaderAddresses}) or
 * {@code argv} (a sendmail recipient argument, {@link AddressList}). Lines starting with # and
 * blank lines are copied. The output repeats each input line and gives the answer on the next,
 * after {@code  => }: {@code local|domain|parameters} for a path ({@code syntax error} when it is
 * refused), {@code local|domain} for a bare address, and the addresses of a list, one per
 * {@code [..]}. Regenerate with {@code -Dgolden.update=true}, then review the diff.
 */
class AddressGoldenTest {
    static Stream<Path> cases() throws Exception {
        return GoldenFiles.inputs("mail/address", 2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesReference(Path in) throws Exception {
        GoldenFiles.assertMatches("mail/address", in, dump(Files.readAllLines(in, StandardCharsets.UTF_8)));
    }

    static String dump(List<String> lines) {
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            out.append(line).append('\n');
            if (line.isBlank() || line.startsWith("#")) continue;
            int sp = line.indexOf(' ');
            String kind = sp < 0 ? line : line.substring(0, sp);
            String input = sp < 0 ? "" : line.substring(sp + 1);
            out.append("  => ").append(answer(kind, input)).append('\n');
        }
        return out.toString();
    }

    private static String answer(String kind, String input) {
        try {
            return switch (kind) {
                case "path" -> {
                    Address.Path p = Address.parsePath(input);
                    yield p == null ? "syntax error" : p.address().localPart() + "|" + p.address().domain() + "|" + p.parameters();
                }
                case "bare" -> {
                    Address a = Address.parse(input);
                    yield a.localPart() + "|" + a.domain() + (a.emptyDomain() ? " (empty domain)" : "");
                }
                case "header" -> list(HeaderAddresses.parse(input).stream().map(Address::toString).toList());
                case "argv" -> list(AddressList.parse(input));
                default -> "unknown kind " + kind;
            };
        } catch (RuntimeException e) {
            return "error: " + e.getMessage();
        }
    }

    private static String list(List<String> addresses) {
        StringBuilder sb = new StringBuilder();
        for (String a : addresses) sb.append('[').append(a).append(']');
        return sb.isEmpty() ? "(none)" : sb.toString();
    }
}
