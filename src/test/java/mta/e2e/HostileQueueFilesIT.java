package mta.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mta.queue.QueueName;
import mta.queue.Queues;
import mta.testing.HostileFiles;
import mta.testing.TestSite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HostileQueueFilesIT - issue 12, finding 4, against the installed commands: a maildrop file and
 * a queue file whose record claims 2,147,483,392 bytes, dropped into a running mail system (started
 * by {@code bin/postfix start}, with its own heap limit). Both go to {@code corrupt/} with
 * Postfix's {@code illegal length} warning, and a message posted afterwards is still picked up
 * and delivered: no daemon thread died.
 */
class HostileQueueFilesIT {
    @TempDir
    Path tmp;

    private static String run(Map<String, String> env, String stdin, String... cmd) throws Exception {
        List<String> argv = new ArrayList<>(List.of(cmd));
        argv.set(0, Path.of("bin").resolve(cmd[0]).toAbsolutePath().toString());
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "command finished: " + argv);
        assertEquals(0, p.exitValue(), argv + ": " + out);
        return out;
    }

    @Test
    void hugeRecordLengthsGoToCorruptAndTheDaemonsGoOn() throws Exception {
        TestSite site = new TestSite(tmp).write();
        String c = site.config.toString();
        Queues queues = new Queues(site.queue);
        run(Map.of(), null, "postfix", "-c", c, "start");
        try {
            HostileFiles.place(queues.dir(QueueName.MAILDROP), "ABCDEF99999", HostileFiles.hugeRecord());
            HostileFiles.place(queues.dir(QueueName.INCOMING), "ABCDEF99998", HostileFiles.hugeRecord());
            run(Map.of("MAIL_CONFIG", c), null, "postqueue", "-c", c, "-f");
            WalkingSkeletonTest.waitFor(() -> Files.exists(queues.file(QueueName.CORRUPT, "ABCDEF99999"))
                    && Files.exists(queues.file(QueueName.CORRUPT, "ABCDEF99998")), "both hostile files in corrupt/");
            run(Map.of("MAIL_CONFIG", c), "Subject: after the hostile files\n\nstill here\n", "sendmail", "root");
            Path newDir = site.maildir("root").resolve("new");
            WalkingSkeletonTest.waitFor(() -> WalkingSkeletonTest.count(newDir) == 1, "the later message is delivered");
        } finally {
            run(Map.of(), null, "postfix", "-c", c, "stop");
        }
        String log = Files.readString(site.maillog);
        assertTrue(log.contains("postfix/pickup["), log);
        assertTrue(log.contains("warning: maildrop/ABCDEF99999: illegal length " + HostileFiles.HUGE + ", record type 83"), log);
        assertTrue(log.contains("illegal length " + HostileFiles.HUGE + ", record type 83"), log);
        assertTrue(log.contains("saving corrupt file \"ABCDEF99998\" from queue \"active\" to queue \"corrupt\""), log);
    }
}
