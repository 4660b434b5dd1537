package mta.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mta.testing.RootSite;
import mta.testing.RootSite.Result;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PrivilegedRestartIT - {@code bin/postfix start} as root, a local message (the privileged delivery
 * process starts on demand), then that process killed with SIGKILL: {@code postfix status} reports it down, {@code /healthz} answers 503 naming
 * it, the root parent logs its death and restarts it, and local mail (also mail sent while it was
 * down) is delivered without a manual restart; {@code /healthz} and {@code postfix status} are
 * green again with the new process. Needs root, setpriv and a {@code postfix} account.
 */
class PrivilegedRestartIT {
    private Path base;
    private TestSite site;
    private int metricsPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();


    @BeforeEach
    void setUp() throws IOException {
        RootSite.assumePrivilegeSeparation();
        base = RootSite.base("mta-restart-");
        metricsPort = TestSite.freePort();
        site = new TestSite(base).param("metrics_listen", Integer.toString(metricsPort)).write();
    }

    /** The root parent while it is held with SIGSTOP. */
    private String held;

    @AfterEach
    void tearDown() throws Exception {
        if (held != null) new ProcessBuilder("kill", "-CONT", held).start().waitFor();
        RootSite.stop(site, base);
    }

    @Test
    void aKilledPrivilegedProcessIsSeenAndRestarted() throws Exception {
        Result start = postfix("start");
        assertEquals(0, start.code(), start.out());
        // It starts on demand: a first local message brings it up.
        Path nobodyNew = site.maildir("nobody").resolve("new");
        Transcript.mail(site.smtpdPort, "sender@example.test", "nobody@example.test", "Subject: wakes", "", "w");
        WalkingSkeletonTest.waitFor(() -> WalkingSkeletonTest.count(nobodyNew) == 1, "the first message is delivered");
        Result status = postfix("status");
        assertEquals(0, status.code(), status.out());
        long first = deliveryPid(status.out());
        assertTrue(status.out().contains("postfix/postfix-script: master: running: PID: "), status.out());
        assertTrue(status.out().contains("postfix/postfix-script: privileged parent: running: PID: "), status.out());
        assertEquals(first, Long.parseLong(Files.readString(site.queue.resolve("pid/privileged.pid")).strip()));
        assertEquals(200, healthz().statusCode());

        // The root parent held (SIGSTOP) while the outage is looked at, so that its restart (after
        // one second) cannot come before the checks on a slow machine; it resumes below.
        Matcher parentPid = Pattern.compile("privileged parent: running: PID: (\\d+)").matcher(status.out());
        assertTrue(parentPid.find(), status.out());
        String parent = parentPid.group(1);
        held = parent;
        assertEquals(0, new ProcessBuilder("kill", "-STOP", parent).start().waitFor());
        assertEquals(0, new ProcessBuilder("kill", "-9", Long.toString(first)).start().waitFor());
        // Dead: a zombie until the held parent reaps it.
        WalkingSkeletonTest.waitFor(() -> !Files.exists(Path.of("/proc/" + first))
                || WalkingSkeletonTest.read(Path.of("/proc/" + first + "/stat")).replaceFirst("^.*\\) ", "").startsWith("Z"),
                "the process is gone");
        // Seen at once: status, and /healthz, which probes private/local when asked.
        Result down = postfix("status");
        assertEquals(1, down.code(), down.out());
        assertTrue(down.out().contains("warning: privileged delivery: not running (PID " + first + " is gone)"), down.out());
        HttpResponse<String> unhealthy = healthz();
        assertEquals(503, unhealthy.statusCode(), unhealthy.body());
        assertTrue(unhealthy.body().contains("privileged process: down: connect to private/local"), unhealthy.body());
        // Mail for a local user sent while the process is down.
        Transcript.mail(site.smtpdPort, "sender@example.test", "nobody@example.test", "Subject: while down", "", "x");
        assertEquals(0, new ProcessBuilder("kill", "-CONT", parent).start().waitFor());
        held = null;

        // The root parent restarts it; everything is green again, with a new process.
        WalkingSkeletonTest.waitFor(() -> {
            try {
                return healthz().statusCode() == 200;
            } catch (IOException | InterruptedException e) {
                return false;
            }
        }, "/healthz is green again");
        Result again = postfix("status");
        assertEquals(0, again.code(), again.out());
        assertNotEquals(first, deliveryPid(again.out()));
        String log = WalkingSkeletonTest.read(site.maillog);
        assertTrue(log.contains("postfix/master[") && log.contains("warning: process privileged (pid " + first
                + ") terminated abnormally: killed by signal 9"), log);
        assertTrue(log.contains("privileged process restarted: pid " + deliveryPid(again.out())), log);

        // Local mail resumes without a manual restart: the message sent meanwhile, and a new one.
        Transcript.mail(site.smtpdPort, "sender@example.test", "nobody@example.test", "Subject: after", "", "y");
        WalkingSkeletonTest.waitFor(() -> WalkingSkeletonTest.count(nobodyNew) == 3, "both messages are delivered");
    }

    private static long deliveryPid(String statusOut) {
        Matcher m = Pattern.compile("privileged delivery: running: PID: (\\d+)").matcher(statusOut);
        assertTrue(m.find(), statusOut);
        return Long.parseLong(m.group(1));
    }

    private HttpResponse<String> healthz() throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/healthz"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Result postfix(String command) throws Exception {
        return RootSite.postfix(site, command);
    }
}
