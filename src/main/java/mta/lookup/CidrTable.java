package mta.lookup;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * CidrTable - the {@code cidr:} backend: cidr_table(5) rule files that match IP addresses against networks.
 *
 * <p>Reads {@code cidr:/path}; writes nothing. One rule per logical line:
 * <pre>
 *     192.0.2.0/24       result       the result when the address is inside the network
 *     2001:db8::1        result       a plain address must match exactly
 *     !192.0.2.0/24      result       the result when the address is NOT inside it
 *     if 10.0.0.0/8                   the rules up to the matching endif apply only inside it
 *     if !10.0.0.0/8                  ... only outside it
 *     endif
 * </pre>
 * Lookup keys are address literals ({@code 192.0.2.1}, {@code 2001:db8::1}); any other key
 * matches no rule, and an IPv6 key matches no IPv4 rule nor the reverse (not even a negated
 * one: {@code !10.0.0.0/8} does not match {@code 2001:db8::1}). The first rule that matches gives the result. Bad lines
 * ({@link CidrPattern} explains the syntax) are reported ({@code cidr map FILE, line N: ...}, see
 * {@link #warnings}) and skipped.
 */
final class CidrTable extends PatternTable<byte[]> {
    CidrTable(String spec, Path path) {
        super(spec, path);
    }

    @Override
    byte[] key(String lookup) {
        return CidrPattern.address(lookup);
    }

    @Override
    RuleList<byte[]> parse(BufferedReader in, String name, List<String> warnings) throws IOException {
        return RuleList.read(in, name, "cidr map " + name, warnings, (text, line, rules) -> {
            Negatable p = Negatable.parse(text);
            return p::appliesTo;
        }, CidrTable::rule);
    }

    /** The answer of one {@code pattern result} rule; null (warned) when it has no result. */
    private static RuleList.Answer<byte[]> rule(String text, int line, RuleList.Builder<byte[]> rules) {
        int space = 0;
        while (space < text.length() && !Character.isWhitespace(text.charAt(space))) space++;
        String result = text.substring(space).strip();
        if (result.isEmpty()) {
            rules.warn(line, "no lookup result: skipping this rule");
            return null;
        }
        Negatable p = Negatable.parse(text.substring(0, space));
        return key -> p.appliesTo(key) ? result : null;
    }

    /** A pattern with an optional leading {@code !}. */
    private record Negatable(CidrPattern pattern, boolean negated) {
        static Negatable parse(String text) {
            boolean negated = text.startsWith("!");
            return new Negatable(CidrPattern.parse(negated ? text.substring(1).strip() : text), negated);
        }

        /** An IPv6 key never matches an IPv4 pattern or the reverse, negated or not. */
        boolean appliesTo(byte[] key) {
            return key.length == pattern.network().length && pattern.contains(key) != negated;
        }
    }
}
