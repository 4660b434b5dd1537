package mta.error;

import java.util.List;
import mta.deliver.DeliveryAgent;
import mta.deliver.DeliveryRequest;
import mta.deliver.DeliveryStatus;
import mta.mail.Dsn;

/**
 * ErrorAgent - the error(8) and retry transports: fail or delay every recipient, never deliver.
 *
 * <p>Reads only the request: its next-hop is the reason text ({@code error:mail for x is not
 * accepted}), as in a Postfix transport table. The {@code error} transport bounces (5.0.0), the
 * {@code retry} transport defers (4.0.0); a reason that starts with an enhanced status
 * ({@code 5.1.1 User unknown}) gives that detail instead. Writes nothing.
 */
public final class ErrorAgent implements DeliveryAgent {
    private static final java.util.regex.Pattern DSN = java.util.regex.Pattern.compile("[45]\\.(\\d{1,3}\\.\\d{1,3})\\s+");
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
        String text = req.nexthop().isBlank() ? "mail for " + req.recipients().get(0).address() + " is not deliverable"
                : req.nexthop();
        // A reason may start with its enhanced status: "error:5.1.1 User unknown in virtual alias table".
        java.util.regex.Matcher m = DSN.matcher(text);
        Dsn status = m.lookingAt() ? Dsn.parse("5." + m.group(1)) : Dsn.OTHER_UNDEFINED;
        String reason = m.lookingAt() ? text.substring(m.end()).strip() : text;
        return req.recipients().stream()
                .map(r -> retry ? DeliveryStatus.deferred(r, status.temporary(), "none", reason)
                        : DeliveryStatus.bounced(r, status, "none", reason))
                .toList();
    }
}
