package mta.smtpd;

import mta.config.Config;
import mta.config.ConfigException;
import mta.config.Param;
import mta.config.Params;
import mta.mail.Reply;

/**
 * SmtpdReject - the reply codes the access restrictions refuse with, as configured.
 *
 * <p>Reads the {@code *_reject_code} and {@code *_defer_code} parameters once, and the
 * {@code unknown_*_tempfail_action} parameters; writes nothing.
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
    final int unknownHostname;
    final int unknownRelayRecipient;
    /** unknown_address_tempfail_action and unknown_helo_hostname_tempfail_action: defer at once (else defer_if_permit). */
    final boolean unknownAddressDeferAtOnce;
    final boolean unknownHostnameDeferAtOnce;

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
        unknownHostname = c.integer(Params.UNKNOWN_HOSTNAME_REJECT_CODE);
        unknownRelayRecipient = c.integer(Params.UNKNOWN_RELAY_RECIPIENT_REJECT_CODE);
        unknownAddressDeferAtOnce = deferAtOnce(c, Params.UNKNOWN_ADDRESS_TEMPFAIL_ACTION);
        unknownHostnameDeferAtOnce = deferAtOnce(c, Params.UNKNOWN_HELO_HOSTNAME_TEMPFAIL_ACTION);
    }

    /** A *_tempfail_action: {@code defer} (true) or {@code defer_if_permit} (false). */
    static boolean deferAtOnce(Config c, Param action) {
        String a = c.str(action).strip();
        return switch (a) {
            case "defer" -> true;
            case "defer_if_permit" -> false;
            default -> throw new ConfigException("bad configuration: " + action.name() + " = " + a);
        };
    }

    /** A temporary DNS failure's 4xx reply: refused at once, or armed as DEFER_IF_PERMIT. */
    SmtpdVerdict tempfail(boolean atOnce, Reply reply) {
        return atOnce ? SmtpdVerdict.refuse(reply) : SmtpdVerdict.deferIf(SmtpdVerdict.Kind.DEFER_IF_PERMIT, reply);
    }

    /** reject_unauth_destination, or defer_unauth_destination ({@code deferred}: the 4xx twin of the code). */
    Reply relayDenied(String rcpt, boolean deferred) {
        return Reply.relayDenied(deferred ? 400 + relay % 100 : relay, rcpt);
    }
}
