package mta.smtpd;

import mta.config.Config;
import mta.config.Params;
import mta.mail.Reply;

/**
 * SmtpdReject - the reply codes the access restrictions refuse with, as configured.
 *
 * <p>Reads the {@code *_reject_code} and {@code *_defer_code} parameters once; writes nothing.
 * The reply texts themselves are in {@link Reply} ({@link Reply#rejected} and its kin), which
 * gives a 4xx reply a {@code 4.x.x} enhanced status and a 5xx reply {@code 5.x.x}.
 */
final class SmtpdReject {
    final int reject;
    final int defer;
    final int relay;
    final int accessReject;
    final int accessDefer;
    final int unknownAddress;
    final int unknownClient;
    final int unknownLocal;
    final int invalidHostname;
    final int nonFqdn;

    SmtpdReject(Config c) {
        reject = c.integer(Params.REJECT_CODE);
        defer = c.integer(Params.DEFER_CODE);
        relay = c.integer(Params.RELAY_DOMAINS_REJECT_CODE);
        accessReject = c.integer(Params.ACCESS_MAP_REJECT_CODE);
        accessDefer = c.integer(Params.ACCESS_MAP_DEFER_CODE);
        unknownAddress = c.integer(Params.UNKNOWN_ADDRESS_REJECT_CODE);
        unknownClient = c.integer(Params.UNKNOWN_CLIENT_REJECT_CODE);
        unknownLocal = c.integer(Params.UNKNOWN_LOCAL_RECIPIENT_REJECT_CODE);
        invalidHostname = c.integer(Params.INVALID_HOSTNAME_REJECT_CODE);
        nonFqdn = c.integer(Params.NON_FQDN_REJECT_CODE);
    }

    /** reject_unauth_destination, or defer_unauth_destination ({@code deferred}: the 4xx twin of the code). */
    Reply relayDenied(String rcpt, boolean deferred) {
        return Reply.relayDenied(deferred ? 400 + relay % 100 : relay, rcpt);
    }
}
