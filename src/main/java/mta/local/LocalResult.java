package mta.local;

import mta.deliver.DeliveryStatus;
import mta.deliver.DeliveryStatus.Outcome;
import mta.mail.Dsn;

/**
 * LocalResult - the outcome of one delivery that local made for a recipient (one mailbox, file,
 * command or forward).
 *
 * <p>Reads and writes nothing. One queue recipient can expand into many deliveries; the agent
 * combines their results into the recipient's one status ({@link #combine}).
 *
 * @param outcome sent, deferred or bounced
 * @param dsn     the RFC 3463 status, such as {@code 2.0.0} or {@code 5.1.1}
 * @param reason  the text for the log and the bounce, such as {@code delivered to mailbox}
 * @param passed  for a delivery handed to another transport (mailbox_transport), that transport's
 *                status; null for local's own deliveries
 */
record LocalResult(Outcome outcome, Dsn dsn, String reason, DeliveryStatus passed) {
    LocalResult(Outcome outcome, Dsn dsn, String reason) {
        this(outcome, dsn, reason, null);
    }

    /** The result of a hand-over to another transport: that transport's status. */
    static LocalResult passed(DeliveryStatus st) {
        return new LocalResult(st.outcome(), st.dsn(), st.reason(), st);
    }

    static LocalResult sent(String reason) {
        return new LocalResult(Outcome.SENT, Dsn.OK, reason);
    }

    static LocalResult deferred(Dsn dsn, String reason) {
        return new LocalResult(Outcome.DEFERRED, dsn, reason);
    }

    static LocalResult bounced(Dsn dsn, String reason) {
        return new LocalResult(Outcome.BOUNCED, dsn, reason);
    }

    /** A result whose outcome follows the first digit of {@code dsn} (4 deferred, 5 bounced). */
    static LocalResult failed(Dsn dsn, String reason) {
        return dsn.isTemporary() ? deferred(dsn, reason) : bounced(dsn, reason);
    }

    /**
     * The recipient's result: deferred if any delivery was deferred (the whole recipient is tried
     * again later), else bounced if any bounced, else sent. Texts of the deciding kind are joined.
     * When every delivery was handed to another transport, the result is the first deciding
     * hand-over's status (whose line that transport has logged).
     */
    static LocalResult combine(java.util.List<LocalResult> results) {
        boolean allPassed = results.stream().allMatch(r -> r.passed != null);
        for (Outcome o : new Outcome[] {Outcome.DEFERRED, Outcome.BOUNCED, Outcome.SENT}) {
            java.util.LinkedHashSet<String> reasons = new java.util.LinkedHashSet<>();
            Dsn dsn = null;
            DeliveryStatus first = null;
            for (LocalResult r : results) {
                if (r.outcome != o) continue;
                if (dsn == null) {
                    dsn = r.dsn;
                    first = r.passed;
                }
                reasons.add(r.reason);
            }
            if (dsn != null) return new LocalResult(o, dsn, String.join("; ", reasons), allPassed ? first : null);
        }
        throw new IllegalStateException("no delivery result");
    }
}
