package mta.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import mta.queue.QueueName;
import mta.queue.Queues;
import mta.testing.TestHaproxy;
import mta.testing.TestPostgres;
import mta.testing.TestSite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ScaleOutIT - docs/scale-out.md, tested: two instances of this MTA (each its own JVM, started by
 * {@code bin/postfix start}, each with its own queue) behind a real HAProxy that speaks the PROXY
 * protocol v2, sharing one PostgreSQL for their tables and one mailbox store.
 *
 * <p>A client sends messages through HAProxy, one connection each, retrying a message whose
 * {@code 250} it did not get (as any SMTP client does). Midway one instance is killed with
 * SIGKILL: the other keeps accepting. Once the killed one is started again, every message that got
 * a {@code 250} is in its mailbox; a message may arrive twice only if it was in the dead
 * instance's queue, delivered but not yet crossed off.
 */
class ScaleOutIT {
    private static final int BEFORE = 20;
    private static final int AFTER = 20;

    @TempDir
    Path tmp;
    /**
     * The mailboxes, outside {@code tmp}: that stays private (0700), so that the instances, which
     * this test kills with -9, run as one root process each, as it was written for.
     */
    @TempDir
    Path mailboxRoot;

    @Test
    void twoInstancesBehindHaproxyShareOneDatabaseAndLoseNothingWhenOneDies() throws Exception {
        TestPostgres pg = TestPostgres.get();
        pg.createDatabase("scaleout", "mailserver", "Scale-S3cret", PgsqlHostingTest.SCHEMA);
        String connect = "hosts = 127.0.0.1:" + pg.port + "\nuser = mailserver\npassword = Scale-S3cret\n"
                + "dbname = scaleout\nretry_interval = 1\nconnect_timeout = 2\n";
        Path etc = Files.createDirectories(tmp.resolve("shared-etc"));
        String domains = DatabaseHostingTest.cf(etc, "pgsql", "domains", connect + "query = SELECT domain FROM domains WHERE domain = '%s'\n");
        String mailboxes = DatabaseHostingTest.cf(etc, "pgsql", "mailboxes", connect
                + "query = SELECT maildir FROM mailboxes WHERE email = '%s' AND active\n");
        String aliases = DatabaseHostingTest.cf(etc, "pgsql", "aliases", connect
                + "query = SELECT destination FROM aliases WHERE source = '%s'\n");
        Path vmail = TestSite.virtualMailboxBase(mailboxRoot.resolve("vmail"), 5000, 5000);
        List<TestSite> sites = new ArrayList<>();
        for (String name : List.of("mx1", "mx2")) {
            sites.add(new TestSite(tmp.resolve(name)).masterCf(RoutingTest.MASTER_CF)
                    .param("myhostname", name + ".example.test")
                    .param("smtpd_upstream_proxy_protocol", "haproxy")
                    .param("virtual_mailbox_domains", "proxy:" + domains)
                    .param("virtual_mailbox_maps", "proxy:" + mailboxes)
                    .param("virtual_alias_maps", "proxy:" + aliases)
                    .param("virtual_mailbox_base", vmail.toString())
                    .param("virtual_uid_maps", "static:5000")
                    .param("virtual_gid_maps", "static:5000")
                    .write());
        }
        TestSite mx1 = sites.get(0);
        TestSite mx2 = sites.get(1);
        for (TestSite s : sites) assertEquals(0, postfix(s, "start"));
        Map<String, Integer> acknowledged = new HashMap<>();
        try (TestHaproxy haproxy = TestHaproxy.start(Files.createDirectories(tmp.resolve("haproxy")),
                List.of(mx1.smtpdPort, mx2.smtpdPort))) {
            for (int i = 0; i < BEFORE; i++) send(haproxy.port, "before-" + i, acknowledged);
            long pid = Long.parseLong(Files.readString(mx1.queue.resolve("pid/master.pid")).strip());
            ProcessHandle master = ProcessHandle.of(pid).orElseThrow();
            assertEquals(0, new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor());
            master.onExit().get(20, TimeUnit.SECONDS);
            int retries = 0;
            for (int i = 0; i < AFTER; i++) retries += send(haproxy.port, "after-" + i, acknowledged);
            assertTrue(retries <= 3, "the surviving instance took the traffic (" + retries + " retries)");
            String mx2Log = Files.readString(mx2.maillog);
            assertTrue(mx2Log.contains("client=unknown[127.0.0.2]"),
                    "the client address came through the PROXY v2 header: " + mx2Log);
            assertEquals(0, startWithin(mx1, 30));
            try {
                WalkingSkeletonTest.waitFor(() -> queueEmpty(mx1) && queueEmpty(mx2)
                        && delivered(vmail).keySet().containsAll(acknowledged.keySet()), "every queue empties");
            } finally {
                for (TestSite s : sites) postfix(s, "stop");
            }
        }
        Map<String, Integer> copies = delivered(vmail);
        assertEquals(BEFORE + AFTER, acknowledged.size());
        for (String subject : acknowledged.keySet()) {
            assertTrue(copies.getOrDefault(subject, 0) >= 1, "lost: " + subject);
        }
        int duplicates = copies.values().stream().mapToInt(n -> n - 1).sum();
        assertTrue(duplicates <= 2, "duplicates only for messages in flight at the kill: " + copies);
        String all = Files.readString(mx1.maillog) + Files.readString(mx2.maillog);
        assertTrue(!all.contains("status=bounced"), all);
        System.out.println("ScaleOutIT: " + acknowledged.size() + " messages acknowledged, " + duplicates + " duplicates");
    }

