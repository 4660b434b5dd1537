package mta.queue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * TempFiles - finds and removes the temporary files that a process killed in mid-write left in
 * the queue, as Postfix's {@code postsuper -p} does (and {@code postfix start}, which runs it).
 *
 * <p>Reads the queue directories (and the hashed subdirectories of deferred/ and defer/); removes
 * files whose names start with ".t": the names queue files and defer logs have while they are
 * written ({@code .t<pid>.<n>}, {@code .t<pid>.<queue id>}). Never touches a live writer's file:
 * a file is stale when the process its name gives is gone, or, whatever its name, when it has
 * not changed for {@link #MAX_AGE} (Postfix 3.7's limit for a temporary file; it also covers a
 * process number that a new process has taken since). A process counts as gone only when this
 * process can see every other one (/proc mounted without hidepid, or run by root); otherwise
 * the age alone decides. Queue files proper (named by their queue ID) are never touched.
 */
public final class TempFiles {
    /** Postfix 3.7's postsuper removes a temporary file older than this. */
    public static final Duration MAX_AGE = Duration.ofDays(7);
    private static final String PREFIX = ".t";

    private TempFiles() {}

    /** The name of a file being written by this process into a queue: {@code .t<pid>.<suffix>}. */
    public static String name(String suffix) {
        return PREFIX + ProcessHandle.current().pid() + "." + suffix;
    }

    /** Removes the stale temporary files of every queue; returns the queue-relative names removed. */
    public static List<String> purge(Queues queues) throws IOException {
        boolean seeAll = ProcessHandle.of(1).isPresent() || "root".equals(System.getProperty("user.name"));
        Instant oldest = Instant.now().minus(MAX_AGE);
        List<String> removed = new ArrayList<>();
        for (QueueName q : QueueName.values()) {
            Path dir = queues.dir(q);
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) continue;
            List<Path> dirs = new ArrayList<>(List.of(dir));
            if (q.hashed) {
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                    for (Path p : ds) {
                        if (p.getFileName().toString().length() == 1 && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                            dirs.add(p);
                        }
                    }
                }
            }
            for (Path d : dirs) {
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(d, PREFIX + "*")) {
                    for (Path p : ds) {
                        if (stale(p, oldest, seeAll) && Files.deleteIfExists(p)) {
                            removed.add(dir.getParent().relativize(p).toString());
                        }
                    }
                }
            }
        }
        return removed;
    }

    /** True when nobody writes {@code p} any more: its writer is gone, or it is older than {@link #MAX_AGE}. */
    static boolean stale(Path p, Instant oldest, boolean seeAll) throws IOException {
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) return false;
        try {
            if (Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(oldest)) return true;
        } catch (java.nio.file.NoSuchFileException e) {
            return false; // renamed into place or removed by its writer meanwhile
        }
        long pid = writer(p.getFileName().toString());
        return seeAll && pid > 0 && ProcessHandle.of(pid).isEmpty();
    }

    /** The writer's process number in {@code .t<pid>.<rest>}, or -1 when the name has none. */
    static long writer(String name) {
        if (!name.startsWith(PREFIX)) return -1;
        int dot = name.indexOf('.', PREFIX.length());
        if (dot <= PREFIX.length()) return -1;
        try {
            return Long.parseLong(name.substring(PREFIX.length(), dot));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
