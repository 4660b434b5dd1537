package mta.smtpd;

import mta.mail.Reply;

/**
 * SmtpdDeferIf - the armed deferrals of DEFER_IF_PERMIT and DEFER_IF_REJECT (restriction words or
 * access actions), as Postfix's smtpd keeps them.
 *
 * <p>Written and read by {@link SmtpdCheck} within one session. {@code defer_if_reject}: a later
 * 5xx refusal in the same protocol stage becomes this 4xx reply instead; it is forgotten at the
 * start of each stage. {@code defer_if_permit}: when the recipient (or ETRN, DATA, end of data)
 * stage ends without a refusal, this 4xx reply refuses it after all. It carries over from the
 * client to the HELO, sender and recipient stages (each stage restores what the stages before it
 * had armed, so that evaluating the delayed lists again at each RCPT TO starts from the same
 * point); the first reason armed is the one reported.
 */
final class SmtpdDeferIf {
    /** Armed by the current stage's lists, or carried over; null when not armed. */
    Reply permit;
    Reply reject;
    /** What was armed after the client, HELO and sender lists last ran. */
    Reply afterClient;
    Reply afterHelo;
    Reply afterSender;

    /** Arms defer_if_permit, keeping the first reason. */
    void armPermit(Reply r) {
        if (permit == null) permit = r;
    }

    /** Arms defer_if_reject, keeping the first reason. */
    void armReject(Reply r) {
        if (reject == null) reject = r;
    }
}
