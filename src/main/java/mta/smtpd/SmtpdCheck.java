package mta.smtpd;

import mta.mail.Address;
import mta.mail.Reply;
import mta.rewrite.Resolved;
import mta.rewrite.TrivialRewrite;

/**
 * SmtpdCheck - the access decision for a recipient: may this client send mail there?
 *
 * <p>Reads the client's facts from {@link SmtpdState} and the destination class from
 * {@link TrivialRewrite}. For now the policy is Postfix's essential relay rule,
 * {@code permit_mynetworks, reject_unauth_destination}: trusted clients may send anywhere; others
 * only to our own domains and to {@code relay_domains}. Returns null to accept, or the reject reply.
 */
final class SmtpdCheck {
    private final TrivialRewrite rewrite;

    SmtpdCheck(TrivialRewrite rewrite) {
        this.rewrite = rewrite;
    }

    Reply checkRecipient(SmtpdState.Client client, Address rcpt) {
        if (client.inMynetworks) return null;                                  // permit_mynetworks
        String local = rcpt.localPart();
        if (local.indexOf('@') >= 0 || local.indexOf('%') >= 0 || local.indexOf('!') >= 0) {
            // Sender-specified routing (user%remote@ours, "user@remote"@ours, remote!user@ours):
            // never trusted from outside, whatever the domain (allow_untrusted_routing = no).
            return Reply.relayDenied(rcpt.toString());
        }
        Resolved r = rewrite.resolve(rcpt);
        if (r.destinationClass() != Resolved.DestinationClass.DEFAULT) return null; // permit_auth_destination
        return Reply.relayDenied(rcpt.toString());                             // reject_unauth_destination
    }
}
