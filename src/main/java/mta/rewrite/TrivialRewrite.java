package mta.rewrite;

import java.util.List;
import java.util.Locale;
import mta.config.Config;
import mta.config.Params;
import mta.mail.Address;
import mta.mail.Dsn;
import mta.rewrite.Resolved.DestinationClass;

/**
 * TrivialRewrite - canonicalises addresses and resolves recipients to (transport, next-hop).
 *
 * <p>Reads {@code myorigin}, the domain lists {@code mydestination}, {@code virtual_alias_domains},
 * {@code virtual_mailbox_domains} and {@code relay_domains}, {@code relayhost}, the transports
 * {@code local_transport}, {@code virtual_transport}, {@code relay_transport} and
 * {@code default_transport}, {@code transport_maps} and {@code sender_dependent_relayhost_maps}; writes nothing. Mirrors Postfix's
 * trivial-rewrite(8) in two steps:
 * <ol>
 * <li>The address class decides the default route: a bare user name is completed with
 *     {@code @$myorigin}; a domain in {@code mydestination}, or an address literal of this host
 *     ({@link OwnAddresses}), goes to the local transport, one in
 *     {@code virtual_alias_domains} to {@code error:5.1.1 User unknown in virtual alias table} (its
 *     valid addresses were rewritten by cleanup before), one in {@code virtual_mailbox_domains} to
 *     the virtual transport, one in {@code relay_domains} to the relay transport, everything else
 *     to the default transport, through {@code relayhost} when one is set.</li>
 * <li>{@code sender_dependent_relayhost_maps} ({@link SenderRelayhostMaps}) replaces {@code relayhost}
 *     for a sender that has an entry.</li>
 * <li>{@code transport_maps} ({@link TransportMaps}) may then replace the transport, the next-hop
 *     or both, as transport(5) says; the class stays, so a transport entry never opens a relay.</li>
 * </ol>
 */
public final class TrivialRewrite {
    /** The error transport's reason for an address of a virtual alias domain that has no alias. */
    static final String UNKNOWN_VIRTUAL_ALIAS = Dsn.BAD_DESTINATION_MAILBOX + " User unknown in virtual alias table";
    /** The error transport's reason for an address with an "@" and no domain ({@code user@}). */
    static final String BAD_SYNTAX = Dsn.BAD_DESTINATION_SYNTAX + " bad address syntax";

    private final String myorigin;
    private final String myhostname;
    private final DomainList mydestination;
    private final DomainList virtualAliasDomains;
    private final DomainList virtualMailboxDomains;
    private final DomainList relayDomains;
    private final String relayhost;
    private final TransportMaps.Route localTransport;
    private final TransportMaps.Route virtualTransport;
    private final TransportMaps.Route relayTransport;
    private final TransportMaps.Route defaultTransport;
    private final TransportMaps transportMaps;
    private final SenderRelayhostMaps senderRelayhosts;
    private final OwnAddresses ownAddresses;

    public TrivialRewrite(Config config) {
        this.myorigin = config.str(Params.MYORIGIN).strip();
        this.myhostname = config.str(Params.MYHOSTNAME).strip();
        this.mydestination = new DomainList(Params.MYDESTINATION.name(), config.list(Params.MYDESTINATION), false);
        this.virtualAliasDomains = new DomainList(Params.VIRTUAL_ALIAS_DOMAINS.name(),
                config.list(Params.VIRTUAL_ALIAS_DOMAINS), false);
        this.virtualMailboxDomains = new DomainList(Params.VIRTUAL_MAILBOX_DOMAINS.name(),
                config.list(Params.VIRTUAL_MAILBOX_DOMAINS), false);
        this.relayDomains = new DomainList(Params.RELAY_DOMAINS.name(), config.list(Params.RELAY_DOMAINS),
                config.parentMatchesSubdomains(Params.RELAY_DOMAINS));
        this.relayhost = config.str(Params.RELAYHOST).strip();
        this.localTransport = TransportMaps.parse(config.str(Params.LOCAL_TRANSPORT).strip());
        this.virtualTransport = TransportMaps.parse(config.str(Params.VIRTUAL_TRANSPORT).strip());
        this.relayTransport = TransportMaps.parse(config.str(Params.RELAY_TRANSPORT).strip());
        this.defaultTransport = TransportMaps.parse(config.str(Params.DEFAULT_TRANSPORT).strip());
        this.transportMaps = new TransportMaps(config.list(Params.TRANSPORT_MAPS), config.str(Params.RECIPIENT_DELIMITER),
                config.parentMatchesSubdomains(Params.TRANSPORT_MAPS));
        this.ownAddresses = new OwnAddresses(config);
        this.senderRelayhosts = new SenderRelayhostMaps(config.list(Params.SENDER_DEPENDENT_RELAYHOST_MAPS),
                config.str(Params.RECIPIENT_DELIMITER), this::isLocalDomain,
                config.str(Params.EMPTY_ADDRESS_RELAYHOST_MAPS_LOOKUP_KEY));
    }

    /** Completes a bare user name with {@code @$myorigin} (Postfix's append_at_myorigin). */
    public Address canonicalize(Address a) {
        return a.withDefaultDomain(myorigin);
    }

    /**
     * True when {@code domain} is one of ours: listed in {@code mydestination}, or an address
     * literal of this system ({@code [192.0.2.1]} of inet_interfaces or proxy_interfaces), as
     * Postfix's resolve_local.
     */
    public boolean isLocalDomain(String domain) {
        return mydestination.contains(domain) || ownAddresses.isOwnLiteral(domain);
    }

    /** True when {@code domain} is in {@code relay_domains} (subdomains included, as Postfix does by default). */
    public boolean isRelayDomain(String domain) {
        return relayDomains.contains(domain);
    }

