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
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * DnsjavaResolver - answers {@link Resolver} questions with dnsjava, over UDP and TCP.
 *
 * <p>Reads DNS from the system's name servers ({@code /etc/resolv.conf} and the like), or from
 * the servers given to the constructor ({@code host:port}, as tests do with their own responder).
 * Writes nothing but its own answer cache, which lives as long as the object. Every name is
 * looked up as an absolute name: the resolver search list never applies to mail domains.
 */
public final class DnsjavaResolver implements Resolver {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final org.xbill.DNS.Resolver resolver;
    private final Cache cache = new Cache(DClass.IN);
    /** DNSSEC validation over the same servers, made at first use. */
    private final String trustAnchors;
    private volatile DnssecLookup dnssec;
    private final Random random = new Random();

    /** Asks the system's name servers. */
    public DnsjavaResolver() {
        this(List.of(), DEFAULT_TIMEOUT);
    }

    /** Asks the given servers ({@code "127.0.0.1:5353"}, {@code "[::1]:53"}, {@code "192.0.2.53"}). */
    public DnsjavaResolver(List<String> servers) {
        this(servers, DEFAULT_TIMEOUT);
    }

    /**
     * Asks the given servers, or the system's when the list is empty, waiting at most
     * {@code timeout} for each server's answer.
     *
     * @throws IllegalArgumentException when a server is not an IP address with an optional port
     */
    public DnsjavaResolver(List<String> servers, Duration timeout) {
        this(servers, timeout, null);
    }

    /**
     * The same, validating DNSSEC ({@link #dnssec()}) from {@code trustAnchors} (DS or DNSKEY
     * records in zone-file form; null for the root zone's).
     */
    public DnsjavaResolver(List<String> servers, Duration timeout, String trustAnchors) {
        this.trustAnchors = trustAnchors;
        ExtendedResolver r;
        if (servers.isEmpty()) {
            r = new ExtendedResolver();
        } else {
            List<org.xbill.DNS.Resolver> list = new ArrayList<>();
            for (String s : servers) list.add(new SimpleResolver(serverAddress(s)));
            r = new ExtendedResolver(list);
        }
        r.setTimeout(timeout);
        this.resolver = r;
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
    public DnssecLookup dnssec() {
        DnssecLookup d = dnssec;
        if (d == null) {
            d = new DnssecLookup(resolver, trustAnchors);
            dnssec = d;
        }
        return d;
    }

    /** The records of one type; empty when the name exists without such records. */
    private Record[] query(String name, int type) throws DnsException {
        String typeName = Type.string(type);
        Name absolute;
        try {
            absolute = Name.fromString(name, Name.root);
        } catch (TextParseException e) {
            throw DnsException.hostNotFound(name, typeName);
        }
        Lookup lookup = new Lookup(absolute, type);
        lookup.setResolver(resolver);
        lookup.setCache(cache);
        Record[] answers = lookup.run();
        return switch (lookup.getResult()) {
            case Lookup.SUCCESSFUL -> answers;
            case Lookup.TYPE_NOT_FOUND -> new Record[0];
            case Lookup.HOST_NOT_FOUND -> throw DnsException.hostNotFound(name, typeName);
            default -> throw DnsException.tryAgain(name, typeName); // TRY_AGAIN, UNRECOVERABLE
        };
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
