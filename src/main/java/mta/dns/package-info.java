/**
 * The DNS questions of a mail system: MX hosts of a domain and addresses of a host.
 *
 * <p>{@link mta.dns.Resolver} is the interface; {@link mta.dns.DnsjavaResolver} answers it with
 * dnsjava, from the system's name servers or from servers given to its constructor.
 * {@link mta.dns.DnsException} tells a name that does not exist (permanent) from a DNS failure
 * (temporary). Depends on mta.util, mta.config and dnsjava only.
 */
package mta.dns;
