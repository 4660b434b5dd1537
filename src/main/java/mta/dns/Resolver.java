package mta.dns;

import java.net.InetAddress;
import java.util.List;

/**
 * Resolver - the DNS questions a mail system asks: the mail exchangers of a domain, and the
 * addresses of a host, the names of an address (reverse DNS), and the text records of a name.
 *
 * <p>Reads DNS (or whatever an implementation uses); writes nothing. Names are given and returned
 * without a trailing dot. {@link DnsjavaResolver} asks real name servers; tests may also point it
 * at a DNS responder of their own on 127.0.0.1.
 */
public interface Resolver {
    /**
     * The mail exchangers of {@code domain}, lowest preference first, in random order among equal
     * preferences. When the domain exists but has no MX record, the result is the implicit MX: the
     * domain itself with preference 0. A null MX (RFC 7505) gives {@link MxHost#NULL_MX}.
     *
     * @throws DnsException NOT_FOUND when the domain does not exist, TEMPORARY when DNS fails
     */
    List<MxHost> mx(String domain) throws DnsException;

    /**
     * The IPv4 (A) and then IPv6 (AAAA) addresses of {@code host}; never empty.
     *
     * @throws DnsException NOT_FOUND when the host does not exist or has no address, TEMPORARY
     *                      when DNS fails
     */
    List<InetAddress> addresses(String host) throws DnsException;

    /**
     * The host names of {@code address} from its PTR records (reverse DNS), without the trailing
     * dot; never empty. The SMTP server forward-confirms them with {@link #addresses}.
     *
     * @throws DnsException NOT_FOUND when the address has no PTR record, TEMPORARY when DNS fails
     */
    List<String> names(InetAddress address) throws DnsException;

    /**
     * The strings of the TXT records of {@code name}, each record's strings joined; never empty.
     * The SMTP server appends them to a DNS blocklist's reply.
     *
     * @throws DnsException NOT_FOUND when the name does not exist or has no TXT record, TEMPORARY
     *                      when DNS fails
     */
    default List<String> txt(String name) throws DnsException {
        throw DnsException.noData(name, "TXT");
    }

    /**
     * DNSSEC-validated lookups for DANE ({@code smtp_dns_support_level = dnssec}), or null when
     * this resolver cannot validate.
     */
    default DnssecLookup dnssec() {
        return null;
    }
}
