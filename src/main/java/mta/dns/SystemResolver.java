package mta.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * SystemResolver - host lookups in the system's order: the {@code hosts:} sources of
 * nsswitch.conf ({@code files} is {@code /etc/hosts}, {@code dns} is DNS), then DNS for the rest.
 *
 * <p>Reads {@code /etc/nsswitch.conf} once, {@code /etc/hosts} whenever it changed
 * ({@link HostsFile}), and DNS through another {@link Resolver} (a caching
 * {@link DnsjavaResolver} in production); the three are given to the constructor, so tests use
 * their own files and the test DNS server. Writes nothing. {@link #nativeNames} and
 * {@link #nativeAddresses} walk the nsswitch sources: {@code files}, {@code dns} (and
 * {@code resolve}, systemd's DNS), {@code myhostname} (the {@code localhost} names); other
 * sources (mdns, nis, ...) count as unavailable. Each source's status decides, by the actions of
 * nsswitch.conf, whether the walk stops there. MX, A/AAAA (for mail routing), PTR and TXT lookups
 * go to DNS alone, as in Postfix, and so do DANE's DNSSEC-validated lookups ({@link #dnssec}).
 */
public final class SystemResolver implements Resolver {
    private final NsSwitch nsswitch;
    private final HostsFile hosts;
    private final Resolver dns;

    public SystemResolver(NsSwitch nsswitch, HostsFile hosts, Resolver dns) {
        this.nsswitch = nsswitch;
        this.hosts = hosts;
        this.dns = dns;
    }

    /** The system's resolver: /etc/nsswitch.conf, /etc/hosts and /etc/resolv.conf. */
    public static SystemResolver system() {
        return of(NsSwitch.SYSTEM, HostsFile.SYSTEM, new DnsjavaResolver());
    }

    /** The given nsswitch.conf and hosts files (missing files are fine), and DNS from {@code dns}. */
    public static SystemResolver of(Path nsswitchConf, Path hostsFile, Resolver dns) {
        NsSwitch order;
        try {
            order = NsSwitch.read(nsswitchConf);
        } catch (IOException e) {
            order = NsSwitch.parse("files dns"); // unreadable: the common order
        }
        return new SystemResolver(order, new HostsFile(hostsFile), dns);
    }

    /** The same sources, with the hosts file as it is now (one look at it, see {@link Resolver#oneQuestion}). */
    @Override
    public Resolver oneQuestion() {
        return new SystemResolver(nsswitch, hosts.now(), dns);
    }

    @Override
    public List<MxHost> mx(String domain) throws DnsException {
        return dns.mx(domain);
    }

    @Override
    public List<InetAddress> addresses(String host) throws DnsException {
        return dns.addresses(host);
    }

    @Override
    public List<String> names(InetAddress address) throws DnsException {
        return dns.names(address);
    }

    @Override
    public List<String> txt(String name) throws DnsException {
        return dns.txt(name);
    }

    @Override
    public List<String> ns(String domain) throws DnsException {
        return dns.ns(domain);
    }

    /** DANE's DNSSEC-validated lookups: those of the DNS resolver. */
    @Override
    public DnssecLookup dnssec() {
        return dns.dnssec();
    }

    @Override
    public List<InetAddress> nativeAddresses(String host) throws DnsException {
        return walk(host, "A", new Source<>() {
            @Override
            public HostsFile.Result<InetAddress> files() {
                return hosts.addresses(host);
            }

            @Override
            public List<InetAddress> dns() throws DnsException {
                return dns.addresses(host);
            }

            @Override
            public List<InetAddress> myhostname() {
                return isLocalhost(host) ? List.of(IpLiteral.parse("127.0.0.1"), IpLiteral.parse("::1")) : List.of();
            }
        });
    }

    @Override
    public List<String> nativeNames(InetAddress address) throws DnsException {
        String reverse = address.getHostAddress();
        return walk(reverse, "PTR", new Source<>() {
            @Override
            public HostsFile.Result<String> files() {
                return hosts.names(address);
            }

            @Override
            public List<String> dns() throws DnsException {
                return dns.names(address);
            }

            @Override
            public List<String> myhostname() {
                return address.isLoopbackAddress() ? List.of("localhost") : List.of();
            }
        });
    }

    /** How one kind of lookup asks each source. */
    private interface Source<T> {
        HostsFile.Result<T> files();

        List<T> dns() throws DnsException;

        List<T> myhostname();
    }

    /** Walks the hosts sources in order until one answers, or an action says stop. */
    private <T> List<T> walk(String what, String type, Source<T> source) throws DnsException {
        DnsException last = null;
        boolean tryAgain = false;
        for (NsSwitch.Source s : nsswitch.hosts()) {
            NsSwitch.Status status;
            List<T> found = List.of();
            switch (s.name()) {
                case "files" -> {
                    HostsFile.Result<T> r = source.files();
                    found = r.values();
                    status = switch (r.status()) {
                        case FOUND -> NsSwitch.Status.SUCCESS;
                        case NOT_FOUND -> NsSwitch.Status.NOTFOUND;
                        case UNAVAILABLE -> NsSwitch.Status.UNAVAIL;
                    };
                }
                case "dns", "resolve" -> {
                    try {
                        found = source.dns();
                        status = NsSwitch.Status.SUCCESS;
                    } catch (DnsException e) {
                        last = e;
                        tryAgain |= e.isTemporary();
                        status = e.isTemporary() ? NsSwitch.Status.TRYAGAIN : NsSwitch.Status.NOTFOUND;
                    }
                }
                case "myhostname" -> {
                    found = source.myhostname();
                    status = found.isEmpty() ? NsSwitch.Status.NOTFOUND : NsSwitch.Status.SUCCESS;
                }
                default -> status = NsSwitch.Status.UNAVAIL; // mdns, nis, ...: not something a mail system asks
            }
            if (status == NsSwitch.Status.SUCCESS && !found.isEmpty()) return found;
            if (s.returnsOn(status)) break;
        }
        if (tryAgain) throw DnsException.tryAgain(what, type);
        if (last != null) throw last;
        throw DnsException.hostNotFound(what, type);
    }

    private static boolean isLocalhost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
        return h.equals("localhost") || h.endsWith(".localhost");
    }
}
