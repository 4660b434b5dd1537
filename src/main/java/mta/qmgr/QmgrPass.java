package mta.qmgr;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import mta.deliver.DeliveryPass;
import mta.deliver.DeliveryRequest;
import mta.deliver.DeliveryStatus;
import mta.deliver.Recipient;
import mta.mail.Dsn;
import mta.util.MailLog;

/**
 * QmgrPass - the queue manager's side of a hand-over from one transport to another
 * ({@code mailbox_transport}, {@code fallback_transport}): runs the named transport's agent for one
 * recipient, at once, outside the destination's concurrency window (as Postfix's local(8) talks to
 * the other delivery agent directly).
 *
 * <p>Reads the transports of master.cf; writes the other agent's status line to that agent's log
 * ({@code postfix/lmtp ... to=<bob@example.com>, orig_to=<team@example.com>, relay=...}), except for
 * an address verification probe, whose result the queue manager logs under the probed recipient.
 * One hop only: the other agent gets no pass of its own, so a transport that hands mail back fails
 * instead of looping.
 */
final class QmgrPass implements DeliveryPass {
    /** Writes one status line, as the queue manager does for its own attempts. */
    interface Report {
        void line(String transport, MailLog.Channel channel, Instant started, DeliveryStatus status);
    }

    private final Map<String, Qmgr.Transport> transports;
    private final Report report;
    /** The queue file offsets of the recipients handed over so far. */
    private final java.util.Set<Long> handedOver = java.util.concurrent.ConcurrentHashMap.newKeySet();

    QmgrPass(Map<String, Qmgr.Transport> transports, Report report) {
        this.transports = transports;
        this.report = report;
    }

    /** True when the recipient at this queue file offset was handed to another transport. */
    boolean handedOver(long offset) {
        return handedOver.contains(offset);
    }

    @Override
    public DeliveryStatus pass(String transport, DeliveryRequest request, Recipient recipient) {
        handedOver.add(recipient.offset());
        String spec = transport.strip();
        int colon = spec.indexOf(':');
        String name = colon < 0 ? spec : spec.substring(0, colon).strip();
        String nexthop = colon < 0 ? "" : spec.substring(colon + 1).strip();
        if (nexthop.isEmpty()) nexthop = request.nexthop();
        Qmgr.Transport t = transports.get(name);
        if (t == null) return DeliveryStatus.deferred(recipient, Dsn.TEMPORARY_SYSTEM_ERROR, "none", "mail transport unavailable");
        DeliveryRequest one = request.to(name, nexthop, List.of(recipient));
        Instant started = Instant.now();
        DeliveryStatus st;
        try {
            st = t.agent().deliver(one).stream().filter(s -> s.recipient().offset() == recipient.offset())
                    .findFirst().orElse(null);
        } catch (Exception e) {
            st = null;
        }
        if (st == null) st = DeliveryStatus.deferred(recipient, Dsn.TEMPORARY_SYSTEM_ERROR, "none", "delivery agent failed");
        if (request.verifyOnly()) return st;
        report.line(name, t.log(), started, st);
        return st.asLogged();
    }
}
