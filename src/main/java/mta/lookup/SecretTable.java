package mta.lookup;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import mta.util.SecretFiles;

/**
 * SecretTable - a lookup table whose file may be readable by root only ({@code sasl_passwd}, mode
 * 0600): its file is read through {@link SecretFiles}, the privileged process's hand-over.
 *
 * <p>Reads the file of a {@code hash:}, {@code btree:}, {@code mvstore:}, {@code lmdb:} or
 * {@code cdb:} table ({@code NAME.db} and the like, opened in memory by {@link SecretBytesPath})
 * or of a {@code texthash:} table (the source itself) through the given {@link SecretFiles}, at a
 * lookup that comes more than a second after the last read (a read through the privileged process
 * costs some milliseconds, and one delivery looks up several keys); the parsed entries are kept
 * until the file's bytes change, so {@code postmap} takes effect within a second. {@code proxy:}
 * is looked through. Any other type is opened
 * by {@link Tables#open} as usual (the configuration files of database tables already come through
 * the same hand-over, {@link Tables#useSecretFiles}). Writes nothing: the table is read-only. The
 * privileged process serves only files the configuration names (see master.SecretFileNames).
 */
public final class SecretTable implements Table {
    private final String spec;
    private final Path file;
    private final boolean source;
    private final SecretFiles secrets;
    /** How long a read of the file answers lookups before the file is read again. */
    static final long FRESH_NANOS = 1_000_000_000L;
    private byte[] lastBytes;
    private SortedMap<String, String> lastMap;
    private long lastReadNanos;

    private SecretTable(String spec, Path file, boolean source, SecretFiles secrets) {
        this.spec = spec;
        this.file = file;
        this.source = source;
        this.secrets = secrets;
    }

    /** Opens {@code spec}, reading its file (when it has one) through {@code secrets}. */
    public static Table open(String spec, SecretFiles secrets) {
        String inner = spec;
        while ("proxy".equals(Tables.type(inner))) inner = Tables.name(inner);
        String type = Tables.type(inner);
        if (type != null && Tables.isFileType(type)) return new SecretTable(spec, Tables.databaseFile(inner), false, secrets);
        if ("texthash".equals(type)) return new SecretTable(spec, Path.of(Tables.name(inner)), true, secrets);
        return Tables.open(spec);
    }

    @Override
    public String spec() {
        return spec;
    }

    @Override
    public String get(String key) {
        return current().get(Keys.fold(key));
    }

    @Override
    public void put(String key, String value) {
        throw new UnsupportedOperationException(spec + ": table is read-only");
    }

    @Override
    public boolean remove(String key) {
        throw new UnsupportedOperationException(spec + ": table is read-only");
    }

    @Override
    public List<Map.Entry<String, String>> entries() {
        return Collections.unmodifiableList(new ArrayList<>(current().entrySet()));
    }

    @Override
    public synchronized void close() {
        if (lastBytes != null) Arrays.fill(lastBytes, (byte) 0);
        lastBytes = null;
        lastMap = null;
    }

    /** The entries of the file as it is now: read again, parsed again only when its bytes changed. */
    private synchronized SortedMap<String, String> current() {
        if (lastMap != null && System.nanoTime() - lastReadNanos < FRESH_NANOS) return lastMap;
        byte[] now;
        try {
            now = secrets.read(file);
        } catch (IOException e) {
            throw new TableException("open database " + file + ": " + e.getMessage(), e);
        }
        lastReadNanos = System.nanoTime();
        if (lastMap != null && Arrays.equals(now, lastBytes)) {
            Arrays.fill(now, (byte) 0);
            return lastMap;
        }
        SortedMap<String, String> map = source ? parseSource(now) : SecretBytesPath.read(now, file.toString());
        if (lastBytes != null) Arrays.fill(lastBytes, (byte) 0);
        lastBytes = now;
        lastMap = map;
        return map;
    }

    private SortedMap<String, String> parseSource(byte[] bytes) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(bytes),
                StandardCharsets.UTF_8))) {
            Source s = PostmapSource.parse(in, file.toString());
            SortedMap<String, String> map = new TreeMap<>();
            Duplicates.WARN.merge(map, s.entries(), file.toString(), new ArrayList<>());
            return Collections.unmodifiableSortedMap(map);
        } catch (IOException e) {
            throw new TableException("open database " + file + ": " + e.getMessage(), e);
        }
    }
}
