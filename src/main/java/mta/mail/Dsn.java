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

    // Success (class 2).
    /** Delivered; also the plain {@code Ok} of a command. */
    public static final Dsn OK = new Dsn(2, 0, 0);
    /** {@code 2.1.0}: a sender address accepted (MAIL FROM). */
    public static final Dsn SENDER_OK = new Dsn(2, 1, 0);
    /** {@code 2.1.5} destination address valid: a recipient accepted (RCPT TO). */
    public static final Dsn DESTINATION_ADDRESS_VALID = new Dsn(2, 1, 5);
    /** {@code 2.7.0}: authentication succeeded. */
    public static final Dsn AUTHENTICATED = new Dsn(2, 7, 0);

    // Failures, named as RFC 3463 (and RFC 4954, 6531, 7372, 7505) names them, each in its
    // permanent form (5.x.x); temporary() gives the 4.x.x twin, asClassOf(code) the class of a reply code.
    /** {@code 5.0.0} other or undefined status. */
    public static final Dsn OTHER_UNDEFINED = new Dsn(5, 0, 0);
    /** {@code 5.1.0} other address status. */
    public static final Dsn OTHER_ADDRESS = new Dsn(5, 1, 0);
    /** {@code 5.1.1} bad destination mailbox address: user unknown. */
    public static final Dsn BAD_DESTINATION_MAILBOX = new Dsn(5, 1, 1);
    /** {@code 5.1.2} bad destination system address: domain unknown. */
    public static final Dsn BAD_DESTINATION_SYSTEM = new Dsn(5, 1, 2);
    /** {@code 5.1.3} bad destination mailbox address syntax. */
    public static final Dsn BAD_DESTINATION_SYNTAX = new Dsn(5, 1, 3);
    /** {@code 5.1.7} bad sender's mailbox address syntax (also: sender unverified). */
    public static final Dsn BAD_SENDER_MAILBOX = new Dsn(5, 1, 7);
    /** {@code 5.1.8} bad sender's system address: the sender's domain unknown. */
    public static final Dsn BAD_SENDER_SYSTEM = new Dsn(5, 1, 8);
    /** {@code 5.1.10} recipient address has null MX (RFC 7505). */
    public static final Dsn RECIPIENT_NULL_MX = new Dsn(5, 1, 10);
    /** {@code 5.2.0} other or undefined mailbox status. */
    public static final Dsn OTHER_MAILBOX = new Dsn(5, 2, 0);
    /** {@code 5.2.2} mailbox full. */
    public static final Dsn MAILBOX_FULL = new Dsn(5, 2, 2);
    /** {@code 5.2.3} message length exceeds administrative limit. */
    public static final Dsn MESSAGE_LENGTH_EXCEEDS_LIMIT = new Dsn(5, 2, 3);
    /** {@code 5.3.0} other or undefined mail system status: Postfix's catch-all permanent failure of the mail system. */
    public static final Dsn PERMANENT_SYSTEM_ERROR = new Dsn(5, 3, 0);
    /** {@code 4.3.0}: Postfix's catch-all temporary failure of the mail system (an agent failed, a lookup failed). */
    public static final Dsn TEMPORARY_SYSTEM_ERROR = new Dsn(4, 3, 0);
    /** {@code 5.3.1} mail system full. */
    public static final Dsn MAIL_SYSTEM_FULL = new Dsn(5, 3, 1);
    /** {@code 5.3.2} system not accepting network messages. */
    public static final Dsn SYSTEM_NOT_ACCEPTING = new Dsn(5, 3, 2);
    /** {@code 5.3.4} message too big for system. */
    public static final Dsn MESSAGE_TOO_BIG = new Dsn(5, 3, 4);
    /** {@code 5.3.5} system incorrectly configured. */
    public static final Dsn SYSTEM_MISCONFIGURED = new Dsn(5, 3, 5);
    /** {@code 5.4.0} other or undefined network or routing status. */
    public static final Dsn OTHER_NETWORK = new Dsn(5, 4, 0);
    /** {@code 5.4.1} no answer from host. */
    public static final Dsn NO_ANSWER_FROM_HOST = new Dsn(5, 4, 1);
    /** {@code 5.4.2} bad connection. */
    public static final Dsn BAD_CONNECTION = new Dsn(5, 4, 2);
    /** {@code 5.4.3} directory server failure (DNS). */
    public static final Dsn DIRECTORY_SERVER_FAILURE = new Dsn(5, 4, 3);
    /** {@code 5.4.4} unable to route. */
    public static final Dsn UNABLE_TO_ROUTE = new Dsn(5, 4, 4);
    /** {@code 5.4.6} routing loop detected. */
    public static final Dsn ROUTING_LOOP = new Dsn(5, 4, 6);
    /** {@code 5.5.0} other or undefined protocol status. */
    public static final Dsn OTHER_PROTOCOL = new Dsn(5, 5, 0);
    /** {@code 5.5.1} invalid command. */
    public static final Dsn INVALID_COMMAND = new Dsn(5, 5, 1);
    /** {@code 5.5.2} syntax error. */
    public static final Dsn SYNTAX_ERROR = new Dsn(5, 5, 2);
    /** {@code 5.5.3} too many recipients. */
    public static final Dsn TOO_MANY_RECIPIENTS = new Dsn(5, 5, 3);
    /** {@code 5.5.4} invalid command arguments. */
    public static final Dsn INVALID_ARGUMENTS = new Dsn(5, 5, 4);
    /** {@code 5.5.6} authentication exchange line too long (RFC 4954). */
    public static final Dsn AUTH_LINE_TOO_LONG = new Dsn(5, 5, 6);
    /** {@code 5.6.0} other or undefined media error. */
    public static final Dsn OTHER_MEDIA = new Dsn(5, 6, 0);
    /** {@code 5.6.7} non-ASCII addresses not permitted (RFC 6531). */
    public static final Dsn NON_ASCII_ADDRESS = new Dsn(5, 6, 7);
    /** {@code 5.7.0} other or undefined security status. */
    public static final Dsn OTHER_SECURITY = new Dsn(5, 7, 0);
    /** {@code 5.7.1} delivery not authorized, message refused. */
    public static final Dsn NOT_AUTHORIZED = new Dsn(5, 7, 1);
    /** {@code 5.7.4} security features not supported. */
    public static final Dsn SECURITY_NOT_SUPPORTED = new Dsn(5, 7, 4);
    /** {@code 5.7.5} cryptographic failure. */
    public static final Dsn CRYPTOGRAPHIC_FAILURE = new Dsn(5, 7, 5);
    /** {@code 5.7.8} authentication credentials invalid (RFC 4954). */
    public static final Dsn AUTH_CREDENTIALS_INVALID = new Dsn(5, 7, 8);
    /** {@code 5.7.25} reverse DNS validation failed (RFC 7372). */
    public static final Dsn REVERSE_DNS_FAILED = new Dsn(5, 7, 25);
    /** {@code 5.7.27} sender address has null MX (RFC 7505). */
    public static final Dsn SENDER_NULL_MX = new Dsn(5, 7, 27);

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
    public boolean isTemporary() {
        return statusClass == 4;
    }

    /** True for class 5: the message comes back. */
    public boolean isPermanent() {
        return statusClass == 5;
    }

    /** The same subject and detail in class 4: {@code 4.7.1} for {@link #NOT_AUTHORIZED}. */
    public Dsn temporary() {
        return withClass(4);
    }

    /** The same subject and detail in the class of an SMTP reply code ({@code 4.7.1} for 450, {@code 5.7.1} for 550). */
    public Dsn asClassOf(int replyCode) {
        return withClass(replyCode / 100);
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
