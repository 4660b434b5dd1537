package mta.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mta.queue.QueueFile;
import mta.queue.QueueName;
import mta.queue.Queues;
import mta.testing.TestQueue;
import mta.testing.TestSite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KillNineIT - exactly once per recipient across {@code kill -9}: the master runs as its own JVM
 * ({@code bin/postfix start}), is killed with SIGKILL in the middle of delivering 200 messages with
 * two recipients each to GreenMail, and is started again. No recipient may miss a message; a
 * recipient may get a second copy only when its done mark was not yet written when the process
 * died (delivered, not yet crossed off). Runs after {@code package}: bin/ uses the built jar.
 */
class KillNineIT {
    @TempDir
    Path tmp;

    private static final int MESSAGES = 200;
    private static final List<String> RCPTS = List.of("r1@remote.example", "r2@remote.example");

    @Test
    void noLossAndNoDuplicateForACrossedOffRecipient() throws Exception {
        int mxPort = TestSite.freePort();
        GreenMail gm = new GreenMail(new ServerSetup(mxPort, "127.0.0.1", "smtp"));
        gm.start();
        try {
            TestSite site = new TestSite(tmp).param("relayhost", "[127.0.0.1]:" + mxPort).write();
            Queues queues = new Queues(site.queue);
            Map<String, String> subjectOf = new HashMap<>();
            for (int i = 0; i < MESSAGES; i++) {
                String subject = "k" + i;
                subjectOf.put(TestQueue.write(queues, QueueName.INCOMING, Instant.now(), "alice@example.test", RCPTS,
                        subject), subject);
            }
            String c = site.config.toString();
            assertEquals(0, postfix(c, "start"));
            WalkingSkeletonTest.waitFor(() -> gm.getReceivedMessages().length >= MESSAGES / 2,
                    "delivery is well under way");
            long pid = Long.parseLong(Files.readString(site.queue.resolve("pid/master.pid")).strip());
            ProcessHandle master = ProcessHandle.of(pid).orElseThrow();
            assertTrue(new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor() == 0);
            master.onExit().get(20, TimeUnit.SECONDS);
            int atKill = gm.getReceivedMessages().length;

            // What was not crossed off at the moment of death may arrive twice; nothing else may.
            Set<String> notDone = new HashSet<>();
            for (QueueName q : List.of(QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED)) {
                for (String id : queues.list(q)) {
                    for (QueueFile.Recipient r : QueueFile.readEnvelope(queues.file(q, id)).pending()) {
                        notDone.add(subjectOf.get(id) + " " + r.address());
                    }
                }
            }

            // The dead master's sockets may take a moment to be released by the kernel: an
            // administrator would simply run "postfix start" again, and so does this test.
            assertEquals(0, startWithin(c, 30));
            try {
                WalkingSkeletonTest.waitFor(() -> queueEmpty(queues), "the queue empties after the restart");
            } finally {
                postfix(c, "stop");
            }

            Map<String, Integer> copies = new HashMap<>();
            for (String rcpt : RCPTS) {
                var user = gm.getUserManager().getUserByEmail(rcpt);
                for (StoredMessage m : gm.getManagers().getImapHostManager().getInbox(user).getMessages()) {
                    copies.merge(m.getMimeMessage().getSubject() + " " + rcpt, 1, Integer::sum);
                }
            }
            String log = Files.readString(site.maillog);
            Map<String, Integer> sentLines = new HashMap<>();
            Matcher sent = Pattern.compile("([0-9A-F]+): to=<([^>]+)>, relay=127\\.0\\.0\\.1\\S*, .*status=sent").matcher(log);
            while (sent.find()) sentLines.merge(subjectOf.get(sent.group(1)) + " " + sent.group(2), 1, Integer::sum);

            int duplicates = 0;
            int unlogged = 0;
            for (String subject : subjectOf.values()) {
                for (String rcpt : RCPTS) {
                    String key = subject + " " + rcpt;
                    int n = copies.getOrDefault(key, 0);
                    assertTrue(n >= 1, "lost: " + key);
                    int lines = sentLines.getOrDefault(key, 0);
                    // A line logged just before the kill may be lost with the process; after the
                    // restart every delivery is logged.
                    if (notDone.contains(key)) assertTrue(lines >= 1, "no status=sent line for " + key);
                    if (lines == 0) unlogged++;
                    assertTrue(n >= lines, "more sent lines than copies for " + key);
                    if (n > 1) {
                        assertTrue(notDone.contains(key), "duplicate of a recipient marked done: " + key);
                        duplicates += n - 1;
                    }
                }
            }
            System.out.println("KillNineIT: " + MESSAGES * RCPTS.size() + " deliveries, " + atKill
                    + " at GreenMail when killed, " + notDone.size() + " recipients not crossed off, "
                    + duplicates + " duplicates, " + unlogged + " deliveries without a log line");
        } finally {
            gm.stop();
        }
    }

    private static int startWithin(String configDir, int seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        int rc;
        while ((rc = postfix(configDir, "start")) != 0 && System.nanoTime() < end) {
            Thread.sleep(500);
        }
        return rc;
    }

    private static int postfix(String configDir, String command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of("bin/postfix").toAbsolutePath().toString(), "-c", configDir,
                command);
        Path out = Files.createTempFile("postfix", ".out");
        pb.redirectErrorStream(true).redirectOutput(out.toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "postfix " + command + " finished");
        String text = Files.readString(out);
        Files.delete(out);
        if (p.exitValue() != 0) System.out.println("KillNineIT: postfix " + command + " said: " + text);
        return p.exitValue();
    }

    private static boolean queueEmpty(Queues queues) {
        try {
            for (QueueName q : List.of(QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED)) {
                if (!queues.list(q).isEmpty()) return false;
            }
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
