package mta.queue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import mta.util.SafeFiles;

/**
 * Queues - the queue directory tree: where a message's file is, listing, and moving between queues.
 *
 * <p>Reads and renames files under {@code queue_directory}; creates the directories (mode 0700)
 * on {@link #create()}; {@link QueuePermissions} gives them their owners and modes when run as
 * root. Moving is always an atomic rename (never copy and delete), so a file is in exactly one
 * queue at any time. Hashed queues (deferred, defer) use one-character subdirectories. Each
 * instance keeps the delivered files its process may reuse ({@link #spares()}).
 */
public final class Queues {
    private final Path root;
    private final SpareFiles spares;

    public Queues(Path root) {
        this.root = root;
        this.spares = new SpareFiles(dir(QueueName.ACTIVE));
    }

    /**
     * Delivered queue files kept for reuse by this process's cleanup: the queue manager retires a
     * delivered file here, cleanup takes one for a new message ({@link SpareFiles}).
     */
    public SpareFiles spares() {
        return spares;
    }

    public Path root() {
        return root;
    }

    /**
     * Directories under the queue directory that are not queues: {@code pid/} (master.pid),
     * {@code public/} and {@code private/} (UNIX-domain sockets), and Postfix's {@code flush/},
     * {@code saved/} and {@code trace/}, kept so that the tree looks as Postfix's does.
     */
    public static final List<String> OTHER_DIRS = List.of("pid", "public", "private", "flush", "saved", "trace");

    /** Creates every queue directory plus those of {@link #OTHER_DIRS} (mode 0700 when new). */
    public void create() throws IOException {
        SafeFiles.ensureDirectory(root);
        for (QueueName q : QueueName.values()) SafeFiles.ensureDirectory(dir(q));
        for (String d : OTHER_DIRS) SafeFiles.ensureDirectory(root.resolve(d));
    }

    public Path dir(QueueName q) {
        return root.resolve(q.dir);
    }

    /** The path of message {@code id} in queue {@code q} (hashed where the queue is). */
    public Path file(QueueName q, String id) {
        return q.hashed ? dir(q).resolve(id.substring(0, 1)).resolve(id) : dir(q).resolve(id);
    }

    /** The queue that holds {@code id} among {@code candidates}, or null. */
    public QueueName find(String id, QueueName... candidates) {
        for (QueueName q : candidates) if (Files.exists(file(q, id))) return q;
        return null;
    }

    /**
     * Moves message {@code id} from one queue to another by rename.
     *
     * @return false when the file was not there (someone else moved it first)
     */
    public boolean move(String id, QueueName from, QueueName to) throws IOException {
        Path target = file(to, id);
        if (to.hashed) SafeFiles.ensureOwnedDirectory(target.getParent());
        try {
            SafeFiles.rename(file(from, id), target);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** The queue IDs in {@code q}, skipping temporary and foreign names. */
    public List<String> list(QueueName q) throws IOException {
        List<String> ids = new ArrayList<>();
        Path dir = dir(q);
        if (!Files.isDirectory(dir)) return ids;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (q.hashed && name.length() == 1 && Files.isDirectory(p)) {
                    try (DirectoryStream<Path> sub = Files.newDirectoryStream(p)) {
                        for (Path f : sub) {
                            String n = f.getFileName().toString();
                            if (QueueId.isValid(n)) ids.add(n);
                        }
                    }
                } else if (QueueId.isValid(name) && !Files.isDirectory(p)) {
                    ids.add(name);
                }
            }
        }
        return ids;
    }

    /** Deletes message {@code id} from {@code q} and its defer and bounce logs; false if absent. */
    public boolean delete(String id, QueueName q) throws IOException {
        boolean gone = Files.deleteIfExists(file(q, id));
        Path defer = file(QueueName.DEFER, id);
        Files.deleteIfExists(defer);
        Files.deleteIfExists(defer.resolveSibling(id + ".warned")); // qmgr's "delay warning sent" mark
        Files.deleteIfExists(file(QueueName.BOUNCE, id));
        return gone;
    }
}
