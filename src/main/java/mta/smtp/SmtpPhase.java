package mta.smtp;

import mta.deliver.DeliveryStatus.Stage;

/**
 * SmtpPhase - the steps of an SMTP client dialogue, with the words reasons use for each.
 *
 * <p>One row per step: what the client was doing (for "lost connection with X while ..." and
 * "conversation with X timed out while ...") and the command the reply answers (for "(in reply
 * to ... command)"). The time limit of each step is in {@link SmtpTimeouts}.
 */
enum SmtpPhase {
    GREETING("receiving the initial server greeting", null, Stage.GREETING),
    EHLO("performing the EHLO handshake", "EHLO", Stage.HELO),
    HELO("performing the HELO handshake", "HELO", Stage.HELO),
    LHLO("performing the LHLO handshake", "LHLO", Stage.HELO),
    STARTTLS("sending STARTTLS", "STARTTLS", Stage.HELO),
    AUTH("performing the SASL authentication", "AUTH", Stage.HELO),
    RSET("sending RSET", "RSET", Stage.MAIL),
    MAIL("sending MAIL FROM", "MAIL FROM", Stage.MAIL),
    RCPT("sending RCPT TO", "RCPT TO", Stage.RCPT),
    DATA("sending DATA command", "DATA", Stage.DATA),
    BODY("sending message body", "end of DATA", Stage.DATA),
    DOT("sending end of data -- message may be sent more than once", "end of DATA", Stage.DATA),
    QUIT("sending QUIT", "QUIT", Stage.NONE);

    /** Completes "while ...". */
    final String doing;
    /** Completes "(in reply to ... command)"; null for the greeting. */
    final String command;
    /** The stage a failure here is reported from (a reply to RCPT TO is the recipient's fault). */
    final Stage stage;

    SmtpPhase(String doing, String command, Stage stage) {
        this.doing = doing;
        this.command = command;
        this.stage = stage;
    }
}
