package mta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import mta.queue.QueueName;
import mta.queue.Queues;
import mta.queue.TempFiles;
import mta.testing.TestSite;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QueueHygieneTest - the temporary files that a writer killed half-way leaves in the queue
 * ({@code .t<pid>.<n>}, complete or not) are removed by postsuper -p, -s and its default run
 * (which postfix start does), and a live writer's files are left alone.
 */
class QueueHygieneTest {
    @TempDir
    Path tmp;
    TestSite site;
    Queues queues;
    long deadPid;
    long livePid = ProcessHandle.current().pid();

    @BeforeEach
    void setUp() throws Exception {
        site = new TestSite(tmp).write();
        queues = new Queues(site.queue);
        queues.create();
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        deadPid = gone.pid();
    }

    private Path file(QueueName q, String name, Duration age) throws Exception {
        Path dir = q.hashed ? queues.dir(q).resolve("A") : queues.dir(q);
        Files.createDirectories(dir);
        Path f = Files.writeString(dir.resolve(name), "partial");
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().minus(age)));
        return f;
    }

    private List<Path> fixture() throws Exception {
        return List.of(
                file(QueueName.INCOMING, ".t" + deadPid + ".1", Duration.ZERO),           // killed while writing: stale
                file(QueueName.MAILDROP, ".t" + deadPid + ".2", Duration.ofMinutes(5)),   // a sendmail killed: stale
                file(QueueName.DEFER, ".t" + deadPid + ".A1B2C3", Duration.ZERO),         // a defer log's: stale
                file(QueueName.INCOMING, ".t" + livePid + ".3", Duration.ofDays(8)),      // a week untouched: stale
                file(QueueName.CORRUPT, ".tnopid", Duration.ofDays(8)));                  // no pid, a week old: stale
    }

    private List<Path> kept() throws Exception {
        return List.of(
                file(QueueName.INCOMING, ".t" + livePid + ".4", Duration.ZERO),           // a live writer's
                file(QueueName.MAILDROP, ".t" + livePid + ".5", Duration.ofDays(6)),      // a slow live writer's
                file(QueueName.ACTIVE, ".tnopid", Duration.ofHours(1)),                   // no pid: the age decides
                file(QueueName.INCOMING, "A1B2C3D4E5", Duration.ofDays(30)));             // a queue file proper
    }

    @Test
    void postsuperPurgeRemovesTheFilesOfGoneWritersOnly() throws Exception {
        for (String[] args : List.of(new String[] {"-p"}, new String[] {"-s"}, new String[] {})) {
            List<Path> stale = fixture();
            List<Path> live = kept();
            String[] all = new String[args.length + 2];
            all[0] = "-c";
            all[1] = site.config.toString();
            System.arraycopy(args, 0, all, 2, args.length);
            assertEquals(new CommandRun(0, "", ""), CommandRun.of(Postsuper::run, "", all), String.join(" ", args));
            for (Path p : stale) assertFalse(Files.exists(p), String.join(" ", args) + ": " + p);
            for (Path p : live) assertTrue(Files.exists(p), String.join(" ", args) + ": " + p);
        }
    }

    @Test
    void writersNameTheirTemporaryFilesWithTheirProcess() {
        assertTrue(TempFiles.name("7").equals(".t" + livePid + ".7"));
    }
}
