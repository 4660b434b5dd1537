package mta.cleanup;

import mta.mail.Reply;

/**
 * CleanupException - a message could not be queued; carries the SMTP reply that says why.
 *
 * <p>smtpd sends the reply as is; sendmail maps it to an exit code.
 */
public class CleanupException extends Exception {
    private final Reply reply;

    public CleanupException(Reply reply, String message, Throwable cause) {
        super(message, cause);
        this.reply = reply;
    }

    public Reply reply() {
        return reply;
    }
}
