package mta.deliver;


/**
 * DeliveryStatus - the outcome for one recipient of one delivery attempt.
 *
 * <p>Written by a delivery agent, read by the queue manager, which logs it, crosses off the
 * recipient, defers the message or sends a bounce. {@code dsn} is the RFC 3463 status
 * ({@code 2.0.0}, {@code 4.4.1}, {@code 5.1.1}); {@code relay} is what the log shows after
 * {@code relay=} ({@code local}, {@code host[ip]:port}, {@code none}); {@code reason} is the text
 * in parentheses after the status. {@code connectSeconds} and {@code transferSeconds} are the
 * third and fourth parts of the log's {@code delays=}. {@code dsnPassedOn} is true when the
 * recipient's RFC 3461 request went on to a next hop that offers DSN: from there on, success
 * reports are that system's business, not ours. {@code connUse} is how many times the SMTP client
 * has used the connection this status came over (1 for a fresh one, 0 when there was none); the
 * log shows {@code conn_use=N} when it is above 1, as Postfix does. {@code finalDelivery} is true
 * when the agent handed the message to its final destination (a pipe command with flag {@code X}):
 * a success notice then says {@code Action: delivered}, not {@code relayed}. {@code logged} is true
 * when the status line is already in the log, written by the transport a recipient was handed to
 * ({@link DeliveryPass}): the queue manager applies the status without logging it again.
 */
public record DeliveryStatus(Recipient recipient, Outcome outcome, String dsn, String relay,
                             String reason, double connectSeconds, double transferSeconds, boolean dsnPassedOn,
                             int connUse, boolean finalDelivery, boolean logged) {

    public DeliveryStatus(Recipient recipient, Outcome outcome, String dsn, String relay, String reason,
                          double connectSeconds, double transferSeconds, boolean dsnPassedOn, int connUse,
                          boolean finalDelivery) {
        this(recipient, outcome, dsn, relay, reason, connectSeconds, transferSeconds, dsnPassedOn, connUse, finalDelivery,
                false);
    }

    public DeliveryStatus(Recipient recipient, Outcome outcome, String dsn, String relay, String reason,
                          double connectSeconds, double transferSeconds, boolean dsnPassedOn, int connUse) {
        this(recipient, outcome, dsn, relay, reason, connectSeconds, transferSeconds, dsnPassedOn, connUse, false);
    }

    public DeliveryStatus(Recipient recipient, Outcome outcome, String dsn, String relay, String reason,
                          double connectSeconds, double transferSeconds, boolean dsnPassedOn) {
        this(recipient, outcome, dsn, relay, reason, connectSeconds, transferSeconds, dsnPassedOn, 0);
    }

    public DeliveryStatus(Recipient recipient, Outcome outcome, String dsn, String relay, String reason,
                          double connectSeconds, double transferSeconds) {
        this(recipient, outcome, dsn, relay, reason, connectSeconds, transferSeconds, false);
    }

    /** What happened, which decides what the queue manager does next. */
    public enum Outcome {
        SENT("sent"), DEFERRED("deferred"), BOUNCED("bounced");

        public final String logWord;

        Outcome(String logWord) {
            this.logWord = logWord;
        }
    }

    public static DeliveryStatus sent(Recipient r, String relay, String reason, double c, double d) {
        return new DeliveryStatus(r, Outcome.SENT, "2.0.0", relay, reason, c, d);
    }

    public static DeliveryStatus deferred(Recipient r, String dsn, String relay, String reason) {
        return new DeliveryStatus(r, Outcome.DEFERRED, dsn, relay, reason, 0, 0);
    }

    public static DeliveryStatus bounced(Recipient r, String dsn, String relay, String reason) {
        return new DeliveryStatus(r, Outcome.BOUNCED, dsn, relay, reason, 0, 0);
    }

    /** The same status, marked as sent over the {@code n}th use of a connection. */
    public DeliveryStatus withConnUse(int n) {
        return new DeliveryStatus(recipient, outcome, dsn, relay, reason, connectSeconds, transferSeconds, dsnPassedOn,
                n, finalDelivery, logged);
    }

    /** The same status, marked as a final delivery ({@code Action: delivered} in a success notice). */
    public DeliveryStatus asFinalDelivery() {
        return new DeliveryStatus(recipient, outcome, dsn, relay, reason, connectSeconds, transferSeconds, dsnPassedOn,
                connUse, true, logged);
    }

    /** The same status, marked as already written to the log by the agent that made it. */
    public DeliveryStatus asLogged() {
        return new DeliveryStatus(recipient, outcome, dsn, relay, reason, connectSeconds, transferSeconds, dsnPassedOn,
                connUse, finalDelivery, true);
    }

    /** The same status for another recipient (the queue file's, for one that aliases led to). */
    public DeliveryStatus forRecipient(Recipient r) {
        return new DeliveryStatus(r, outcome, dsn, relay, reason, connectSeconds, transferSeconds, dsnPassedOn,
                connUse, finalDelivery, logged);
    }

    /** The same status with the DSN code taken from an SMTP reply ("550 5.1.1 ..."), if it has one. */
    public static String dsnFromReply(int code, String text, String fallback) {
        if (text != null) {
            String t = text.strip();
            int sp = t.indexOf(' ');
            String first = sp < 0 ? t : t.substring(0, sp);
            if (first.matches("[245]\\.\\d{1,3}\\.\\d{1,3}") && first.charAt(0) == Character.forDigit(code / 100, 10)) {
                return first;
            }
        }
        return fallback;
    }
}
