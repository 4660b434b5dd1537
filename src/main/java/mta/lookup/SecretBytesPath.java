package mta.lookup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonWritableChannelException;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.h2.store.fs.FileBaseDefault;
import org.h2.store.fs.FilePath;

/**
 * SecretBytesPath - lets H2's MVStore read a table file from bytes in memory, so that a root-only
 * {@code .db} file handed over by the privileged process ({@link mta.util.SecretFiles}) is never
 * written to disk again.
 *
 * <p>Reads only the bytes given to {@link #read}; writes nothing. Registers the file-system scheme
 * {@value #SCHEME} with H2 once; each file exists only for the duration of one {@link #read} and is
 * read-only.
 */
final class SecretBytesPath extends FilePath {
    static final String SCHEME = "mtasecret";
    private static final Map<String, byte[]> FILES = new ConcurrentHashMap<>();

    static {
        FilePath.register(new SecretBytesPath(null));
    }

    private SecretBytesPath(String name) {
        this.name = name;
    }

    /** Every entry of the MVStore table file whose content is {@code content}; {@code label} names it in errors. */
    static SortedMap<String, String> read(byte[] content, String label) {
        String file = SCHEME + ":" + UUID.randomUUID();
        FILES.put(file, content);
        try {
            return MvStoreTable.read(file, label);
        } finally {
            FILES.remove(file);
        }
    }

    private byte[] bytes() {
        byte[] b = FILES.get(name);
        if (b == null) throw new IllegalStateException(name + ": no such in-memory file");
        return b;
    }

    @Override
    public long size() {
        return bytes().length;
    }

    @Override
    public boolean exists() {
        return FILES.containsKey(name);
    }

    @Override
    public boolean isDirectory() {
        return false;
    }

    @Override
    public boolean isRegularFile() {
        return exists();
    }

    @Override
    public boolean isAbsolute() {
        return true;
    }

    @Override
    public long lastModified() {
        return 0;
    }

    @Override
    public boolean canWrite() {
        return false;
    }

    @Override
    public FileChannel open(String mode) throws IOException {
        if (!mode.equals("r")) throw new IOException(name + ": read-only");
        return new Channel(bytes());
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public FilePath getPath(String path) {
        return new SecretBytesPath(path);
    }

    @Override
    public FilePath toRealPath() {
        return this;
    }

    @Override
    public FilePath getParent() {
        return null;
    }

    @Override
    public void moveTo(FilePath newName, boolean atomicReplace) {
        throw new UnsupportedOperationException("read-only");
    }

    @Override
    public boolean createFile() {
        return false;
    }

    @Override
    public void delete() {
        throw new UnsupportedOperationException("read-only");
    }

    @Override
    public List<FilePath> newDirectoryStream() {
        return List.of();
    }

    @Override
    public void createDirectory() {
        throw new UnsupportedOperationException("read-only");
    }

    @Override
    public boolean setReadOnly() {
        return true;
    }

    /** A read-only channel over a byte array. */
    private static final class Channel extends FileBaseDefault {
        private final byte[] bytes;

        Channel(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public synchronized int read(ByteBuffer dst, long position) {
            if (position >= bytes.length) return -1;
            int n = (int) Math.min(dst.remaining(), bytes.length - position);
            dst.put(bytes, (int) position, n);
            return n;
        }

        @Override
        public synchronized int write(ByteBuffer src, long position) {
            throw new NonWritableChannelException();
        }

        @Override
        protected void implTruncate(long size) {
            throw new NonWritableChannelException();
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) {
            return new FileLock(this, position, size, shared) {
                @Override
                public boolean isValid() {
                    return true;
                }

                @Override
                public void release() {
                    // nothing is locked: nobody else can see this file
                }
            };
        }
    }
}
