package mta.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DnsjavaResolverTest - MX and address lookups over the wire, against a {@link TestDnsServer}. */
class DnsjavaResolverTest {
    private TestDnsServer dns;
    private DnsjavaResolver resolver;

    @BeforeEach
    void start() throws Exception {
        dns = TestDnsServer.start();
        resolver = new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(2));
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    @Test
    void mxHostsComeLowestPreferenceFirst() throws Exception {
        dns.mx("example.test", 20, "mx2.example.test")
           .mx("example.test", 10, "mx1.example.test")
           .mx("example.test", 30, "mx3.example.test");

        List<MxHost> hosts = resolver.mx("example.test");

        assertEquals(List.of("mx1.example.test", "mx2.example.test", "mx3.example.test"),
                hosts.stream().map(MxHost::host).toList());
        assertEquals(List.of(10, 20, 30), hosts.stream().map(MxHost::preference).toList());
        assertFalse(hosts.get(0).implicit());
    }

    @Test
    void equalPreferencesAreShuffled() throws Exception {
        for (int i = 0; i < 6; i++) dns.mx("many.test", 10, "mx" + i + ".many.test");
        dns.mx("many.test", 5, "first.many.test");
        Set<String> seconds = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            List<MxHost> hosts = resolver.mx("many.test");
            assertEquals("first.many.test", hosts.get(0).host());
            seconds.add(hosts.get(1).host());
        }
        assertTrue(seconds.size() > 1, "the hosts of equal preference never changed order");
    }

    @Test
    void domainWithoutMxIsItsOwnImplicitMx() throws Exception {
        dns.a("plain.test", "192.0.2.1");

        List<MxHost> hosts = resolver.mx("plain.test");

        assertEquals(List.of(new MxHost("plain.test", 0, true)), hosts);
    }

    @Test
    void unknownDomainIsNotFound() {
        DnsException e = assertThrows(DnsException.class, () -> resolver.mx("nowhere.test"));
        assertEquals(DnsException.Kind.NOT_FOUND, e.kind());
        assertEquals("Name service error for name=nowhere.test type=MX: Host not found", e.getMessage());
    }

    @Test
    void serverFailureIsTemporary() {
        dns.servfail("broken.test");
        DnsException e = assertThrows(DnsException.class, () -> resolver.mx("broken.test"));
        assertEquals(DnsException.Kind.TEMPORARY, e.kind());
    }

    @Test
    void nullMxIsReportedAsSuch() throws Exception {
        dns.nullMx("nomail.test");

        List<MxHost> hosts = resolver.mx("nomail.test");

        assertTrue(MxHost.isNullMx(hosts));
    }

    @Test
    void addressesListIpv4ThenIpv6() throws Exception {
        dns.aaaa("mx1.example.test", "2001:db8::25").a("mx1.example.test", "192.0.2.25");

        List<InetAddress> addresses = resolver.addresses("mx1.example.test");

        assertEquals(List.of("192.0.2.25", "2001:db8:0:0:0:0:0:25"),
                addresses.stream().map(InetAddress::getHostAddress).toList());
    }

    @Test
    void hostWithoutAddressIsNotFound() {
        dns.txt("text.test", "v=spf1 -all");
        DnsException e = assertThrows(DnsException.class, () -> resolver.addresses("text.test"));
        assertEquals(DnsException.Kind.NOT_FOUND, e.kind());
        assertEquals("A", e.type());
    }

    @Test
    void serverAddressesParse() {
        assertEquals(5353, DnsjavaResolver.serverAddress("127.0.0.1:5353").getPort());
        assertEquals(53, DnsjavaResolver.serverAddress("[::1]").getPort());
        assertEquals(54, DnsjavaResolver.serverAddress("[::1]:54").getPort());
        assertThrows(IllegalArgumentException.class, () -> DnsjavaResolver.serverAddress("dns.example:53"));
    }
}
