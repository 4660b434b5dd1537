package mta.qmgr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mta.master.Master;
import mta.queue.QueueName;
import mta.queue.Queues;
import mta.smtp.ScriptedSmtpServer;
import mta.testing.TestQueue;
import mta.testing.TestSite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QmgrSchedulingTest - the queue manager's scheduling seen from a real SMTP server: slow start up
 * to the concurrency limit, the recipient limit per transaction, a dead destination, and the
 * back-off of deferred mail.
 */
class QmgrSchedulingTest {
    @TempDir
    Path tmp;

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @Test
    void concurrencyStartsAtTheInitialWindowAndGrowsByOnePerSuccess() throws Exception {
        try (CountingSmtpServer mx = new CountingSmtpServer()) {
            mx.hold(true);
            TestSite site = new TestSite(tmp).param("relayhost", mx.nexthop())
                    .param("default_destination_concurrency_limit", "8").write();
            Queues queues = new Queues(site.queue);
            for (int i = 0; i < 20; i++) {
                TestQueue.write(queues, QueueName.INCOMING, Instant.now(), "alice@example.test",
                        List.of("bob" + i + "@remote.example"), "m" + i);
            }
            try (Master m = Master.start(site.config, Master.Options.defaults())) {
                waitFor(() -> mx.open() == 5, "five parallel sessions (initial_destination_concurrency)");
                assertEquals(5, mx.maxOpen());
                // Each success widens the window by one: one session ends, two begin.
                for (int window = 6; window <= 8; window++) {
                    mx.release(1);
                    int w = window;
                    waitFor(() -> mx.open() == w, "window " + w);
                    assertEquals(window, mx.maxOpen(), "never more than the window");
                }
                mx.release(1);
                waitFor(() -> mx.open() == 8, "the window stays at the limit");
                mx.hold(false);
                waitFor(() -> mx.transactions().size() == 20, "all twenty delivered");
                waitFor(() -> queueEmpty(queues), "the queue empties");
                assertEquals(8, mx.maxOpen(), "default_destination_concurrency_limit is never exceeded");
            }
        }
    }

    @Test
    void oneHundredTwentyRecipientsAtOneDomainMakeThreeTransactions() throws Exception {
        try (CountingSmtpServer mx = new CountingSmtpServer()) {
            TestSite site = new TestSite(tmp).param("relayhost", mx.nexthop()).write();
            Queues queues = new Queues(site.queue);
            List<String> rcpts = new ArrayList<>();
            for (int i = 0; i < 120; i++) rcpts.add("user" + i + "@remote.example");
            String id = TestQueue.write(queues, QueueName.INCOMING, Instant.now(), "alice@example.test", rcpts, "many");
            List<Integer> tx = new ArrayList<>();
            try (Master m = Master.start(site.config, Master.Options.defaults())) {
                waitFor(() -> queueEmpty(queues), "the queue empties");
                // the delivered file is kept for the next message (mta.queue.SpareFiles) ...
                waitFor(() -> spares(queues) == 1 && read(site.maillog).contains(id + ": removed"),
                        "the delivered file kept as a spare");
                tx.addAll(mx.transactions());
                // ... ready once a commit has forced active/ after it (smtpd's next message, which
                // gets a new file) ...
                long ino = sparesInode(queues);
                String between = mta.testing.Transcript.mail(site.smtpdPort, "alice@example.test", "bob@remote.example",
                        "Subject: between", "", "between");
                assertTrue(inodeOf(between) != ino, between + ", inode " + ino);
                // ... and the message after it is written into the spare: its queue ID ends in the spare's inode
                String reply = mta.testing.Transcript.mail(site.smtpdPort, "alice@example.test", "bob@remote.example",
                        "Subject: next", "", "next");
                assertEquals(ino, inodeOf(reply), reply + ", inode " + ino);
                waitFor(() -> queueEmpty(queues) && spares(queues) == 2, "both delivered and kept in turn");
            }
            assertEquals(0, spares(queues), "... and removed when the mail system stops");
            tx.sort(null);
            assertEquals(List.of(20, 50, 50), tx, "default_destination_recipient_limit = 50");
            String log = Files.readString(site.maillog);
            assertEquals(120, count(log, id + ": to=<user\\d+@remote\\.example>, relay=127\\.0\\.0\\.1.*status=sent"));
        }
    }

