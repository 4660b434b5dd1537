package mta.smtpd;

import java.net.InetAddress;
import java.util.List;
import mta.dns.DnsException;
import mta.dns.MxHost;
import mta.dns.Resolver;

/**
 * SmtpdDns - the DNS questions of the access restrictions: client name, sender domain.
 *
 * <p>Reads DNS (and the hosts file) through {@link Resolver}, whose time-outs bound every question
 * and whose cache answers repeats; writes nothing.
 * <ul>
 *   <li>{@link #clientName}: the names of the client address as the system's resolver finds them
 *       ({@code /etc/hosts}, then PTR records in DNS, in nsswitch.conf order: so 127.0.0.1 is
 *       {@code localhost}), forward-confirmed the same way: a name counts only when its addresses
 *       include the client's; otherwise the client is {@code unknown};
 *   <li>{@link #domainExists}: a sender or recipient domain exists when it has an MX record, or
 *       (no MX) an address record; a null MX (RFC 7505) means it takes no mail;
 *   <li>{@link #hostExists}: a HELO name exists when it has an A, AAAA or MX record.
 * </ul>
 * DNS block and allow lists are asked by {@link SmtpdDnsxl}.
 */
final class SmtpdDns {
    /**
     * The client's verified name, and whether the lookup failed only for the moment; {@code reverse}
     * is the first PTR name even when it is not forward-confirmed (or {@code unknown}).
     */
    record ClientName(String name, boolean temporary, String reverse) {
        ClientName(String name, boolean temporary) {
            this(name, temporary, name);
        }
    }

    /** The answer of {@link #domainExists}. */
    enum Domain { EXISTS, NOT_FOUND, NULL_MX, TEMPORARY }

    private final Resolver resolver;

    SmtpdDns(Resolver resolver) {
        this.resolver = resolver;
    }

    /** The forward-confirmed name of {@code address}, or {@code unknown}. */
    ClientName clientName(InetAddress address) {
        Resolver resolver = this.resolver.oneQuestion(); // one look at the hosts file for the whole question
        boolean temporary = false;
        List<String> names;
        try {
            names = resolver.nativeNames(address);
        } catch (DnsException e) {
            return new ClientName("unknown", e.isTemporary());
        }
        for (String name : names) {
            try {
                if (resolver.nativeAddresses(name).contains(address)) return new ClientName(name, false, names.get(0));
            } catch (DnsException e) {
                temporary |= e.isTemporary();
            }
        }
        return new ClientName("unknown", temporary, names.get(0));
    }

    /** Whether a sender domain can receive mail (so that replies can reach it). */
    Domain domainExists(String domain) {
        try {
            List<MxHost> mx = resolver.mx(domain);
            if (MxHost.isNullMx(mx)) return Domain.NULL_MX;
            if (!mx.get(0).implicit()) return Domain.EXISTS;
            resolver.addresses(domain);
            return Domain.EXISTS;
        } catch (DnsException e) {
            return e.isTemporary() ? Domain.TEMPORARY : Domain.NOT_FOUND;
        }
    }

    /**
     * Whether a host name is known to DNS (reject_unknown_helo_hostname): it has an A, AAAA or MX
     * record. TEMPORARY only when no lookup succeeded and one failed for the moment.
     */
    Domain hostExists(String name) {
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        boolean temporary = false;
        try {
            resolver.addresses(n);
            return Domain.EXISTS;
        } catch (DnsException e) {
            temporary = e.isTemporary();
        }
        try {
            List<MxHost> mx = resolver.mx(n);
            if (!mx.isEmpty() && !mx.get(0).implicit()) return Domain.EXISTS;
        } catch (DnsException e) {
            temporary |= e.isTemporary();
        }
        return temporary ? Domain.TEMPORARY : Domain.NOT_FOUND;
    }

}
