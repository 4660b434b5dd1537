package mta.rewrite;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import mta.config.Config;
import mta.config.Params;
import mta.mail.DomainSyntax;

/**
 * OwnAddresses - the IP addresses this mail system receives mail on (Postfix's own_inet_addr and proxy_inet_addr).
 *
 * <p>Reads {@code inet_interfaces} ({@code all}: every address of this host's interfaces, loopback
 * included; {@code loopback-only}: the loopback addresses; else the listed addresses or host
 * names), {@code inet_protocols} and {@code proxy_interfaces} (the addresses of a proxy or NAT
 * device that forwards mail to this system). Writes nothing. The resolver asks it whether an
 * address literal {@code [192.0.2.1]} or {@code [IPv6:2001:db8::1]} names this host, which makes
 * {@code user@[192.0.2.1]} a local destination like {@code user@$myhostname}; smtpd's
 * {@code permit_inet_interfaces} asks it about the client. Host names in the lists are looked up
 * once, at the first question; interface addresses are asked of the system each time.
 */
public final class OwnAddresses {
    private final boolean all;
    private final boolean loopbackOnly;
    private final boolean ipv4;
    private final boolean ipv6;
    private final List<String> interfaceNames = new ArrayList<>();
    private final List<String> proxyNames;
    private volatile List<InetAddress> interfaces;
    private volatile List<InetAddress> proxies;

    public OwnAddresses(Config c) {
        List<String> inet = c.list(Params.INET_INTERFACES);
        this.all = inet.isEmpty() || inet.stream().anyMatch(i -> i.equalsIgnoreCase("all"));
        this.loopbackOnly = inet.stream().anyMatch(i -> i.equalsIgnoreCase("loopback-only"));
        for (String i : inet) {
            if (!i.equalsIgnoreCase("all") && !i.equalsIgnoreCase("loopback-only")) interfaceNames.add(i);
        }
        this.proxyNames = c.list(Params.PROXY_INTERFACES);
        List<String> protocols = c.list(Params.INET_PROTOCOLS).stream().map(p -> p.toLowerCase(Locale.ROOT)).toList();
        this.ipv4 = protocols.isEmpty() || protocols.contains("all") || protocols.contains("ipv4");
        this.ipv6 = protocols.isEmpty() || protocols.contains("all") || protocols.contains("ipv6");
    }

    /** True when {@code a} is an address of inet_interfaces (smtpd's permit_inet_interfaces). */
    public boolean isInterface(InetAddress a) {
        if (a instanceof Inet4Address ? !ipv4 : a instanceof Inet6Address && !ipv6) return false;
        List<InetAddress> l = interfaces;
        if (l == null) interfaces = l = lookup(interfaceNames);
        if (l.contains(a)) return true;
        if (loopbackOnly && a.isLoopbackAddress()) return true;
        if (!all) return false;
        try {
            return a.isLoopbackAddress() || NetworkInterface.getByInetAddress(a) != null;
        } catch (IOException e) {
            return false;
        }
    }

    /** True for an address literal {@code [192.0.2.1]} or {@code [IPv6:2001:db8::1]} of one of our addresses. */
    public boolean isOwnLiteral(String domain) {
        InetAddress a = DomainSyntax.literalAddress(domain);
        if (a == null) return false;
        List<InetAddress> p = proxies;
        if (p == null) proxies = p = lookup(proxyNames);
        return p.contains(a) || isInterface(a);
    }

    /** The addresses of a list of addresses and host names; a name that does not resolve adds none. */
    private static List<InetAddress> lookup(List<String> names) {
        List<InetAddress> out = new ArrayList<>();
        for (String n : names) {
            String h = n.startsWith("[") && n.endsWith("]") ? n.substring(1, n.length() - 1) : n;
            try {
                out.addAll(List.of(InetAddress.getAllByName(h)));
            } catch (UnknownHostException e) {
                // a name that does not resolve names none of our addresses
            }
        }
        return List.copyOf(out);
    }
}