    @Test
    void aDeadDestinationIsNotTriedUntilItsTimeIsUp() throws Exception {
        try (ScriptedSmtpServer mx = ScriptedSmtpServer.start()) {
            mx.greeting("421 4.3.2 Service shutting down");
            TestSite site = new TestSite(tmp).param("relayhost", mx.nexthop()).write();
            Queues queues = new Queues(site.queue);
            for (int i = 0; i < 12; i++) {
                TestQueue.write(queues, QueueName.INCOMING, Instant.now(), "alice@example.test",
                        List.of("bob" + i + "@remote.example"), "dead" + i);
            }
            try (Master m = Master.start(site.config, Master.Options.defaults())) {
                waitFor(() -> count(read(site.maillog), "status=deferred") >= 12, "every message deferred once");
                String log = read(site.maillog);
                int suspended = count(log, "postfix/error\\[\\d+\\]: [0-9A-F]+: to=<bob\\d+@remote\\.example>, relay=none, "
                        + "delay=[0-9.]+, delays=[0-9./]+, dsn=4\\.3\\.2, status=deferred \\(delivery temporarily suspended: "
                        + "host 127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\] refused to talk to me: 421 4\\.3\\.2 Service shutting down\\)");
                int connections = mx.commands().size();
                assertTrue(suspended >= 12 - 5, "at most the initial window was tried: " + suspended + "\n" + log);
                assertTrue(connections <= 5, "connections: " + connections);

                mx.greeting("220 scripted.test ESMTP");
                waitFor(() -> queueEmpty(queues), "delivered once the destination is tried again");
                assertEquals(12, mx.commands().stream().filter(c -> c.startsWith("MAIL FROM")).count());
            }
        }
    }

