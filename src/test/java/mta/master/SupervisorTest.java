package mta.master;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mta.util.MailLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SupervisorTest - a service loop that dies of an error is logged as Postfix's master logs a
 * daemon that terminated abnormally, and runs again.
 */
class SupervisorTest {
    @TempDir
    Path tmp;

    @Test
    void aLoopThatDiesIsLoggedAndRestarted() throws Exception {
        Path logFile = tmp.resolve("maillog");
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch second = new CountDownLatch(1);
        try (MailLog mailLog = MailLog.open(logFile, "mx.example.test", "postfix")) {
            Supervisor s = new Supervisor(mailLog.channel("master"));
            s.start(Thread.ofPlatform(), "pickup", () -> {
                if (runs.incrementAndGet() == 1) throw new OutOfMemoryError("Java heap space");
                second.countDown();
            });
            assertTrue(second.await(20, TimeUnit.SECONDS), "the loop ran again");
            s.close();
        }
        String log = Files.readString(logFile);
        assertTrue(log.matches("(?s).*postfix/master\\[\\d+\\]: warning: process pickup \\(thread pickup\\) terminated "
                + "abnormally: java.lang.OutOfMemoryError: Java heap space\n.*"), log);
        assertTrue(log.contains("warning: pickup: restarting in 1s"), log);
    }
}
