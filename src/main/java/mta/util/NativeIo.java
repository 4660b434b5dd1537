package mta.util;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * NativeIo - the few Linux system calls the JDK does not offer: a thread's own file-system
 * identity (Postfix's set_eugid, made per thread) and open(2) with O_NOFOLLOW and O_NONBLOCK.
 *
 * <p>Reads and writes nothing itself. {@link #setThreadIdentity} calls {@code setfsgid(gid)},
 * {@code setgroups(1, [gid])} as a raw system call (glibc's setgroups() changes every thread of
 * the process; the system call changes only the caller) and {@code setfsuid(uid)}: from then on
 * the kernel checks every file access of that one thread as if user {@code uid} made it, and a
 * non-zero fsuid also drops the thread's CAP_DAC_OVERRIDE, CAP_CHOWN, CAP_FOWNER. Files it
 * creates belong to that user. {@link UserThread} runs work on a fresh platform thread this way.
 *
 * <p>The implementation uses the foreign function API, final in Java 22: the class {@code
 * mta.util.NativeIoFfm} is compiled from {@code src/main/java22} with {@code --release 22} and
 * loaded by name only on a Java 22+ runtime on Linux x86_64 or aarch64, with native access
 * enabled ({@code --enable-native-access=ALL-UNNAMED}). Elsewhere {@link #get} is empty and the
 * callers take their Java 21 path (docs/privilege-separation.md).
 */
public interface NativeIo {

    /** The open(2) flags the mail system uses; mapped to each architecture's numbers. */
    enum Flag { READ, WRITE, APPEND, CREATE_EXCL, NOFOLLOW, NONBLOCK }

    /** A failed system call: its errno and the C library's text for it ("Permission denied"). */
    final class ErrnoException extends FileSystemException {
        private final int errno;

        public ErrnoException(String file, int errno, String reason) {
            super(file, null, reason);
            this.errno = errno;
        }

        public int errno() {
            return errno;
        }
    }

    /** Sets the calling thread's file-system user and group, and makes {@code gid} its only group. */
    void setThreadIdentity(int uid, int gid) throws IOException;

    /** Gives the calling thread back the process's own file-system identity and groups. */
    void restoreThreadIdentity() throws IOException;

    /** open(2) with O_CLOEXEC and O_NOCTTY added; {@code mode} is used with CREATE_EXCL. */
    int open(String path, Set<Flag> flags, int mode) throws ErrnoException;

    void close(int fd);

    /**
     * renameat2(2) with RENAME_NOREPLACE: renames {@code from} to {@code to} in one system call,
     * atomically, and fails with EEXIST instead of replacing an existing {@code to}.
     */
    void renameNoReplace(String from, String to) throws ErrnoException;

    /** EEXIST, the errno of {@link #renameNoReplace} when the target name is taken. */
    int EEXIST = 17;

    /**
     * The native calls, for code that may also run in a short-lived command: empty unless this
     * JVM was started with native access enabled ({@code --enable-native-access}), so that no
     * command prints the JDK's warning about a restricted method (Module.isNativeAccessEnabled,
     * Java 22+, asked by reflection).
     */
    static Optional<NativeIo> ifEnabled() {
        return Access.ENABLED ? get() : Optional.empty();
    }

    /** The native calls, when this runtime has them. */
    static Optional<NativeIo> get() {
        return Loader.INSTANCE;
    }

    /** Why {@link #get} is empty, for warnings at start-up; null when it is not. */
    static String unavailableReason() {
        return Loader.WHY_NOT;
    }

    /** {@code /proc/self/fd/N}: how Java code reaches a file that native code opened. */
    static Path fdPath(int fd) {
        return Path.of("/proc/self/fd/" + fd);
    }

    /** Loads the implementation once. */
    final class Loader {
        private static String whyNot;
        static final Optional<NativeIo> INSTANCE = load();
        static final String WHY_NOT = whyNot;

        private Loader() {}

        private static Optional<NativeIo> load() {
            if (Boolean.getBoolean("mta.nativeio.disable")) return none("disabled by mta.nativeio.disable");
            if (Runtime.version().feature() < 22) {
                return none("Java " + Runtime.version().feature() + " has no final foreign function API (Java 22 or later has)");
            }
            if (!System.getProperty("os.name", "").equals("Linux")) return none("not Linux");
            if (!Files.isDirectory(Path.of("/proc/self/fd"))) return none("/proc is not mounted");
            try {
                Class<?> c = Class.forName("mta.util.NativeIoFfm");
                return Optional.of((NativeIo) c.getDeclaredConstructor().newInstance());
            } catch (ReflectiveOperationException | LinkageError e) {
                return none("the foreign function implementation is missing (built with Java 21?): " + e);
            } catch (RuntimeException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                return none(cause.getMessage() != null ? cause.getMessage() : cause.toString());
            }
        }

        private static Optional<NativeIo> none(String why) {
            whyNot = why;
            return Optional.empty();
        }
    }

    /** Whether this JVM lets the unnamed module make native calls; asked without loading the calls. */
    final class Access {
        static final boolean ENABLED = nativeAccessEnabled();

        private Access() {}

        private static boolean nativeAccessEnabled() {
            try {
                Object on = Module.class.getMethod("isNativeAccessEnabled").invoke(NativeIo.class.getModule());
                return Boolean.TRUE.equals(on);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return false; // Java 21: no such method, and no implementation either
            }
        }
    }
}
