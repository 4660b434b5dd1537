package mta.util;

import java.util.Map;

/**
 * MacroExpand - fills {@code $name} variables into a template: the local agent's forward_path and
 * luser_relay, the SMTP server's default_rbl_reply.
 *
 * <p>Reads and writes nothing. Knows {@code $name}, {@code ${name}}, {@code ${name?value}},
 * {@code ${name?{value}}}, {@code ${name:value}}, {@code ${name:{value}}} and
 * {@code ${name?{value1}:{value2}}}; a name counts as defined when its value is not empty, and
 * {@code $$} is a dollar sign. Characters of a value that are not in the filter
 * ({@code forward_expansion_filter}) become {@code _}, so a crafted address cannot reach outside
 * the intended file name. The caller names the variables.
 */
public final class MacroExpand {
    private MacroExpand() {}

    /**
     * Expands {@code template} with {@code vars}; characters of a value outside {@code filter} become {@code _}.
     *
     * @throws IllegalArgumentException for an unbalanced bracket
     */
    public static String expand(String template, Map<String, String> vars, String filter) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c != '$' || i + 1 >= template.length()) {
                out.append(c);
                i++;
                continue;
            }
            char n = template.charAt(i + 1);
            if (n == '$') {
                out.append('$');
                i += 2;
            } else if (n == '{' || n == '(') {
                int end = closing(template, i + 1);
                if (end < 0) throw new IllegalArgumentException("syntax error in \"" + template + "\"");
                out.append(braced(template.substring(i + 2, end), vars, filter));
                i = end + 1;
            } else if (Character.isLetterOrDigit(n) || n == '_') {
                int j = i + 1;
                while (j < template.length() && (Character.isLetterOrDigit(template.charAt(j)) || template.charAt(j) == '_')) j++;
                out.append(value(template.substring(i + 1, j), vars, filter));
                i = j;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static String braced(String inner, Map<String, String> vars, String filter) {
        int q = indexOfAny(inner, "?:");
        if (q < 0) return value(inner.strip(), vars, filter);
        String name = inner.substring(0, q).strip();
        boolean defined = !vars.getOrDefault(name, "").isEmpty();
        String rest = inner.substring(q + 1);
        if (inner.charAt(q) == ':') return defined ? "" : expand(unbrace(rest), vars, filter);
        // ?value or ?{value1}:{value2}
        if (rest.startsWith("{")) {
            int end = closing(rest, 0);
            String yes = rest.substring(1, end);
            String after = rest.substring(end + 1).strip();
            String no = after.startsWith(":") ? unbrace(after.substring(1).strip()) : "";
            return expand(defined ? yes : no, vars, filter);
        }
        return defined ? expand(rest, vars, filter) : "";
    }

    private static String value(String name, Map<String, String> vars, String filter) {
        String v = vars.getOrDefault(name, "");
        StringBuilder out = new StringBuilder(v.length());
        for (int k = 0; k < v.length(); k++) out.append(filter.indexOf(v.charAt(k)) >= 0 ? v.charAt(k) : '_');
        return out.toString();
    }

    private static String unbrace(String s) {
        return s.startsWith("{") && s.endsWith("}") ? s.substring(1, s.length() - 1) : s;
    }

    private static int indexOfAny(String s, String chars) {
        for (int k = 0; k < s.length(); k++) if (chars.indexOf(s.charAt(k)) >= 0) return k;
        return -1;
    }

    /** The index of the bracket that closes the one at {@code open}. */
    private static int closing(String s, int open) {
        char o = s.charAt(open);
        char c = o == '(' ? ')' : '}';
        int depth = 0;
        for (int k = open; k < s.length(); k++) {
            if (s.charAt(k) == o) depth++;
            else if (s.charAt(k) == c && --depth == 0) return k;
        }
        return -1;
    }
}
