package mta.rewrite;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import mta.config.Config;
import mta.config.Params;
import mta.mail.Address;

/**
 * TrivialRewrite - canonicalises addresses and resolves recipients to (transport, next-hop).
 *
 * <p>Reads {@code myorigin}, {@code mydestination}, {@code relay_domains}, {@code relayhost},
 * {@code local_transport}, {@code relay_transport} and {@code default_transport}; writes nothing.
 * Mirrors Postfix's trivial-rewrite(8): a bare user name is completed with {@code @$myorigin};
 * a domain in {@code mydestination} goes to the local transport, a domain in {@code relay_domains}
 * to the relay transport, everything else to the default transport, through {@code relayhost}
 * when one is set.
 */
public final class TrivialRewrite {
    private final String myorigin;
    private final Set<String> mydestination = new HashSet<>();
    private final Set<String> relayDomains = new HashSet<>();
    private final String relayhost;
    private final String[] localTransport;
    private final String[] relayTransport;
    private final String[] defaultTransport;

    public TrivialRewrite(Config config) {
        this.myorigin = config.str(Params.MYORIGIN).strip();
        for (String d : config.list(Params.MYDESTINATION)) mydestination.add(d.toLowerCase(Locale.ROOT));
        for (String d : config.list(Params.RELAY_DOMAINS)) relayDomains.add(d.toLowerCase(Locale.ROOT));
        this.relayhost = config.str(Params.RELAYHOST).strip();
        this.localTransport = split(config.str(Params.LOCAL_TRANSPORT), config.str(Params.MYHOSTNAME));
        this.relayTransport = split(config.str(Params.RELAY_TRANSPORT), "");
        this.defaultTransport = split(config.str(Params.DEFAULT_TRANSPORT), "");
    }

    /** {@code transport:nexthop} as {transport, nexthop}; an empty next-hop means "not given". */
    private static String[] split(String value, String defaultNexthop) {
        String v = value.strip();
        int colon = v.indexOf(':');
        if (colon < 0) return new String[] {v, defaultNexthop};
        String nexthop = v.substring(colon + 1);
        return new String[] {v.substring(0, colon), nexthop.isEmpty() ? defaultNexthop : nexthop};
    }

    /** Completes a bare user name with {@code @$myorigin} (Postfix's append_at_myorigin). */
    public Address canonicalize(Address a) {
        return a.withDefaultDomain(myorigin);
    }

    /** True when {@code domain} is one of ours (listed in {@code mydestination}). */
    public boolean isLocalDomain(String domain) {
        return mydestination.contains(domain.toLowerCase(Locale.ROOT));
    }

    /** True when {@code domain} is in {@code relay_domains} (subdomains included, as Postfix does). */
    public boolean isRelayDomain(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        while (true) {
            if (relayDomains.contains(d)) return true;
            int dot = d.indexOf('.');
            if (dot < 0) return false;
            d = d.substring(dot + 1);
        }
    }

    /** Resolves one recipient. */
    public Resolved resolve(Address rcpt) {
        Address a = canonicalize(rcpt);
        String domain = a.domainLower();
        if (domain.isEmpty() || isLocalDomain(domain)) {
            return new Resolved(localTransport[0], localTransport[1], a.toString(), Resolved.DestinationClass.LOCAL);
        }
        if (isRelayDomain(domain)) {
            String hop = !relayTransport[1].isEmpty() ? relayTransport[1] : !relayhost.isEmpty() ? relayhost : domain;
            return new Resolved(relayTransport[0], hop, a.toString(), Resolved.DestinationClass.RELAY);
        }
        String hop = !defaultTransport[1].isEmpty() ? defaultTransport[1] : !relayhost.isEmpty() ? relayhost : domain;
        return new Resolved(defaultTransport[0], hop, a.toString(), Resolved.DestinationClass.DEFAULT);
    }

    /** The domains in mydestination, for checks and tests. */
    public List<String> localDomains() {
        return List.copyOf(mydestination);
    }
}
