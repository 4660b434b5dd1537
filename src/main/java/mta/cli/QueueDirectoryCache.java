package mta.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import mta.config.Config;
import mta.config.Params;

/**
 * QueueDirectoryCache - writes {@code $config_directory/.queue_directory}: the value of
 * {@code queue_directory}, expanded as {@code postconf -xh queue_directory} prints it, for
 * bin/sendmail's thin client ({@code bin/.postdrop-client}), which must find
 * {@code public/postdrop} without a JVM and cannot expand {@code $name} itself (the shipped
 * main.cf says {@code queue_directory = $config_directory/../var/spool/postfix}).
 *
 * <p>{@code postfix start} and {@code postfix reload} write it (temporary file, rename; mode
 * 0644), quietly skipping a configuration directory they may not write. The file names the
 * main.cf it was computed from by device, inode, size and modification time; the client uses it
 * only while main.cf is still that file, and only when the cache belongs to root or to main.cf's
 * owner and nobody else may write it, so that it is exactly as trustworthy as main.cf. Any
 * change to main.cf makes the client fall back to the JVM command until the next start or
 * reload. The format, two lines after a comment line:
 * <pre>
 *   main.cf DEV INODE SIZE MTIME
 *   queue_directory /var/spool/postfix
 * </pre>
 */
final class QueueDirectoryCache {
    static final String NAME = ".queue_directory";

    private QueueDirectoryCache() {}

    /** Writes the cache for the configuration in {@code dir}; false when it could not (nothing is said). */
    static boolean write(Path dir, Config config) {
        Path mainCf = dir.resolve("main.cf");
        Path queue = config.path(Params.QUEUE_DIRECTORY);
        if (queue == null || !queue.isAbsolute()) return false;
        Path tmp = dir.resolve(NAME + ".tmp" + ProcessHandle.current().pid());
        try {
            String text = "# written by postfix start and reload for bin/sendmail; valid while main.cf is this file\n"
                    + "main.cf " + Files.getAttribute(mainCf, "unix:dev") + " " + Files.getAttribute(mainCf, "unix:ino")
                    + " " + Files.size(mainCf) + " " + Files.getLastModifiedTime(mainCf).toMillis() / 1000 + "\n"
                    + "queue_directory " + queue + "\n";
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(tmp, dir.resolve(NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing was written
            }
            return false;
        }
    }

    /** True when {@code dir} holds a cache file (tests). */
    static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(NAME), LinkOption.NOFOLLOW_LINKS);
    }
}
