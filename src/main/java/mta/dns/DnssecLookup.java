package mta.dns;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * DnssecLookup - DNS questions whose answers are validated with DNSSEC in this process, for DANE:
 * is a domain's MX RRset secure, are a host's addresses secure, and what are its TLSA records.
 *
 * <p>Reads DNS through dnsjava's {@link ValidatingResolver} on top of the same name servers as
 * {@link DnsjavaResolver}, from a trust anchor: the root zone's keys (from {@code
 * /usr/share/dns/root.ds} when the system has it, else the two IANA root KSKs built in) or, in
 * tests, the key of a test zone. An answer is <em>secure</em> when its signatures chain up to the
 * anchor; <em>insecure</em> when the name is outside any signed zone (then DANE does not apply);
 * and <em>bogus</em> (signatures that do not verify, a name server that strips them) is a
 * temporary {@link DnsException}, as a validating resolver's SERVFAIL is. Writes nothing.
 */
public final class DnssecLookup {
    /** The IANA root zone trust anchors (KSK-2017 and KSK-2024), as DS records. */
    static final String ROOT_ANCHORS = """
            . IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D
            . IN DS 38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16
            """;

    /** The file of Debian's dns-root-data package, kept current by the system. */
    static final Path SYSTEM_ROOT_ANCHORS = Path.of("/usr/share/dns/root.ds");

    /** An answer and whether it was DNSSEC-validated. */
    public record Validated<T>(T value, boolean secure) {}

    /** One TLSA record's fields. */
    public record Tlsa(int usage, int selector, int matchingType, byte[] data) {}

    static {
        // dnsjava logs each bogus answer with a stack trace; the caller reports it as a temporary
        // DNS error in the mail log instead. (slf4j-simple reads this when dnsjava's loggers are made.)
        String quiet = "org.slf4j.simpleLogger.log.org.xbill.DNS.dnssec";
        if (System.getProperty(quiet) == null) System.setProperty(quiet, "off");
    }

    private final ValidatingResolver validating;

    /**
     * @param head         the resolver that asks the name servers
     * @param trustAnchors DS or DNSKEY records in zone-file form; null for the root's
     */
    DnssecLookup(org.xbill.DNS.Resolver head, String trustAnchors) {
        this.validating = new ValidatingResolver(head);
        String anchors = trustAnchors != null ? trustAnchors : rootAnchors();
        try {
            validating.loadTrustAnchors(new ByteArrayInputStream(anchors.getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            throw new IllegalArgumentException("bad DNSSEC trust anchors: " + e.getMessage(), e);
        }
    }

    /** The system's root anchors when it has them, else the built-in ones. */
    static String rootAnchors() {
        try {
            if (Files.isReadable(SYSTEM_ROOT_ANCHORS)) return Files.readString(SYSTEM_ROOT_ANCHORS, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            // fall back to the built-in anchors
        }
        return ROOT_ANCHORS;
    }

    /**
     * Is the MX RRset of {@code domain} (or the absence of one, for the implicit MX) validated?
     *
     * @throws DnsException TEMPORARY for bogus answers and failures
     */
    public boolean mxSecure(String domain) throws DnsException {
        return query(domain, Type.MX).secure();
    }

    /**
     * Are the address records of {@code host} validated (A, or AAAA when it has no A)?
     *
     * @throws DnsException TEMPORARY for bogus answers and failures
     */
    public boolean addressesSecure(String host) throws DnsException {
        Validated<List<Record>> a = query(host, Type.A);
        if (!a.value().isEmpty() || !a.secure()) return a.secure();
        return query(host, Type.AAAA).secure();
    }

    /**
     * The TLSA records of {@code _port._tcp.host}: empty when there are none (NXDOMAIN or NODATA).
     *
     * @throws DnsException TEMPORARY for bogus answers and failures
     */
    public Validated<List<Tlsa>> tlsa(String host, int port) throws DnsException {
        Validated<List<Record>> r = query("_" + port + "._tcp." + host, Type.TLSA);
        List<Tlsa> out = new ArrayList<>();
        for (Record rec : r.value()) {
            if (rec instanceof TLSARecord t) {
                out.add(new Tlsa(t.getCertificateUsage(), t.getSelector(), t.getMatchingType(),
                        t.getCertificateAssociationData()));
            }
        }
        return new Validated<>(List.copyOf(out), r.secure());
    }

    /** The answer records of one type (empty for NXDOMAIN and NODATA), and the AD flag. */
    private Validated<List<Record>> query(String name, int type) throws DnsException {
        String typeName = Type.string(type);
        Name absolute;
        try {
            absolute = Name.fromString(name, Name.root);
        } catch (TextParseException e) {
            throw DnsException.hostNotFound(name, typeName);
        }
        Message response;
        try {
            response = validating.send(Message.newQuery(Record.newRecord(absolute, type, DClass.IN)));
        } catch (IOException e) {
            throw DnsException.tryAgain(name, typeName);
        }
        int rcode = response.getRcode();
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) throw DnsException.tryAgain(name, typeName);
        boolean secure = response.getHeader().getFlag(Flags.AD);
        List<Record> out = new ArrayList<>();
        for (Record r : response.getSection(Section.ANSWER)) if (r.getType() == type) out.add(r);
        return new Validated<>(List.copyOf(out), secure);
    }
}
