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
 * than the old one's, so readers notice the change. Owner, group and mode are Postfix's: a table
 * that exists keeps its own (an administrator's chmod or chgrp of a .db survives a rebuild); a new
 * table takes those of its source file (a 0640 root:postfix source gives a 0640 root:postfix
 * table), or mode 0644 with {@code postmap -p}; without a source, 0644. Only root can give a file
 * away; others keep what they can (their own groups).
 */
public final class TableBuilder {
    private TableBuilder() {}

    /**
     * Replaces {@code db} with a table holding exactly {@code entries}.
     *
     * @param db       the table file, such as {@code /etc/aliases.db}
     * @param entries  keys (already lower-cased) and values
     * @param modeFrom the source file whose owner, group and mode a new table takes, or null
     * @throws TableException when the file cannot be written
     */
    public static void write(Path db, Map<String, String> entries, Path modeFrom) {
        write(db, entries, modeFrom, true);
    }

    /**
     * As {@link #write(Path, Map, Path)}; with {@code sourceMode} false a new table gets mode 0644
     * instead of its source's (its owner and group still come from the source).
     */
    public static void write(Path db, Map<String, String> entries, Path modeFrom, boolean sourceMode) {
        Path dir = db.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "." + db.getFileName() + ".", ".tmp");
            fill(tmp, entries);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            takeAttributes(tmp, Files.exists(db) ? db : modeFrom, Files.exists(db) || sourceMode);
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

    /**
     * Gives {@code tmp} the owner and group of {@code from} (the old table or the source file) and,
     * with {@code mode}, its read and write permission bits; else, or without {@code from}, 0644.
     * Owner first: a change of owner may clear mode bits.
     */
    private static void takeAttributes(Path tmp, Path from, boolean mode) throws IOException {
        Set<PosixFilePermission> perms = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
        if (from != null) {
            try {
                int uid = (Integer) Files.getAttribute(from, "unix:uid");
                int gid = (Integer) Files.getAttribute(from, "unix:gid");
                trySet(tmp, "unix:gid", gid);
                trySet(tmp, "unix:uid", uid);
                if (mode) {
                    perms = EnumSet.noneOf(PosixFilePermission.class);
                    for (PosixFilePermission p : Files.getPosixFilePermissions(from)) {
                        if (!p.name().endsWith("EXECUTE")) perms.add(p);
                    }
                }
            } catch (UnsupportedOperationException | IllegalArgumentException e) {
                // no owners or modes on this file system: the default mode below
            }
        }
        SafeFiles.setMode(tmp, perms);
    }

    /** Sets an owner attribute when this process may (root; or its own group); quietly keeps it otherwise. */
    private static void trySet(Path file, String attribute, int value) throws IOException {
        if (((Integer) Files.getAttribute(file, attribute)) == value) return;
        try {
            Files.setAttribute(file, attribute, value);
        } catch (java.nio.file.FileSystemException e) {
            // EPERM: not root and not a group of ours
        }
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
