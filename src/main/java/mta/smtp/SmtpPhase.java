package mta.smtp;

/**
 * SmtpPhase - the steps of an SMTP client dialogue, with the words reasons use for each.
 *
 * <p>One row per step: what the client was doing (for "lost connection with X while ..." and
 * "conversation with X timed out while ...") and the command the reply answers (for "(in reply
 * to ... command)"). The time limit of each step is in {@link SmtpTimeouts}.
 */
enum SmtpPhase {
    GREETING("receiving the initial server greeting", null),
    EHLO("performing the EHLO handshake", "EHLO"),
    HELO("performing the HELO handshake", "HELO"),
    LHLO("performing the LHLO handshake", "LHLO"),
    STARTTLS("sending STARTTLS", "STARTTLS"),
    AUTH("performing the SASL authentication", "AUTH"),
    RSET("sending RSET", "RSET"),
    MAIL("sending MAIL FROM", "MAIL FROM"),
    RCPT("sending RCPT TO", "RCPT TO"),
    DATA("sending DATA command", "DATA"),
    BODY("sending message body", "end of DATA"),
    DOT("sending end of data -- message may be sent more than once", "end of DATA"),
    QUIT("sending QUIT", "QUIT");

    /** Completes "while ...". */
    final String doing;
    /** Completes "(in reply to ... command)"; null for the greeting. */
    final String command;

    SmtpPhase(String doing, String command) {
        this.doing = doing;
        this.command = command;
    }
}
