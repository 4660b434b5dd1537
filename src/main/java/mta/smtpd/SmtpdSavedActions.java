package mta.smtpd;

import java.util.ArrayList;
import java.util.List;

/**
 * SmtpdSavedActions - what access table and policy actions asked of the current message.
 *
 * <p>Written by {@link SmtpdCheck} as restrictions answer (Postfix's saved flags, saved redirect,
 * saved BCC and prepend list); read by {@link SmtpdTransaction} when the content starts:
 * {@code PREPEND} headers go above our {@code Received:} header, {@code BCC} addresses become
 * extra recipients (NOTIFY=NEVER), {@code HOLD} and {@code REDIRECT} are handed to cleanup, and
 * {@code DISCARD} makes the server claim delivery and drop the message. One per mail transaction.
 */
final class SmtpdSavedActions {
    /** HOLD: the message goes to the hold queue. */
    boolean hold;
    /** DISCARD: the message is accepted and thrown away; later restrictions are skipped. */
    boolean discard;
    /** REDIRECT: every recipient is replaced by this address (the last REDIRECT wins). */
    String redirect;
    /** BCC: extra recipients. */
    final List<String> bcc = new ArrayList<>();
    /** PREPEND: header lines to put above our Received: header, in order. */
    final List<String> prepend = new ArrayList<>();
    /** A BCC address that could not be looked up (virtual aliases): the message is refused for now. */
    String lookupFailed;
}
