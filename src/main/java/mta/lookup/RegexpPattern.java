package mta.lookup;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * RegexpPattern - one {@code [!]/pattern/flags} of a regexp: or pcre: table, compiled for java.util.regex.
 *
 * <p>Reads and writes nothing but strings. The delimiter is the first character (after an
 * optional {@code !}); it may be any character but a letter, a digit or white space, and a
 * backslash before it keeps it in the pattern. The flags follow the closing delimiter without a
 * space and each toggles a default:
 * <ul>
 *   <li>regexp: {@code i} case-insensitive (default on), {@code x} extended syntax (default
 *       on; off means POSIX basic syntax), {@code m} multi-line (default off; off means
 *       {@code .} also matches a newline and {@code $} only the end). See {@link PosixRegex}.
 *   <li>pcre: {@code i} case-insensitive (default on), {@code m} multi-line, {@code s} dot
 *       matches newline, {@code x} white space and {@code #} comments in the pattern are ignored,
 *       {@code A} anchored at the start, {@code E} accepted (no effect); the pattern is used as
 *       Java syntax, which is close to PCRE.
 * </ul>
 * Errors throw {@link IllegalArgumentException} whose message is the warning text.
 *
 * @param pattern the compiled pattern
 * @param negated true for {@code !/pattern/}: the rule applies when the pattern does NOT match
 * @param rest    the text after the flags, stripped (the result, or extra text after an IF)
 */
record RegexpPattern(Pattern pattern, boolean negated, String rest) {
    /** Which syntax the patterns use. */
    enum Flavor { POSIX, PCRE }

    /** Parses the start of {@code text}. */
    static RegexpPattern parse(String text, Flavor flavor) {
        int i = 0;
        boolean negated = false;
        while (i < text.length() && text.charAt(i) == '!') {
            negated = !negated;
            i++;
        }
        if (i >= text.length() || Character.isLetterOrDigit(text.charAt(i)) || Character.isWhitespace(text.charAt(i))) {
            throw new IllegalArgumentException("ignoring unrecognized request");
        }
        char delimiter = text.charAt(i);
        int start = i + 1;
        int end = start;
        while (end < text.length() && text.charAt(end) != delimiter) {
            if (text.charAt(end) == '\\' && end + 1 < text.length()) end++;
            end++;
        }
        if (end >= text.length()) {
            throw new IllegalArgumentException("no closing regexp delimiter \"" + delimiter + "\": skipping this rule");
        }
        String source = text.substring(start, end);
        int flagsEnd = end + 1;
        while (flagsEnd < text.length() && !Character.isWhitespace(text.charAt(flagsEnd))) flagsEnd++;
        Pattern p = compile(source, text.substring(end + 1, flagsEnd), flavor);
        return new RegexpPattern(p, negated, text.substring(flagsEnd).strip());
    }

    /** True when this rule applies to {@code key}: the pattern matches, or for a negated one, does not. */
    boolean appliesTo(String key) {
        return pattern.matcher(key).find() != negated;
    }

    /** The match for {@code key} when the pattern (not negated) matches, else null. */
    Matcher match(String key) {
        Matcher m = pattern.matcher(key);
        return m.find() ? m : null;
    }

    private static Pattern compile(String source, String flags, Flavor flavor) {
        boolean caseless = true;
        boolean extended = flavor == Flavor.POSIX; // POSIX: extended syntax; PCRE: ignore white space
        boolean multiline = false;
        boolean dotall = false;
        boolean anchored = false;
        for (char f : flags.toCharArray()) {
            switch (flavor == Flavor.POSIX ? "imx".indexOf(f) : "imxsAE".indexOf(f)) {
                case 0 -> caseless = !caseless;
                case 1 -> multiline = !multiline;
                case 2 -> extended = !extended;
                case 3 -> dotall = !dotall;
                case 4 -> anchored = !anchored;
                case 5 -> { } // PCRE_DOLLAR_ENDONLY: not offered by Java, accepted
                default -> throw new IllegalArgumentException("unknown regexp option \"" + f + "\": skipping this rule");
            }
        }
        int javaFlags = caseless ? Pattern.CASE_INSENSITIVE : 0;
        String java;
        if (flavor == Flavor.POSIX) {
            java = PosixRegex.toJava(source, extended, multiline);
            javaFlags |= multiline ? Pattern.MULTILINE | Pattern.UNIX_LINES : Pattern.DOTALL;
        } else {
            java = anchored ? "\\G(?:" + source + ")" : source;
            if (multiline) javaFlags |= Pattern.MULTILINE;
            if (dotall) javaFlags |= Pattern.DOTALL;
            if (extended) javaFlags |= Pattern.COMMENTS;
        }
        try {
            return Pattern.compile(java, javaFlags);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(e.getDescription() + " in \"" + source + "\": skipping this rule");
        }
    }
}
