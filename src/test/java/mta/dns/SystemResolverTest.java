package mta.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SystemResolverTest - host lookups in the system's order: nsswitch.conf's hosts line over a
 * hosts file of the test and the test DNS server; and resolv.conf's servers, timeout and attempts.
 */
class SystemResolverTest {
    @TempDir
    Path dir;
    private TestDnsServer dns;
    private Path hosts;
    private Path nsswitch;

    @BeforeEach
    void start() throws Exception {
        dns = TestDnsServer.start();
        dns.ptr("127.0.0.1", "dns-name.example.test").a("dns-name.example.test", "127.0.0.1")
           .ptr("192.0.2.10", "ten.example.test").a("ten.example.test", "192.0.2.10");
        hosts = Files.writeString(dir.resolve("hosts"), String.join("\n",
                "# comment", "127.0.0.1\tlocalhost", "127.0.0.1 runsc   # second name for the address",
                "::1 localhost ip6-localhost", "192.0.2.9 files.example.test Alias", ""));
        nsswitch = dir.resolve("nsswitch.conf");
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    private SystemResolver resolver(String hostsLine) throws Exception {
        Files.writeString(nsswitch, "passwd: files\nhosts:  " + hostsLine + "\nnetworks: files\n");
        return SystemResolver.of(nsswitch, hosts, new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(2)));
    }

    private static InetAddress ip(String s) {
        return IpLiteral.parse(s);
    }

    @Test
    void filesFirstAsMostSystemsHaveIt() throws Exception {
        SystemResolver r = resolver("files dns");

        assertEquals(List.of("localhost"), r.nativeNames(ip("127.0.0.1")), "the first name of the first line");
        assertEquals(List.of(ip("127.0.0.1"), ip("::1")), r.nativeAddresses("LOCALHOST"), "every line, in order");
        assertEquals(List.of(ip("192.0.2.9")), r.nativeAddresses("alias"));
        assertEquals(List.of(), dns.questions(), "the hosts file answered: no DNS question");

        assertEquals(List.of("ten.example.test"), r.nativeNames(ip("192.0.2.10")), "not in the file: DNS");
        assertEquals(List.of(ip("192.0.2.10")), r.nativeAddresses("ten.example.test"));
        assertThrows(DnsException.class, () -> r.nativeNames(ip("192.0.2.99")));
    }

    @Test
    void theOrderAndActionsOfTheHostsLineCount() throws Exception {
        assertEquals(List.of("dns-name.example.test"), resolver("dns files").nativeNames(ip("127.0.0.1")));

        SystemResolver stopAtFiles = resolver("files [NOTFOUND=return] dns");
        DnsException e = assertThrows(DnsException.class, () -> stopAtFiles.nativeNames(ip("192.0.2.10")));
        assertEquals(DnsException.Kind.NOT_FOUND, e.kind());
        assertTrue(dns.questions().stream().noneMatch(q -> q.contains("10.2.0.192")), dns.questions().toString());

        // Ubuntu's line: mdns4_minimal (not a source for mail) is unavailable, so DNS is asked.
        assertEquals(List.of("ten.example.test"),
                resolver("files mdns4_minimal [NOTFOUND=return] dns").nativeNames(ip("192.0.2.10")));
        // systemd's myhostname knows localhost
        assertEquals(List.of("localhost"), resolver("myhostname dns").nativeNames(ip("127.0.0.1")));
    }

