package mta.mail;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * HeaderAddresses - extracts the addresses of an RFC 5322 address-list header value.
 *
 * <p>Reads one unfolded header value such as {@code "Bob" <bob@example.com>, carol@example.org,
 * team: dave@example.net;} and returns the bare addresses. Comments in parentheses and display
 * names are dropped; group names are skipped. Used by {@code sendmail -t}.
 */
public final class HeaderAddresses {
    /** A quoted string, escapes included. */
    private static final Pattern QUOTED = Pattern.compile("\"(\\\\.|[^\"\\\\])*\"");

    private HeaderAddresses() {}

    public static List<Address> parse(String value) {
        List<Address> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        String angle = null;
        boolean quoted = false;
        int comment = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (quoted) {
                if (c == '\\' && i + 1 < value.length()) {
                    cur.append(c).append(value.charAt(++i));
                    continue;
                }
                if (c == '"') quoted = false;
                cur.append(c);
                continue;
            }
            if (comment > 0) {
                if (c == '(') comment++;
                else if (c == ')') comment--;
                continue;
            }
            switch (c) {
                case '"' -> { quoted = true; cur.append(c); }
                case '(' -> comment = 1;
                case '<' -> {
                    int close = value.indexOf('>', i);
                    if (close < 0) close = value.length();
                    angle = value.substring(i + 1, close).strip();
                    i = close;
                }
                case ':' -> cur.setLength(0); // a group name: what came before was its name
                case ',', ';' -> { add(out, angle, cur); angle = null; cur.setLength(0); }
                default -> cur.append(c);
            }
        }
        add(out, angle, cur);
        return out;
    }

    private static void add(List<Address> out, String angle, StringBuilder cur) {
        String a = angle != null ? angle : cur.toString().strip();
        if (angle != null && a.startsWith("@") && a.indexOf(':') > 0) a = a.substring(a.indexOf(':') + 1);
        // without <>, a space outside quotes means a phrase, not an address
        if (a.isEmpty() || (angle == null && QUOTED.matcher(a).replaceAll("").indexOf(' ') >= 0)) return;
        out.add(Address.parse(a));
    }
}
