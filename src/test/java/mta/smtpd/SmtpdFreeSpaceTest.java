package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import mta.master.Master;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SmtpdFreeSpaceTest - a queue file system that is nearly full, for real: a 4 MB tmpfs mounted as the queue directory.
 *
 * <p>Needs root (to mount; unmounted afterwards). Three listeners: one with
 * {@code message_size_limit = 0} and {@code queue_minfree = 0}, so MAIL passes and a message
 * bigger than the file system fills it up; one with {@code queue_minfree} above the free space;
 * one with the default {@code message_size_limit}, whose 1.5 times is above it too.
 */
class SmtpdFreeSpaceTest {
    @TempDir
    static Path tmp;
    static TestSite site;
    static Master m;
    static SmtpdTestSupport sup;
    static int minfreePort;
    static int sizeLimitPort;
    static boolean mounted;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a small file system needs root");
        minfreePort = TestSite.freePort();
        sizeLimitPort = TestSite.freePort();
        String smtpd = " inet n - n - - smtpd";
        site = new TestSite(tmp)
                .relayedMailWaits()
                .param("relay_domains", "remote.example")
                .smtpdServices("SMTPD" + smtpd + " -o message_size_limit=0",
                        "127.0.0.1:" + minfreePort + smtpd + " -o queue_minfree=8000000",
                        "127.0.0.1:" + sizeLimitPort + smtpd)
                .write();
        Files.createDirectories(site.queue);
        run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", site.queue.toString());
        mounted = true;
        m = Master.start(site.config, Master.Options.defaults());
        sup = new SmtpdTestSupport(site, m);
    }

    @AfterAll
    static void stop() throws Exception {
        if (m != null) m.close();
        if (mounted) unmount();
    }

    /**
     * Unmounts the small file system. A delivery attempt still finishing on its virtual thread
     * may hold a queue file open for a moment after the master has stopped, so a busy mount is
     * retried until a deadline, then detached lazily (it goes away with the last open file).
     */
    private static void unmount() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            Process p = new ProcessBuilder("umount", site.queue.toString()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor() == 0) return;
            Thread.sleep(100);
        }
        run("umount", "--lazy", site.queue.toString());
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
    }

    private static Transcript session(int port) throws Exception {
        Transcript t = Transcript.connect(port);
        t.expect("220 ");
        t.send("EHLO client.example").expect("250 ");
        return t;
    }

    @Test
    void queueMinfreeAboveTheFreeSpaceRefusesMail() throws Exception {
        try (Transcript t = session(minfreePort)) {
            t.send("MAIL FROM:<a@client.example>").expect("452 4.3.1 Insufficient system storage");
            t.send("NOOP").expect("250 ");
        }
        sup.awaitLog("NOQUEUE: reject: MAIL from unknown[127.0.0.1]: 452 4.3.1 Insufficient system storage;"
                + " proto=ESMTP helo=<client.example>");
        sup.awaitLog("warning: not enough free space in mail queue: ");
    }

    @Test
    void freeSpaceBelowOneAndAHalfMessageSizeLimitsRefusesMail() throws Exception {
        try (Transcript t = session(sizeLimitPort)) {
            t.send("MAIL FROM:<a@client.example>").expect("452 4.3.1 Insufficient system storage");
        }
        sup.awaitLog(" bytes < 1.5*message size limit");
    }

    @Test
    void declaredSizeThatCannotFitIsRefused() throws Exception {
        try (Transcript t = session(site.smtpdPort)) {
            t.send("MAIL FROM:<a@client.example> SIZE=6000000").expect("452 4.3.1 Insufficient system storage");
            t.send("MAIL FROM:<a@client.example> SIZE=1000").expect("250 2.1.0");
        }
    }

    /**
     * A message bigger than the space left: the client's data is read to its end, the reply is a
     * temporary error, the log names the cause, and no part of the message stays in the queue.
     * The next, small message is accepted.
     */
    @Test
    void fullFileSystemDuringDataIsATemporaryErrorAndLeavesNothing() throws Exception {
        String marker = "too-big-for-the-disk-" + System.nanoTime();
        try (Transcript t = session(site.smtpdPort)) {
            t.send("MAIL FROM:<a@client.example>").expect("250 2.1.0");
            t.send("RCPT TO:<bob@remote.example>").expect("250 2.1.5");
            t.send("DATA").expect("354 ");
            StringBuilder body = new StringBuilder("Subject: " + marker + "\r\n\r\n");
            String line = "x".repeat(998) + "\r\n";
            while (body.length() < 6_000_000) body.append(line);
            t.sendRaw(body + ".\r\n");
            t.expect("451 4.3.0 Error: queue file write error");
            t.send("MAIL FROM:<a@client.example>").expect("250 2.1.0");
            t.send("RCPT TO:<bob@remote.example>").expect("250 2.1.5");
            t.send("DATA").expect("354 ");
            t.sendRaw("Subject: small\r\n\r\nfits\r\n.\r\n");
            SmtpdTestSupport.queuedId(t.reply());
        }
        sup.awaitLog(": write queue file: No space left on device");
        sup.awaitNoTemporaries();
        assertEquals(0, sup.queueFilesContaining(marker), "nothing of the big message is queued");
    }
}
