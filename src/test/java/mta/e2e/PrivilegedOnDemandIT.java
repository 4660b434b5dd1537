package mta.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import mta.testing.RootSite;
import mta.testing.RootSite.Result;
import mta.testing.TestSite;
import mta.testing.Transcript;
import mta.util.PosixAccounts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PrivilegedOnDemandIT - {@code bin/postfix start} as root with {@code max_idle = 2s} and no spawn
 * services: no privileged delivery process at rest ({@code postfix status} and {@code /healthz}
 * say idle, exit 0 and 200); a local message wakes it through the root parent's FIFO (root's,
 * group postfix, 0620) and is delivered; the process exits after max_idle without a warning; the
 * next local message starts it again and is delivered; nothing is deferred and the master's watch
 * never calls it down. Needs root, setpriv and a {@code postfix} account.
 */
class PrivilegedOnDemandIT {
    private Path base;
    private TestSite site;
    private int metricsPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void setUp() throws IOException {
        RootSite.assumePrivilegeSeparation();
        base = RootSite.base("mta-ondemand-");
        metricsPort = TestSite.freePort();
        site = new TestSite(base).param("metrics_listen", Integer.toString(metricsPort)).param("max_idle", "2s").write();
    }

    @AfterEach
    void tearDown() throws IOException {
        RootSite.stop(site, base);
    }

    @Test
    void theDeliveryProcessStartsOnDemandAndExitsAfterMaxIdle() throws Exception {
        Result start = RootSite.postfix(site, "start");
        assertEquals(0, start.code(), start.out());
        Path pidFile = site.queue.resolve("pid/privileged.pid");
        assertEquals("idle", Files.readString(pidFile).strip(), "no delivery process at rest");
        long master = Long.parseLong(Files.readString(site.queue.resolve("pid/master.pid")).strip());
        long parent = ProcessHandle.of(master).flatMap(ProcessHandle::parent).orElseThrow().pid();
        assertEquals(0L, privilegedChildren(parent), "the root parent has started no delivery process");
        assertIdle();

        // The wake FIFO: root's, the master's group may write, in the root-owned pid/.
        Path fifo = site.queue.resolve("pid/privileged.wake");
        assertTrue(Files.readAttributes(fifo, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther(), "a FIFO");
        assertEquals(0, Files.getAttribute(fifo, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        assertEquals(PosixAccounts.user("postfix").orElseThrow().gid(), Files.getAttribute(fifo, "unix:gid", LinkOption.NOFOLLOW_LINKS));
        assertEquals("rw--w----", PosixFilePermissions.toString(Files.getPosixFilePermissions(fifo, LinkOption.NOFOLLOW_LINKS)));
        assertEquals(0, Files.getAttribute(fifo.getParent(), "unix:uid"));

        // A local message: the process appears, the message is delivered.
        Path nobodyNew = site.maildir("nobody").resolve("new");
        long first = deliverAndSeeTheProcess(parent, "one", nobodyNew, 1);
        // max_idle (2s) without a request: it exits, and the pid file says idle again.
        WalkingSkeletonTest.waitFor(() -> ProcessHandle.of(first).map(h -> !h.isAlive()).orElse(true), "the idle exit");
        WalkingSkeletonTest.waitFor(() -> readQuietly(pidFile).equals("idle"), "idle in the pid file");
        assertEquals(0L, privilegedChildren(parent), "no restart after an idle exit");
        assertIdle();

        // The next message starts it again.
        long second = deliverAndSeeTheProcess(parent, "two", nobodyNew, 2);
        assertTrue(second != first, "a new process");
        WalkingSkeletonTest.waitFor(() -> ProcessHandle.of(second).map(h -> !h.isAlive()).orElse(true), "the second idle exit");
        WalkingSkeletonTest.waitFor(() -> readQuietly(pidFile).equals("idle"), "idle again");

        String log = WalkingSkeletonTest.read(site.maillog);
        assertFalse(log.contains("status=deferred"), log);
        assertFalse(log.contains("terminated abnormally"), log);
        assertFalse(log.contains("the privileged process is down"), log);
        assertFalse(log.contains("privileged process restarted"), log);
        assertEquals(2, log.lines().filter(l -> l.contains("postfix/local[") && l.contains("status=sent")).count(), log);
    }

    /** Sends a message to nobody, sees a privileged process run for it, waits for the delivery. */
    private long deliverAndSeeTheProcess(long parent, String subject, Path maildir, long count) throws Exception {
        AtomicLong seen = new AtomicLong();
        Thread watcher = Thread.ofVirtual().start(() -> {
            while (seen.get() == 0 && !Thread.currentThread().isInterrupted()) {
                ProcessHandle.of(parent).ifPresent(p -> p.children()
                        .filter(c -> c.info().commandLine().orElse("").contains("mta.master.PrivilegedMaster"))
                        .findFirst().ifPresent(c -> seen.set(c.pid())));
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        Transcript.mail(site.smtpdPort, "sender@example.test", "nobody@example.test", "Subject: " + subject, "", "x");
        WalkingSkeletonTest.waitFor(() -> WalkingSkeletonTest.count(maildir) == count, "delivery of " + subject);
        watcher.join(Duration.ofSeconds(30));
        watcher.interrupt();
        assertTrue(seen.get() > 0, "a privileged delivery process ran for " + subject);
        return seen.get();
    }

    private void assertIdle() throws Exception {
        Result status = RootSite.postfix(site, "status");
        assertEquals(0, status.code(), status.out());
        assertTrue(status.out().contains("postfix/postfix-script: privileged delivery: idle (starts on demand)"), status.out());
        assertFalse(status.out().contains("warning"), status.out());
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/healthz"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), health.body());
        assertEquals("ok\nprivileged process: idle (starts on demand)\n", health.body());
    }

    private static long privilegedChildren(long parent) {
        return ProcessHandle.of(parent).orElseThrow().children()
                .filter(c -> c.info().commandLine().orElse("").contains("mta.master.PrivilegedMaster")).count();
    }

    private static String readQuietly(Path f) {
        try {
            return Files.readString(f).strip();
        } catch (IOException e) {
            return "";
        }
    }
}
