package mta.verify;

import mta.queue.VerifyClient.Status;

/**
 * VerifyEntry - one address's record in the verification cache: {@code status:probed:updated:text}.
 *
 * <p>The value format is Postfix's (status as a DEL_RCPT_STAT number, times in seconds since the
 * epoch): {@code probed} is when the outstanding probe was sent (0: none), {@code updated} when a
 * probe's answer came (0: none yet, the status is then {@link Status#TODO}), {@code text} what
 * explains the status. Pure data: {@link VerifySettings} says when an entry expires or is due.
 *
 * @param status  what is known
 * @param probed  when the probe in flight was sent; 0 when none is
 * @param updated when the last answer came; 0 when none has
 * @param text    the reason: a server's reply, "delivers to mailbox", "Address verification in progress"
 */
record VerifyEntry(Status status, long probed, long updated, String text) {
    /** The text of an address whose first probe is on its way (Postfix's words). */
    static final String IN_PROGRESS = "Address verification in progress";

    /** Nothing known: a probe is needed. */
    static VerifyEntry unknown() {
        return new VerifyEntry(Status.TODO, 0, 0, IN_PROGRESS);
    }

    /** The stored form. */
    String format() {
        return status.code + ":" + probed + ":" + updated + ":" + text;
    }

    /** The entry stored as {@code raw}, or null when it is not one (a broken or foreign value). */
    static VerifyEntry parse(String raw) {
        if (raw == null) return null;
        String[] f = raw.split(":", 4);
        if (f.length < 4) return null;
        try {
            Status st = Status.of(Integer.parseInt(f[0]));
            long probed = Long.parseLong(f[1]);
            long updated = Long.parseLong(f[2]);
            // a record without either time was never written: something else is in the table
            if (st == null || probed < 0 || updated < 0 || (probed == 0 && updated == 0)) return null;
            return new VerifyEntry(st, probed, updated, f[3]);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The same entry, with a probe sent at {@code when}. */
    VerifyEntry probedAt(long when) {
        return new VerifyEntry(status, when, updated, text);
    }
}
