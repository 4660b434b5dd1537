package mta.deliver;

import java.util.List;
import mta.mail.Dsn;


/**
 * DeliveryStatus - the outcome for one recipient of one delivery attempt.
 *
 * <p>Written by a delivery agent, read by the queue manager, which logs it, crosses off the
 * recipient, defers the message or sends a bounce. {@code dsn} is the RFC 3463 status
 * ({@link Dsn#OK}, {@code 4.4.1}, {@link Dsn#BAD_DESTINATION_MAILBOX}), made from text only where
 * a status comes in from outside (a remote server's reply, {@link DeliveryProtocol}); {@code relay} is what the log shows after
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
 * ({@link DeliveryPass}): the queue manager applies the status without logging it again. {@code stage}
 * is where a deferral or bounce came from, and so whose fault it is ({@link #fault}): the queue
 * manager backs off from a destination only for the destination's failures.
 */
public record DeliveryStatus(Recipient recipient, Outcome outcome, Dsn dsn, String relay,
                             String reason, double connectSeconds, double transferSeconds, boolean dsnPassedOn,
                             int connUse, boolean finalDelivery, boolean logged, Stage stage) {

    public DeliveryStatus(Recipient recipient, Outcome outcome, Dsn dsn, String relay, String reason,
                          double connectSeconds, double transferSeconds, boolean dsnPassedOn, int connUse,
                          boolean finalDelivery, boolean logged) {
        this(recipient, outcome, dsn, relay, reason, connectSeconds, transferSeconds, dsnPassedOn, connUse,
                finalDelivery, logged, Stage.NONE);
    }

    public DeliveryStatus(Recipient recipient, Outcome outcome, Dsn dsn, String relay, String reason,
                          double connectSeconds, double transferSeconds, boolean dsnPassedOn, int connUse,
                          boolean finalDelivery) {
        this(recipient, outcome, dsn, relay, reason, connectSeconds, transferSeconds, dsnPassedOn, connUse, finalDelivery,
                false);
    }

    public DeliveryStatus(Recipient recipient, Outcome outcome, Dsn dsn, String relay, String reason,
                          double connectSeconds, double transferSeconds, boolean dsnPassedOn, int connUse) {
        this(recipient, outcome, dsn, relay, reason, connectSeconds, transferSeconds, dsnPassedOn, connUse, false);
    }

    public DeliveryStatus(Recipient recipient, Outcome outcome, Dsn dsn, String relay, String reason,
                          double connectSeconds, double transferSeconds, boolean dsnPassedOn) {
        this(recipient, outcome, dsn, relay, reason, connectSeconds, transferSeconds, dsnPassedOn, 0);
    }

    public DeliveryStatus(Recipient recipient, Outcome outcome, Dsn dsn, String relay, String reason,
                          double connectSeconds, double transferSeconds) {
        this(recipient, outcome, dsn, relay, reason, connectSeconds, transferSeconds, false);
    }

    /**
     * The step of a delivery that a status comes from: a remote server's reply to one of the
     * SMTP stages, or the delivery itself by an agent on this host (local, virtual, pipe).
     * {@code NONE}: no step in particular (no server reached, the agent could not run).
     */
    public enum Stage {
        NONE, CONNECT, GREETING, HELO, MAIL, RCPT, DATA, DELIVERY
    }

    /** Whose failure a deferral or bounce is. */
    public enum Fault {
        /** The destination's: its other recipients would fare the same (the queue manager backs off). */
        DESTINATION,
        /** This recipient's alone: a server's reply to RCPT TO, or the delivery by an agent on this host. */
        RECIPIENT
    }

    /** Whose failure this status is: the recipient's after RCPT TO or a delivery on this host. */
    public Fault fault() {
        return stage == Stage.RCPT || stage == Stage.DELIVERY ? Fault.RECIPIENT : Fault.DESTINATION;
    }

    /** The same status, from {@code s}. */
    public DeliveryStatus at(Stage s) {
        return new DeliveryStatus(recipient, outcome, dsn, relay, reason, connectSeconds, transferSeconds, dsnPassedOn,
                connUse, finalDelivery, logged, s);
    }

    /** The same statuses, from {@code s}. */
    public static List<DeliveryStatus> at(Stage s, List<DeliveryStatus> statuses) {
        return statuses.stream().map(st -> st.at(s)).toList();
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
        return new DeliveryStatus(r, Outcome.SENT, Dsn.OK, relay, reason, c, d);
    }

    public static DeliveryStatus deferred(Recipient r, Dsn dsn, String relay, String reason) {
        return new DeliveryStatus(r, Outcome.DEFERRED, dsn, relay, reason, 0, 0);
    }

    public static DeliveryStatus bounced(Recipient r, Dsn dsn, String relay, String reason) {
        return new DeliveryStatus(r, Outcome.BOUNCED, dsn, relay, reason, 0, 0);
    }

    /** The same status, marked as sent over the {@code n}th use of a connection. */
    public DeliveryStatus withConnUse(int n) {
        return new DeliveryStatus(recipient, outcome, dsn, relay, reason, connectSeconds, transferSeconds, dsnPassedOn,
                n, finalDelivery, logged, stage);
    }

    /** The same status, marked as a final delivery ({@code Action: delivered} in a success notice). */
    public DeliveryStatus asFinalDelivery() {
        return new DeliveryStatus(recipient, outcome, dsn, relay, reason, connectSeconds, transferSeconds, dsnPassedOn,
                connUse, true, logged, stage);
    }

    /** The same status, marked as already written to the log by the agent that made it. */
    public DeliveryStatus asLogged() {
        return new DeliveryStatus(recipient, outcome, dsn, relay, reason, connectSeconds, transferSeconds, dsnPassedOn,
                connUse, finalDelivery, true, stage);
    }

    /** The same status for another recipient (the queue file's, for one that aliases led to). */
    public DeliveryStatus forRecipient(Recipient r) {
        return new DeliveryStatus(r, outcome, dsn, relay, reason, connectSeconds, transferSeconds, dsnPassedOn,
                connUse, finalDelivery, logged, stage);
    }
}
