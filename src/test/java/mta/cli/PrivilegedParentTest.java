package mta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PrivilegedParentTest - the root parent script {@code bin/.privileged-parent}, with small shell
 * commands in place of the two JVMs (runs as any user): its wake FIFO (a FIFO of the given group,
 * mode 0620, only in a directory nobody else may write to); "boot" starts the delivery process at
 * once, "demand" only when a byte arrives on the FIFO; an idle exit (status 75) writes "idle" to
 * the pid file and is not restarted until the next byte; a delivery process that dies otherwise is
 * started again with {@code --restarted PID STATUS PAUSE}, its pid is in the pid file, SIGTERM
 * reaches the master, and once the master has exited the delivery process is stopped, the pid
 * file and the FIFO removed and the master's status returned.
 */
class PrivilegedParentTest {
    @TempDir
    Path tmp;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopAll() {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    private Path starts() {
        return tmp.resolve("starts");
    }

    private Path pidFile() {
        return tmp.resolve("privileged.pid");
    }

    private Path fifo() {
        return tmp.resolve("privileged.wake");
    }

    private Path masterPid() {
        return tmp.resolve("master");
    }

    /** The script with {@code delivery} and a master that records its pid and sleeps. */
    private Process parent(String when, String delivery) throws IOException {
        String master = "echo $$ > " + masterPid() + "; exec sleep 60";
        int gid = (Integer) Files.getAttribute(tmp, "unix:gid");
        Process p = new ProcessBuilder(List.of(Path.of("bin/.privileged-parent").toAbsolutePath().toString(),
                pidFile().toString(), fifo().toString(), Integer.toString(gid), when,
                "/bin/sh", "-c", delivery, "sh", "--", "/bin/sh", "-c", master))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("out").toFile()).start();
        started.add(p);
        return p;
    }

    @Test
    void restartsTheDeliveryProcessAndEndsWithTheMaster() throws Exception {
        // The first delivery process exits with status 3; the restarted one (it has arguments) stays.
        String delivery = "echo \"start $*\" >> " + starts() + "; [ $# -gt 0 ] && exec sleep 60; exit 3";
        Process p = parent("boot", delivery);
        waitFor(() -> lines(starts()).size() >= 2, "the delivery process started twice");
        List<String> lines = lines(starts());
        assertEquals(2, lines.size(), lines.toString());
        assertEquals("start ", lines.get(0));
        assertTrue(lines.get(1).matches("start --restarted \\d+ 3 1"), lines.get(1));
        waitFor(() -> {
            String pid = pidWord();
            return pid.matches("\\d+") && !lines.get(1).contains(" " + pid + " ") && ProcessHandle.of(Long.parseLong(pid)).isPresent();
        }, "the restarted process in the pid file");
        long restarted = Long.parseLong(pidWord());
        assertTrue(ProcessHandle.of(restarted).map(ProcessHandle::isAlive).orElse(false), "the restarted process runs");
        assertEquals(p.pid(), ProcessHandle.of(restarted).flatMap(ProcessHandle::parent).orElseThrow().pid());

        p.destroy(); // SIGTERM to the root parent: passed to the master, which ends (143)
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the root parent exits");
        assertEquals(143, p.exitValue(), Files.readString(tmp.resolve("out"), StandardCharsets.UTF_8));
        long m = Long.parseLong(Files.readString(masterPid()).strip());
        assertFalse(ProcessHandle.of(m).map(ProcessHandle::isAlive).orElse(false), "the master is gone");
        assertFalse(ProcessHandle.of(restarted).map(ProcessHandle::isAlive).orElse(false), "the delivery process is stopped");
        assertFalse(Files.exists(pidFile()), "the pid file is removed");
        assertFalse(Files.exists(fifo(), LinkOption.NOFOLLOW_LINKS), "the wake FIFO is removed");
    }