    /**
     * Sends one message through HAProxy from 127.0.0.2, trying again (up to 10 times) until it is
     * acknowledged; returns the number of retries.
     */
    private static int send(int port, String subject, Map<String, Integer> acknowledged) throws Exception {
        for (int attempt = 0; attempt < 10; attempt++) {
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                s.setSoTimeout(15000);
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                OutputStream out = s.getOutputStream();
                if (reply(in) != 220) throw new IOException("no greeting");
                for (String[] step : new String[][] {{"HELO client.example", "250"}, {"MAIL FROM:<sender@outside.example>", "250"},
                        {"RCPT TO:<info@box.example>", "250"}, {"DATA", "354"}}) {
                    out.write((step[0] + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    if (reply(in) != Integer.parseInt(step[1])) throw new IOException(step[0] + " refused");
                }
                out.write(("Subject: " + subject + "\r\n\r\nscale-out\r\n.\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                if (reply(in) == 250) {
                    acknowledged.merge(subject, 1, Integer::sum);
                    out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    return attempt;
                }
            } catch (IOException e) {
                // not acknowledged: a real client tries again later
            }
            Thread.sleep(200);
        }
        throw new AssertionError("never acknowledged: " + subject);
    }

    private static int reply(BufferedReader in) throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null || line.length() < 3) throw new IOException("connection closed");
        } while (line.length() > 3 && line.charAt(3) == '-');
        return Integer.parseInt(line.substring(0, 3));
    }

    private static Map<String, Integer> delivered(Path vmail) {
        Map<String, Integer> out = new HashMap<>();
        Pattern subject = Pattern.compile("(?m)^Subject: (\\S+)");
        Path dir = vmail.resolve("box.example/ann/new");
        if (!Files.isDirectory(dir)) return out;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Matcher m = subject.matcher(Files.readString(f));
                if (m.find()) out.merge(m.group(1), 1, Integer::sum);
            }
        } catch (IOException e) {
            // a file being written: counted next time
        }
        return out;
    }

    private static boolean queueEmpty(TestSite site) {
        try {
            Queues q = new Queues(site.queue);
            for (QueueName n : List.of(QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED, QueueName.MAILDROP)) {
                if (!q.list(n).isEmpty()) return false;
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int startWithin(TestSite site, int seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        int rc;
        while ((rc = postfix(site, "start")) != 0 && System.nanoTime() < end) Thread.sleep(500);
        return rc;
    }

    private static int postfix(TestSite site, String command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of("bin/postfix").toAbsolutePath().toString(), "-c",
                site.config.toString(), command);
        Path out = Files.createTempFile("postfix", ".out");
        pb.redirectErrorStream(true).redirectOutput(out.toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "postfix " + command + " finished");
        String text = Files.readString(out);
        Files.delete(out);
        if (p.exitValue() != 0) System.out.println("ScaleOutIT: postfix " + command + " said: " + text);
        return p.exitValue();
    }
}
