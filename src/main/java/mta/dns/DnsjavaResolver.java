package mta.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * DnsjavaResolver - answers {@link Resolver} questions from DNS alone, with dnsjava, over UDP and
 * TCP, and remembers the answers.
 *
 * <p>Reads DNS from the name servers of {@code /etc/resolv.conf} (with its {@code timeout} and
 * {@code attempts} options, see {@link ResolvConf}), or from servers given to the constructor
 * ({@code host:port}, as tests do with their own responder). Writes nothing but its answer cache
 * ({@link DnsCache}: answers kept for their TTL, negative answers briefly, one lookup shared by
 * concurrent askers of the same question), which lives as long as the object. Every name is
 * looked up as an absolute name: the resolver search list never applies to mail domains.
 */
public final class DnsjavaResolver implements Resolver {
    /** Most answers kept at once. */
    static final int CACHE_ENTRIES = 10_000;

    private final ResolvConf conf;
    private final DnsLookup lookup;
    private final DnsCache cache = new DnsCache(CACHE_ENTRIES);
    /** DNSSEC validation over the same servers (for DANE), made at first use. */
    private final String trustAnchors;
    private volatile DnssecLookup dnssec;
    private final Random random = new Random();

    /** Asks the system's name servers, as /etc/resolv.conf names them (127.0.0.1 when it cannot be read). */
    public DnsjavaResolver() {
        this(ResolvConf.system());
    }

    /** Asks the name servers of {@code conf}, with its time-out and attempts. */
    public DnsjavaResolver(ResolvConf conf) {
        this(conf, null);
    }

    /**
     * The same, validating DNSSEC ({@link #dnssec()}) from {@code trustAnchors} (DS or DNSKEY
     * records in zone-file form; null for the root zone's).
     */
    public DnsjavaResolver(ResolvConf conf, String trustAnchors) {
        this.conf = conf;
        this.lookup = new DnsLookup(conf);
        this.trustAnchors = trustAnchors;
    }

    /** Asks the given servers ({@code "127.0.0.1:5353"}, {@code "[::1]:53"}, {@code "192.0.2.53"}). */
    public DnsjavaResolver(List<String> servers) {
        this(servers, ResolvConf.DEFAULT_TIMEOUT);
    }

    /**
     * Asks the given servers, waiting at most {@code timeout} for each try, in two rounds (the
     * system resolver's default attempts).
     *
     * @throws IllegalArgumentException when a server is not an IP address with an optional port
     */
    public DnsjavaResolver(List<String> servers, Duration timeout) {
        this(servers, timeout, ResolvConf.DEFAULT_ATTEMPTS);
    }

    /** The same, with {@code attempts} rounds over the servers. */
    public DnsjavaResolver(List<String> servers, Duration timeout, int attempts) {
        this(conf(servers, timeout, attempts), null);
    }

    /** The given servers, validating DNSSEC from {@code trustAnchors} (see {@link #dnssec()}). */
    public DnsjavaResolver(List<String> servers, Duration timeout, String trustAnchors) {
        this(conf(servers, timeout, ResolvConf.DEFAULT_ATTEMPTS), trustAnchors);
    }

    private static ResolvConf conf(List<String> servers, Duration timeout, int attempts) {
        return new ResolvConf(servers.stream().map(DnsjavaResolver::serverAddress).toList(), timeout, attempts, false);
    }

    @Override
    public List<MxHost> mx(String domain) throws DnsException {
        Record[] records = query(domain, Type.MX);
        if (records.length == 0) return List.of(new MxHost(domain, 0, true));
        List<MxHost> hosts = new ArrayList<>();
        for (Record r : records) {
            if (r instanceof MXRecord mx) hosts.add(new MxHost(hostName(mx.getTarget()), mx.getPriority(), false));
        }
        // RFC 7505: a domain that publishes "MX 0 ." accepts no mail. Other MX records next to a
        // null MX are a misconfiguration; then only the real hosts are used.
        hosts.removeIf(MxHost::isNull);
        if (hosts.isEmpty()) return MxHost.NULL_MX;
        Collections.shuffle(hosts, random);
        hosts.sort(Comparator.comparingInt(MxHost::preference)); // stable: equal preferences stay shuffled
        return List.copyOf(hosts);
    }

