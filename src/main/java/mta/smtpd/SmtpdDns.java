package mta.smtpd;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import mta.dns.DnsException;
import mta.dns.IpLiteral;
import mta.dns.MxHost;
import mta.dns.Resolver;

/**
 * SmtpdDns - the DNS questions of the access restrictions: client name, sender domain, DNS blocklists.
 *
 * <p>Reads DNS through {@link Resolver} (whose own timeout bounds every question); writes nothing.
 * <ul>
 *   <li>{@link #clientName}: the PTR names of the client address, forward-confirmed: a name counts
 *       only when its A/AAAA records include the address; otherwise the client is {@code unknown};
 *   <li>{@link #domainExists}: a sender domain exists when it has an MX record, or (no MX) an
 *       address record; a null MX (RFC 7505) means it sends no mail;
 *   <li>{@link #listed}: a DNSBL lists a name when {@code name.zone} has an A record (matching
 *       {@code =d.d.d.d} when given); the name is the client's reversed address, or the sender's
 *       domain for an RHSBL. A failed question counts as "not listed", as in Postfix.
 * </ul>
 */
final class SmtpdDns {
    /** The client's verified name, and whether the lookup failed only for the moment. */
    record ClientName(String name, boolean temporary) {}

    /** The answer of {@link #domainExists}. */
    enum Domain { EXISTS, NOT_FOUND, NULL_MX, TEMPORARY }

    private final Resolver resolver;

    SmtpdDns(Resolver resolver) {
        this.resolver = resolver;
    }

    /** The forward-confirmed name of {@code address}, or {@code unknown}. */
    ClientName clientName(InetAddress address) {
        boolean temporary = false;
        List<String> names;
        try {
            names = resolver.names(address);
        } catch (DnsException e) {
            return new ClientName("unknown", e.isTemporary());
        }
        for (String name : names) {
            try {
                if (resolver.addresses(name).contains(address)) return new ClientName(name, false);
            } catch (DnsException e) {
                temporary |= e.isTemporary();
            }
        }
        return new ClientName("unknown", temporary);
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
     * True when the blocklist {@code zone} (optionally {@code zone=d.d.d.d}) lists {@code name}.
     */
    boolean listed(String name, String zoneSpec) {
        int eq = zoneSpec.indexOf('=');
        String zone = eq < 0 ? zoneSpec : zoneSpec.substring(0, eq);
        InetAddress want = eq < 0 ? null : IpLiteral.parse(zoneSpec.substring(eq + 1));
        try {
            List<InetAddress> answer = resolver.addresses(name + "." + zone);
            if (want == null) return answer.stream().anyMatch(a -> a instanceof Inet4Address);
            return answer.contains(want);
        } catch (DnsException e) {
            return false;
        }
    }

    /** The zone part of {@code zone[=d.d.d.d]}, as replies name it. */
    static String zoneName(String zoneSpec) {
        int eq = zoneSpec.indexOf('=');
        return eq < 0 ? zoneSpec : zoneSpec.substring(0, eq);
    }

    /** The DNSBL query name of an address: 192.0.2.7 gives 7.2.0.192; IPv6 gives its 32 reversed nibbles. */
    static String reversed(InetAddress address) {
        byte[] b = address.getAddress();
        StringBuilder sb = new StringBuilder();
        if (b.length == 4) {
            for (int i = 3; i >= 0; i--) sb.append(b[i] & 0xff).append(i > 0 ? "." : "");
        } else {
            for (int i = b.length - 1; i >= 0; i--) {
                sb.append(Character.forDigit(b[i] & 0xf, 16)).append('.');
                sb.append(Character.forDigit((b[i] >> 4) & 0xf, 16)).append(i > 0 ? "." : "");
            }
        }
        return sb.toString();
    }
}
