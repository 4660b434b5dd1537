package mta.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * DnsLookup - asks the name servers one question, over UDP (TCP when the answer is truncated),
 * with the system resolver's time-outs and retries.
 *
 * <p>Reads DNS answers; writes queries. Each question makes at most {@code attempts} rounds over
 * the servers of a {@link ResolvConf}, each try waiting {@code timeout} for an answer; a server
 * that times out or answers SERVFAIL or REFUSED passes the question to the next. NXDOMAIN and
 * NOERROR are final. CNAME records are followed (at most {@value #MAX_CNAMES}). Every call runs on
 * its caller's thread and shares nothing with other calls but the dnsjava I/O threads, so a slow
 * question never holds up another.
 */
final class DnsLookup {
    static final int MAX_CNAMES = 8;
    /** How long "no such name" and "no such record" answers are kept, at most (nscd keeps them 20 s). */
    static final long MAX_NEGATIVE_TTL = 20;
    /** How long any answer is kept, at most. */
    static final long MAX_TTL = 86_400;

    /** The records of the type asked for (empty: the name exists without them), and how long they hold. */
    record Answer(List<Record> records, long ttlSeconds) {}

    private final SimpleResolver[] servers;
    private final int attempts;
    private final boolean rotate;
    private final AtomicInteger next = new AtomicInteger();

    DnsLookup(ResolvConf conf) {
        List<SimpleResolver> list = new ArrayList<>();
        for (InetSocketAddress a : conf.servers()) {
            SimpleResolver r = new SimpleResolver(a);
            r.setTimeout(conf.timeout());
            list.add(r);
        }
        this.servers = list.toArray(new SimpleResolver[0]);
        this.attempts = conf.attempts();
        this.rotate = conf.rotate();
    }

    /**
     * The records of {@code type} for {@code name}.
     *
     * @throws DnsException NOT_FOUND for NXDOMAIN (with the time the answer holds), TEMPORARY when
     *                      no server gave a usable answer
     */
    Answer query(Name name, int type) throws DnsException {
        Name current = name;
        long ttl = MAX_TTL;
        for (int hop = 0; hop <= MAX_CNAMES; hop++) {
            Message response = ask(current, type, name);
            String typeName = Type.string(type);
            int rcode = response.getRcode();
            List<Record> found = new ArrayList<>();
            Name target = current;
            for (int chain = 0; chain <= MAX_CNAMES; chain++) {
                boolean moved = false;
                for (Record r : response.getSection(Section.ANSWER)) {
                    if (!r.getName().equals(target)) continue;
                    if (r.getType() == type) {
                        found.add(r);
                        ttl = Math.min(ttl, r.getTTL());
                    } else if (r instanceof CNAMERecord cname && type != Type.CNAME && found.isEmpty()) {
                        ttl = Math.min(ttl, r.getTTL());
                        target = cname.getTarget();
                        moved = true;
                        break;
                    }
                }
                if (!moved) break;
            }
            if (!found.isEmpty()) return new Answer(List.copyOf(found), ttl);
            if (rcode == Rcode.NXDOMAIN) {
                throw DnsException.hostNotFound(text(name), typeName).withTtl(negativeTtl(response));
            }
            if (target.equals(current)) return new Answer(List.of(), negativeTtl(response)); // NODATA
            current = target; // a CNAME whose target's records were not in the answer: ask for them
        }
        throw DnsException.tryAgain(text(name), Type.string(type)); // a CNAME loop
    }

    /** One question, to the servers in turn, for {@code attempts} rounds. */
    private Message ask(Name name, int type, Name asked) throws DnsException {
        Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        String typeLabel = typeLabel(type);
        mta.metrics.MailMetrics.DNS_LOOKUPS.labels(typeLabel).inc();
        long started = System.nanoTime();
        try {
            return askServers(query, type, asked);
        } catch (DnsException e) {
            mta.metrics.MailMetrics.DNS_LOOKUP_FAILURES.labels(typeLabel).inc();
            throw e;
        } finally {
            mta.metrics.MailMetrics.DNS_LOOKUP_DURATION.get().observeSince(started);
        }
    }

    /** The record types a metric label may name; any other is "other". */
    private static String typeLabel(int type) {
        return switch (type) {
            case Type.A, Type.AAAA, Type.MX, Type.PTR, Type.TXT, Type.TLSA, Type.CNAME, Type.SOA, Type.NS, Type.SRV,
                 Type.DS, Type.DNSKEY -> Type.string(type);
            default -> "other";
        };
    }

    private Message askServers(Message query, int type, Name asked) throws DnsException {
        int first = rotate ? Math.floorMod(next.getAndIncrement(), servers.length) : 0;
        for (int round = 0; round < attempts; round++) {
            for (int i = 0; i < servers.length; i++) {
                try {
                    Message response = servers[(first + i) % servers.length].send(query);
                    int rcode = response.getRcode();
                    if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) return response;
                    // SERVFAIL, REFUSED, ...: another server may know better
                } catch (IOException e) {
                    // timed out or unreachable: the next server, or the next round
                }
            }
        }
        throw DnsException.tryAgain(text(asked), Type.string(type));
    }

    /** The SOA minimum of a negative answer (RFC 2308), within {@link #MAX_NEGATIVE_TTL}. */
    private static long negativeTtl(Message response) {
        long ttl = MAX_NEGATIVE_TTL;
        for (Record r : response.getSection(Section.AUTHORITY)) {
            if (r instanceof SOARecord soa) ttl = Math.min(ttl, Math.min(soa.getTTL(), soa.getMinimum()));
        }
        return ttl;
    }

    private static String text(Name name) {
        return name.toString(true);
    }
}