    @Override
    public List<InetAddress> addresses(String host) throws DnsException {
        List<InetAddress> out = new ArrayList<>();
        DnsException temporary = null;
        for (int type : new int[] {Type.A, Type.AAAA}) {
            try {
                for (Record r : query(host, type)) {
                    if (r instanceof ARecord a) out.add(a.getAddress());
                    if (r instanceof AAAARecord aaaa) out.add(aaaa.getAddress());
                }
            } catch (DnsException e) {
                if (!e.isTemporary()) throw e; // NXDOMAIN for one type is NXDOMAIN for all
                if (temporary == null) temporary = e;
            }
        }
        if (!out.isEmpty()) return List.copyOf(out);
        if (temporary != null) throw temporary;
        throw DnsException.noData(host, "A");
    }

    @Override
    public List<String> names(InetAddress address) throws DnsException {
        String name = ReverseMap.fromAddress(address).toString();
        List<String> out = new ArrayList<>();
        for (Record r : query(name, Type.PTR)) {
            if (r instanceof PTRRecord ptr) out.add(hostName(ptr.getTarget()));
        }
        if (out.isEmpty()) throw DnsException.noData(name, "PTR");
        return List.copyOf(out);
    }

    @Override
    public List<String> txt(String name) throws DnsException {
        List<String> out = new ArrayList<>();
        for (Record r : query(name, Type.TXT)) {
            if (r instanceof TXTRecord t) out.add(String.join("", t.getStrings()));
        }
        if (out.isEmpty()) throw DnsException.noData(name, "TXT");
        return List.copyOf(out);
    }

    @Override
    public List<String> ns(String domain) throws DnsException {
        List<String> out = new ArrayList<>();
        for (Record r : query(domain, Type.NS)) {
            if (r instanceof NSRecord n) out.add(hostName(n.getTarget()));
        }
        if (out.isEmpty()) throw DnsException.noData(domain, "NS");
        return List.copyOf(out);
    }

    /**
     * DNSSEC-validated lookups for DANE, through dnsjava's validating resolver over the same name
     * servers (its own queries, with the DO bit; not cached here).
     */
    @Override
    public DnssecLookup dnssec() {
        DnssecLookup d = dnssec;
        if (d == null) {
            List<org.xbill.DNS.Resolver> servers = new ArrayList<>();
            for (InetSocketAddress a : conf.servers()) servers.add(new SimpleResolver(a));
            ExtendedResolver head = new ExtendedResolver(servers);
            head.setTimeout(conf.timeout());
            d = new DnssecLookup(head, trustAnchors);
            dnssec = d;
        }
        return d;
    }

    /** The records of one type; empty when the name exists without such records. */
    private Record[] query(String name, int type) throws DnsException {
        Name absolute;
        try {
            absolute = Name.fromString(name, Name.root);
        } catch (TextParseException e) {
            throw DnsException.hostNotFound(name, Type.string(type));
        }
        DnsCache.Key key = new DnsCache.Key(absolute, type);
        return cache.get(key, () -> lookup.query(absolute, type)).records().toArray(new Record[0]);
    }

    /** Answers kept now (for tests). */
    int cached() {
        return cache.size();
    }

    private static String hostName(Name name) {
        if (name.equals(Name.root)) return MxHost.ROOT;
        return name.toString(true).toLowerCase(Locale.ROOT);
    }

    /** Parses {@code ip}, {@code ip:port} or {@code [ipv6]:port}; port 53 by default. */
    static InetSocketAddress serverAddress(String spec) {
        String host = spec.strip();
        int port = 53;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0) throw new IllegalArgumentException("bad DNS server: " + spec);
            if (host.startsWith(":", close + 1)) port = parsePort(host.substring(close + 2), spec);
            host = host.substring(1, close);
        } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
            port = parsePort(host.substring(host.indexOf(':') + 1), spec);
            host = host.substring(0, host.indexOf(':'));
        }
        if (!IpLiteral.isLiteral(host)) throw new IllegalArgumentException("bad DNS server: " + spec);
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad DNS server: " + spec);
        }
    }

    private static int parsePort(String text, String spec) {
        try {
            int port = Integer.parseInt(text);
            if (port > 0 && port < 65536) return port;
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("bad DNS server port: " + spec);
    }
}
