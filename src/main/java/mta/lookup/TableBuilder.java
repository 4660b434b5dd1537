package mta.lookup;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import mta.util.SafeFiles;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;

/**
 * TableBuilder - writes a complete table file ({@code NAME.db}) and puts it in place atomically.
 *
 * <p>Writes an H2 MVStore file with one map of key to value (the format {@link MvStoreTable}
 * reads) under a temporary name in the same directory, forces it to disk, then renames it over
 * the old file. Readers therefore see the old table or the new one and never a half-built one;
 * a crash leaves at most a stray {@code .NAME.db.*.tmp} file. The new file's time is later
 * than the old one's, so readers notice the change. The new file gets mode 0644,
 * or, when a source file is given, owner read-write plus the source's group and other read
 * permission, as postmap does.
 */
public final class TableBuilder {
    private TableBuilder() {}

    /**
     * Replaces {@code db} with a table holding exactly {@code entries}.
     *
     * @param db       the table file, such as {@code /etc/aliases.db}
     * @param entries  keys (already lower-cased) and values
     * @param modeFrom the source file whose read permissions the table inherits, or null
     * @throws TableException when the file cannot be written
     */
    public static void write(Path db, Map<String, String> entries, Path modeFrom) {
        Path dir = db.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "." + db.getFileName() + ".", ".tmp");
            fill(tmp, entries);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            SafeFiles.setMode(tmp, mode(modeFrom));
            makeNewer(tmp, db);
            SafeFiles.rename(tmp, db);
            tmp = null;
            SafeFiles.forceDirectory(dir);
        } catch (IOException | MVStoreException e) {
            throw new TableException("create database " + db + ": " + reason(e), e);
        } finally {
            if (tmp != null) deleteQuietly(tmp);
        }
    }

    private static void fill(Path file, Map<String, String> entries) {
        try (MVStore store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().open()) {
            MVMap<String, String> map = MvStoreTable.openMap(store);
            map.putAll(entries);
            store.commit();
        }
    }

    /**
     * Readers notice a new table by its file's identity, size and time, so the new file must not
     * carry the old one's time, even on a file system whose clock is coarse.
     */
    private static void makeNewer(Path tmp, Path db) throws IOException {
        if (!Files.exists(db)) return;
        FileTime old = Files.getLastModifiedTime(db);
        if (Files.getLastModifiedTime(tmp).compareTo(old) <= 0) {
            Files.setLastModifiedTime(tmp, FileTime.from(old.toInstant().plusSeconds(1)));
        }
    }

    private static Set<PosixFilePermission> mode(Path modeFrom) throws IOException {
        Set<PosixFilePermission> mode = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        if (modeFrom == null) {
            mode.add(PosixFilePermission.GROUP_READ);
            mode.add(PosixFilePermission.OTHERS_READ);
            return mode;
        }
        try {
            Set<PosixFilePermission> src = Files.getPosixFilePermissions(modeFrom);
            if (src.contains(PosixFilePermission.GROUP_READ)) mode.add(PosixFilePermission.GROUP_READ);
            if (src.contains(PosixFilePermission.OTHERS_READ)) mode.add(PosixFilePermission.OTHERS_READ);
        } catch (UnsupportedOperationException e) {
            mode.add(PosixFilePermission.GROUP_READ);
            mode.add(PosixFilePermission.OTHERS_READ);
        }
        return mode;
    }

    private static String reason(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException) return "No such file or directory";
        if (e instanceof java.nio.file.AccessDeniedException) return "Permission denied";
        return e.getMessage();
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // the stray temporary file is harmless
        }
    }
}
