package mta.dns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DnssecLookupTest - DNSSEC validation in this process (dnsjava's ValidatingResolver) against the
 * test DNS server's signed zone: secure answers, secure denial, insecure names outside the zone,
 * and forged signatures refused as a temporary error.
 */
class DnssecLookupTest {
    static TestDnsServer dns;
    static DnssecLookup lookup;

    @BeforeAll
    static void start() throws Exception {
        dns = TestDnsServer.start().signZone("dane.test")
                .mx("dane.test", 10, "mx.dane.test")
                .a("mx.dane.test", "127.0.0.1")
                .tlsa("mx.dane.test", 25, 3, 1, 1, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")
                .a("forged.dane.test", "127.0.0.1")
                .tlsa("forged.dane.test", 25, 3, 1, 1, "00")
                .breakSignatures("_25._tcp.forged.dane.test")
                .mx("plain.test", 10, "mx.plain.test")
                .a("mx.plain.test", "127.0.0.1")
                .tlsa("mx.plain.test", 25, 3, 1, 1, "ab");
        lookup = new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(2), dns.trustAnchor()).dnssec();
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    @Test
    void signedAnswersAreSecure() throws Exception {
        assertTrue(lookup.mxSecure("dane.test"));
        assertTrue(lookup.addressesSecure("mx.dane.test"));
        DnssecLookup.Validated<List<DnssecLookup.Tlsa>> t = lookup.tlsa("mx.dane.test", 25);
        assertTrue(t.secure());
        assertEquals(1, t.value().size());
        DnssecLookup.Tlsa r = t.value().get(0);
        assertEquals(List.of(3, 1, 1), List.of(r.usage(), r.selector(), r.matchingType()));
        assertArrayEquals(HexFormat.of().parseHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"),
                r.data());
    }

    @Test
    void aMissingTlsaRecordIsASecureDenial() throws Exception {
        DnssecLookup.Validated<List<DnssecLookup.Tlsa>> t = lookup.tlsa("mx.dane.test", 587);
        assertTrue(t.secure());
        assertTrue(t.value().isEmpty());
        assertTrue(lookup.tlsa("nohost.dane.test", 25).secure());
    }

    @Test
    void namesOutsideTheSignedZoneAreInsecure() throws Exception {
        assertFalse(lookup.mxSecure("plain.test"));
        DnssecLookup.Validated<List<DnssecLookup.Tlsa>> t = lookup.tlsa("mx.plain.test", 25);
        assertFalse(t.secure());
        assertEquals(1, t.value().size());
    }

    @Test
    void forgedSignaturesAreATemporaryError() {
        DnsException e = assertThrows(DnsException.class, () -> lookup.tlsa("forged.dane.test", 25));
        assertTrue(e.isTemporary());
    }
}
