package mta.error;

import java.util.List;
import mta.deliver.DeliveryAgent;
import mta.deliver.DeliveryRequest;
import mta.deliver.DeliveryStatus;

/**
 * ErrorAgent - the error(8) and retry transports: fail or delay every recipient, never deliver.
 *
 * <p>Reads only the request: its next-hop is the reason text ({@code error:mail for x is not
 * accepted}), as in a Postfix transport table. The {@code error} transport bounces (5.0.0), the
 * {@code retry} transport defers (4.0.0). Writes nothing.
 */
public final class ErrorAgent implements DeliveryAgent {
    private final boolean retry;

    public ErrorAgent(boolean retry) {
        this.retry = retry;
    }

    @Override
    public String name() {
        return retry ? "retry" : "error";
    }

    @Override
    public List<DeliveryStatus> deliver(DeliveryRequest req) {
        String reason = req.nexthop().isBlank() ? "mail for " + req.recipients().get(0).address() + " is not deliverable"
                : req.nexthop();
        return req.recipients().stream()
                .map(r -> retry ? DeliveryStatus.deferred(r, "4.0.0", "none", reason)
                        : DeliveryStatus.bounced(r, "5.0.0", "none", reason))
                .toList();
    }
}
