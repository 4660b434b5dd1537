package mta.smtp;

import java.util.List;
import mta.mail.Dsn;

/**
 * ServerReply - one reply of a remote SMTP server: its code and all its lines.
 *
 * <p>Pure data, built by {@link SmtpConnection#readReply}. The lines keep their codes
 * ({@code "250-mx.example.com"}, {@code "250 SIZE 10240000"}) because Postfix shows a
 * multi-line reply that way, lines joined by spaces, in its reasons.
 */
public record ServerReply(int code, List<String> lines) {

    /** All lines joined by spaces: {@code "550-5.1.1 No such user 550 5.1.1 Try again"}. */
    public String text() {
        return String.join(" ", lines);
    }

    /** The text after the code on line {@code i} ({@code "5.1.1 No such user"}). */
    public String textOf(int i) {
        String line = lines.get(i);
        return line.length() > 4 ? line.substring(4) : "";
    }

    /** The enhanced status code of the reply, or 2.0.0 / 4.0.0 / 5.0.0 by its class. */
    public Dsn dsn() {
        int cls = code / 100;
        Dsn fallback = Dsn.OTHER_UNDEFINED.withClass(cls == 2 || cls == 4 || cls == 5 ? cls : 4);
        return Dsn.ofReply(code, textOf(0)).orElse(fallback);
    }

    public boolean isPositive() {
        return code / 100 == 2;
    }

    public boolean isPermanent() {
        return code / 100 == 5;
    }
}
