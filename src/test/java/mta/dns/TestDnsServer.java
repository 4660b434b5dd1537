package mta.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * TestDnsServer - a tiny authoritative DNS responder on 127.0.0.1 for tests, over UDP and TCP.
 *
 * <p>Reads DNS queries from its two sockets; answers from the records a test adds with
 * {@link #mx}, {@link #a}, {@link #aaaa}, {@link #ptr}, {@link #txt} and {@link #nullMx}. A name with no records
 * at all gets NXDOMAIN; a name that has records, but none of the type asked, gets an empty
 * NOERROR answer (NODATA); a name marked with {@link #servfail} gets SERVFAIL. Both sockets share
 * one random free port. Point a {@link DnsjavaResolver} at {@link #address()}.
 *
 * <p>DNSSEC: {@link #signZone} makes a zone signed with a test key (ECDSA P-256, algorithm 13)
 * made at start; {@link #trustAnchor()} is that key as a trust anchor for a validating resolver.
 * To queries with the DO bit, answers in a signed zone carry RRSIGs, the apex answers DNSKEY, and
 * a name or type that does not exist gets a signed NODATA answer whose NSEC record covers only
 * that name ("minimal" denial, RFC 4470 style). {@link #tlsa} adds TLSA records for DANE, and
 * {@link #breakSignatures} makes the signatures of a name fail to verify (a forged answer).
 *
 * <p>To play a resolver under load, it can drop queries ({@link #dropNext}: the next questions get
 * no answer at all; {@link #rateLimit}: questions beyond a rate are dropped, as a rate-limiting
 * resolver does with a burst) and delay answers over UDP
 * ({@link #delay}, for every name or one name); delayed answers are sent from their own threads,
 * so they overlap. {@link #maxPending()} is the most questions that were waiting for their
 * answer at the same time: the overlap the clients achieved.
 */
public final class TestDnsServer implements AutoCloseable {
    private static final long TTL = 60;

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final Map<Name, List<Record>> records = new ConcurrentHashMap<>();
    private final Set<Name> failing = ConcurrentHashMap.newKeySet();
    private final Map<Name, DNSKEYRecord> signedZones = new ConcurrentHashMap<>();
    private final Map<Name, PrivateKey> zoneKeys = new ConcurrentHashMap<>();
    private final Set<Name> forged = ConcurrentHashMap.newKeySet();
    private final List<String> questions = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger drops = new java.util.concurrent.atomic.AtomicInteger();
    private final Map<Name, java.time.Duration> delays = new ConcurrentHashMap<>();
    private volatile java.time.Duration delay = java.time.Duration.ZERO;
    private final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger maxPending = new java.util.concurrent.atomic.AtomicInteger();
    private volatile int limit;
    private long windowSecond;
    private int inWindow;
    private volatile boolean closed;

    private TestDnsServer(DatagramSocket udp, ServerSocket tcp) {
        this.udp = udp;
        this.tcp = tcp;
        Thread.ofPlatform().daemon().name("test-dns-udp").start(this::serveUdp);
        Thread.ofPlatform().daemon().name("test-dns-tcp").start(this::serveTcp);
    }

    /** Starts a server on 127.0.0.1, UDP and TCP on the same free port. */
    public static TestDnsServer start() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        for (int attempt = 0; ; attempt++) {
            DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, 0));
            try {
                ServerSocket tcp = new ServerSocket();
                tcp.bind(new InetSocketAddress(loopback, udp.getLocalPort()));
                return new TestDnsServer(udp, tcp);
            } catch (IOException busy) {
                udp.close(); // the TCP port of that number is taken; pick another number
                if (attempt == 20) throw busy;
            }
        }
    }

    /** The port both sockets listen on. */
    public int port() {
        return udp.getLocalPort();
    }

    /** {@code "127.0.0.1:port"}, the form {@link DnsjavaResolver} takes. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    /** Every question asked so far, as {@code "name TYPE"} (for example {@code "example.test. MX"}). */
    public List<String> questions() {
        return List.copyOf(questions);
    }

    public TestDnsServer mx(String domain, int preference, String host) {
        return add(new MXRecord(name(domain), DClass.IN, TTL, preference, name(host)));
    }

    /** A null MX (RFC 7505): {@code domain MX 0 .}. */
    public TestDnsServer nullMx(String domain) {
        return add(new MXRecord(name(domain), DClass.IN, TTL, 0, Name.root));
    }

    public TestDnsServer a(String host, String ipv4) {
        return add(new ARecord(name(host), DClass.IN, TTL, literal(ipv4)));
    }

    public TestDnsServer aaaa(String host, String ipv6) {
        return add(new AAAARecord(name(host), DClass.IN, TTL, literal(ipv6)));
    }

    /** A PTR record for {@code ip} (IPv4 or IPv6): the reverse name of the address points to {@code host}. */
    public TestDnsServer ptr(String ip, String host) {
        return add(new PTRRecord(ReverseMap.fromAddress(literal(ip)), DClass.IN, TTL, name(host)));
    }

    /** An NS record: {@code domain NS host}. */
    public TestDnsServer ns(String domain, String host) {
        return add(new NSRecord(name(domain), DClass.IN, TTL, name(host)));
    }

    public TestDnsServer txt(String name, String text) {
        return add(new TXTRecord(name(name), DClass.IN, TTL, text));
    }

    /** A TLSA record at {@code _port._tcp.host}, association data in hex. */
    public TestDnsServer tlsa(String host, int port, int usage, int selector, int matchingType, String hex) {
        return add(new TLSARecord(name("_" + port + "._tcp." + host), DClass.IN, TTL, usage, selector, matchingType,
                java.util.HexFormat.of().parseHex(hex)));
    }

    /** Signs {@code zone} with a key of its own (and gives it an SOA record). */
    public TestDnsServer signZone(String zone) {
        Name z = name(zone);
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair kp = g.generateKeyPair();
            DNSKEYRecord key = new DNSKEYRecord(z, DClass.IN, TTL, 257, 3, DNSSEC.Algorithm.ECDSAP256SHA256, kp.getPublic());
            zoneKeys.put(z, kp.getPrivate());
            signedZones.put(z, key);
        } catch (GeneralSecurityException | DNSSEC.DNSSECException e) {
            throw new IllegalStateException("cannot make a DNSSEC key: " + e, e);
        }
        return add(new SOARecord(z, DClass.IN, TTL, name("ns." + zone), name("hostmaster." + zone), 1, 3600, 600,
                86400, TTL));
    }

    /** The keys of the signed zones as trust anchors (zone-file DNSKEY lines). */
    public String trustAnchor() {
        StringBuilder b = new StringBuilder();
        for (DNSKEYRecord k : signedZones.values()) b.append(k).append('\n');
        return b.toString();
    }

    /** Answers about {@code name} carry signatures that do not verify (as a forged answer would). */
    public TestDnsServer breakSignatures(String name) {
        forged.add(name(name));
        return this;
    }

    /** The next {@code n} questions (UDP or TCP) get no answer at all. */
    public TestDnsServer dropNext(int n) {
        drops.addAndGet(n);
        return this;
    }

    /**
     * Answers at most {@code perSecond} questions in each second and drops the rest, as a
     * rate-limiting resolver does with a burst; 0 turns the limit off.
     */
    public TestDnsServer rateLimit(int perSecond) {
        limit = perSecond;
        return this;
    }

    /** Every UDP answer is sent {@code d} after its question came. */
    public TestDnsServer delay(java.time.Duration d) {
        delay = d;
        return this;
    }

    /** UDP answers about {@code name} are sent {@code d} after their question came. */
    public TestDnsServer delay(String name, java.time.Duration d) {
        delays.put(name(name), d);
        return this;
    }

    /** The most questions that waited for their (delayed) answer at the same time. */
    public int maxPending() {
        return maxPending.get();
    }

    /** Makes every question about {@code name} fail with SERVFAIL (a temporary error). */
    public TestDnsServer servfail(String name) {
        failing.add(name(name));
        return this;
    }

    private TestDnsServer add(Record r) {
        records.computeIfAbsent(r.getName(), n -> new CopyOnWriteArrayList<>()).add(r);
        return this;
    }

    private static Name name(String text) {
        try {
            return Name.fromString(text, Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("bad name: " + text);
        }
    }

    private static InetAddress literal(String ip) {
        InetAddress a = IpLiteral.parse(ip);
        if (a == null) throw new IllegalArgumentException("not an IP address: " + ip);
        return a;
    }

    // ------------------------------------------------------------------ answering

    /** The response to one query, or null when the query is unreadable. */
    byte[] answer(byte[] query, int maxLength) {
        Message request;
        try {
            request = new Message(query);
        } catch (IOException e) {
            return null;
        }
        Message response = new Message(request.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        if (request.getHeader().getFlag(Flags.RD)) response.getHeader().setFlag(Flags.RD);
        Record question = request.getQuestion();
        if (question == null) {
            response.getHeader().setRcode(Rcode.FORMERR);
            return response.toWire(maxLength);
        }
        response.addRecord(question, Section.QUESTION);
        questions.add(question.getName() + " " + Type.string(question.getType()));
        if (drops.getAndUpdate(n -> Math.max(0, n - 1)) > 0) return null; // dropped: no answer
        if (limit > 0 && overLimit()) return null;
        List<Record> known = records.get(question.getName());
        OPTRecord opt = request.getOPT();
        boolean dnssecOk = opt != null && (opt.getFlags() & ExtendedFlags.DO) != 0;
        Name zone = dnssecOk ? signedZone(question.getName()) : null;
        if (opt != null) {
            response.addRecord(new OPTRecord(4096, 0, 0, dnssecOk ? ExtendedFlags.DO : 0), Section.ADDITIONAL);
            maxLength = Math.max(maxLength, Math.min(opt.getPayloadSize(), 4096));
        }
        if (failing.contains(question.getName())) {
            response.getHeader().setRcode(Rcode.SERVFAIL);
        } else if (zone != null) {
            answerSigned(response, question, known, zone);
        } else if (known == null) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
        } else {
            for (Record r : new ArrayList<>(known)) {
                if (r.getType() == question.getType()) response.addRecord(r, Section.ANSWER);
            }
        }
        return response.toWire(maxLength);
    }

    /** The signed zone {@code n} is in, or null. */
    private Name signedZone(Name n) {
        for (Name z : signedZones.keySet()) if (n.subdomain(z)) return z;
        return null;
    }

    /** The answer in a signed zone: signed records, or a signed NODATA with a minimal NSEC. */
    private void answerSigned(Message response, Record question, List<Record> known, Name zone) {
        int type = question.getType();
        Name qname = question.getName();
        List<Record> rrs = new ArrayList<>();
        if (type == Type.DNSKEY && qname.equals(zone)) {
            rrs.add(signedZones.get(zone));
        } else if (known != null) {
            for (Record r : known) if (r.getType() == type) rrs.add(r);
        }
        if (!rrs.isEmpty()) {
            for (Record r : rrs) response.addRecord(r, Section.ANSWER);
            response.addRecord(sign(new RRset(rrs.toArray(new Record[0])), zone), Section.ANSWER);
            return;
        }
        List<Integer> types = new ArrayList<>();
        if (known != null) for (Record r : known) if (!types.contains(r.getType())) types.add(r.getType());
        if (qname.equals(zone)) types.add(Type.DNSKEY);
        types.add(Type.RRSIG);
        types.add(Type.NSEC);
        Name next;
        try {
            next = Name.concatenate(Name.fromString("\\000"), qname);
        } catch (TextParseException | org.xbill.DNS.NameTooLongException e) {
            throw new IllegalStateException(e);
        }
        Record nsec = new NSECRecord(qname, DClass.IN, TTL, next, types.stream().mapToInt(Integer::intValue).toArray());
        Record soa = records.get(zone).stream().filter(r -> r.getType() == Type.SOA).findFirst().orElseThrow();
        response.addRecord(soa, Section.AUTHORITY);
        response.addRecord(sign(new RRset(soa), zone), Section.AUTHORITY);
        response.addRecord(nsec, Section.AUTHORITY);
        response.addRecord(sign(new RRset(nsec), zone), Section.AUTHORITY);
    }

    private RRSIGRecord sign(RRset set, Name zone) {
        Instant now = Instant.now();
        try {
            RRSIGRecord sig = DNSSEC.sign(set, signedZones.get(zone), zoneKeys.get(zone), now.minusSeconds(3600),
                    now.plusSeconds(86400));
            if (!forged.contains(set.getName())) return sig;
            byte[] bad = sig.getSignature().clone();
            bad[bad.length - 1] ^= 1;
            return new RRSIGRecord(sig.getName(), sig.getDClass(), sig.getTTL(), sig.getTypeCovered(), sig.getAlgorithm(),
                    sig.getOrigTTL(), sig.getExpire(), sig.getTimeSigned(), sig.getFootprint(), sig.getSigner(), bad);
        } catch (DNSSEC.DNSSECException e) {
            throw new IllegalStateException("cannot sign: " + e, e);
        }
    }

    private void serveUdp() {
        byte[] buf = new byte[4096];
        while (!closed) {
            DatagramPacket packet = new DatagramPacket(buf, buf.length);
            try {
                udp.receive(packet);
                byte[] query = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
                java.net.SocketAddress client = packet.getSocketAddress();
                java.time.Duration wait = delayOf(query);
                if (wait.isZero()) {
                    byte[] reply = answer(query, 512);
                    if (reply != null) udp.send(new DatagramPacket(reply, reply.length, client));
                } else {
                    int now = pending.incrementAndGet();
                    maxPending.accumulateAndGet(now, Math::max);
                    Thread.ofVirtual().name("test-dns-delayed").start(() -> answerLater(query, client, wait));
                }
            } catch (IOException e) {
                if (closed) return;
            }
        }
    }

    /** Counts a question in the current second; true when it is one too many. */
    private synchronized boolean overLimit() {
        long second = System.nanoTime() / 1_000_000_000L;
        if (second != windowSecond) {
            windowSecond = second;
            inWindow = 0;
        }
        return ++inWindow > limit;
    }

    private void answerLater(byte[] query, java.net.SocketAddress client, java.time.Duration wait) {
        try {
            Thread.sleep(wait);
            byte[] reply = answer(query, 512);
            if (reply != null && !closed) udp.send(new DatagramPacket(reply, reply.length, client));
        } catch (IOException | InterruptedException e) {
            // closed meanwhile: the client times out, as it would with a real server gone
        } finally {
            pending.decrementAndGet();
        }
    }

    /** How long the answer to this query waits: the name's own delay, else the general one. */
    private java.time.Duration delayOf(byte[] query) {
        try {
            Record q = new Message(query).getQuestion();
            java.time.Duration d = q == null ? null : delays.get(q.getName());
            return d != null ? d : delay;
        } catch (IOException e) {
            return java.time.Duration.ZERO;
        }
    }

    private void serveTcp() {
        while (!closed) {
            try {
                Socket s = tcp.accept();
                Thread.ofVirtual().name("test-dns-tcp-conn").start(() -> serveTcpConnection(s));
            } catch (IOException e) {
                if (closed) return;
            }
        }
    }

    private void serveTcpConnection(Socket s) {
        try (s; DataInputStream in = new DataInputStream(s.getInputStream());
             DataOutputStream out = new DataOutputStream(s.getOutputStream())) {
            s.setSoTimeout(10_000);
            while (true) {
                int length = in.readUnsignedShort(); // DNS over TCP: two-byte length, then the message
                byte[] query = in.readNBytes(length);
                byte[] reply = answer(query, 65535);
                if (reply == null) return;
                out.writeShort(reply.length);
                out.write(reply);
                out.flush();
            }
        } catch (IOException e) {
            // the client closed the connection, or sent garbage: nothing to do
        }
    }

    @Override
    public void close() {
        closed = true;
        udp.close();
        try {
            tcp.close();
        } catch (SocketException ignored) {
            // already closed
        } catch (IOException ignored) {
            // closing a listening socket of a test
        }
    }
}
