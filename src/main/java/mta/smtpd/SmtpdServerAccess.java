package mta.smtpd;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import mta.dns.DnsException;
import mta.dns.IpLiteral;
import mta.dns.MxHost;
import mta.dns.Resolver;
import mta.lookup.Table;
import mta.util.MailLog;

/**
 * SmtpdServerAccess - the check_*_mx_access, check_*_ns_access and check_*_a_access restrictions:
 * a domain's mail exchangers, name servers or addresses looked up in an access table.
 *
 * <p>Reads DNS through {@link Resolver} and one access table through {@link SmtpdAccess}; writes
 * warnings to the mail log. For a client or HELO name, or the domain of a sender or recipient
 * address, as Postfix's smtpd does:
 * <ul>
 *   <li>MX: the domain's MX hosts; a domain without MX records (or that does not exist) is its
 *       own mail exchanger; an address literal is its own address;
 *   <li>NS: the domain's name servers, else those of the nearest parent domain that has some;
 *       an address literal has none;
 *   <li>A: the domain's IPv4 and IPv6 addresses (CIDR tables are made for this).
 * </ul>
 * Each MX or NS host is looked up by name (and parent domains), then by each of its addresses;
 * the first listed value wins. A DNS lookup that fails is logged ({@code Unable to look up MX
 * host for example.com: ...}) and the restriction has no effect, as in Postfix. Whether an OK
 * result is allowed is the caller's business (it is not: see {@link SmtpdCheck}).
 */
final class SmtpdServerAccess {
    /** Which servers of the domain are looked up. */
    enum Type { MX, NS, A }

    /** A table's value and the key (a host name or an address) it was found under. */
    record Found(String value, String key) {}

    private final Resolver resolver;
    private final SmtpdAccess access;
    private final MailLog.Channel log;

    SmtpdServerAccess(Resolver resolver, SmtpdAccess access, MailLog.Channel log) {
        this.resolver = resolver;
        this.access = access;
        this.log = log;
    }

    /**
     * The table's value for the first server of {@code name} (a host name, or an address whose
     * domain is used) that it lists, or null; {@code what} and {@code subject} name the checked
     * item in warnings ({@code Sender address}, {@code a@example.com}).
     */
    Found lookup(Table t, String name, Type type, String what, String subject) {
        int at = name.lastIndexOf('@');
        String domain = at >= 0 ? name.substring(at + 1) : name;
        if (domain.endsWith(".")) domain = domain.substring(0, domain.length() - 1);
        if (domain.isEmpty()) return null;
        if (domain.startsWith("[")) {
            // an address literal is its own mail exchanger and address; it has no name server
            if (type == Type.NS || !SmtpdHostnames.isLiteral(domain)) return null;
            String inner = domain.substring(1, domain.length() - 1);
            if (inner.regionMatches(true, 0, "IPv6:", 0, 5)) inner = inner.substring(5);
            return address(t, IpLiteral.parse(inner));
        }
        List<String> servers = new ArrayList<>();
        try {
            switch (type) {
                case MX -> servers.addAll(mailExchangers(domain));
                case NS -> servers.addAll(nameServers(domain));
                case A -> {
                    for (InetAddress a : resolver.addresses(domain)) {
                        Found f = address(t, a);
                        if (f != null) return f;
                    }
                    return null;
                }
            }
        } catch (DnsException e) {
            log.warn("Unable to look up " + type + " host for " + domain + ": " + e.getMessage());
            return null;
        }
        for (String server : servers) {
            if (IpLiteral.isLiteral(server)) {
                Found f = address(t, IpLiteral.parse(server));
                if (f != null) return f;
                continue;
            }
            String v = access.host(t, server);
            if (v != null) return new Found(v, server);
            List<InetAddress> addresses;
            try {
                addresses = resolver.addresses(server);
            } catch (DnsException e) {
                log.warn("Unable to look up " + type + " host " + server + " for " + what + " " + subject + ": "
                        + e.getMessage());
                continue;
            }
            for (InetAddress a : addresses) {
                Found f = address(t, a);
                if (f != null) return f;
            }
        }
        return null;
    }

    /** MX hosts; the domain itself when it has none or does not exist. */
    private List<String> mailExchangers(String domain) throws DnsException {
        List<MxHost> mx;
        try {
            mx = resolver.mx(domain);
        } catch (DnsException e) {
            if (e.isTemporary()) throw e;
            return List.of(domain);
        }
        if (MxHost.isNullMx(mx)) throw DnsException.noData(domain, "MX");
        List<String> out = new ArrayList<>();
        for (MxHost h : mx) out.add(h.host());
        return out;
    }

    /** NS hosts of the domain, else of its nearest parent that has some. */
    private List<String> nameServers(String domain) throws DnsException {
        String d = domain;
        while (true) {
            try {
                return resolver.ns(d);
            } catch (DnsException e) {
                int dot = d.indexOf('.');
                if (e.isTemporary() || dot < 0 || dot + 1 >= d.length()) throw e;
                d = d.substring(dot + 1);
            }
        }
    }

    private Found address(Table t, InetAddress a) {
        String v = access.client(t, "unknown", a);
        return v == null ? null : new Found(v, a.getHostAddress());
    }
}
