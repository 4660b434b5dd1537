package mta.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * ProcessState - whether a process runs: it exists and is not a zombie (dead, not yet reaped by
 * its parent; {@link ProcessHandle#isAlive} counts such a process as alive); and whether this
 * process ignores SIGHUP. Reads {@code /proc/PID/stat} and {@code /proc/self/status}; writes nothing.
 */
public final class ProcessState {
    private ProcessState() {}

    /** True when process {@code pid} exists and has not exited. */
    public static boolean running(long pid) {
        if (pid <= 0 || !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) return false;
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
            int end = stat.lastIndexOf(')'); // the command name may hold spaces and parentheses
            return end < 0 || end + 2 >= stat.length() || stat.charAt(end + 2) != 'Z';
        } catch (IOException e) {
            // gone meanwhile; without /proc at all, trust isAlive above
            return !Files.isDirectory(Path.of("/proc/self"));
        }
    }

    /**
     * True when this process was started with SIGHUP ignored ({@code nohup}, some supervisors and
     * job runners): the children it starts inherit that, and a JVM among them cannot install a
     * handler for it, so a master started so would never hear {@code postfix reload}. Read from
     * the {@code SigIgn} mask of {@code /proc/self/status} (bit 0 is signal 1, SIGHUP); false
     * without /proc.
     */
    public static boolean ignoresHangup() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("SigIgn:")) return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 1) != 0;
            }
        } catch (IOException | NumberFormatException e) {
            // no /proc: nothing known
        }
        return false;
    }
}
