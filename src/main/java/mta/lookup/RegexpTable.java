package mta.lookup;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;

/**
 * RegexpTable - the {@code regexp:} and {@code pcre:} backends: regexp_table(5) and pcre_table(5) rule files.
 *
 * <p>Reads {@code regexp:/path} (POSIX syntax, translated by {@link PosixRegex}) or
 * {@code pcre:/path} (Java syntax, close to PCRE); writes nothing. One rule per logical line:
 * <pre>
 *     /pattern/flags    result          the result when the pattern matches ($1, ${1}, $$ substituted)
 *     !/pattern/flags   result          the result when it does NOT match (no $1 then)
 *     if /pattern/flags                 the rules up to the matching endif apply only when it matches
 *     if !/pattern/flags                ... only when it does not match
 *     endif
 * </pre>
 * Each pattern is applied to the whole lookup string (no partial keys); the first rule that
 * matches gives the result. Matching is case-insensitive unless the {@code i} flag is given.
 * A bad line is reported ({@code regexp map FILE, line N: ...}, see {@link #warnings}) and
 * skipped; a rule without result text gives the empty string, with a warning, as Postfix does.
 */
final class RegexpTable extends PatternTable<String> {
    private final RegexpPattern.Flavor flavor;

    RegexpTable(String spec, Path path, RegexpPattern.Flavor flavor) {
        super(spec, path);
        this.flavor = flavor;
    }

    @Override
    String key(String lookup) {
        return lookup;
    }

    @Override
    RuleList<String> parse(BufferedReader in, String name, List<String> warnings) throws IOException {
        String kind = flavor == RegexpPattern.Flavor.POSIX ? "regexp" : "pcre";
        return RuleList.read(in, name, kind + " map " + name, warnings, (text, line, rules) -> {
            RegexpPattern p = RegexpPattern.parse(text, flavor);
            if (!p.rest().isEmpty()) rules.warn(line, "ignoring extra text after IF statement: \"" + p.rest() + "\"");
            return p::appliesTo;
        }, (text, line, rules) -> rule(RegexpPattern.parse(text, flavor), line, rules));
    }

    /** The answer of one {@code /pattern/ result} rule. */
    private static RuleList.Answer<String> rule(RegexpPattern p, int line, RuleList.Builder<String> rules) {
        String result = p.rest();
        if (result.isEmpty()) rules.warn(line, "no replacement text: using empty string");
        if (p.negated()) {
            ResultTemplate fixed = template(result, Integer.MAX_VALUE);
            if (fixed.hasReferences()) {
                throw new IllegalArgumentException("$number found in negative match replacement text: skipping this rule");
            }
            return key -> p.appliesTo(key) ? fixed.expand(null) : null;
        }
        ResultTemplate template = template(result, p.pattern().matcher("").groupCount());
        return key -> {
            Matcher m = p.match(key);
            return m == null ? null : template.expand(m);
        };
    }

    private static ResultTemplate template(String result, int groups) {
        try {
            return ResultTemplate.parse(result, groups);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + ": skipping this rule");
        }
    }
}
