package mta.master;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mta.config.ConfigException;

/**
 * InetAddresses - turns a master.cf inet service name and {@code inet_interfaces} into socket addresses.
 *
 * <p>Service names: {@code smtp} (a name from the services table), {@code 2525}, {@code host:port},
 * {@code [::1]:port}. Without a host part the service listens on every address of
 * {@code inet_interfaces} ({@code all}, {@code loopback-only}, or a list), within
 * {@code inet_protocols}. Reads nothing but its arguments.
 */
final class InetAddresses {
    private InetAddresses() {}

    private static final Map<String, Integer> WELL_KNOWN = Map.of(
            "smtp", 25, "submission", 587, "smtps", 465, "submissions", 465, "lmtp", 24);

    static List<InetSocketAddress> resolve(String service, List<String> interfaces, List<String> protocols) {
        String host = null;
        String port = service;
        if (service.startsWith("[")) {
            int close = service.indexOf(']');
            if (close < 0 || close + 1 >= service.length() || service.charAt(close + 1) != ':') {
                throw new ConfigException("bad inet service address: " + service);
            }
            host = service.substring(1, close);
            port = service.substring(close + 2);
        } else if (service.lastIndexOf(':') > 0) {
            int colon = service.lastIndexOf(':');
            host = service.substring(0, colon);
            port = service.substring(colon + 1);
        }
        int p = port(port);
        List<InetSocketAddress> out = new ArrayList<>();
        if (host != null) {
            for (InetAddress a : lookup(host)) out.add(new InetSocketAddress(a, p));
            return out;
        }
        boolean v4 = protocols.contains("all") || protocols.contains("ipv4");
        boolean v6 = protocols.contains("all") || protocols.contains("ipv6");
        if (interfaces.isEmpty() || interfaces.contains("all")) {
            // One wildcard socket: "::" takes IPv4 too on a dual-stack host.
            out.add(v6 ? new InetSocketAddress(p) : new InetSocketAddress(literal("0.0.0.0"), p));
            return out;
        }
        for (String i : interfaces) {
            if (i.equals("loopback-only")) {
                if (v4) out.add(new InetSocketAddress(literal("127.0.0.1"), p));
                if (v6 && hasIpv6Loopback()) out.add(new InetSocketAddress(literal("::1"), p));
                continue;
            }
            String h = i.startsWith("[") && i.endsWith("]") ? i.substring(1, i.length() - 1) : i;
            for (InetAddress a : lookup(h)) {
                if ((a instanceof Inet4Address && v4) || (a instanceof Inet6Address && v6)) {
                    out.add(new InetSocketAddress(a, p));
                }
            }
        }
        if (out.isEmpty()) throw new ConfigException("no local interface matches inet_interfaces and inet_protocols");
        return out;
    }

    private static int port(String text) {
        Integer known = WELL_KNOWN.get(text.toLowerCase(Locale.ROOT));
        if (known != null) return known;
        try {
            int p = Integer.parseInt(text);
            if (p < 1 || p > 65535) throw new NumberFormatException();
            return p;
        } catch (NumberFormatException e) {
            throw new ConfigException("unknown service: " + text + "/tcp");
        }
    }

    private static InetAddress[] lookup(String host) {
        try {
            return InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new ConfigException("host not found: " + host);
        }
    }

    private static InetAddress literal(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean hasIpv6Loopback() {
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.bind(new InetSocketAddress(literal("::1"), 0));
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