    @Test
    void aFlushTriesADeadDestinationAtOnce() throws Exception {
        try (ScriptedSmtpServer mx = ScriptedSmtpServer.start()) {
            mx.greeting("421 4.3.2 Service shutting down");
            // An hour of minimal_backoff_time: only a flush can bring the destination back in time.
            // No connection cache: a session kept from the first round would bypass the dead state.
            TestSite site = new TestSite(tmp).param("relayhost", mx.nexthop())
                    .param("minimal_backoff_time", "3600s").param("maximal_backoff_time", "7200s")
                    .param("smtp_connection_cache_on_demand", "no").write();
            Queues queues = new Queues(site.queue);
            try (Master m = Master.start(site.config, Master.Options.defaults())) {
                for (String[] flush : new String[][] {{"postqueue", "-f"}, {"sendmail", "-q"}}) {
                    mx.greeting("421 4.3.2 Service shutting down");
                    int before = count(read(site.maillog), "status=deferred");
                    for (int i = 0; i < 8; i++) {
                        TestQueue.write(queues, QueueName.INCOMING, Instant.now(), "alice@example.test",
                                List.of("bob" + i + "@remote.example"), flush[0] + i);
                    }
                    waitFor(() -> count(read(site.maillog), "status=deferred") >= before + 8, "every message deferred");
                    waitFor(() -> queues(queues) == 8, "all eight wait in deferred/");
                    assertTrue(read(site.maillog).contains("delivery temporarily suspended"), "the destination is dead");

                    mx.greeting("220 scripted.test ESMTP");
                    int rc = flush[0].equals("postqueue")
                            ? mta.cli.CliAccess.postqueue(new String[] {"-c", site.config.toString(), "-f"},
                                    new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                            : mta.cli.CliAccess.sendmail(new String[] {"-C", site.config.toString(), "-q"},
                                    java.io.InputStream.nullInputStream(),
                                    new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
                    assertEquals(0, rc, flush[0]);
                    waitFor(() -> queueEmpty(queues), flush[0] + " " + flush[1] + " delivers at once");
                }
            }
        }
    }

    private static int queues(Queues queues) {
        try {
            return queues.list(QueueName.DEFERRED).size();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    @Test
    void deferredMailWaitsBetweenTheMinimalAndMaximalBackoffTime() throws Exception {
        int refused = TestSite.freePort();
        TestSite site = new TestSite(tmp).param("relayhost", "[127.0.0.1]:" + refused)
                .param("minimal_backoff_time", "1s").param("maximal_backoff_time", "3s").write();
        Queues queues = new Queues(site.queue);
        String young = TestQueue.write(queues, QueueName.INCOMING, Instant.now(), "alice@example.test",
                List.of("bob@remote.example"), "young");
        String old = TestQueue.write(queues, QueueName.INCOMING, Instant.now().minus(Duration.ofHours(1)),
                "alice@example.test", List.of("carol@remote.example"), "old");
        Instant before = Instant.now();
        try (Master m = Master.start(site.config, Master.Options.defaults())) {
            Path youngFile = queues.file(QueueName.DEFERRED, young);
            Path oldFile = queues.file(QueueName.DEFERRED, old);
            waitFor(() -> Files.exists(youngFile) && Files.exists(oldFile), "both deferred");
            Instant after = Instant.now();
            Instant youngRetry = Files.getLastModifiedTime(youngFile).toInstant();
            Instant oldRetry = Files.getLastModifiedTime(oldFile).toInstant();
            // A young message waits minimal_backoff_time, an hour-old one maximal_backoff_time.
            assertTrue(!youngRetry.isBefore(before.plusSeconds(1).minusMillis(10))
                    && !youngRetry.isAfter(after.plusSeconds(1).plusMillis(10)), "young retry " + youngRetry);
            assertTrue(!oldRetry.isBefore(before.plusSeconds(3).minusMillis(10))
                    && !oldRetry.isAfter(after.plusSeconds(3).plusMillis(10)), "old retry " + oldRetry);
            // Neither is taken back before its time.
            waitFor(() -> count(read(site.maillog), young + ": to=<bob@remote\\.example>.*status=deferred") >= 2,
                    "the young message is retried");
            assertTrue(!Instant.now().isBefore(youngRetry.minusMillis(10)), "not before its retry time");
            assertTrue(count(read(site.maillog), old + ": to=<carol@remote\\.example>.*status=deferred") == 1
                    || !Instant.now().isBefore(oldRetry.minusMillis(10)), "the old one not before its time");
            waitFor(() -> count(read(site.maillog), old + ": to=<carol@remote\\.example>.*status=deferred") >= 2,
                    "the old message is retried");
            assertTrue(!Instant.now().isBefore(oldRetry.minusMillis(10)), "not before its retry time");
        }
    }

    /** master.cf with a second SMTP transport whose name has a '-', as content filters name theirs. */
    private static final String AMAVIS_MASTER_CF = String.join("\n",
            "SMTPD inet n - n - - smtpd", "pickup unix n - n 60 1 pickup", "qmgr unix n - n 300 1 qmgr",
            "smtp unix - - n - - smtp", "smtp-amavis unix - - n - 2 smtp", "local unix - n n - - local", "");

    @Test
    void perTransportLimitsForAServiceNameWithADash() throws Exception {
        try (CountingSmtpServer mx = new CountingSmtpServer()) {
            mx.hold(true);
            TestSite site = new TestSite(tmp).param("relayhost", mx.nexthop()).masterCf(AMAVIS_MASTER_CF)
                    .param("default_transport", "smtp-amavis")
                    .param("smtp-amavis_destination_recipient_limit", "7")
                    .param("smtp-amavis_initial_destination_concurrency", "2")
                    .param("smtp-amavis_destination_concurrency_limit", "3").write();
            Queues queues = new Queues(site.queue);
            List<String> rcpts = new ArrayList<>();
            for (int i = 0; i < 20; i++) rcpts.add("user" + i + "@remote.example");
            TestQueue.write(queues, QueueName.INCOMING, Instant.now(), "alice@example.test", rcpts, "many");
            for (int i = 0; i < 4; i++) {
                TestQueue.write(queues, QueueName.INCOMING, Instant.now(), "alice@example.test",
                        List.of("bob" + i + "@remote.example"), "one" + i);
            }
            try (Master m = Master.start(site.config, Master.Options.defaults())) {
                waitFor(() -> mx.open() == 2, "two parallel sessions (smtp-amavis_initial_destination_concurrency)");
                mx.release(1);
                waitFor(() -> mx.open() == 3, "the window grows to smtp-amavis_destination_concurrency_limit");
                mx.hold(false);
                waitFor(() -> queueEmpty(queues), "the queue empties");
                assertEquals(3, mx.maxOpen(), "smtp-amavis_destination_concurrency_limit = 3");
            }
            List<Integer> tx = new ArrayList<>(mx.transactions());
            tx.sort(null);
            assertEquals(List.of(1, 1, 1, 1, 6, 7, 7), tx, "smtp-amavis_destination_recipient_limit = 7");
        }
    }

    @Test
    void aDestinationRateDelaySpacesDeliveriesOneAtATime() throws Exception {
        try (CountingSmtpServer mx = new CountingSmtpServer()) {
            TestSite site = new TestSite(tmp).param("relayhost", mx.nexthop()).masterCf(AMAVIS_MASTER_CF)
                    .param("default_transport", "smtp-amavis")
                    .param("smtp-amavis_destination_rate_delay", "1s").write();
            Queues queues = new Queues(site.queue);
            for (int i = 0; i < 3; i++) {
                TestQueue.write(queues, QueueName.INCOMING, Instant.now(), "alice@example.test",
                        List.of("bob" + i + "@remote.example"), "paced" + i);
            }
            Instant start = Instant.now();
            try (Master m = Master.start(site.config, Master.Options.defaults())) {
                waitFor(() -> queueEmpty(queues), "the queue empties");
            }
            assertEquals(1, mx.maxOpen(), "one delivery at a time");
            assertTrue(Duration.between(start, Instant.now()).toMillis() >= 2000, "three deliveries, one second apart");
        }
    }

    @Test
    void aBadPerTransportValueStopsStartUp() throws Exception {
        TestSite site = new TestSite(tmp).masterCf(AMAVIS_MASTER_CF)
                .param("smtp-amavis_destination_recipient_limit", "many").write();
        mta.config.ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(mta.config.ConfigException.class,
                () -> Master.start(site.config, Master.Options.defaults()).close());
        assertEquals("bad numerical configuration: smtp-amavis_destination_recipient_limit = many", e.getMessage());
    }

    /** The inode in the short queue ID that ends a "250 2.0.0 Ok: queued as ID" reply (five hex digits of microseconds, then the inode). */
    static long inodeOf(String reply) {
        String id = reply.substring(reply.lastIndexOf(' ') + 1).strip();
        return Long.parseLong(id.substring(5), 16);
    }

    /** The spare files in active/ (temporary names ending in .s<n>). */
    static long spares(Queues queues) {
        try (java.util.stream.Stream<Path> s = Files.list(queues.dir(QueueName.ACTIVE))) {
            return s.filter(p -> mta.queue.SpareFiles.isSpare(p.getFileName().toString())).count();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /** The inode of the one spare file in active/. */
    static long sparesInode(Queues queues) throws java.io.IOException {
        try (java.util.stream.Stream<Path> s = Files.list(queues.dir(QueueName.ACTIVE))) {
            Path p = s.filter(f -> mta.queue.SpareFiles.isSpare(f.getFileName().toString())).findFirst().orElseThrow();
            return ((Number) Files.getAttribute(p, "unix:ino")).longValue();
        }
    }

    static boolean queueEmpty(Queues queues) {
        try {
            for (QueueName q : List.of(QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED)) {
                if (!queues.list(q).isEmpty()) return false;
            }
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out waiting until " + what);
            Thread.sleep(10);
        }
    }
}
