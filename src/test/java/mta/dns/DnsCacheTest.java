package mta.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DnsCacheTest - the resolver under load, against the test DNS server made to drop and delay:
 * answers cached for their TTL (negative ones briefly, failures not at all), concurrent askers of
 * one question sharing one lookup, different questions overlapping instead of queueing behind a
 * slow one, and resolv.conf's timeout and attempts. No assertion on elapsed time: the server
 * counts the questions and how many were waiting at once.
 */
class DnsCacheTest {
    private TestDnsServer dns;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    @BeforeEach
    void start() throws Exception {
        dns = TestDnsServer.start();
        for (int i = 0; i < 20; i++) dns.a("host" + i + ".example.test", "192.0.2." + (i + 1));
        dns.a("slow.example.test", "192.0.2.100").mx("example.test", 10, "host0.example.test");
    }

    @AfterEach
    void stop() throws Exception {
        threads.shutdownNow();
        threads.awaitTermination(10, TimeUnit.SECONDS);
        dns.close();
    }

    private DnsjavaResolver resolver(Duration timeout, int attempts) {
        return new DnsjavaResolver(List.of(dns.address()), timeout, attempts);
    }

    private long asked(String question) {
        return dns.questions().stream().filter(q -> q.equals(question)).count();
    }

    @Test
    void answersAreKeptForTheirTtlAndNegativeAnswersBriefly() throws Exception {
        DnsjavaResolver r = resolver(Duration.ofSeconds(2), 2);
        for (int i = 0; i < 5; i++) {
            assertEquals(List.of(InetAddress.getByName("192.0.2.1")), r.addresses("host0.example.test"));
            assertEquals("host0.example.test", r.mx("example.test").get(0).host());
            assertThrows(DnsException.class, () -> r.addresses("nowhere.example.test"));
        }
        assertEquals(1, asked("host0.example.test. A"));
        assertEquals(1, asked("host0.example.test. AAAA"), "NODATA is kept too");
        assertEquals(1, asked("example.test. MX"));
        assertEquals(1, asked("nowhere.example.test. A"), "NXDOMAIN is kept for a while");

        dns.servfail("broken.example.test");
        for (int i = 0; i < 3; i++) assertThrows(DnsException.class, () -> r.mx("broken.example.test"));
        assertEquals(3 * 2, asked("broken.example.test. MX"), "a failure is not kept: asked again, twice each time");
    }

    @Test
    void concurrentAskersOfOneQuestionShareOneLookup() throws Exception {
        dns.delay(Duration.ofMillis(500));
        DnsjavaResolver r = resolver(Duration.ofSeconds(3), 1);
        List<CompletableFuture<List<InetAddress>>> all = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            all.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return r.nativeAddresses("slow.example.test");
                } catch (DnsException e) {
                    throw new IllegalStateException(e);
                }
            }, threads));
        }
        for (CompletableFuture<List<InetAddress>> f : all) {
            assertEquals(List.of(InetAddress.getByName("192.0.2.100")), f.get(20, TimeUnit.SECONDS));
        }
        assertEquals(1, asked("slow.example.test. A"), "twenty askers, one question: " + dns.questions());
    }

    @Test
    void aSlowQuestionDoesNotHoldUpTheOthers() throws Exception {
        dns.delay("slow.example.test", Duration.ofSeconds(6));
        DnsjavaResolver r = resolver(Duration.ofSeconds(12), 1);
        CompletableFuture<List<InetAddress>> slow = CompletableFuture.supplyAsync(() -> lookup(r, "slow.example.test"), threads);
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (asked("slow.example.test. A") == 0 && System.nanoTime() < end) Thread.sleep(5);
        List<CompletableFuture<List<InetAddress>>> fast = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String host = "host" + i + ".example.test";
            fast.add(CompletableFuture.supplyAsync(() -> lookup(r, host), threads));
        }
        for (CompletableFuture<List<InetAddress>> f : fast) f.get(20, TimeUnit.SECONDS);
        assertFalse(slow.isDone(), "all twenty others were answered while the slow one still waits");
        assertEquals(List.of(InetAddress.getByName("192.0.2.100")), slow.get(20, TimeUnit.SECONDS));
    }

    @Test
    void differentQuestionsAreAskedAtTheSameTime() throws Exception {
        dns.delay(Duration.ofMillis(1500));
        DnsjavaResolver r = resolver(Duration.ofSeconds(10), 1);
        List<CompletableFuture<List<InetAddress>>> all = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String host = "host" + i + ".example.test";
            all.add(CompletableFuture.supplyAsync(() -> lookup(r, host), threads));
        }
        for (CompletableFuture<List<InetAddress>> f : all) f.get(30, TimeUnit.SECONDS);
        // Serialised lookups would never have more than one question waiting at the server.
        assertTrue(dns.maxPending() >= 10, "questions waiting at once: " + dns.maxPending());
    }

    @Test
    void aDroppedQueryIsRetriedAfterTheTimeoutAsResolvConfSays() throws Exception {
        dns.dropNext(1);
        assertEquals(List.of(InetAddress.getByName("192.0.2.2")),
                resolver(Duration.ofMillis(500), 2).addresses("host1.example.test"));
        assertEquals(2, asked("host1.example.test. A"), "the first try was dropped, the second answered");

        dns.dropNext(2);
        DnsException e = assertThrows(DnsException.class, () -> resolver(Duration.ofMillis(300), 1).mx("example.test"));
        assertTrue(e.isTemporary(), "no answer within the attempts is a temporary failure");
        assertEquals(1, asked("example.test. MX"), "attempts:1 asks once");
    }

    private static List<InetAddress> lookup(Resolver r, String host) {
        try {
            return r.addresses(host);
        } catch (DnsException e) {
            throw new IllegalStateException(e);
        }
    }
}
