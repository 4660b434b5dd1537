package mta.mail;

import java.util.ArrayList;
import java.util.List;

/**
 * Smtputf8 - the SMTPUTF8 state of a message (RFC 6531), as kept in its queue file.
 *
 * <p>Pure data; stored as the named attribute {@value #ATTRIBUTE} ({@code A smtputf8=requested,header}).
 * {@code requested}: the message needs SMTPUTF8 support, because the client said
 * {@code MAIL FROM:<..> SMTPUTF8}, or cleanup found UTF-8 in mail of a class listed in
 * {@code smtputf8_autodetect_classes}. {@code header} and {@code sender}: where cleanup found
 * UTF-8 (a message header, the envelope sender). The SMTP client sends {@code SMTPUTF8} on MAIL
 * FROM for a requested message when the server offers it; when the server does not, a requested
 * message whose headers, sender or recipients hold UTF-8 is returned with 5.6.7, and one that is
 * all ASCII goes out without it, as in Postfix.
 */
public record Smtputf8(boolean requested, boolean header, boolean sender) {
    /** The named attribute that holds the state. */
    public static final String ATTRIBUTE = MailAttributes.SMTPUTF8;
    public static final Smtputf8 NONE = new Smtputf8(false, false, false);
    public static final Smtputf8 REQUESTED = new Smtputf8(true, false, false);

    /** Parses the attribute value; null or empty is {@link #NONE}; unknown words are ignored. */
    public static Smtputf8 parse(String value) {
        if (value == null || value.isBlank()) return NONE;
        boolean r = false;
        boolean h = false;
        boolean s = false;
        for (String w : value.split(",")) {
            switch (w.strip()) {
                case "requested" -> r = true;
                case "header" -> h = true;
                case "sender" -> s = true;
                default -> { } // a word of a later version
            }
        }
        return new Smtputf8(r, h, s);
    }

    /** The attribute value, or "" for {@link #NONE}. */
    public String format() {
        List<String> words = new ArrayList<>(3);
        if (requested) words.add("requested");
        if (header) words.add("header");
        if (sender) words.add("sender");
        return String.join(",", words);
    }

    public Smtputf8 withRequested() {
        return new Smtputf8(true, header, sender);
    }

    public Smtputf8 withHeader() {
        return new Smtputf8(requested, true, sender);
    }

    public Smtputf8 withSender() {
        return new Smtputf8(requested, header, true);
    }

    /** True when {@code text} is all 7-bit ASCII. */
    public static boolean isAscii(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 0x7f) return false;
        }
        return true;
    }
}