    @Test
    void onDemandTheDeliveryProcessStartsWhenWokenAndAnIdleExitWaitsForTheNextByte() throws Exception {
        // Each delivery process records its start and exits as after max_idle once told to.
        Path release = tmp.resolve("release");
        String delivery = "echo \"start $*\" >> " + starts() + "; while [ ! -e " + release + " ]; do sleep 0.05; done;"
                + " rm -f " + release + "; exit 75";
        Process p = parent("demand", delivery);
        waitFor(() -> Files.exists(masterPid()), "the master runs");
        waitFor(() -> pidWord().equals("idle"), "the pid file says idle");
        assertTrue(Files.readAttributes(fifo(), java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther(), "a FIFO");
        assertEquals("rw--w----", PosixFilePermissions.toString(Files.getPosixFilePermissions(fifo(), LinkOption.NOFOLLOW_LINKS)));
        assertEquals(Files.getAttribute(tmp, "unix:gid"), Files.getAttribute(fifo(), "unix:gid", LinkOption.NOFOLLOW_LINKS));
        assertEquals(0, (Integer) Files.getAttribute(fifo(), "unix:uid", LinkOption.NOFOLLOW_LINKS)
                - (Integer) Files.getAttribute(tmp, "unix:uid"), "the FIFO is the script's user's");
        assertTrue(lines(starts()).isEmpty(), "not started at boot: " + lines(starts()));

        // A byte starts it; bytes while it runs start nothing more.
        wake();
        waitFor(() -> lines(starts()).size() == 1, "started by the byte");
        waitFor(() -> pidWord().matches("\\d+"), "its pid in the pid file");
        long first = Long.parseLong(pidWord());
        wake();
        wake();
        // The idle exit: not restarted, the pid file says idle again.
        Files.createFile(release);
        waitFor(() -> ProcessHandle.of(first).map(h -> !h.isAlive()).orElse(true), "the idle exit");
        waitFor(() -> pidWord().equals("idle"), "the pid file says idle after the idle exit");
        // The next byte starts a new one, without --restarted: an idle exit is no failure.
        wake();
        waitFor(() -> lines(starts()).size() == 2, "started again by the next byte");
        assertEquals(List.of("start ", "start "), lines(starts()));
        waitFor(() -> pidWord().matches("\\d+") && Long.parseLong(pidWord()) != first, "the new pid");
        long second = Long.parseLong(pidWord());
        assertEquals(p.pid(), ProcessHandle.of(second).flatMap(ProcessHandle::parent).orElseThrow().pid());

        p.destroy();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the root parent exits");
        assertEquals(143, p.exitValue());
        assertFalse(ProcessHandle.of(second).map(ProcessHandle::isAlive).orElse(false), "the delivery process is stopped");
        assertFalse(Files.exists(fifo(), LinkOption.NOFOLLOW_LINKS), "the wake FIFO is removed");
    }

    @Test
    void aCrashOnDemandIsRestartedWithTheBackoffWithoutAWakeUp() throws Exception {
        // Started by a byte, it dies (status 3); the restarted one (it has arguments) stays.
        String delivery = "echo \"start $*\" >> " + starts() + "; [ $# -gt 0 ] && exec sleep 60; exit 3";
        Process p = parent("demand", delivery);
        waitFor(() -> pidWord().equals("idle"), "the pid file says idle");
        wake();
        waitFor(() -> lines(starts()).size() >= 2, "started, died, restarted");
        assertTrue(lines(starts()).get(1).matches("start --restarted \\d+ 3 1"), lines(starts()).toString());
        p.destroy();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the root parent exits");
    }

    @Test
    void aWakeFifoInADirectoryOthersMayWriteIsRefused() throws Exception {
        Path open = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        int gid = (Integer) Files.getAttribute(tmp, "unix:gid");
        Process p = new ProcessBuilder(List.of(Path.of("bin/.privileged-parent").toAbsolutePath().toString(),
                pidFile().toString(), open.resolve("privileged.wake").toString(), Integer.toString(gid), "demand",
                "/bin/true", "--", "/bin/sh", "-c", "echo $$ > " + masterPid()))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("out").toFile()).start();
        started.add(p);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue());
        String out = Files.readString(tmp.resolve("out"));
        assertTrue(out.contains("postfix/master: fatal: " + open + " must be owned by uid"), out);
        assertFalse(Files.exists(open.resolve("privileged.wake"), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(masterPid()), "nothing started");
    }

    /** One byte on the FIFO, as the master writes it. */
    private void wake() throws IOException {
        try (OutputStream out = Files.newOutputStream(fifo(), StandardOpenOption.WRITE)) {
            out.write('w');
        }
    }

    private String pidWord() {
        try {
            return Files.exists(pidFile()) ? Files.readString(pidFile()).strip() : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting: " + what);
            Thread.sleep(20);
        }
    }

    private static List<String> lines(Path f) {
        try {
            return Files.exists(f) ? Files.readAllLines(f) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }
}