    @Test
    void withoutNsswitchConfTheOrderIsGlibcsDefault() throws Exception {
        SystemResolver r = SystemResolver.of(dir.resolve("no-such-file"), hosts,
                new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(2)));
        assertEquals(List.of("dns-name.example.test"), r.nativeNames(ip("127.0.0.1")), "dns [!UNAVAIL=return] files");
        // [!UNAVAIL=return]: a DNS that answers "no such name" is final; files only stand in for a DNS that is down
        assertThrows(DnsException.class, () -> r.nativeAddresses("files.example.test"));
    }

    @Test
    void anEditedHostsFileIsSeenAtOnce() throws Exception {
        SystemResolver r = resolver("files dns");
        assertEquals(List.of("localhost"), r.nativeNames(ip("127.0.0.1")));
        Files.writeString(hosts, "127.0.0.1 mail.example.test localhost\n");
        Files.setLastModifiedTime(hosts, FileTime.from(Instant.now().plusSeconds(5)));
        assertEquals(List.of("mail.example.test"), r.nativeNames(ip("127.0.0.1")));
        Files.delete(hosts);
        assertEquals(List.of("dns-name.example.test"), r.nativeNames(ip("127.0.0.1")), "no file: the source is unavailable");
    }

    /** One question (a name and its confirmation) sees the file as it was; the next question sees an edit. */
    @Test
    void oneQuestionLooksAtTheHostsFileOnce() throws Exception {
        SystemResolver r = resolver("files dns");
        Resolver question = r.oneQuestion();
        assertEquals(List.of("localhost"), question.nativeNames(ip("127.0.0.1")));
        Files.writeString(hosts, "127.0.0.1 mail.example.test localhost\n");
        Files.setLastModifiedTime(hosts, FileTime.from(Instant.now().plusSeconds(5)));
        assertEquals(List.of("localhost"), question.nativeNames(ip("127.0.0.1")), "the same question: the file as it was");
        assertEquals(List.of(ip("127.0.0.1"), ip("::1")), question.nativeAddresses("localhost"));
        assertEquals(List.of("mail.example.test"), r.oneQuestion().nativeNames(ip("127.0.0.1")), "the next question sees the edit");
        assertEquals(List.of("mail.example.test"), r.nativeNames(ip("127.0.0.1")));
        assertEquals(List.of(ip("127.0.0.1")), r.oneQuestion().nativeAddresses("mail.example.test"));
    }

    @Test
    void mxAndAddressLookupsForMailRoutingAskDnsOnly() throws Exception {
        SystemResolver r = resolver("files dns");
        assertThrows(DnsException.class, () -> r.addresses("files.example.test"), "not from the hosts file");
        assertEquals(List.of("dns-name.example.test"), r.names(ip("127.0.0.1")));
    }

    @Test
    void resolvConfAsTheSystemResolverReadsIt() {
        ResolvConf c = ResolvConf.parse(List.of("# generated", "search example.test", "nameserver 192.0.2.53",
                "nameserver 2001:db8::53", "nameserver 192.0.2.54", "nameserver 192.0.2.55",
                "options ndots:2 timeout:1 attempts:3 rotate"));
        assertEquals(3, c.servers().size(), "at most three name servers");
        assertEquals(ip("192.0.2.53"), c.servers().get(0).getAddress());
        assertEquals(53, c.servers().get(1).getPort());
        assertEquals(Duration.ofSeconds(1), c.timeout());
        assertEquals(3, c.attempts());
        assertTrue(c.rotate());

        ResolvConf defaults = ResolvConf.parse(List.of());
        assertEquals(ip("127.0.0.1"), defaults.servers().get(0).getAddress(), "no nameserver line: 127.0.0.1");
        assertEquals(Duration.ofSeconds(5), defaults.timeout());
        assertEquals(2, defaults.attempts());
        assertEquals(Duration.ofSeconds(30), ResolvConf.parse(List.of("options timeout:99 attempts:0")).timeout());
        assertEquals(1, ResolvConf.parse(List.of("options attempts:0")).attempts());
    }

    @Test
    void nsswitchActions() {
        NsSwitch n = NsSwitch.parse("files [NOTFOUND=return] dns [!UNAVAIL=return]myhostname");
        assertEquals(List.of("files", "dns", "myhostname"), n.hosts().stream().map(NsSwitch.Source::name).toList());
        assertTrue(n.hosts().get(0).returnsOn(NsSwitch.Status.NOTFOUND));
        assertTrue(!n.hosts().get(0).returnsOn(NsSwitch.Status.UNAVAIL));
        assertTrue(n.hosts().get(1).returnsOn(NsSwitch.Status.NOTFOUND));
        assertTrue(!n.hosts().get(1).returnsOn(NsSwitch.Status.UNAVAIL));
        assertTrue(n.hosts().get(2).returnsOn(NsSwitch.Status.SUCCESS));
    }
}