    /** The address class of a domain; the empty domain is local. */
    public DestinationClass classify(String domain) {
        if (domain.isEmpty() || isLocalDomain(domain)) return DestinationClass.LOCAL;
        if (virtualAliasDomains.contains(domain)) return DestinationClass.VIRTUAL_ALIAS;
        if (virtualMailboxDomains.contains(domain)) return DestinationClass.VIRTUAL_MAILBOX;
        if (relayDomains.contains(domain)) return DestinationClass.RELAY;
        return DestinationClass.DEFAULT;
    }

    /**
     * The resolver of address verification probes (Postfix's "verify" resolve class): the same
     * rules with {@code address_verify_relayhost}, {@code address_verify_transport_maps} and the
     * {@code address_verify_*_transport} parameters in place of the ordinary ones (by default the
     * same values).
     */
    public static TrivialRewrite forProbes(Config config) {
        java.util.Map<String, String> o = new java.util.LinkedHashMap<>();
        for (String[] p : new String[][] {
                {Params.RELAYHOST.name(), Params.ADDRESS_VERIFY_RELAYHOST.name()},
                {Params.TRANSPORT_MAPS.name(), Params.ADDRESS_VERIFY_TRANSPORT_MAPS.name()},
                {Params.DEFAULT_TRANSPORT.name(), Params.ADDRESS_VERIFY_DEFAULT_TRANSPORT.name()},
                {Params.LOCAL_TRANSPORT.name(), Params.ADDRESS_VERIFY_LOCAL_TRANSPORT.name()},
                {Params.VIRTUAL_TRANSPORT.name(), Params.ADDRESS_VERIFY_VIRTUAL_TRANSPORT.name()},
                {Params.RELAY_TRANSPORT.name(), Params.ADDRESS_VERIFY_RELAY_TRANSPORT.name()},
                {Params.SENDER_DEPENDENT_RELAYHOST_MAPS.name(), Params.ADDRESS_VERIFY_SENDER_DEPENDENT_RELAYHOST_MAPS.name()},
        }) {
            // expanded here, so that "$relayhost" in the probe parameter does not name itself
            o.put(p[0], config.get(p[1]).replace("$", "$$"));
        }
        return new TrivialRewrite(config.with(o));
    }

    /** Resolves one recipient: the class's route, then transport_maps. */
    public Resolved resolve(Address rcpt) {
        return resolve(rcpt, null);
    }

    /**
     * Resolves one recipient of mail from {@code sender} (null: unknown): as {@link #resolve(Address)},
     * with the relayhost of {@code sender_dependent_relayhost_maps} in place of {@code relayhost}
     * when the sender has one.
     */
    public Resolved resolve(Address rcpt, String sender) {
        if (rcpt.emptyDomain()) return new Resolved("error", BAD_SYNTAX, rcpt.toString(), DestinationClass.DEFAULT);
        Address a = canonicalize(rcpt);
        String domain = a.domainLower();
        DestinationClass cls = classify(domain);
        TransportMaps.Route route = switch (cls) {
            case LOCAL -> orDefaultNexthop(localTransport, myhostname);
            case VIRTUAL_ALIAS -> new TransportMaps.Route("error", UNKNOWN_VIRTUAL_ALIAS);
            case VIRTUAL_MAILBOX -> orDefaultNexthop(virtualTransport, domain);
            case RELAY -> orDefaultNexthop(relayTransport, relayhostFor(sender, domain));
            case DEFAULT -> orDefaultNexthop(defaultTransport, relayhostFor(sender, domain));
        };
        if (cls != DestinationClass.VIRTUAL_ALIAS) route = applyTransportMaps(route, a, domain);
        return new Resolved(route.transport(), route.nexthop(), a.toString(), cls);
    }

    /**
     * The route of a message that has a content filter ({@code transport:nexthop}, as in
     * {@code content_filter} or a FILTER action): every recipient goes there; an empty next-hop
     * is the recipient's domain. The class is the recipient's own.
     */
    public Resolved filter(String filter, Address rcpt) {
        Address a = canonicalize(rcpt);
        TransportMaps.Route f = TransportMaps.parse(filter.strip());
        String nexthop = f.nexthop().isEmpty() ? a.domainLower() : f.nexthop();
        return new Resolved(f.transport(), nexthop, a.toString(), classify(a.domainLower()));
    }

    /** The sender's relayhost, else relayhost, else the recipient's domain. */
    private String relayhostFor(String sender, String domain) {
        String own = senderRelayhosts.find(sender);
        if (own != null) return own;
        return relayhost.isEmpty() ? domain : relayhost;
    }

    private static TransportMaps.Route orDefaultNexthop(TransportMaps.Route r, String nexthop) {
        return r.nexthop().isEmpty() ? new TransportMaps.Route(r.transport(), nexthop) : r;
    }

    /**
     * transport(5) results: {@code :} changes nothing; {@code transport:} keeps the transport's
     * name and resets the next-hop to the recipient domain; {@code :nexthop} keeps the transport.
     */
    private TransportMaps.Route applyTransportMaps(TransportMaps.Route route, Address a, String domain) {
        if (transportMaps.isEmpty()) return route;
        String lookupDomain = domain.isEmpty() ? myhostname.toLowerCase(Locale.ROOT) : domain;
        TransportMaps.Route hit = transportMaps.find(a.localPart(), lookupDomain);
        if (hit == null) return route;
        String transport = hit.transport().isEmpty() ? route.transport() : hit.transport();
        String nexthop;
        if (!hit.nexthop().isEmpty()) nexthop = hit.nexthop();
        else if (!hit.transport().isEmpty()) nexthop = lookupDomain;
        else nexthop = route.nexthop();
        return new TransportMaps.Route(transport, nexthop);
    }
}
