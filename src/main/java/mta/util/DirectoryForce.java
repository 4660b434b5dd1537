package mta.util;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * DirectoryForce - forces a directory's entries to disk, one {@code fsync} shared by every caller
 * that waits at the same time (a group commit).
 *
 * <p>Reads nothing; opens, forces and closes the directory ({@link SafeFiles#forceDirectory}).
 * A caller first renames its file into the directory, then calls {@link #force}. Each call takes a
 * number; one caller at a time forces the directory, and before it starts it notes the highest
 * number taken so far: every caller up to that number had finished its rename, so that one force
 * makes all of their renames durable, and they return together when it ends. A caller that comes
 * while a force runs waits for it to end and then for the next one, which starts after its
 * rename. So no caller returns before a force that began after its own rename has completed,
 * exactly as when each forced the directory itself; under load, twenty sessions that commit at
 * once pay for one or two forces instead of twenty. When a force fails, its waiters are not
 * released: the next of them forces again, and each caller either returns after a successful
 * force or sees its own error. A change that need not wait takes a {@link #ticket} instead and
 * asks later whether a force has covered it ({@link #isDurable}).
 */
public final class DirectoryForce {
    private static final ConcurrentHashMap<Path, DirectoryForce> DIRS = new ConcurrentHashMap<>();

    private final Path dir;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ended = lock.newCondition();
    /** Numbers given to callers so far. */
    private long taken;
    /** Every caller numbered up to this is durable. */
    private long durable;
    private boolean forcing;
    /** Forces done, for tests and the bench's profile. */
    private long forces;

    private DirectoryForce(Path dir) {
        this.dir = dir;
    }

    /** The group commit of {@code dir} (one per directory and process; queue directories are few). */
    public static DirectoryForce of(Path dir) {
        return DIRS.computeIfAbsent(dir, DirectoryForce::new);
    }

    /** Returns once a force of the directory that started after this call has completed. */
    public void force() throws IOException {
        long upTo;
        lock.lock();
        try {
            long mine = ++taken;
            while (durable < mine && forcing) ended.awaitUninterruptibly();
            if (durable >= mine) return;
            forcing = true;
            upTo = taken;
        } finally {
            lock.unlock();
        }
        boolean ok = false;
        try {
            SafeFiles.forceDirectory(dir);
            ok = true;
        } finally {
            lock.lock();
            try {
                forcing = false;
                if (ok) {
                    durable = Math.max(durable, upTo);
                    forces++;
                }
                ended.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * A number for a change just made in the directory (a rename), without waiting for a force:
     * the change is durable once {@link #isDurable} says so, which is after the next force that
     * any caller starts from now on. For work that can wait for someone else's force (the queue's
     * spare files).
     */
    public long ticket() {
        lock.lock();
        try {
            return ++taken;
        } finally {
            lock.unlock();
        }
    }

    /** True once a force that started after {@code ticket} was taken has completed. */
    public boolean isDurable(long ticket) {
        lock.lock();
        try {
            return durable >= ticket;
        } finally {
            lock.unlock();
        }
    }

    /** How many forces this directory has had. */
    public long forces() {
        lock.lock();
        try {
            return forces;
        } finally {
            lock.unlock();
        }
    }
}
