package mta.bounce;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DsnRecipient - one recipient's lines in a delivery status notification.
 *
 * <p>Written by the queue manager from a delivery agent's status, read by {@link DsnMessage}. The
 * fields are plain text so that bounce does not depend on the delivery layer: {@code status} is the
 * RFC 3463 code, {@code action} is {@code failed} or {@code delayed}, {@code relay} is what the log
 * shows after {@code relay=} ({@code mx.example.com[192.0.2.1]:25}, {@code local}, {@code none}).
 */
public record DsnRecipient(String address, String original, String status, String action, String reason,
                           String relay) {

    /** {@code host mx.example.com[192.0.2.1] said: 550 5.1.1 ... (in reply to RCPT TO command)}. */
    private static final Pattern SAID = Pattern.compile("host \\S+ said: (.*?)(?: \\(in reply to .* command\\))?");

    /** The host name part of the relay, for {@code Remote-MTA}; null when no remote server answered. */
    public String remoteMta() {
        if (relay == null || relay.equals("none") || relay.equals("local") || relay.isEmpty()) return null;
        int bracket = relay.indexOf('[');
        return bracket > 0 ? relay.substring(0, bracket) : relay;
    }

    /** {@code smtp; 550 5.1.1 ...} when a server's reply is known, else {@code X-Postfix; <reason>}. */
    public String diagnosticCode() {
        Matcher m = SAID.matcher(reason);
        if (m.matches()) return "smtp; " + m.group(1);
        return "X-Postfix; " + reason;
    }
}
