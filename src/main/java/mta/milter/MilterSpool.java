package mta.milter;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * MilterSpool - message body bytes kept while the milters look at them: in memory, then in a file.
 *
 * <p>Writes the first {@value #MEMORY} bytes to memory and the rest to a temporary file of mode
 * 0600 (under {@code java.io.tmpdir}), removed by {@link #close}. Read back, as often as needed,
 * through {@link #open}. Used by cleanup for the body of a message that milters inspect, and for a
 * body a milter replaces (SMFIR_REPLBODY).
 */
public final class MilterSpool implements AutoCloseable {
    static final int MEMORY = 1 << 20;

    private final ByteArrayOutputStream memory = new ByteArrayOutputStream();
    private Path file;
    private OutputStream fileOut;
    private long size;

    public void write(byte[] b, int off, int len) throws IOException {
        size += len;
        if (file == null && memory.size() + len <= MEMORY) {
            memory.write(b, off, len);
            return;
        }
        if (file == null) {
            file = Files.createTempFile("milter-body", ".tmp"); // 0600 on POSIX file systems
            fileOut = new java.io.BufferedOutputStream(Files.newOutputStream(file), 65536);
        }
        fileOut.write(b, off, len);
    }

    public long size() {
        return size;
    }

    /** The bytes written so far, from the start. */
    public InputStream open() throws IOException {
        InputStream mem = new ByteArrayInputStream(memory.toByteArray());
        if (file == null) return mem;
        fileOut.flush();
        return new SequenceInputStream(mem, Files.newInputStream(file));
    }

    @Override
    public void close() {
        try {
            if (fileOut != null) fileOut.close();
            if (file != null) Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temporary file that could not be removed is all that is left
        }
        file = null;
        fileOut = null;
    }
}
