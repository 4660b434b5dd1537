package mta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PrivilegedParentTest - the root parent script {@code bin/.privileged-parent}, with small shell
 * commands in place of the two JVMs (runs as any user): the delivery process that dies is started
 * again with {@code --restarted PID STATUS PAUSE}, its pid is in the pid file, SIGTERM reaches the
 * master, and once the master has exited the delivery process is stopped, the pid file removed
 * and the master's status returned.
 */
class PrivilegedParentTest {
    @TempDir
    Path tmp;

    @Test
    void restartsTheDeliveryProcessAndEndsWithTheMaster() throws Exception {
        Path starts = tmp.resolve("starts");
        Path pidFile = tmp.resolve("privileged.pid");
        Path masterPid = tmp.resolve("master");
        // The first delivery process exits with status 3; the restarted one (it has arguments) stays.
        String delivery = "echo \"start $*\" >> " + starts + "; [ $# -gt 0 ] && exec sleep 60; exit 3";
        String master = "echo $$ > " + masterPid + "; exec sleep 60";
        Process p = new ProcessBuilder(List.of(Path.of("bin/.privileged-parent").toAbsolutePath().toString(),
                pidFile.toString(), "/bin/sh", "-c", delivery, "sh", "--", "/bin/sh", "-c", master))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("out").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (lines(starts).size() < 2 && System.nanoTime() < deadline) Thread.sleep(50);
            List<String> lines = lines(starts);
            assertEquals(2, lines.size(), lines.toString());
            assertEquals("start ", lines.get(0));
            assertTrue(lines.get(1).matches("start --restarted \\d+ 3 1"), lines.get(1));
            while (System.nanoTime() < deadline) {
                String pid = Files.exists(pidFile) ? Files.readString(pidFile).strip() : "";
                if (!pid.isEmpty() && !lines.get(1).contains(" " + pid + " ")
                        && ProcessHandle.of(Long.parseLong(pid)).isPresent()) break;
                Thread.sleep(50);
            }
            long restarted = Long.parseLong(Files.readString(pidFile).strip());
            assertTrue(ProcessHandle.of(restarted).map(ProcessHandle::isAlive).orElse(false), "the restarted process runs");
            assertEquals(p.pid(), ProcessHandle.of(restarted).flatMap(ProcessHandle::parent).orElseThrow().pid());

            p.destroy(); // SIGTERM to the root parent: passed to the master, which ends (143)
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the root parent exits");
            assertEquals(143, p.exitValue(), Files.readString(tmp.resolve("out"), StandardCharsets.UTF_8));
            long m = Long.parseLong(Files.readString(masterPid).strip());
            assertFalse(ProcessHandle.of(m).map(ProcessHandle::isAlive).orElse(false), "the master is gone");
            assertFalse(ProcessHandle.of(restarted).map(ProcessHandle::isAlive).orElse(false), "the delivery process is stopped");
            assertFalse(Files.exists(pidFile), "the pid file is removed");
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    private static List<String> lines(Path f) throws java.io.IOException {
        return Files.exists(f) ? Files.readAllLines(f) : List.of();
    }
}
