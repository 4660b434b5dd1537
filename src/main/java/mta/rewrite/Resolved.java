package mta.rewrite;

/**
 * Resolved - where a recipient goes: transport, next-hop and the address to deliver to.
 *
 * <p>The result of {@link TrivialRewrite#resolve}; {@code destinationClass} says which address
 * class of Postfix's ADDRESS_CLASS_README the domain is in. The relay check uses it: every class
 * but DEFAULT is a destination this system accepts mail for. A transport_maps entry changes the
 * transport and next-hop, never the class.
 */
public record Resolved(String transport, String nexthop, String recipient, DestinationClass destinationClass) {
    /** The address classes of ADDRESS_CLASS_README, in the order resolve tries them. */
    public enum DestinationClass {
        /** mydestination: the local transport. */
        LOCAL,
        /** virtual_alias_domains: every address must be a virtual alias; what is left is unknown. */
        VIRTUAL_ALIAS,
        /** virtual_mailbox_domains: the virtual transport, mailboxes from virtual_mailbox_maps. */
        VIRTUAL_MAILBOX,
        /** relay_domains: the relay transport. */
        RELAY,
        /** Everything else: the default transport; relaying needs an authorised client. */
        DEFAULT
    }

    /** The queue manager's grouping key: deliveries with the same key may share a connection. */
    public String destination() {
        return transport + ":" + nexthop;
    }
}
