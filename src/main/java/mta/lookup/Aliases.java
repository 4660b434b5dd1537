package mta.lookup;

import java.util.ArrayList;
import java.util.List;

/**
 * Aliases - splits the right-hand side of an alias into its delivery targets.
 *
 * <p>Reads and writes nothing. {@code alice, bob, "|/usr/bin/procmail -a x", /var/mail/archive,
 * :include:/etc/postfix/list.txt} has five targets. Targets are separated by commas outside
 * double quotes; white space around each is removed and empty ones are dropped. A target that is
 * wholly one quoted string loses its quotes ({@code "|cmd arg"} becomes {@code |cmd arg}), so the
 * local delivery agent can recognise {@code |command}, {@code /file} and {@code :include:} by
 * their first characters; other targets are returned as written.
 */
public final class Aliases {
    private Aliases() {}

    public static List<String> targets(String rhs) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < rhs.length(); i++) {
            char c = rhs.charAt(i);
            if (quoted && c == '\\' && i + 1 < rhs.length()) {
                cur.append(c).append(rhs.charAt(++i));
                continue;
            }
            if (c == '"') quoted = !quoted;
            if (c == ',' && !quoted) {
                add(out, cur);
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        add(out, cur);
        return out;
    }

    private static void add(List<String> out, CharSequence target) {
        String t = target.toString().strip();
        if (t.isEmpty()) return;
        if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") && closingQuote(t) == t.length() - 1) {
            t = AliasSource.unquote(t);
        }
        out.add(t);
    }

    /** The index of the quote that closes the one at index 0. */
    private static int closingQuote(String t) {
        for (int i = 1; i < t.length(); i++) {
            if (t.charAt(i) == '\\') i++;
            else if (t.charAt(i) == '"') return i;
        }
        return -1;
    }
}
