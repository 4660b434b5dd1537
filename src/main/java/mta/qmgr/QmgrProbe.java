package mta.qmgr;

import java.io.IOException;
import mta.deliver.DeliveryStatus;
import mta.deliver.Recipient;
import mta.queue.VerifyClient;
import mta.queue.VerifyClient.Status;
import mta.util.MailLog;

/**
 * QmgrProbe - what becomes of an address verification probe's results (Postfix's verify_append).
 *
 * <p>Reads one {@link DeliveryStatus} of a probe; writes the result to the verify service, under
 * the address that was probed (the original recipient, before canonical and virtual alias
 * mapping) and, for a deliverable one, under the address it became too. Returns the word that
 * takes the place of {@code sent}, {@code deferred} or {@code bounced} in the delivery log line:
 * {@code deliverable}, {@code undeliverable}, or {@code undeliverable-but-not-cached} when the
 * service keeps no failures ({@code address_verify_negative_cache = no}). Whatever the outcome,
 * the recipient is finished: a probe is never retried, bounced or delivered.
 */
final class QmgrProbe {
    private QmgrProbe() {}

    /** The cache status of an agent's outcome: sent is deliverable, bounced and deferred are not. */
    static Status status(DeliveryStatus st) {
        return switch (st.outcome()) {
            case SENT -> Status.OK;
            case BOUNCED -> Status.BOUNCE;
            case DEFERRED -> Status.DEFER;
        };
    }

    /** Records one result; returns the log word. A missing or failing service is logged and the result dropped. */
    static String record(VerifyClient verify, String queueId, DeliveryStatus st, MailLog.Channel log) {
        Status status = status(st);
        if (verify == null) {
            log.warn(queueId + ": no verify service for the result of an address verification probe");
            return status.logWord();
        }
        Recipient r = st.recipient();
        try {
            String probed = r.original() != null ? r.original() : r.address();
            boolean kept = verify.update(probed, status, st.reason());
            if (kept && status == Status.OK && !probed.equalsIgnoreCase(r.address())) {
                verify.update(r.address(), status, st.reason());
            }
            return kept ? status.logWord() : "undeliverable-but-not-cached";
        } catch (IOException e) {
            log.warn(queueId + ": verify service failure: " + e.getMessage());
            return status.logWord();
        }
    }
}
