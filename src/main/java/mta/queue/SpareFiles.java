package mta.queue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import mta.util.DirectoryForce;
import mta.util.SafeFiles;

/**
 * SpareFiles - delivered queue files kept for the next messages: a new queue file is then an inode
 * the file system already has, with blocks it already has, not ones it must find, and a delivered
 * one is not freed.
 *
 * <p>Reads and writes {@code active/} only: the queue manager {@link #retire}s a delivered file
 * by renaming it, inside {@code active/}, to a temporary name of this process ({@code .t<pid>.s<n>},
 * which every reader skips). The file is ready once a force of the directory that began after
 * the rename has completed, so that no power loss can bring the old name back. The retirement
 * does not run that force: it notes its number in the directory's group commit
 * ({@link DirectoryForce#ticket}), and the next commit of a message written here forces the
 * directory anyway. Only when {@link #BATCH} retirements wait (no message committed meanwhile, as
 * when the queue manager delivers deferred mail while nothing comes in) does the retirement that
 * makes them so many force it for all of them; the others do not wait for it. So messages that
 * come one at a time go through two files by turns, and a busy queue through the spares, with
 * no force of their own. Cleanup {@link #take}s a ready one for a new message, writes it over the delivered
 * bytes from the start, cuts what is left of them, and renames it into place as it would a new
 * file ({@link QueueFileWriter}): inside {@code active/} when the queue manager has made room for
 * the message ({@link IncomingHandoff#reserve}), so that a message's file is renamed twice, both
 * times within one directory; else into {@code incoming/}. At most {@link #MAX} are kept; the rest are removed as before.
 * {@link #clear} removes them when the mail system stops; after a crash, {@code postfix start}
 * removes them with the other temporary files of a process that is gone ({@link TempFiles}). A
 * spare that cannot be renamed, forced or reopened is removed, and the message gets a new file:
 * the pool only ever saves work.
 *
 * <p>Why: on ext4 without a journal, creating a file skips every inode freed in the last minute,
 * looking each one up, so a busy queue made each new file dearer the more mail had gone through;
 * and freeing a file's blocks (an unlink, or emptying it) is, with the {@code discard} mount
 * option, a discard request that the freeing call waits for (bench/README.md, "Spare queue
 * files" and "Spares written over"). Everywhere else the rename that replaces the unlink and the
 * open that replaces the creation cost about the same.
 */
public final class SpareFiles {
    /** The most spares kept; enough for the messages delivered while others are written. */
    public static final int MAX = 64;
    /** Retirements that wait for a commit's force of the directory; this many force it themselves. */
    static final int BATCH = 8;

    private static final java.util.regex.Pattern SPARE_NAME = java.util.regex.Pattern.compile("\\.t\\d+\\.s\\d+");

    private final Path dir;
    /** Renamed here; the directory they came from not yet known to be forced since. */
    private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
    /** Their old names gone for good: to be written over. */
    private final ConcurrentLinkedDeque<Path> ready = new ConcurrentLinkedDeque<>();
    /** Pending and ready together. */
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicInteger pendingCount = new AtomicInteger();
    private final AtomicBoolean settling = new AtomicBoolean();
    private final AtomicLong seq = new AtomicLong();

    /** Spares kept in {@code dir} (the active queue). */
    public SpareFiles(Path dir) {
        this.dir = dir;
    }

    /** True for a spare's file name ({@code .t<pid>.s<n>}), as against a writer's temporary file. */
    public static boolean isSpare(String name) {
        return SPARE_NAME.matcher(name).matches();
    }

    /** The directory the spares are kept in, where they are reused. */
    public Path dir() {
        return dir;
    }

    /** How many spares are kept now. */
    public int size() {
        return count.get();
    }

