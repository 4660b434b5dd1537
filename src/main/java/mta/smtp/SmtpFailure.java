package mta.smtp;

import java.util.List;
import mta.deliver.DeliveryStatus;
import mta.deliver.DeliveryStatus.Outcome;
import mta.deliver.DeliveryStatus.Stage;
import mta.deliver.Recipient;
import mta.mail.Dsn;

/**
 * SmtpFailure - a failure that applies to every recipient of a delivery attempt.
 *
 * <p>Raised while finding or greeting a server (DNS errors, refused connections, a rejected
 * greeting); {@link #statuses} turns it into one {@link DeliveryStatus} per recipient. The
 * reason is already in Postfix's words ({@code connect to mx.example.com[192.0.2.1]:25:
 * Connection refused}).
 */
final class SmtpFailure extends Exception {
    private final Outcome outcome;
    private final Dsn dsn;
    private final String relay;
    private final String reason;
    /** A TLS handshake failed at level may: the same server deserves a plaintext try. */
    private final boolean retryInPlaintext;
    /** The stage of the dialogue that failed. */
    private final Stage stage;

    SmtpFailure(Outcome outcome, Dsn dsn, String relay, String reason) {
        this(outcome, dsn, relay, reason, false, Stage.NONE);
    }

    private SmtpFailure(Outcome outcome, Dsn dsn, String relay, String reason, boolean retryInPlaintext,
                        Stage stage) {
        super(reason, null, false, false);
        this.outcome = outcome;
        this.dsn = dsn;
        this.relay = relay;
        this.reason = reason;
        this.retryInPlaintext = retryInPlaintext;
        this.stage = stage;
    }

    /** The same failure, of {@code s}. */
    SmtpFailure at(Stage s) {
        return new SmtpFailure(outcome, dsn, relay, reason, retryInPlaintext, s);
    }

    /** The TLS handshake failed; at level may the caller connects again without TLS. */
    static SmtpFailure tlsHandshake(MailHost host, String reason, boolean retryInPlaintext) {
        return new SmtpFailure(Outcome.DEFERRED, Dsn.CRYPTOGRAPHIC_FAILURE.temporary(), host.relay(), reason, retryInPlaintext, Stage.HELO);
    }

    boolean retryInPlaintext() {
        return retryInPlaintext;
    }

    Dsn dsn() {
        return dsn;
    }

    static SmtpFailure deferred(Dsn dsn, String relay, String reason) {
        return new SmtpFailure(Outcome.DEFERRED, dsn, relay, reason);
    }

    static SmtpFailure bounced(Dsn dsn, String relay, String reason) {
        return new SmtpFailure(Outcome.BOUNCED, dsn, relay, reason);
    }

    /** A failure of the remote side, bounced for 5xx and deferred otherwise. */
    static SmtpFailure fromReply(MailHost host, ServerReply reply, String reason) {
        Outcome o = reply.isPermanent() ? Outcome.BOUNCED : Outcome.DEFERRED;
        Dsn dsn = reply.isPositive() ? Dsn.OTHER_PROTOCOL.temporary() : reply.dsn(); // a 2xx where none belongs is a protocol error
        return new SmtpFailure(o, dsn, host.relay(), reason);
    }

    /** The server's reply at {@code phase}: "host X said: ... (in reply to ... command)". */
    static SmtpFailure fromReply(MailHost host, ServerReply reply, SmtpPhase phase) {
        return fromReply(host, reply, Reasons.said(host, reply, phase)).at(phase.stage);
    }

    Outcome outcome() {
        return outcome;
    }

    DeliveryStatus status(Recipient r, double connectSeconds, double transferSeconds) {
        return new DeliveryStatus(r, outcome, dsn, relay, reason, connectSeconds, transferSeconds).at(stage);
    }

    List<DeliveryStatus> statuses(List<Recipient> recipients, double connectSeconds) {
        return recipients.stream().map(r -> status(r, connectSeconds, 0)).toList();
    }
}
