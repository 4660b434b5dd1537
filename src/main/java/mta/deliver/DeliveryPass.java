package mta.deliver;

import mta.mail.Dsn;

/**
 * DeliveryPass - hands one recipient of a request to another master.cf transport, as local(8)
 * does for {@code mailbox_transport} and {@code fallback_transport} (Postfix's deliver_pass).
 *
 * <p>The queue manager gives one to each delivery attempt ({@link DeliveryAgent#deliver(DeliveryRequest,
 * DeliveryPass)}). {@code transport} is {@code name} or {@code name:nexthop} as main.cf writes it
 * ({@code lmtp:unix:private/dovecot-lmtp}); without a next-hop the request's own is used. The
 * recipient is the one to deliver to (an address that aliases led to, with the queue file's
 * recipient offset and original address). The other transport delivers it and logs its own status
 * line, unless the request is an address verification probe; the status comes back marked
 * {@linkplain DeliveryStatus#logged logged}. A transport that master.cf does not have is a
 * deferral: {@code mail transport unavailable}.
 */
public interface DeliveryPass {
    DeliveryStatus pass(String transport, DeliveryRequest request, Recipient recipient);

    /** For agents called without a queue manager behind them: every pass is deferred. */
    DeliveryPass NONE = (transport, request, recipient) ->
            DeliveryStatus.deferred(recipient, Dsn.TEMPORARY_SYSTEM_ERROR, "none", "mail transport unavailable");
}
