package mta.local;

import mta.deliver.DeliveryStatus.Outcome;

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
 */
record LocalResult(Outcome outcome, String dsn, String reason) {
    static LocalResult sent(String reason) {
        return new LocalResult(Outcome.SENT, "2.0.0", reason);
    }

    static LocalResult deferred(String dsn, String reason) {
        return new LocalResult(Outcome.DEFERRED, dsn, reason);
    }

    static LocalResult bounced(String dsn, String reason) {
        return new LocalResult(Outcome.BOUNCED, dsn, reason);
    }

    /** A result whose outcome follows the first digit of {@code dsn} (4 deferred, 5 bounced). */
    static LocalResult failed(String dsn, String reason) {
        return dsn.startsWith("4") ? deferred(dsn, reason) : bounced(dsn, reason);
    }

    /**
     * The recipient's result: deferred if any delivery was deferred (the whole recipient is tried
     * again later), else bounced if any bounced, else sent. Texts of the deciding kind are joined.
     */
    static LocalResult combine(java.util.List<LocalResult> results) {
        for (Outcome o : new Outcome[] {Outcome.DEFERRED, Outcome.BOUNCED, Outcome.SENT}) {
            java.util.LinkedHashSet<String> reasons = new java.util.LinkedHashSet<>();
            String dsn = null;
            for (LocalResult r : results) {
                if (r.outcome != o) continue;
                if (dsn == null) dsn = r.dsn;
                reasons.add(r.reason);
            }
            if (dsn != null) return new LocalResult(o, dsn, String.join("; ", reasons));
        }
        throw new IllegalStateException("no delivery result");
    }
}
