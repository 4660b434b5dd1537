package mta.queue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * MasterPid - whether the mail system runs: reads {@code $queue_directory/pid/master.pid}, which
 * the master writes and locks while it runs. Reads only that file; writes nothing.
 */
public final class MasterPid {
    private MasterPid() {}

    /** The master's pid file under a queue directory. */
    public static Path file(Path queueDirectory) {
        return queueDirectory.resolve("pid").resolve("master.pid");
    }

    /** The running master's pid: the file names a live process and its lock is held. */
    public static Optional<Long> running(Path pidFile) {
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).strip());
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        try (FileChannel ch = FileChannel.open(pidFile, StandardOpenOption.WRITE)) {
            FileLock lock = ch.tryLock();
            if (lock != null) {
                lock.release();
                return Optional.empty(); // nobody holds it: a stale file from a crash
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(ProcessHandle::pid);
    }
}