    /**
     * Takes a delivered queue file out of its queue: renamed to a spare when there is room (ready
     * once a force of the directory it left has begun after the rename and completed: the next
     * commit's, or {@link #settle}'s once {@link #BATCH} wait), else removed. Either way the file
     * is gone from its queue when this returns normally.
     *
     * @throws IOException when the file could be neither renamed nor removed
     */
    public void retire(Path file) throws IOException {
        if (count.incrementAndGet() > MAX) {
            count.decrementAndGet();
            remove(file);
            return;
        }
        Path spare = dir.resolve(TempFiles.name("s" + seq.incrementAndGet()));
        try {
            SafeFiles.rename(file, spare);
        } catch (IOException e) {
            count.decrementAndGet();
            if (e instanceof NoSuchFileException) throw e;
            remove(file);
            return;
        }
        DirectoryForce from = DirectoryForce.of(file.getParent());
        pending.add(new Pending(spare, from, from.ticket()));
        if (pendingCount.incrementAndGet() >= BATCH) settle();
    }

    /**
     * Makes the pending spares ready when {@link #BATCH} wait: forces the directories they came
     * from, so that their old names are gone for good (else a power loss could bring one back with
     * another message's bytes), and only then lets them be reused. One caller at a time does it
     * for all that are pending when it starts, and again while a batch more came meanwhile; the
     * others leave theirs to it and return at once, so a retirement never waits for a force that
     * another one runs.
     */
    private void settle() {
        while (pendingCount.get() >= BATCH && settling.compareAndSet(false, true)) {
            try {
                List<Pending> batch = new ArrayList<>();
                for (Pending p; (p = pending.poll()) != null; ) {
                    pendingCount.decrementAndGet();
                    batch.add(p);
                }
                Set<DirectoryForce> failed = new HashSet<>();
                for (DirectoryForce d : new HashSet<>(batch.stream().map(Pending::from).toList())) {
                    try {
                        d.force();
                    } catch (IOException e) {
                        failed.add(d);
                    }
                }
                for (Pending p : batch) {
                    if (!failed.contains(p.from())) {
                        ready.push(p.spare());
                    } else {
                        count.decrementAndGet();
                        deleteQuietly(p.spare()); // what a removal would have done: its bytes untouched
                    }
                }
            } finally {
                settling.set(false);
            }
        }
    }

    /**
     * A kept spare, opened for writing and reading under its temporary name, still holding the
     * delivered message's bytes (the writer writes over them from the start and cuts what is left
     * at its commit); null when none is ready. A spare that is gone or cannot be opened is dropped
     * and the next one tried.
     */
    Spare take() {
        promote();
        Path p;
        while ((p = ready.poll()) != null) {
            count.decrementAndGet();
            try {
                return new Spare(p, FileChannel.open(p, Set.of(StandardOpenOption.WRITE, StandardOpenOption.READ,
                        LinkOption.NOFOLLOW_LINKS)));
            } catch (IOException e) {
                deleteQuietly(p);
            }
        }
        return null;
    }

    /** Makes ready the waiting spares whose directory a force has covered since their retirement. */
    private void promote() {
        for (Pending p : pending) {
            if (p.from().isDurable(p.ticket()) && pending.remove(p)) {
                pendingCount.decrementAndGet();
                ready.push(p.spare());
            }
        }
    }

    /** Removes every kept spare (the mail system stops). */
    public void clear() {
        Path p;
        while ((p = ready.poll()) != null) {
            count.decrementAndGet();
            deleteQuietly(p);
        }
        for (Pending q; (q = pending.poll()) != null; ) {
            count.decrementAndGet();
            deleteQuietly(q.spare());
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a temporary name: postfix start (postsuper -p) removes it once this process is gone
        }
    }

    private static void remove(Path file) throws IOException {
        // one unlink; only when that fails does Files.delete say why (Files.delete looks first)
        if (!file.toFile().delete()) Files.delete(file);
    }

    /** A spare taken for a new message: its temporary name and the open file. */
    record Spare(Path path, FileChannel channel) {}

    /**
     * A retired file under its spare name, the group commit of the directory its old name was in,
     * and the number it took there after the rename.
     */
    private record Pending(Path spare, DirectoryForce from, long ticket) {}
}
