package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import mta.dns.DnsjavaResolver;
import mta.dns.SystemResolver;
import mta.dns.TestDnsServer;
import mta.master.Master;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SmtpdClientNameTest - smtpd_peername_lookup = yes: client names as the system's resolver finds
 * them (a hosts file and nsswitch.conf of the test, then the test DNS server), so that 127.0.0.1
 * is localhost as in Postfix; and twenty clients at once against a resolver that drops a burst of
 * queries: their lookups run side by side, retry after resolv.conf's timeout, and repeats come
 * from the cache.
 */
class SmtpdClientNameTest {
    @TempDir
    Path tmp;
    private TestDnsServer dns;

    @BeforeEach
    void start() throws Exception {
        dns = TestDnsServer.start();
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    /**
     * The master, with client names from {@code hostsFile} and the test DNS server; a DNS try
     * waits 3 s (long enough for twenty sessions to start even on a busy machine), two rounds.
     */
    private Master start(TestSite site, String hostsFile) throws Exception {
        Path hosts = Files.writeString(tmp.resolve("hosts"), hostsFile);
        Path nsswitch = Files.writeString(tmp.resolve("nsswitch.conf"), "hosts: files dns\n");
        SystemResolver resolver = SystemResolver.of(nsswitch, hosts,
                new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(3), 2));
        return Master.start(site.config, new Master.Options(resolver, 25));
    }

    @Test
    void aClientAt127001IsLocalhostFromTheHostsFile() throws Exception {
        TestSite site = new TestSite(tmp).param("smtpd_peername_lookup", "yes").write();
        try (Master m = start(site, "127.0.0.1 localhost\n::1 localhost ip6-localhost\n");
             Transcript t = Transcript.connect(site.smtpdPort)) {
            t.expect("220 ");
            t.send("QUIT").expect("221 ");
            SmtpdTestSupport s = new SmtpdTestSupport(site, m);
            s.awaitLog("connect from localhost[127.0.0.1]");
        }
        assertEquals(List.of(), dns.questions(), "the hosts file answered, and forward-confirmed");
    }

    /** The hosts file is looked at once per client, and a session after an edit sees the edit. */
    @Test
    void anEditedHostsFileNamesTheNextClient() throws Exception {
        TestSite site = new TestSite(tmp).param("smtpd_peername_lookup", "yes").write();
        try (Master m = start(site, "127.0.0.1 localhost\n")) {
            SmtpdTestSupport s = new SmtpdTestSupport(site, m);
            try (Transcript t = Transcript.connect(site.smtpdPort)) {
                t.expect("220 ");
                t.send("QUIT").expect("221 ");
            }
            s.awaitLog("connect from localhost[127.0.0.1]");
            Path hosts = tmp.resolve("hosts");
            Files.writeString(hosts, "127.0.0.1 mail.example.test localhost\n");
            Files.setLastModifiedTime(hosts, java.nio.file.attribute.FileTime.from(java.time.Instant.now().plusSeconds(5)));
            try (Transcript t = Transcript.connect(site.smtpdPort)) {
                t.expect("220 ");
                t.send("QUIT").expect("221 ");
            }
            s.awaitLog("connect from mail.example.test[127.0.0.1]");
        }
        assertEquals(List.of(), dns.questions(), "both names came from the hosts file, forward-confirmed there");
    }

    @Test
    void twentyClientsAtOnceAreNotSerialisedByDroppedQueriesAndRepeatsComeFromTheCache() throws Exception {
        for (int i = 10; i < 30; i++) {
            dns.ptr("127.0.0." + i, "client" + i + ".example.test").a("client" + i + ".example.test", "127.0.0." + i);
        }
        TestSite site = new TestSite(tmp).param("smtpd_peername_lookup", "yes").write();
        try (Master m = start(site, "127.0.0.1 localhost\n")) {
            SmtpdTestSupport s = new SmtpdTestSupport(site, m);
            dns.dropNext(20); // a resolver under rate limiting: a burst of questions gets no answer
            sessions(site);
            for (int i = 10; i < 30; i++) s.awaitLog("connect from client" + i + ".example.test[127.0.0." + i + "]");

            List<String> asked = dns.questions();
            List<String> ptr = asked.stream().filter(q -> q.endsWith(" PTR")).toList();
            assertEquals(40, ptr.size(), "each PTR question dropped once, then answered: " + asked);
            Set<String> firstTwenty = new HashSet<>(ptr.subList(0, 20));
            // Side by side: every client's first question went out before any retry. One lookup at
            // a time would retry the first client's question before asking about the second.
            assertEquals(20, firstTwenty.size(), "the twenty first questions were twenty different clients: " + ptr);

            sessions(site);
            waitForDisconnects(s, 40);
            assertEquals(asked.size(), dns.questions().size(), "the second round came from the cache: " + dns.questions());
        }
    }

    @Test
    void twentySessionsOfOneClientAskARateLimitedResolverOnce() throws Exception {
        dns.ptr("127.0.0.1", "client.example.test").a("client.example.test", "127.0.0.1").rateLimit(5);
        TestSite site = new TestSite(tmp).param("smtpd_peername_lookup", "yes").write();
        try (Master m = start(site, "# no entry for 127.0.0.1\n")) {
            SmtpdTestSupport s = new SmtpdTestSupport(site, m);
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> all = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    all.add(pool.submit(() -> {
                        try (Transcript t = Transcript.connect(site.smtpdPort)) {
                            t.expect("220 ");
                            t.send("QUIT").expect("221 ");
                        }
                        return null;
                    }));
                }
                for (Future<?> f : all) f.get(60, TimeUnit.SECONDS);
            }
            waitForDisconnects(s, 20);
            assertEquals(20, s.log().split(": connect from client.example.test\\[127.0.0.1]", -1).length - 1, s.log());
            // One PTR, one A and one AAAA question, shared by the sessions that asked together and
            // kept for the later ones: well under a limit that sixty questions in a burst would exceed.
            assertEquals(List.of("1.0.0.127.in-addr.arpa. PTR", "client.example.test. A", "client.example.test. AAAA"),
                    dns.questions());
        }
    }

    /** Twenty sessions at once, from 127.0.0.10 to 127.0.0.29: greeting, QUIT. */
    private static void sessions(TestSite site) throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 10; i < 30; i++) {
                String from = "127.0.0." + i;
                all.add(pool.submit(() -> {
                    try (Transcript t = Transcript.connectFrom(from, site.smtpdPort)) {
                        t.expect("220 ");
                        t.send("QUIT").expect("221 ");
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) f.get(60, TimeUnit.SECONDS);
        }
    }

    private static void waitForDisconnects(SmtpdTestSupport s, int n) throws InterruptedException {
        SmtpdTestSupport.waitFor(() -> s.log().split("disconnect from ", -1).length - 1 >= n, n + " sessions ended");
        assertTrue(s.log().split("disconnect from ", -1).length - 1 >= n);
    }
}
