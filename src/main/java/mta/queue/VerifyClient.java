package mta.queue;

import java.time.Duration;

/**
 * VerifyClient - how smtpd and the queue manager talk to the address verification service (verify(8)).
 *
 * <p>Implemented by the verify service, which the master wires in; smtpd asks it with
 * {@link #query} (reject_unverified_recipient, reject_unverified_sender) and the queue manager
 * tells it what a probe found with {@link #update}. An {@link java.io.IOException} is a failure
 * of the service: smtpd then applies the tempfail action ("address verification problem").
 */
public interface VerifyClient {

    /** What is known of an address, as Postfix's DEL_RCPT_STAT_* (the numbers are stored in the cache). */
    enum Status {
        /** A probe was accepted: deliverable. */
        OK(0),
        /** A probe failed temporarily (server down, 4xx). */
        DEFER(1),
        /** A probe was refused (5xx, unknown user): undeliverable. */
        BOUNCE(2),
        /** Nothing is known yet; a probe is on its way. */
        TODO(3);

        public final int code;

        Status(int code) {
            this.code = code;
        }

        /** The status stored as {@code code}, or null. */
        public static Status of(int code) {
            for (Status s : values()) if (s.code == code) return s;
            return null;
        }

        /** The word of the probe's log line: {@code deliverable} or {@code undeliverable}. */
        public String logWord() {
            return this == OK ? "deliverable" : "undeliverable";
        }
    }

    /** An answer: the status and the text that explains it ("Address verification in progress", a server's reply). */
    record Result(Status status, String text) {}

    /**
     * What is known of {@code address}. When nothing usable is known, or the result is due for a
     * refresh, a probe is sent; an unknown address answers {@link Status#TODO}.
     */
    Result query(String address) throws java.io.IOException;

    /**
     * Records what a probe of {@code address} found; returns false when the result is not kept
     * (a failure with {@code address_verify_negative_cache = no}).
     */
    boolean update(String address, Status status, String text) throws java.io.IOException;

    /**
     * Waits at most {@code maxWait} for news of {@code address} (an {@link #update}); returns at
     * once when it comes. The SMTP server's poll loop waits here between its queries.
     */
    void awaitUpdate(String address, Duration maxWait) throws InterruptedException;

    /**
     * True when {@code address} is (one of the current forms of) the probe sender: mail to it
     * passes the SMTP server's recipient restrictions, so that probes answering our probes are
     * never refused.
     */
    boolean isProbeSender(String address);
}
