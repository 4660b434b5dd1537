package mta.util;

import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * MacroExpand - the one {@code $name} expander (Postfix's mac_expand): main.cf and master.cf
 * values (config.Config, where a name's value is itself expanded), and the templates that a
 * caller fills from variables of its own: the local agent's forward_path and luser_relay, the
 * SMTP server's default_rbl_reply.
 *
 * <p>Reads and writes nothing. Knows {@code $name}, {@code ${name}}, {@code $(name)},
 * {@code ${name?value}}, {@code ${name?{value}}}, {@code ${name:value}}, {@code ${name:{value}}}
 * and {@code ${name?{value1}:{value2}}}; a name counts as defined when its value is not empty, and
 * {@code $$} is a dollar sign. A name is letters, digits and {@code _}. An unbalanced bracket, or
 * a bracketed name followed by anything but {@code ?} or {@code :}, is an
 * {@link IllegalArgumentException} ({@code syntax error in macro expansion: ...}).
 */
public final class MacroExpand {
    private MacroExpand() {}

    /**
     * Expands {@code template} with {@code vars}; characters of a value outside {@code filter}
     * become {@code _} ({@code forward_expansion_filter}), so that a crafted address cannot reach
     * outside the intended file name. A value is not expanded again.
     */
    public static String expand(String template, Map<String, String> vars, String filter) {
        return expand(template, name -> filtered(vars.getOrDefault(name, ""), filter));
    }

    /**
     * Expands {@code text}; {@code value} gives the text that stands for a name ("" when it is not
     * defined); exceptions it throws pass through.
     */
    public static String expand(String text, UnaryOperator<String> value) {
        if (text.indexOf('$') < 0) return text;
        StringBuilder out = new StringBuilder(text.length() + 16);
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$' || i + 1 >= text.length()) {
                out.append(c);
                i++;
                continue;
            }
            char n = text.charAt(i + 1);
            if (n == '$') {
                out.append('$');
                i += 2;
            } else if (n == '{' || n == '(') {
                int end = matching(text, i + 1, n, n == '{' ? '}' : ')');
                if (end < 0) throw syntaxError(text);
                out.append(braced(text.substring(i + 2, end), value));
                i = end + 1;
            } else if (isNameChar(n)) {
                int j = i + 1;
                while (j < text.length() && isNameChar(text.charAt(j))) j++;
                out.append(value.apply(text.substring(i + 1, j)));
                i = j;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static String braced(String inner, UnaryOperator<String> value) {
        int j = 0;
        while (j < inner.length() && isNameChar(inner.charAt(j))) j++;
        String name = inner.substring(0, j);
        if (name.isEmpty()) throw syntaxError("${" + inner + "}");
        if (j == inner.length()) return value.apply(name);
        char op = inner.charAt(j);
        String rest = inner.substring(j + 1);
        boolean defined = !value.apply(name).isEmpty();
        if (op == '?') {
            // ${name?value}, ${name?{value}}, ${name?{v1}:{v2}}
            String[] alt = alternatives(rest);
            if (alt != null) return expand(defined ? alt[0] : alt[1], value);
            return defined ? expand(unbrace(rest), value) : "";
        }
        if (op == ':') return defined ? "" : expand(unbrace(rest), value);
        throw syntaxError("${" + inner + "}");
    }

    private static IllegalArgumentException syntaxError(String text) {
        return new IllegalArgumentException("syntax error in macro expansion: " + text);
    }

    /** For {@code {a}:{b}} returns {a, b}; otherwise null. */
    private static String[] alternatives(String s) {
        String t = s.strip();
        if (!t.startsWith("{")) return null;
        int end = matching(t, 0, '{', '}');
        if (end < 0) return null;
        String rest = t.substring(end + 1).strip();
        if (!rest.startsWith(":")) return null;
        String second = rest.substring(1).strip();
        if (!second.startsWith("{") || !second.endsWith("}")) return null;
        return new String[] {t.substring(1, end), second.substring(1, second.length() - 1)};
    }

    private static String unbrace(String s) {
        String t = s.strip();
        if (t.startsWith("{") && t.endsWith("}") && matching(t, 0, '{', '}') == t.length() - 1) {
            return t.substring(1, t.length() - 1);
        }
        return s;
    }

    /** The index of the bracket {@code c} that closes the {@code o} at {@code open}; -1 if none. */
    private static int matching(String s, int open, char o, char c) {
        int depth = 0;
        for (int k = open; k < s.length(); k++) {
            if (s.charAt(k) == o) depth++;
            else if (s.charAt(k) == c && --depth == 0) return k;
        }
        return -1;
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }

    private static String filtered(String v, String filter) {
        StringBuilder out = new StringBuilder(v.length());
        for (int k = 0; k < v.length(); k++) out.append(filter.indexOf(v.charAt(k)) >= 0 ? v.charAt(k) : '_');
        return out.toString();
    }
}
