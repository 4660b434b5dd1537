package mta.dns;

import java.net.InetAddress;
import java.util.List;

/**
 * Resolver - the DNS questions a mail system asks: the mail exchangers of a domain, and the
 * addresses of a host, the names of an address (reverse DNS), and the text records of a name.
 *
 * <p>Reads DNS (or whatever an implementation uses); writes nothing. Names are given and returned
 * without a trailing dot. {@link #mx}, {@link #addresses}, {@link #names} and {@link #txt} ask DNS
 * only, as Postfix's DNS lookups do; {@link #nativeAddresses} and {@link #nativeNames} ask the way
 * the system's resolver does ({@code /etc/nsswitch.conf}: usually {@code /etc/hosts}, then DNS),
 * as Postfix's client name lookup does through getnameinfo/getaddrinfo. {@link DnsjavaResolver}
 * asks real name servers (tests point it at a DNS responder of their own on 127.0.0.1);
 * {@link SystemResolver} adds the system's order of sources.
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
     * The name servers (NS records) of {@code domain}, without the trailing dot; never empty. The
     * SMTP server's check_*_ns_access restrictions look them up in access tables.
     *
     * @throws DnsException NOT_FOUND when the name does not exist or has no NS record, TEMPORARY
     *                      when DNS fails
     */
    default List<String> ns(String domain) throws DnsException {
        throw DnsException.noData(domain, "NS");
    }

    /**
     * DNSSEC-validated lookups for DANE ({@code smtp_dns_support_level = dnssec}), or null when
     * this resolver cannot validate.
     */
    default DnssecLookup dnssec() {
        return null;
    }

    /**
     * The addresses of {@code host} as the system's resolver finds them (hosts file, DNS, in the
     * order of nsswitch.conf); here, DNS only. Used to forward-confirm an SMTP client's name.
     *
     * @throws DnsException NOT_FOUND when no source knows the host, TEMPORARY when one failed
     */
    default List<InetAddress> nativeAddresses(String host) throws DnsException {
        return addresses(host);
    }

    /**
     * The host names of {@code address} as the system's resolver finds them (hosts file, DNS, in
     * the order of nsswitch.conf); here, DNS only. Used for the SMTP client's name.
     *
     * @throws DnsException NOT_FOUND when no source knows the address, TEMPORARY when one failed
     */
    default List<String> nativeNames(InetAddress address) throws DnsException {
        return names(address);
    }

    /**
     * This resolver for one question made of several native lookups (a client's name and its
     * forward confirmation): the system's files (the hosts file) are looked at once, when it is
     * made, and every lookup through it sees that version; DNS is asked as by this resolver. Here,
     * this resolver itself.
     */
    default Resolver oneQuestion() {
        return this;
    }
}
