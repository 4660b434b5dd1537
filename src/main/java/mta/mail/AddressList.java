package mta.mail;

import java.util.ArrayList;
import java.util.List;

/**
 * AddressList - the envelope addresses of an RFC 822 address list, as sendmail reads its
 * recipient arguments.
 *
 * <p>Reads one argument such as {@code Joe <joe@example.com>, team: a@x, b@y; c (Carol)} and
 * returns each address in its external form, {@code local@domain} with the local part quoted
 * when it is not a dot-atom (RFC 5322). Phrases, comments and group names are dropped, a source
 * route ({@code <@relay:user@x>}) is dropped too, and commas and semicolons separate addresses.
 * Two words in a row without {@code @} or {@code .} between them are two addresses
 * ({@code "a b@example.com"} gives {@code a} and {@code b@example.com}). What Postfix's sendmail
 * keeps of malformed text is kept: {@code <foo} is the local part {@code "<foo"} (quoted), a stray
 * {@code >} is dropped, {@code foo@@bar} is {@code "foo@"@bar}, and {@code foo@} stays
 * {@code foo@}, an address with an empty domain that the queue manager bounces (5.1.3). An
 * empty address ({@code <>}) is the empty string.
 */
public final class AddressList {
    private AddressList() {}

    private enum Kind { WORD, QUOTED, LITERAL, SPECIAL }

    /** One token: a word, a quoted string (its content, unescaped), a [domain literal], or a special. */
    private record Token(Kind kind, String text) {
        boolean is(char special) {
            return kind == Kind.SPECIAL && text.charAt(0) == special;
        }

        boolean word() {
            return kind == Kind.WORD || kind == Kind.QUOTED;
        }
    }

    private static final String SPECIALS = "<>@,;:.";

    /** The addresses of {@code text}, in order; empty elements (",,") are skipped. */
    public static List<String> parse(String text) {
        List<String> out = new ArrayList<>();
        List<Token> element = new ArrayList<>();
        int angle = 0;
        for (Token t : tokens(text)) {
            if (t.is('<')) angle++;
            if (t.is('>') && angle > 0) angle--;
            if (angle == 0 && (t.is(',') || t.is(';'))) {
                addresses(element, out);
                element.clear();
            } else if (angle == 0 && t.is(':')) {
                element.clear(); // what came before was a group's name
            } else {
                element.add(t);
            }
        }
        addresses(element, out);
        return out;
    }

    /** The address or addresses of one list element. */
    private static void addresses(List<Token> element, List<String> out) {
        if (element.isEmpty()) return;
        int open = -1;
        for (int i = 0; i < element.size(); i++) {
            if (element.get(i).is('<')) {
                open = i;
                break;
            }
        }
        int close = -1;
        for (int i = open + 1; open >= 0 && i < element.size(); i++) {
            if (element.get(i).is('>')) {
                close = i;
                break;
            }
        }
        if (open >= 0 && close >= 0) {
            // A route address: what is inside the brackets, without a source route.
            List<Token> inside = new ArrayList<>(element.subList(open + 1, close));
            if (!inside.isEmpty() && inside.get(0).is('@')) {
                int colon = -1;
                for (int i = 0; i < inside.size() && colon < 0; i++) if (inside.get(i).is(':')) colon = i;
                inside = colon < 0 ? List.of() : new ArrayList<>(inside.subList(colon + 1, inside.size()));
            }
            inside.removeIf(t -> t.is('<') || t.is('>') || t.is(':'));
            out.add(external(inside));
            return;
        }
        // No brackets (or an unmatched "<", which stays part of the address): words in a row are
        // separate addresses; a stray ">" is dropped.
        List<Token> cur = new ArrayList<>();
        Token prev = null;
        for (Token t : element) {
            if (t.is('>')) continue;
            if (prev != null && prev.word() && t.word()) {
                out.add(external(cur));
                cur = new ArrayList<>();
            }
            cur.add(t);
            prev = t;
        }
        if (!cur.isEmpty()) out.add(external(cur));
    }

    /** {@code local@domain} from one address's tokens, the local part quoted when it must be. */
    private static String external(List<Token> tokens) {
        int at = -1;
        for (int i = 0; i < tokens.size(); i++) if (tokens.get(i).is('@')) at = i;
        StringBuilder local = new StringBuilder();
        for (Token t : at < 0 ? tokens : tokens.subList(0, at)) local.append(t.text());
        String l = quoteLocal(local.toString());
        if (at < 0) return l;
        StringBuilder domain = new StringBuilder();
        for (Token t : tokens.subList(at + 1, tokens.size())) domain.append(t.text());
        return l + "@" + domain;
    }

    /** The local part as is when it is a dot-atom, else as a quoted string (RFC 5322). */
    public static String quoteLocal(String local) {
        if (local.isEmpty() || isDotAtom(local)) return local;
        StringBuilder q = new StringBuilder("\"");
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            if (c == '"' || c == '\\') q.append('\\');
            q.append(c);
        }
        return q.append('"').toString();
    }

    private static boolean isDotAtom(String s) {
        if (s.startsWith(".") || s.endsWith(".") || s.contains("..")) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '.' && !atext(c)) return false;
        }
        return true;
    }

    /** RFC 5322 atext, and any non-ASCII character (RFC 6532). */
    private static boolean atext(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0 || c > 127;
    }

    /** Splits text into words, quoted strings, domain literals and specials; comments are dropped. */
    private static List<Token> tokens(String s) {
        List<Token> out = new ArrayList<>();
        int n = s.length();
        for (int i = 0; i < n; ) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                i++;
            } else if (c == '(') {
                int depth = 0;
                for (; i < n; i++) {
                    char d = s.charAt(i);
                    if (d == '\\') i++;
                    else if (d == '(') depth++;
                    else if (d == ')' && --depth == 0) break;
                }
                i++;
            } else if (c == '"') {
                StringBuilder b = new StringBuilder();
                for (i++; i < n && s.charAt(i) != '"'; i++) {
                    if (s.charAt(i) == '\\' && i + 1 < n) i++;
                    b.append(s.charAt(i));
                }
                i++;
                out.add(new Token(Kind.QUOTED, b.toString()));
            } else if (c == '[') {
                int end = s.indexOf(']', i);
                end = end < 0 ? n : end + 1;
                out.add(new Token(Kind.LITERAL, s.substring(i, end)));
                i = end;
            } else if (SPECIALS.indexOf(c) >= 0) {
                out.add(new Token(Kind.SPECIAL, String.valueOf(c)));
                i++;
            } else {
                StringBuilder b = new StringBuilder();
                for (; i < n; i++) {
                    char d = s.charAt(i);
                    if (d == '\\' && i + 1 < n) {
                        b.append(s.charAt(++i));
                        continue;
                    }
                    if (d <= ' ' || d == '"' || d == '(' || d == '[' || SPECIALS.indexOf(d) >= 0) break;
                    b.append(d);
                }
                out.add(new Token(Kind.WORD, b.toString()));
            }
        }
        return out;
    }
}
