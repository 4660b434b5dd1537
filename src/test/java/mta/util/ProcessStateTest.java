package mta.util;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * ProcessStateTest - a running process runs; a dead one that its parent has not reaped (a zombie,
 * which ProcessHandle still calls alive) does not, nor does a pid that is not there.
 */
class ProcessStateTest {
    @Test
    void aZombieIsNotRunning() throws Exception {
        // sh starts a short sleep, prints its pid and becomes a long sleep that never reaps it.
        Process p = new ProcessBuilder("/bin/sh", "-c", "sleep 0.1 & echo $!; exec sleep 30").start();
        try {
            long child;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
                child = Long.parseLong(r.readLine().strip());
                assertTrue(ProcessState.running(p.pid()), "the long sleep runs");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (ProcessState.running(child)) {
                    assertTrue(System.nanoTime() < deadline, "the short sleep ends");
                    Thread.sleep(20);
                }
            }
            assertTrue(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false), "ProcessHandle calls the zombie alive");
        } finally {
            p.destroyForcibly();
        }
        assertTrue(ProcessState.running(ProcessHandle.current().pid()));
        assertFalse(ProcessState.running(-1));
    }
}
