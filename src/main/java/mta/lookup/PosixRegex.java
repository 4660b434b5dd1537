package mta.lookup;

import java.util.Map;

/**
 * PosixRegex - rewrites a POSIX regular expression (regex(7), as regexp: tables use it) into java.util.regex syntax.
 *
 * <p>Reads and writes nothing but strings. Most extended (ERE) syntax means the same in Java:
 * {@code . * + ? | ( ) {n,m} ^ $ [a-z]} and back-references {@code \1}. What differs is rewritten:
 * <ul>
 *   <li>bracket expressions: {@code [[:alpha:]]} becomes {@code \p{Alpha}}; a backslash, {@code [}
 *       or {@code &} inside brackets is an ordinary character in POSIX, so it is escaped; a
 *       {@code ]} first in the list is literal;
 *   <li>the GNU word anchors {@code \<} and {@code \>} become look-arounds;
 *       {@code \`} and {@code \'} become {@code \A} and {@code \z};
 *   <li>an interval {@code {,m}} becomes {@code {0,m}}; a {@code {} that starts no valid
 *       interval is an error, as in POSIX, and a lone {@code }} is a literal brace;
 *   <li>{@code $} without the m flag means only the end of the string, so it becomes {@code \z}
 *       (Java's {@code $} would also match before a final newline);
 *   <li>basic syntax (BRE, when the {@code x} flag switches extended syntax off): {@code \( \) \{ \}}
 *       are the operators, and {@code ( ) { } + ? |} are ordinary characters; {@code *} at the start
 *       is literal; {@code ^} and {@code $} are anchors only at the start and end.
 * </ul>
 * Not rewritten: POSIX picks the longest of several alternatives, Java the first that matches, so
 * sub-matches ({@code $1}) of ambiguous patterns such as {@code (a|ab)(c|bcd)} can differ.
 */
final class PosixRegex {
    private PosixRegex() {}

    private static final Map<String, String> CLASSES = Map.ofEntries(
            Map.entry("alpha", "\\p{Alpha}"), Map.entry("digit", "\\p{Digit}"), Map.entry("alnum", "\\p{Alnum}"),
            Map.entry("upper", "\\p{Upper}"), Map.entry("lower", "\\p{Lower}"), Map.entry("space", "\\s"),
            Map.entry("blank", "\\p{Blank}"), Map.entry("punct", "\\p{Punct}"), Map.entry("print", "\\p{Print}"),
            Map.entry("graph", "\\p{Graph}"), Map.entry("cntrl", "\\p{Cntrl}"), Map.entry("xdigit", "\\p{XDigit}"));

    /**
     * The Java form of {@code posix}.
     *
     * @param extended  true for extended syntax (ERE, the default), false for basic (BRE)
     * @param multiline true when the m flag is on: {@code $} may match before a newline
     * @throws IllegalArgumentException with a short reason when a bracket expression is unterminated
     */
    static String toJava(String posix, boolean extended, boolean multiline) {
        StringBuilder out = new StringBuilder();
        int n = posix.length();
        for (int i = 0; i < n; i++) {
            char c = posix.charAt(i);
            if (c == '[') {
                i = bracket(posix, i, out);
            } else if (c == '\\' && i + 1 < n) {
                i = escape(posix, i + 1, extended, out);
            } else if (c == '\\') {
                throw new IllegalArgumentException("Trailing backslash");
            } else if (c == '$') {
                boolean anchor = extended || i == n - 1 || posix.startsWith("\\)", i + 1);
                out.append(anchor ? (multiline ? "$" : "\\z") : "\\$");
            } else if (c == '^') {
                boolean anchor = extended || i == 0 || (i >= 2 && posix.startsWith("\\(", i - 2));
                out.append(anchor ? "^" : "\\^");
            } else if (c == '*' && !extended && (i == 0 || posix.charAt(i - 1) == '^'
                    || (i >= 2 && posix.startsWith("\\(", i - 2)))) {
                out.append("\\*");
            } else if (c == '{' && extended) {
                i = interval(posix, i + 1, out);
            } else if (c == '}' || (!extended && "(){}+?|".indexOf(c) >= 0)) {
                out.append('\\').append(c);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Rewrites the escape whose character is at {@code i}; returns the index of its last character. */
    private static int escape(String posix, int i, boolean extended, StringBuilder out) {
        char c = posix.charAt(i);
        switch (c) {
            case '<' -> out.append("\\b(?=\\w)");
            case '>' -> out.append("\\b(?<=\\w)");
            case '`' -> out.append("\\A");
            case '\'' -> out.append("\\z");
            default -> {
                if (!extended && "(){}|+?".indexOf(c) >= 0) {
                    if (c == '{') {
                        int close = posix.indexOf("\\}", i);
                        if (close < 0) throw new IllegalArgumentException("Unmatched \\{");
                        out.append('{').append(posix, i + 1, close).append('}');
                        return close + 1;
                    }
                    out.append(c);
                } else {
                    out.append('\\').append(c);
                }
            }
        }
        return i;
    }

    /**
     * Copies the interval {@code {n}}, {@code {n,}}, {@code {n,m}} or {@code {,m}} whose contents
     * start at {@code from}; returns the index of its {@code }}.
     */
    private static int interval(String s, int from, StringBuilder out) {
        int close = s.indexOf('}', from);
        if (close < 0) throw new IllegalArgumentException("Unmatched \\{");
        String body = s.substring(from, close);
        if (!body.matches("\\d*(,\\d*)?") || body.isEmpty() || body.equals(",")) {
            throw new IllegalArgumentException("Invalid content of \\{\\}");
        }
        out.append('{').append(body.startsWith(",") ? "0" + body : body).append('}');
        return close;
    }

    /** Copies the bracket expression opening at {@code open}; returns the index of its {@code ]}. */
    private static int bracket(String s, int open, StringBuilder out) {
        int i = open + 1;
        out.append('[');
        if (i < s.length() && s.charAt(i) == '^') {
            out.append('^');
            i++;
        }
        boolean first = true;
        for (; i < s.length(); i++, first = false) {
            char c = s.charAt(i);
            if (c == ']' && !first) {
                out.append(']');
                return i;
            }
            if (c == '[' && i + 1 < s.length() && ":=.".indexOf(s.charAt(i + 1)) >= 0) {
                char kind = s.charAt(i + 1);
                int end = s.indexOf(kind + "]", i + 2);
                if (end < 0) throw new IllegalArgumentException("Unmatched [, [^, [:, [., or [=");
                String name = s.substring(i + 2, end);
                if (kind == ':') {
                    String java = CLASSES.get(name);
                    if (java == null) throw new IllegalArgumentException("Invalid character class name");
                    out.append(java);
                } else {
                    name.chars().forEach(ch -> literal((char) ch, out));
                }
                i = end + 1;
                continue;
            }
            if (c == '-' && !first && i + 1 < s.length() && s.charAt(i + 1) != ']') {
                out.append('-');
                continue;
            }
            literal(c, out);
        }
        throw new IllegalArgumentException("Unmatched [, [^, [:, [., or [=");
    }

    /** One ordinary character inside a Java character class. */
    private static void literal(char c, StringBuilder out) {
        if (Character.isLetterOrDigit(c) || c > 127) out.append(c);
        else out.append('\\').append(c);
    }
}
