package mta.rewrite;

/**
 * Resolved - where a recipient goes: transport, next-hop and the address to deliver to.
 *
 * <p>The result of {@link TrivialRewrite#resolve}; {@code destinationClass} says whether the
 * domain is ours (local), one we relay for, or someone else's (the relay check uses it).
 */
public record Resolved(String transport, String nexthop, String recipient, DestinationClass destinationClass) {
    /** The address classes of Postfix's ADDRESS_CLASS_README that matter for relay control. */
    public enum DestinationClass { LOCAL, RELAY, DEFAULT }

    /** The queue manager's grouping key: deliveries with the same key may share a connection. */
    public String destination() {
        return transport + ":" + nexthop;
    }
}
