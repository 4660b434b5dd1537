package mta.mail;

import java.util.Locale;

/**
 * Address - an envelope address: a local part and an optional domain; the null sender is empty.
 *
 * <p>Reads SMTP paths ({@code <user@example.com>}, {@code <@relay:user@example.com>}, {@code <>})
 * and bare {@code user@domain} text. Keeps the local part's case (RFC 5321 says it may matter) and
 * lower-cases nothing; {@link #domainLower()} is for comparisons.
 */
public record Address(String localPart, String domain) {
    public static final Address NULL_SENDER = new Address("", "");

    public boolean isNull() {
        return localPart.isEmpty() && domain.isEmpty();
    }

    public boolean hasDomain() {
        return !domain.isEmpty();
    }

    /** True for {@code user@}: an "@" with nothing after it, which no rewriting completes. */
    public boolean emptyDomain() {
        return domain.isEmpty() && localPart.endsWith("@") && lastUnquotedAt(localPart) == localPart.length() - 1;
    }

    public String domainLower() {
        return domain.toLowerCase(Locale.ROOT);
    }

    /** {@code local@domain}, {@code local}, or the empty string for the null sender. */
    @Override
    public String toString() {
        return domain.isEmpty() ? localPart : localPart + "@" + domain;
    }

    /** Parses {@code user@domain} or {@code user}; the empty string is the null sender. */
    public static Address parse(String text) {
        String t = text.strip();
        if (t.isEmpty()) return NULL_SENDER;
        int at = lastUnquotedAt(t);
        // No domain; "user@" keeps its "@": it is not "user", and the queue manager bounces it (5.1.3).
        if (at < 0 || at == t.length() - 1) return new Address(t, "");
        return new Address(t.substring(0, at), t.substring(at + 1));
    }

    /** This address with {@code domain} added when it has none (cleanup's {@code @$myorigin}). */
    public Address withDefaultDomain(String domain) {
        if (isNull() || hasDomain() || emptyDomain()) return this;
        return new Address(localPart, domain);
    }

    private static int lastUnquotedAt(String s) {
        boolean quoted = false;
        int at = -1;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '@' && !quoted) {
                at = i;
            }
        }
        return at;
    }

    /**
     * Parses the path of {@code MAIL FROM:} or {@code RCPT TO:}: {@code <addr>} with optional source
     * route, followed by ESMTP parameters. Returns null on a syntax error.
     */
    public static Path parsePath(String arg) {
        String s = arg.strip();
        String params = "";
        String inner;
        if (s.startsWith("<")) {
            int close = closingBracket(s);
            if (close < 0) return null;
            inner = s.substring(1, close);
            params = s.substring(close + 1).strip();
            if (!params.isEmpty() && !Character.isWhitespace(s.charAt(close + 1))) return null;
        } else {
            // Postfix accepts a missing <> (strict_rfc821_envelopes = no).
            int sp = s.indexOf(' ');
            inner = sp < 0 ? s : s.substring(0, sp);
            params = sp < 0 ? "" : s.substring(sp + 1).strip();
        }
        if (inner.startsWith("@")) {
            int colon = inner.indexOf(':');
            if (colon < 0) return null;
            inner = inner.substring(colon + 1); // drop the source route (RFC 5321 C)
        }
        for (int i = 0; i < inner.length(); i++) {
            char c = inner.charAt(i);
            if (c < 0x20 || c == 0x7f) return null;
            if ((c == ' ' || c == '<' || c == '>') && !insideQuotes(inner, i)) return null; // quoted-string may hold them
        }
        Address a = parse(inner);
        if (!a.isNull() && (a.localPart.isEmpty() || (a.domain.isEmpty() && inner.endsWith("@")))) return null;
        return new Path(a, params);
    }

    private static int closingBracket(String s) {
        boolean quoted = false;
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') i++;
            else if (c == '"') quoted = !quoted;
            else if (c == '>' && !quoted) return i;
        }
        return -1;
    }

    private static boolean insideQuotes(String s, int pos) {
        boolean quoted = false;
        for (int i = 0; i < pos; i++) {
            if (s.charAt(i) == '\\') i++;
            else if (s.charAt(i) == '"') quoted = !quoted;
        }
        return quoted;
    }

    /** A parsed path and the ESMTP parameters that followed it. */
    public record Path(Address address, String parameters) {}
}
