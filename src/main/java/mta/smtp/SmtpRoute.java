package mta.smtp;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import mta.dns.DnsException;
import mta.dns.IpLiteral;
import mta.dns.MxHost;
import mta.dns.Resolver;
import mta.mail.Dsn;

/**
 * SmtpRoute - turns a next-hop into the list of server addresses to try, in order.
 *
 * <p>Reads DNS through a {@link Resolver}: the MX hosts of a domain (or the domain itself when it
 * has none), then the addresses of each host. A bracketed next-hop skips the MX lookup, and an IP
 * literal skips DNS altogether. When no address can be found, the result is an
 * {@link SmtpFailure}: bounced when DNS says the name does not exist, deferred when DNS failed.
 */
final class SmtpRoute {
    private static final String NO_RELAY = "none";

    private final Resolver resolver;

    SmtpRoute(Resolver resolver) {
        this.resolver = resolver;
    }

    /** The addresses to try, best first; never empty. */
    List<MailHost> hosts(Nexthop nexthop) throws SmtpFailure {
        InetAddress literal = IpLiteral.parse(nexthop.host());
        if (literal != null) return List.of(new MailHost(literalName(nexthop.host()), literal, nexthop.port()));
        if (!nexthop.mxLookup()) return addressesOf(List.of(nexthop.host()), nexthop.port());

        List<MxHost> mx;
        try {
            mx = resolver.mx(nexthop.host());
        } catch (DnsException e) {
            throw dnsFailure(e);
        }
        if (MxHost.isNullMx(mx)) throw SmtpFailure.bounced(Dsn.RECIPIENT_NULL_MX, NO_RELAY, Reasons.nullMx(nexthop.host()));
        return addressesOf(mx.stream().map(MxHost::host).toList(), nexthop.port());
    }

    /** The addresses of each host in turn; hosts without addresses are skipped. */
    private List<MailHost> addressesOf(List<String> names, int port) throws SmtpFailure {
        List<MailHost> out = new ArrayList<>();
        DnsException firstTemporary = null;
        DnsException last = null;
        for (String name : names) {
            try {
                for (InetAddress a : resolver.addresses(name)) out.add(new MailHost(name, a, port));
            } catch (DnsException e) {
                last = e;
                if (e.isTemporary() && firstTemporary == null) firstTemporary = e;
            }
        }
        if (!out.isEmpty()) return out;
        // A temporary error may hide a working host, so it wins over "not found".
        throw dnsFailure(firstTemporary != null ? firstTemporary : last);
    }

    private static SmtpFailure dnsFailure(DnsException e) {
        String reason = Reasons.dns(e.getMessage());
        return e.isTemporary() ? SmtpFailure.deferred(Dsn.DIRECTORY_SERVER_FAILURE.temporary(), NO_RELAY, reason)
                : SmtpFailure.bounced(Dsn.UNABLE_TO_ROUTE, NO_RELAY, reason);
    }

    /** {@code ipv6:2001:db8::1} is shown as {@code 2001:db8::1}, like Postfix does. */
    private static String literalName(String host) {
        return host.regionMatches(true, 0, "IPv6:", 0, 5) ? host.substring(5) : host;
    }
}
