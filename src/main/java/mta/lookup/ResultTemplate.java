package mta.lookup;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.MatchResult;

/**
 * ResultTemplate - the result text of a regexp: rule, with {@code $1}, {@code ${1}}, {@code $(1)} and {@code $$}.
 *
 * <p>Reads and writes nothing but strings. The text is split once, when the table is read, into
 * literal pieces and group numbers; {@link #expand} fills in the groups of one match. A group that
 * took no part in the match gives the empty string. {@code $$} is one {@code $}. A reference is
 * {@code $} followed by letters, digits and underscores, or a name in {@code {}} or {@code ()}; it
 * must be a number from 1 to the pattern's group count, else the rule is refused with a
 * {@link IllegalArgumentException} whose message is the warning, as Postfix skips such a rule.
 */
final class ResultTemplate {
    /** Literal text (group &lt; 0) or a group reference. */
    private record Piece(String text, int group) {}

    private final List<Piece> pieces;

    private ResultTemplate(List<Piece> pieces) {
        this.pieces = List.copyOf(pieces);
    }

    /**
     * Parses {@code text}.
     *
     * @param groups the number of groups in the pattern; 0 for a negated pattern, which has none
     * @throws IllegalArgumentException naming the bad reference
     */
    static ResultTemplate parse(String text, int groups) {
        List<Piece> pieces = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$') {
                literal.append(c);
                i++;
                continue;
            }
            if (i + 1 < text.length() && text.charAt(i + 1) == '$') {
                literal.append('$');
                i += 2;
                continue;
            }
            int start = i + 1;
            int end;
            String name;
            char open = start < text.length() ? text.charAt(start) : 0;
            if (open == '{' || open == '(') {
                int close = text.indexOf(open == '{' ? '}' : ')', start);
                if (close < 0) throw new IllegalArgumentException("unbalanced macro in \"" + text + "\"");
                name = text.substring(start + 1, close);
                end = close + 1;
            } else {
                end = start;
                while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')) {
                    end++;
                }
                name = text.substring(start, end);
            }
            if (name.isEmpty()) throw new IllegalArgumentException("empty macro name in \"" + text + "\"");
            if (!name.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("non-numeric replacement index \"" + name + "\"");
            }
            int group = name.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(name);
            if (group < 1 || group > groups) {
                throw new IllegalArgumentException("out-of-range replacement index \"" + name + "\"");
            }
            if (!literal.isEmpty()) pieces.add(new Piece(literal.toString(), -1));
            literal.setLength(0);
            pieces.add(new Piece(null, group));
            i = end;
        }
        if (!literal.isEmpty()) pieces.add(new Piece(literal.toString(), -1));
        return new ResultTemplate(pieces);
    }

    /** True when the text refers to a group ({@code $1} and so on). */
    boolean hasReferences() {
        return pieces.stream().anyMatch(p -> p.group() >= 0);
    }

    /** The result for one match; {@code match} may be null when the template has no references. */
    String expand(MatchResult match) {
        StringBuilder out = new StringBuilder();
        for (Piece p : pieces) {
            if (p.group() < 0) {
                out.append(p.text());
            } else {
                String g = match.group(p.group());
                if (g != null) out.append(g);
            }
        }
        return out.toString();
    }
}
