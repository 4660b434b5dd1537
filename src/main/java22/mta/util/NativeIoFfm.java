package mta.util;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Set;

/**
 * NativeIoFfm - {@link NativeIo} through the foreign function API (Java 22+), for Linux x86_64 and aarch64.
 *
 * <p>Calls the C library's {@code setfsuid}, {@code setfsgid}, {@code syscall(SYS_setgroups, ...)},
 * {@code getgroups}, {@code open}, {@code close}, {@code renameat2} and {@code strerror}. The numbers that differ
 * between architectures (the setgroups system call, O_NOFOLLOW) come from a small table; another
 * architecture makes the constructor throw, and the callers take their Java 21 path. Loaded by name
 * from {@link NativeIo#get}; compiled from {@code src/main/java22} with {@code --release 22}.
 */
final class NativeIoFfm implements NativeIo {
    private static final int O_RDONLY = 0;
    private static final int O_WRONLY = 01;
    private static final int O_CREAT = 0100;
    private static final int O_EXCL = 0200;
    private static final int O_NOCTTY = 0400;
    private static final int O_APPEND = 02000;
    private static final int O_NONBLOCK = 04000;
    private static final int O_CLOEXEC = 02000000;

    private final long sysSetgroups;
    private final int oNofollow;
    private final MethodHandle setfsuid;
    private final MethodHandle setfsgid;
    private final MethodHandle syscall3;
    private final MethodHandle open;
    private final MethodHandle close;
    private final MethodHandle renameat2;
    private final MethodHandle strerror;
    private final StructLayout callState;
    private final VarHandle errnoHandle;
    /** The process's supplementary groups when this class was loaded, given back by restore. */
    private final int[] ownGroups;

    NativeIoFfm() {
        switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64" -> {
                sysSetgroups = 116;
                oNofollow = 0400000;
            }
            case "aarch64" -> {
                sysSetgroups = 159;
                oNofollow = 0100000;
            }
            default -> throw new IllegalStateException("no system call table for " + System.getProperty("os.arch"));
        }
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        Linker.Option errno = Linker.Option.captureCallState("errno");
        callState = Linker.Option.captureStateLayout();
        errnoHandle = callState.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        setfsuid = linker.downcallHandle(find(libc, "setfsuid"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        setfsgid = linker.downcallHandle(find(libc, "setfsgid"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        syscall3 = linker.downcallHandle(find(libc, "syscall"),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
                Linker.Option.firstVariadicArg(1), errno);
        open = linker.downcallHandle(find(libc, "open"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
                Linker.Option.firstVariadicArg(2), errno);
        close = linker.downcallHandle(find(libc, "close"), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        renameat2 = linker.downcallHandle(find(libc, "renameat2"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), errno);
        strerror = linker.downcallHandle(find(libc, "strerror"),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        MethodHandle getgroups = linker.downcallHandle(find(libc, "getgroups"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment list = arena.allocate(ValueLayout.JAVA_INT, 65536);
            int n = (int) getgroups.invokeExact(65536, list);
            if (n < 0) throw new IllegalStateException("getgroups failed");
            ownGroups = list.asSlice(0, 4L * n).toArray(ValueLayout.JAVA_INT);
            // Make sure the calls work here before anyone relies on them.
            int fsuid = (int) setfsuid.invokeExact(-1);
            if (fsuid < 0) throw new IllegalStateException("setfsuid does not work");
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static MemorySegment find(SymbolLookup lookup, String name) {
        return lookup.find(name).orElseThrow(() -> new IllegalStateException("C library function " + name + " not found"));
    }

    @Override
    public void setThreadIdentity(int uid, int gid) throws IOException {
        if (uid < 0 || gid < 0) throw new IOException("bad user or group ID " + uid + "/" + gid);
        try {
            int ignored = (int) setfsgid.invokeExact(gid);
            if ((int) setfsgid.invokeExact(-1) != gid) throw new IOException("setfsgid(" + gid + ") failed");
            setgroups(new int[] {gid});
            ignored = (int) setfsuid.invokeExact(uid);
            if ((int) setfsuid.invokeExact(-1) != uid) throw new IOException("setfsuid(" + uid + ") failed");
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    @Override
    public void restoreThreadIdentity() throws IOException {
        try {
            int ignored = (int) setfsuid.invokeExact(0);
            ignored = (int) setfsgid.invokeExact(0);
            if ((int) setfsuid.invokeExact(-1) != 0 || (int) setfsgid.invokeExact(-1) != 0) {
                throw new IOException("cannot restore the thread's file-system identity");
            }
            setgroups(ownGroups);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    private void setgroups(int[] groups) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment list = arena.allocate(ValueLayout.JAVA_INT, Math.max(1, groups.length));
            for (int i = 0; i < groups.length; i++) list.setAtIndex(ValueLayout.JAVA_INT, i, groups[i]);
            MemorySegment state = arena.allocate(callState);
            long rc = (long) syscall3.invokeExact(state, sysSetgroups, (long) groups.length, list);
            if (rc != 0) {
                int e = (int) errnoHandle.get(state, 0L);
                throw new IOException("setgroups: " + text(e));
            }
        }
    }

    @Override
    public int open(String path, Set<Flag> flags, int mode) throws ErrnoException {
        int f = O_CLOEXEC | O_NOCTTY;
        if (flags.contains(Flag.WRITE)) f |= O_WRONLY;
        else f |= O_RDONLY;
        if (flags.contains(Flag.APPEND)) f |= O_APPEND;
        if (flags.contains(Flag.CREATE_EXCL)) f |= O_CREAT | O_EXCL;
        if (flags.contains(Flag.NOFOLLOW)) f |= oNofollow;
        if (flags.contains(Flag.NONBLOCK)) f |= O_NONBLOCK;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(callState);
            int fd = (int) open.invokeExact(state, arena.allocateFrom(path), f, mode);
            if (fd < 0) {
                int e = (int) errnoHandle.get(state, 0L);
                throw new ErrnoException(path, e, text(e));
            }
            return fd;
        } catch (ErrnoException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public void close(int fd) {
        try {
            int ignored = (int) close.invokeExact(fd);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static final int AT_FDCWD = -100;
    private static final int RENAME_NOREPLACE = 1;

    @Override
    public void renameNoReplace(String from, String to) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(callState);
            int rc = (int) renameat2.invokeExact(state, AT_FDCWD, arena.allocateFrom(from), AT_FDCWD,
                    arena.allocateFrom(to), RENAME_NOREPLACE);
            if (rc != 0) {
                int e = (int) errnoHandle.get(state, 0L);
                throw new ErrnoException(to, e, text(e));
            }
        } catch (ErrnoException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private String text(int errno) {
        try {
            MemorySegment s = (MemorySegment) strerror.invokeExact(errno);
            return s.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            return "error " + errno;
        }
    }
}
