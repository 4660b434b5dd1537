package mta.deliver;

import java.util.List;

/**
 * DeliveryAgent - the contract every delivery agent (local, smtp, ...) fulfils.
 *
 * <p>The queue manager calls {@link #deliver} on a virtual thread of its own, one call per
 * delivery attempt. The agent tries every recipient of the request and returns exactly one
 * {@link DeliveryStatus} per recipient, in any order. It must not throw for ordinary failures
 * (refused connection, full mailbox): those are DEFERRED or BOUNCED statuses. An exception means
 * a bug or a broken environment; the queue manager then defers every recipient of the request.
 * The agent reads the content through {@link DeliveryRequest#forEachLine} (from the queue file, or
 * from memory for a small message cleanup has just handed over) and never changes, moves or
 * deletes the queue file.
 */
public interface DeliveryAgent {
    /** The name under which the agent logs, as {@code postfix/<name>} ("smtp", "local"). */
    String name();

    List<DeliveryStatus> deliver(DeliveryRequest request) throws Exception;

    /**
     * The same, with {@code pass} for handing a recipient to another transport (local's
     * mailbox_transport and fallback_transport); agents that never do ignore it.
     */
    default List<DeliveryStatus> deliver(DeliveryRequest request, DeliveryPass pass) throws Exception {
        return deliver(request);
    }
}
