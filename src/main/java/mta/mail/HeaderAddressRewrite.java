package mta.mail;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * HeaderAddressRewrite - rewrites the addresses of an address-list header value, leaving the rest as it was.
 *
 * <p>Reads one header value (possibly folded) such as {@code "Bob" <bob>, carol (Carol C)} and
 * returns it with each address replaced by what the given function makes of it:
 * {@code "Bob" <bob@example.com>, carol@example.com (Carol C)}. Display names, comments, group
 * names, white space and line folding stay untouched; only the text of the address changes. An
 * element that cannot be read as one address (a comment inside a bare address, a source route,
 * an empty {@code <>}) is left alone.
 */
public final class HeaderAddressRewrite {
    /** A quoted string, escapes included. */
    private static final Pattern QUOTED = Pattern.compile("\"(\\\\.|[^\"\\\\])*\"");

    private HeaderAddressRewrite() {}

    /** One place in the value to replace: [start, end) becomes text. */
    private record Edit(int start, int end, String text) {}

    public static String rewrite(String value, UnaryOperator<Address> f) {
        List<Edit> edits = new ArrayList<>();
        List<int[]> comments = new ArrayList<>();
        int elementStart = 0;
        int angleStart = -1;
        int angleEnd = -1;
        boolean quoted = false;
        int depth = 0;
        int commentStart = -1;
        for (int i = 0; i <= value.length(); i++) {
            char c = i < value.length() ? value.charAt(i) : ',';
            if (quoted) {
                if (c == '\\') i++;
                else if (c == '"') quoted = false;
                continue;
            }
            if (depth > 0) {
                if (c == '\\') i++;
                else if (c == '(') depth++;
                else if (c == ')' && --depth == 0) comments.add(new int[] {commentStart, i + 1});
                continue;
            }
            switch (c) {
                case '"' -> quoted = true;
                case '(' -> {
                    depth = 1;
                    commentStart = i;
                }
                case '<' -> {
                    int close = value.indexOf('>', i);
                    if (close < 0) close = value.length();
                    angleStart = i + 1;
                    angleEnd = close;
                    i = close;
                }
                case ':' -> {
                    elementStart = i + 1; // what came before was a group name
                    comments.clear();
                }
                case ',', ';' -> {
                    Edit e = angleStart >= 0 ? angled(value, angleStart, angleEnd, f)
                            : bare(value, elementStart, Math.min(i, value.length()), comments, f);
                    if (e != null) edits.add(e);
                    elementStart = i + 1;
                    angleStart = angleEnd = -1;
                    comments.clear();
                }
                default -> { }
            }
        }
        StringBuilder sb = new StringBuilder(value);
        for (int k = edits.size() - 1; k >= 0; k--) {
            Edit e = edits.get(k);
            sb.replace(e.start, e.end, e.text);
        }
        return sb.toString();
    }

    /** The address between angle brackets. */
    private static Edit angled(String value, int start, int end, UnaryOperator<Address> f) {
        String inner = value.substring(start, end);
        String text = inner.strip();
        if (text.isEmpty() || text.startsWith("@")) return null; // <> or a source route
        int s = start + inner.indexOf(text);
        return edit(s, s + text.length(), text, f);
    }

    /** A bare address: the element without white space and comments at either end. */
    private static Edit bare(String value, int start, int end, List<int[]> comments, UnaryOperator<Address> f) {
        int s = start;
        int e = end;
        boolean moved = true;
        while (moved && s < e) {
            moved = false;
            if (Character.isWhitespace(value.charAt(s))) {
                s++;
                moved = true;
            }
            for (int[] c : comments) {
                if (c[0] == s) {
                    s = c[1];
                    moved = true;
                }
            }
        }
        moved = true;
        while (moved && e > s) {
            moved = false;
            if (Character.isWhitespace(value.charAt(e - 1))) {
                e--;
                moved = true;
            }
            for (int[] c : comments) {
                if (c[1] == e) {
                    e = c[0];
                    moved = true;
                }
            }
        }
        if (s >= e) return null;
        for (int[] c : comments) if (c[0] >= s && c[1] <= e) return null; // a comment inside: leave it
        String text = value.substring(s, e);
        // a space outside quotes means a phrase without an address (or a syntax error): leave it
        if (QUOTED.matcher(text).replaceAll("").chars().anyMatch(Character::isWhitespace)) return null;
        return edit(s, e, text, f);
    }

    private static Edit edit(int s, int e, String text, UnaryOperator<Address> f) {
        Address a = Address.parse(text);
        if (a.isNull()) return null;
        String out = f.apply(a).toString();
        return out.equals(text) ? null : new Edit(s, e, out);
    }
}
