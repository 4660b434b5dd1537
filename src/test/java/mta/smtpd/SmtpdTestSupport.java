package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import mta.master.Master;
import mta.queue.QueueFile;
import mta.queue.QueueName;
import mta.testing.TestSite;
import mta.testing.Transcript;

/**
 * SmtpdTestSupport - what the smtpd test classes share: polling with a deadline, the mail log,
 * and reading back queued messages and stray temporary files.
 */
final class SmtpdTestSupport {
    static final Duration DEADLINE = Duration.ofSeconds(20);

    private final TestSite site;
    private final Master m;

    SmtpdTestSupport(TestSite site, Master m) {
        this.site = site;
        this.m = m;
    }

    /** A queued message as read back from its queue file once it rests in deferred/. */
    record Queued(QueueFile.Envelope envelope, List<String> lines) {}

    static void waitFor(BooleanSupplier cond, String what) throws InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) fail("timed out waiting until " + what);
            Thread.sleep(20);
        }
    }

    String log() {
        try {
            return Files.readString(site.maillog, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }

    void awaitLog(String text) throws InterruptedException {
        waitFor(() -> log().contains(text), "the mail log shows: " + text + "\n--- log:\n" + log());
    }

    Transcript ehlo(String from) throws IOException {
        Transcript t = from == null ? Transcript.connect(site.smtpdPort) : Transcript.connectFrom(from, site.smtpdPort);
        t.expect("220 ");
        t.send("EHLO client.example").expect("250 ");
        return t;
    }

    /** The queue ID of "250 2.0.0 Ok: queued as ID" (DATA) or "250 2.0.0 Ok: N bytes queued as ID" (BDAT). */
    static String queuedId(String reply) {
        assertTrue(reply.matches("250 2\\.0\\.0 Ok: (\\d+ bytes )?queued as [0-9A-Za-z]+\\s*"), reply);
        return reply.substring(reply.indexOf("queued as ") + "queued as ".length()).strip();
    }

    Queued awaitDeferred(String id) throws Exception {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            Path f = m.queues().file(QueueName.DEFERRED, id);
            if (Files.exists(f)) {
                try {
                    QueueFile.Envelope env = QueueFile.readEnvelope(f);
                    List<String> lines = new ArrayList<>();
                    QueueFile.forEachLine(f, env.contentOffset(),
                            (b, n) -> lines.add(new String(b, 0, n, StandardCharsets.UTF_8)));
                    return new Queued(env, lines);
                } catch (NoSuchFileException moved) {
                    // qmgr moved it meanwhile; look again
                }
            }
            if (System.nanoTime() > end) fail("message " + id + " never reached deferred/");
            Thread.sleep(20);
        }
    }

    List<Path> queueFiles() throws IOException {
        List<Path> out = new ArrayList<>();
        for (QueueName q : List.of(QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED)) {
            try (Stream<Path> s = Files.walk(m.queues().dir(q))) {
                s.filter(Files::isRegularFile).forEach(out::add);
            }
        }
        return out;
    }

    /** The number of queue files (not temporaries) whose bytes contain {@code marker}. */
    int queueFilesContaining(String marker) throws IOException {
        int n = 0;
        for (Path p : queueFiles()) {
            if (p.getFileName().toString().startsWith(".")) continue;
            try {
                if (new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1).contains(marker)) n++;
            } catch (NoSuchFileException moved) {
                // moved between listing and reading
            }
        }
        return n;
    }

    /**
     * The temporary files in incoming/ and active/ (where cleanup writes) that a writer left: the
     * spare files the queue manager keeps for reuse (mta.queue.SpareFiles) do not count, unless
     * there are more of them than it holds (one taken by a writer and left behind).
     */
    List<Path> incomingTemporaries() throws IOException {
        List<Path> dot = new java.util.ArrayList<>();
        for (QueueName q : List.of(QueueName.INCOMING, QueueName.ACTIVE)) {
            try (Stream<Path> s = Files.list(m.queues().dir(q))) {
                dot.addAll(s.filter(p -> p.getFileName().toString().startsWith(".")).toList());
            }
        }
        long spares = dot.stream().filter(p -> mta.queue.SpareFiles.isSpare(p.getFileName().toString())).count();
        if (spares > m.queues().spares().size()) return dot;
        return dot.stream().filter(p -> !mta.queue.SpareFiles.isSpare(p.getFileName().toString())).toList();
    }

    /** Waits until incoming/ and active/ hold no temporary file (a session that ended must have removed its own). */
    void awaitNoTemporaries() throws InterruptedException {
        waitFor(() -> {
            try {
                return incomingTemporaries().isEmpty();
            } catch (IOException e) {
                return false;
            }
        }, "no temporary file is left in incoming/");
    }
}
