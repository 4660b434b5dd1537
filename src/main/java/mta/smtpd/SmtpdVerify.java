package mta.smtpd;

import java.io.IOException;
import java.time.Duration;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.Param;
import mta.config.Params;
import mta.mail.Address;
import mta.mail.Reply;
import mta.mail.Reply.Rejected;
import mta.queue.VerifyClient;
import mta.util.MailLog;

/**
 * SmtpdVerify - reject_unverified_recipient and reject_unverified_sender: asks the address
 * verification service whether an address is deliverable, as Postfix's smtpd does.
 *
 * <p>Reads {@code address_verify_poll_count}, {@code address_verify_poll_delay} and, per side,
 * {@code unverified_*_reject_code}, {@code _defer_code}, {@code _tempfail_action} and
 * {@code _reject_reason}; asks the {@link VerifyClient} (which sends a probe for an address it
 * knows nothing of). While a probe is in progress it asks again, up to the poll count, waiting at
 * most the poll delay in between (an answer that arrives sooner ends the wait). Then:
 * <ul>
 * <li>deliverable: the restriction has nothing to say (DUNNO);</li>
 * <li>in progress, or the probe failed for now: {@code _defer_code} (450) with
 *     {@code <addr>: Recipient address rejected: unverified address: <why>};</li>
 * <li>known to bounce: {@code _reject_code}; a 5xx gives {@code undeliverable address: <why>} at
 *     once, a 4xx (the default 450) the "unverified address" reply;</li>
 * <li>the service cannot be asked: {@code 450 ... address verification problem} (and a warning);</li>
 * <li>a 2xx code accepts the address.</li>
 * </ul>
 * A 4xx reply follows {@code _tempfail_action}: {@code defer} refuses at once, {@code defer_if_permit}
 * (the default) refuses only if the restrictions would otherwise accept the command. With a
 * {@code _reject_reason}, that text replaces the probe's details in 4xx and 5xx replies.
 */
final class SmtpdVerify {
    /** One side: the recipient's or the sender's parameters. */
    record Side(Rejected what, int rejectCode, int deferCode, boolean deferAtOnce, String reason) {
        static Side from(Config c, Rejected what, Param reject, Param defer, Param action, Param reason) {
            String a = c.str(action).strip();
            boolean atOnce = switch (a) {
                case "defer" -> true;
                case "defer_if_permit" -> false;
                default -> throw new ConfigException("unknown " + action.name() + " value: \"" + a
                        + "\" (specify defer or defer_if_permit)");
            };
            return new Side(what, c.integer(reject), c.integer(defer), atOnce, c.str(reason).strip());
        }
    }

    private final VerifyClient verify;
    private final int pollCount;
    private final Duration pollDelay;
    final Side recipient;
    final Side sender;
    private final MailLog.Channel log;

    /** @param verify the service; null when there is none (every check is then a service failure) */
    SmtpdVerify(Config c, VerifyClient verify, MailLog.Channel log) {
        this.verify = verify;
        this.log = log;
        this.pollCount = c.integer(Params.ADDRESS_VERIFY_POLL_COUNT);
        this.pollDelay = c.time(Params.ADDRESS_VERIFY_POLL_DELAY);
        this.recipient = Side.from(c, Rejected.RECIPIENT, Params.UNVERIFIED_RECIPIENT_REJECT_CODE,
                Params.UNVERIFIED_RECIPIENT_DEFER_CODE, Params.UNVERIFIED_RECIPIENT_TEMPFAIL_ACTION,
                Params.UNVERIFIED_RECIPIENT_REJECT_REASON);
        this.sender = Side.from(c, Rejected.SENDER, Params.UNVERIFIED_SENDER_REJECT_CODE,
                Params.UNVERIFIED_SENDER_DEFER_CODE, Params.UNVERIFIED_SENDER_TEMPFAIL_ACTION,
                Params.UNVERIFIED_SENDER_REJECT_REASON);
    }

    /** The verdict about {@code address} (never the null sender: the caller skips it). */
    SmtpdVerdict check(Address address, Side side) {
        String a = address.toString();
        VerifyClient.Result r;
        try {
            r = ask(a);
        } catch (IOException e) {
            log.warn("verify service failure: " + e.getMessage());
            return tempfail(side, Reply.addressVerificationProblem(a, side.what()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return tempfail(side, Reply.addressVerificationProblem(a, side.what()));
        }
        int code = switch (r.status()) {
            case OK -> 0;
            case TODO, DEFER -> side.deferCode();
            case BOUNCE -> side.rejectCode();
        };
        String why = code >= 400 && !side.reason().isEmpty() ? side.reason() : r.text();
        if (code / 100 == 4) return tempfail(side, Reply.unverifiedAddress(code, a, side.what(), abbreviate(why)));
        if (code / 100 == 5) return SmtpdVerdict.refuse(Reply.undeliverableAddress(code, a, side.what(), why));
        return SmtpdVerdict.DUNNO; // deliverable, or a 2xx code: accept the address anyway
    }

    /** Queries, and while a probe is in progress queries again, up to address_verify_poll_count times. */
    private VerifyClient.Result ask(String address) throws IOException, InterruptedException {
        if (verify == null) throw new IOException("no verify service");
        VerifyClient.Result r = verify.query(address);
        for (int count = 1; r.status() == VerifyClient.Status.TODO && count < pollCount; count++) {
            verify.awaitUpdate(address, pollDelay);
            r = verify.query(address);
        }
        return r;
    }

    /** A 4xx reply under the side's tempfail action. */
    private static SmtpdVerdict tempfail(Side side, Reply reply) {
        return side.deferAtOnce() ? SmtpdVerdict.refuse(reply)
                : SmtpdVerdict.deferIf(SmtpdVerdict.Kind.DEFER_IF_PERMIT, reply);
    }

    /** True when mail to {@code rcpt} is mail to the probe sender: it passes the recipient checks. */
    boolean isProbeSender(Address rcpt) {
        return verify != null && verify.isProbeSender(rcpt.toString());
    }

    private static String abbreviate(String s) {
        return s.length() <= 250 ? s : s.substring(0, 250);
    }
}
