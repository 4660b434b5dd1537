package mta.mail;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Dsn - an RFC 3463 enhanced status code, {@code class.subject.detail}: {@code 2.0.0} success,
 * {@code 4.x.x} a temporary failure (try again), {@code 5.x.x} a permanent one. Delivery statuses,
 * bounce notices and SMTP replies carry it as text; this type reads, checks and classifies that
 * text. Reads and writes nothing.
 *
 * @param statusClass 2, 4 or 5
 * @param subject     0 to 999 (1 addressing, 2 mailbox, 3 mail system, 4 network, 5 protocol,
 *                    6 content, 7 security)
 * @param detail      0 to 999
 */
public record Dsn(int statusClass, int subject, int detail) {
    private static final Pattern SYNTAX = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");

    /** Delivered. */
    public static final Dsn OK = new Dsn(2, 0, 0);
    /** Postfix's catch-all temporary failure of the mail system (an agent failed, a lookup failed). */
    public static final Dsn TEMPORARY_SYSTEM_ERROR = new Dsn(4, 3, 0);
    /** Postfix's catch-all permanent failure of the mail system. */
    public static final Dsn PERMANENT_SYSTEM_ERROR = new Dsn(5, 3, 0);

    public Dsn {
        if (statusClass != 2 && statusClass != 4 && statusClass != 5 || subject < 0 || subject > 999
                || detail < 0 || detail > 999) {
            throw new IllegalArgumentException("bad enhanced status code: " + statusClass + "." + subject + "." + detail);
        }
    }

    /** True for text such as {@code 5.1.1}. */
    public static boolean isValid(String text) {
        return text != null && SYNTAX.matcher(text).matches();
    }

    /** Reads {@code class.subject.detail}. @throws IllegalArgumentException when it is not one */
    public static Dsn parse(String text) {
        if (!isValid(text)) throw new IllegalArgumentException("bad enhanced status code: " + text);
        String[] p = text.split("\\.");
        return new Dsn(p[0].charAt(0) - '0', Integer.parseInt(p[1]), Integer.parseInt(p[2]));
    }

    /**
     * The code at the start of an SMTP reply's text ({@code 550 5.1.1 <x>: ...} has {@code 5.1.1}),
     * when there is one whose class agrees with the reply code.
     */
    public static Optional<Dsn> ofReply(int replyCode, String text) {
        if (text == null) return Optional.empty();
        String t = text.strip();
        int sp = t.indexOf(' ');
        String first = sp < 0 ? t : t.substring(0, sp);
        if (isValid(first) && first.charAt(0) == Character.forDigit(replyCode / 100, 10)) return Optional.of(parse(first));
        return Optional.empty();
    }

    /** True for class 4: try again later. */
    public static boolean isTemporary(String text) {
        return text.startsWith("4");
    }

    /** True for class 4: try again later. */
    public boolean isTemporary() {
        return statusClass == 4;
    }

    /** True for class 5: the message comes back. */
    public boolean isPermanent() {
        return statusClass == 5;
    }

    /** The same subject and detail in another class ({@code 4.x.x} for {@code 5.x.x}, as soft_bounce makes it). */
    public Dsn withClass(int c) {
        return new Dsn(c, subject, detail);
    }

    @Override
    public String toString() {
        return statusClass + "." + subject + "." + detail;
    }
}
