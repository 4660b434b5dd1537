package mta.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * MasterCfFormat - prints one master.cf service as {@code postconf -M} does: aligned columns, one
 * line, or folded ({@code -Mf}, and every entry that postconf writes back).
 *
 * <p>Reads and writes nothing itself; works on the words of an entry as master.cf holds them. The
 * seven fixed fields start at columns 0, 11, 17, 25, 33, 41 and 49 and the command at 57; a field
 * that is too wide pushes the rest to the right, with at least one space between fields. After the
 * command come its options (words starting with {@code -}, up to the first word that does not)
 * and then its arguments. {@code -o { name = value }} is written {@code -o {name=value}}, and
 * {@code -o name=value} when the value has no space; an argument {@code { a b }} becomes
 * {@code {a b}} and {@code {c}} becomes {@code c}, as Postfix normalises them. Folded, each
 * {@code -o} option is a line of its own, indented by four spaces, the words after an option
 * start a new line, and a line is broken before a word that would take it past 79 characters.
 */
final class MasterCfFormat {
    private MasterCfFormat() {}

    /** Where each of the fields 1..7 (type .. command) starts when the fields before it fit. */
    private static final int[] COLUMN = {11, 17, 25, 33, 41, 49, 57};
    private static final int WIDTH = 79;
    private static final String INDENT = "    ";

    /** One word after the command: an {@code -o name=value} option (text without "-o") or a plain word. */
    record Word(String text, boolean option) {
        String show() {
            return option ? "-o " + text : text;
        }
    }

    /** The entry on one line; {@code expand} is applied to the value of each -o option ({@code -Mx}). */
    static String line(List<String> fields, UnaryOperator<String> expand) {
        StringBuilder out = new StringBuilder(head(fields));
        for (Word w : words(fields, expand)) out.append(' ').append(w.show());
        return out.toString();
    }

    /** The entry folded over several lines, as {@code postconf -Mf} prints it and postconf writes it. */
    static List<String> folded(List<String> fields, UnaryOperator<String> expand) {
        List<String> out = new ArrayList<>();
        StringBuilder line = new StringBuilder(head(fields));
        for (Word w : words(fields, expand)) {
            if (w.option()) {
                if (line != null) out.add(line.toString());
                out.add(INDENT + w.show());
                line = null;
            } else if (line == null) {
                line = new StringBuilder(INDENT).append(w.text());
            } else if (line.length() + 1 + w.text().length() > WIDTH) {
                out.add(line.toString());
                line = new StringBuilder(INDENT).append(w.text());
            } else {
                line.append(' ').append(w.text());
            }
        }
        if (line != null) out.add(line.toString());
        return out;
    }

    /** The command field of {@code postconf -F}: the command and every word after it, normalised. */
    static String command(List<String> fields, UnaryOperator<String> expand) {
        StringBuilder out = new StringBuilder(fields.get(7));
        for (Word w : words(fields, expand)) out.append(' ').append(w.show());
        return out.toString();
    }

    /** The seven fixed fields and the command, in their columns. */
    private static String head(List<String> f) {
        StringBuilder out = new StringBuilder(f.get(0));
        for (int i = 1; i < 8; i++) {
            out.append(' ');
            while (out.length() < COLUMN[i - 1]) out.append(' ');
            out.append(f.get(i));
        }
        return out.toString();
    }

    /** The words after the command: options while they start with "-", then arguments. */
    static List<Word> words(List<String> f, UnaryOperator<String> expand) {
        List<Word> out = new ArrayList<>();
        boolean options = true;
        for (int i = 8; i < f.size(); i++) {
            String w = f.get(i);
            if (!w.startsWith("-")) options = false;
            if (options && w.equals("-o") && i + 1 < f.size()) {
                out.add(new Word(optionValue(f.get(++i), expand), true));
            } else {
                out.add(new Word(word(w), false));
            }
        }
        return out;
    }

    /** The {@code name=value} of an option as Postfix writes it: {@code {name=value}} when the value has a space. */
    static String optionValue(String token, UnaryOperator<String> expand) {
        String s = unbrace(token);
        int eq = s.indexOf('=');
        if (eq > 0) s = s.substring(0, eq).strip() + "=" + expand.apply(s.substring(eq + 1).strip());
        return brace(s);
    }

    /** {@code { a b }} becomes {@code {a b}}; {@code {c}} becomes {@code c}. */
    private static String word(String token) {
        return brace(unbrace(token));
    }

    static String unbrace(String token) {
        return token.startsWith("{") && token.endsWith("}") ? token.substring(1, token.length() - 1).strip() : token;
    }

    private static String brace(String s) {
        return s.chars().anyMatch(Character::isWhitespace) ? "{" + s + "}" : s;
    }
}
