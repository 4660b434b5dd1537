package mta.cli;

import java.util.List;
import mta.config.MasterCf;

/**
 * MasterCfFormat - prints one master.cf service as {@code postconf -M} does: aligned columns, one line.
 *
 * <p>Reads and writes nothing itself. The seven fixed fields start at columns 0, 11, 17, 25, 33,
 * 41 and 49 and the command at 57; a field that is too wide pushes the rest to the right, with at
 * least one space between fields. The command and its arguments follow on the same line, with
 * {@code -o { name = value }} written as {@code -o {name=value}} and {@code -o name=value} when
 * the value has no space, as Postfix normalises them.
 */
final class MasterCfFormat {
    private MasterCfFormat() {}

    /** Where each of the fields 1..7 (type .. command) starts when the fields before it fit. */
    private static final int[] COLUMN = {11, 17, 25, 33, 41, 49, 57};

    static String line(MasterCf.Service service) {
        List<String> f = service.fields();
        StringBuilder out = new StringBuilder(f.get(0));
        for (int i = 1; i < 8; i++) {
            out.append(' ');
            while (out.length() < COLUMN[i - 1]) out.append(' ');
            out.append(f.get(i));
        }
        for (int i = 8; i < f.size(); i++) {
            boolean option = f.get(i - 1).equals("-o");
            out.append(' ').append(option ? optionValue(f.get(i)) : word(f.get(i)));
        }
        return out.toString();
    }

    /** {@code { name = value }} becomes {@code name=value}, braced again when the value has white space. */
    private static String optionValue(String token) {
        String s = unbrace(token);
        int eq = s.indexOf('=');
        if (eq > 0) s = s.substring(0, eq).strip() + "=" + s.substring(eq + 1).strip();
        return brace(s);
    }

    /** {@code { a b }} becomes {@code {a b}}; {@code {c}} becomes {@code c}. */
    private static String word(String token) {
        return brace(unbrace(token));
    }

    private static String unbrace(String token) {
        return token.startsWith("{") && token.endsWith("}") ? token.substring(1, token.length() - 1).strip() : token;
    }

    private static String brace(String s) {
        return s.chars().anyMatch(Character::isWhitespace) ? "{" + s + "}" : s;
    }
}
