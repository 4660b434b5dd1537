package mta.smtp;

import java.io.IOException;

/**
 * PeerException - the remote SMTP server's side of the connection failed: timeout, lost
 * connection, or a reply that is not SMTP.
 *
 * <p>Thrown by {@link SmtpConnection}; an IOException so that it can pass through the queue file
 * line reader while content is sent. Any other IOException during a delivery is a local problem
 * (reading the queue file), which the session tells apart by this type.
 */
final class PeerException extends IOException {
    /** What went wrong, which decides the wording of the reason. */
    enum Kind { TIMEOUT, LOST, MALFORMED }

    private final Kind kind;

    PeerException(Kind kind, String detail) {
        super(detail);
        this.kind = kind;
    }

    Kind kind() {
        return kind;
    }
}
