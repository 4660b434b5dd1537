package mta.util;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.List;
import java.util.stream.Stream;

/**
 * UserThread - runs file work with a user's file-system rights, on a platform thread of its own
 * (Postfix's set_eugid, per thread).
 *
 * <p>Reads and writes only what the work does. {@link #call} starts a new platform thread, gives it
 * the user's file-system identity ({@link NativeIo#setThreadIdentity}: fsuid, fsgid, the group as
 * its only supplementary group), runs the work, gives the thread root's identity back and lets it
 * end: the thread is never reused, and never a virtual thread (a carrier thread is shared). The
 * kernel then checks each open, create, rename and unlink of the work exactly as for that user;
 * new files belong to the user, with no chown. The work must not start threads, log, or wake other
 * threads: a thread inherits its creator's identity.
 *
 * <p>A class loaded for the first time on such a thread is read with the user's rights. When the
 * mail system's classes come from a directory (a build tree, which a user may not be allowed to
 * read) every class under it is loaded first, once; classes in a jar are read through the jar file
 * that is already open.
 */
public final class UserThread {
    /** File work that returns a value. */
    public interface Work<T> {
        T run() throws IOException;
    }

    private static volatile boolean preloaded;

    private UserThread() {}

    /** True when this runtime can give a thread another identity (Java 22+, Linux, {@link NativeIo}). */
    public static boolean available() {
        return NativeIo.get().isPresent();
    }

    /** Runs {@code work} as user {@code uid}, group {@code gid}; its exception is thrown here. */
    public static <T> T call(int uid, int gid, Work<T> work) throws IOException {
        NativeIo io = NativeIo.get().orElseThrow(() -> new IOException("cannot take a user's rights: "
                + NativeIo.unavailableReason()));
        preload();
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread t = Thread.ofPlatform().name("user-" + uid).unstarted(() -> {
            try {
                io.setThreadIdentity(uid, gid);
                result[0] = work.run();
            } catch (Throwable e) {
                failure[0] = e;
            } finally {
                try {
                    io.restoreThreadIdentity();
                } catch (Throwable e) {
                    if (failure[0] == null) failure[0] = e;
                }
            }
        });
        t.start();
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the work is under way: wait for it, then pass the interrupt on
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        Throwable f = failure[0];
        if (f == null) {
            @SuppressWarnings("unchecked")
            T r = (T) result[0];
            return r;
        }
        if (f instanceof IOException e) throw e;
        if (f instanceof UncheckedIOException e) throw e.getCause();
        if (f instanceof RuntimeException e) throw e;
        if (f instanceof Error e) throw e;
        throw new InterruptedIOException(f.toString());
    }

    /** Loads every class of a class directory, once, so that no user thread has to read one. */
    static void preload() {
        if (preloaded) return;
        synchronized (UserThread.class) {
            if (preloaded) return;
            CodeSource src = UserThread.class.getProtectionDomain().getCodeSource();
            try {
                Path root = src == null ? null : Path.of(src.getLocation().toURI());
                if (root != null && Files.isDirectory(root)) {
                    List<String> names;
                    try (Stream<Path> files = Files.walk(root)) {
                        names = files.map(root::relativize).map(Path::toString).filter(n -> n.endsWith(".class"))
                                .filter(n -> !n.contains("-") && !n.startsWith("META-INF"))
                                .map(n -> n.substring(0, n.length() - 6).replace('/', '.')).toList();
                    }
                    ClassLoader loader = UserThread.class.getClassLoader();
                    for (String n : names) {
                        try {
                            Class.forName(n, false, loader);
                        } catch (ClassNotFoundException | LinkageError e) {
                            // not needed by user work (another Java version's class, a missing optional library)
                        }
                    }
                }
            } catch (URISyntaxException | IOException | IllegalArgumentException e) {
                // not a directory of classes: nothing to do
            }
            preloaded = true;
        }
    }
}
