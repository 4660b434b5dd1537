/**
 * The name lookups of a mail system: MX hosts of a domain, addresses of a host, names of an
 * address, text records; and host names as the system's resolver finds them.
 *
 * <p>{@link mta.dns.Resolver} is the interface. {@link mta.dns.DnsjavaResolver} answers it from DNS
 * with dnsjava: {@link mta.dns.DnsLookup} asks the name servers of {@link mta.dns.ResolvConf}
 * (/etc/resolv.conf: servers, {@code timeout}, {@code attempts}, {@code rotate}) and
 * {@link mta.dns.DnsCache} keeps answers for their TTL, negative answers briefly, and lets
 * concurrent askers of one question share one lookup, without a lock that one slow question could
 * hold. {@link mta.dns.SystemResolver} adds the system's order for host names and addresses
 * ({@link mta.dns.NsSwitch}: the hosts line of /etc/nsswitch.conf; {@link mta.dns.HostsFile}:
 * /etc/hosts), which smtpd uses for client names; paths are given to it, so tests use their own
 * files. {@link mta.dns.DnsException} tells a name that does not exist (permanent) from a DNS
 * failure (temporary). {@link mta.dns.ReplyFilter} is the {@code =d.d.d.d} filter of a DNS
 * block or allow list, which smtpd and postscreen both parse. Depends on mta.util, mta.config and
 * dnsjava only.
 */
package mta.dns;
