package mta.lookup;

import java.util.ArrayList;
import java.util.List;

/**
 * DbTemplate - a text with Postfix's {@code %} expansions, as the database tables use them in
 * {@code query}, {@code query_filter}, {@code search_base}, {@code result_format} and
 * {@code key_format}: {@code %%}, {@code %s %u %d}, {@code %S %U %D} and {@code %1}..{@code %9}.
 *
 * <p>Reads and writes nothing but strings. Parsed once when the table is opened; an unknown
 * {@code %x} is refused there ({@link TableException}), as Postfix refuses the table.
 * {@link #expand} fills in the fields: lower-case fields from one text (the key in a query, the
 * result value in result_format), upper-case fields and digits from the lookup key. It returns
 * null when a field does not exist (see {@link KeyFields}), and the caller suppresses the query
 * or skips the value.
 */
final class DbTemplate {
    /** Literal text (field 0) or one expansion. */
    record Piece(String literal, char field) {
        boolean isField() {
            return field != 0;
        }
    }

    /** Escapes a field's value for the place it is inserted into (an LDAP filter, a DN). */
    interface Escaper {
        String escape(String value);
    }

    private final String text;
    private final List<Piece> pieces;

    private DbTemplate(String text, List<Piece> pieces) {
        this.text = text;
        this.pieces = List.copyOf(pieces);
    }

    /** Parses {@code text}; {@code what} names the parameter in the error ({@code query}). */
    static DbTemplate parse(String spec, String what, String text) {
        List<Piece> pieces = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '%') {
                literal.append(c);
                continue;
            }
            if (i + 1 >= text.length()) throw bad(spec, what, text, "%");
            char f = text.charAt(++i);
            if (f == '%') {
                literal.append('%');
            } else if (isField(f)) {
                if (!literal.isEmpty()) pieces.add(new Piece(literal.toString(), (char) 0));
                literal.setLength(0);
                pieces.add(new Piece(null, f));
            } else {
                throw bad(spec, what, text, "%" + f);
            }
        }
        if (!literal.isEmpty()) pieces.add(new Piece(literal.toString(), (char) 0));
        return new DbTemplate(text, pieces);
    }

    static boolean isField(char f) {
        return "sudSUD".indexOf(f) >= 0 || (f >= '1' && f <= '9');
    }

    private static TableException bad(String spec, String what, String text, String token) {
        return new TableException(spec + ": invalid " + what + " template: unknown expansion \"" + token
                + "\" in \"" + text + "\"");
    }

    List<Piece> pieces() {
        return pieces;
    }

    String text() {
        return text;
    }

    /** True when the template has the field {@code f}. */
    boolean uses(char f) {
        for (Piece p : pieces) {
            if (p.field() == f) return true;
        }
        return false;
    }

    /**
     * The text with its fields filled in: lower-case ones from {@code value}, upper-case ones and
     * digits from {@code key}; each field value passes through {@code escaper}. Null when a field
     * does not exist.
     */
    String expand(KeyFields value, KeyFields key, Escaper escaper) {
        StringBuilder out = new StringBuilder();
        for (Piece p : pieces) {
            if (!p.isField()) {
                out.append(p.literal());
                continue;
            }
            String v = fieldValue(p.field(), value, key);
            if (v == null) return null;
            out.append(escaper.escape(v));
        }
        return out.toString();
    }

    /** The value of one field: lower case from {@code value}, upper case and digits from {@code key}. */
    static String fieldValue(char f, KeyFields value, KeyFields key) {
        return Character.isLowerCase(f) ? value.field(f) : key.field(f);
    }

    /** True when every upper-case field and digit exists for {@code key} (else the lookup is suppressed). */
    boolean keyFieldsExist(KeyFields key) {
        for (Piece p : pieces) {
            if (p.isField() && !Character.isLowerCase(p.field()) && key.field(p.field()) == null) return false;
        }
        return true;
    }
}
