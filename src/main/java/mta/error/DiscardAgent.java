package mta.error;

import java.util.List;
import mta.deliver.DeliveryAgent;
import mta.deliver.DeliveryRequest;
import mta.deliver.DeliveryStatus;

/**
 * DiscardAgent - the discard(8) transport: reports every recipient delivered, and delivers nothing.
 *
 * <p>Reads only the request; the reason in the log is the next-hop text, or "discarded".
 */
public final class DiscardAgent implements DeliveryAgent {
    @Override
    public String name() {
        return "discard";
    }

    @Override
    public List<DeliveryStatus> deliver(DeliveryRequest req) {
        String reason = req.nexthop().isBlank() ? "discarded" : req.nexthop();
        return req.recipients().stream().map(r -> DeliveryStatus.sent(r, "none", reason, 0, 0)).toList();
    }
}
