package mta.lookup;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * WatchedFile - a text file parsed into some form, parsed again whenever the file changes.
 *
 * <p>Reads the file named at construction; writes nothing. The file is parsed at the first
 * {@link #current()} call. Later calls compare the file's identity (inode), size and modification
 * time with those seen at the last parse and parse again when any differ, so an edited
 * {@code texthash:}, {@code regexp:} or {@code cidr:} file takes effect at the next lookup, as a
 * rebuilt {@code .db} file does for {@link MvStoreTable}. An editor that rewrites the file in
 * place within the same second and keeps its size can go unnoticed; renaming a new file over the
 * old one (a new inode) is always seen.
 *
 * @param <T> what the file is parsed into
 */
final class WatchedFile<T> {
    /** Turns the file's text into a value, adding warnings about bad lines to {@code warnings}. */
    interface Parser<T> {
        T parse(BufferedReader in, List<String> warnings) throws IOException;
    }

    /** The parsed value together with the warnings of that parse. */
    record Parsed<T>(T value, List<String> warnings) {}

    /** One parse and how to recognise the version of the file it came from. */
    private record Snapshot<T>(Object fileKey, FileTime modified, long size, Parsed<T> parsed) {
        boolean sameFile(BasicFileAttributes a) {
            return Objects.equals(fileKey, a.fileKey()) && modified.equals(a.lastModifiedTime()) && size == a.size();
        }
    }

    private final Path file;
    private final String missingPrefix;
    private final Parser<T> parser;
    private volatile Snapshot<T> current;

    /**
     * @param file          the text file
     * @param missingPrefix the start of the error for a file that cannot be opened, such as
     *                      {@code "open"} or {@code "open database"}
     * @param parser        how to read it
     */
    WatchedFile(Path file, String missingPrefix, Parser<T> parser) {
        this.file = file;
        this.missingPrefix = missingPrefix;
        this.parser = parser;
    }

    /** The file as parsed now, parsed again if it changed; throws {@link TableException} when it cannot be read. */
    Parsed<T> current() {
        BasicFileAttributes now = attributes();
        Snapshot<T> s = current;
        if (s != null && s.sameFile(now)) return s.parsed();
        s = new Snapshot<>(now.fileKey(), now.lastModifiedTime(), now.size(), parse());
        current = s;
        return s.parsed();
    }

    /** Forgets the last parse. */
    void forget() {
        current = null;
    }

    private Parsed<T> parse() {
        List<String> warnings = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            T value = parser.parse(in, warnings);
            return new Parsed<>(value, List.copyOf(warnings));
        } catch (IOException e) {
            throw failure(e);
        }
    }

    private BasicFileAttributes attributes() {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            throw failure(e);
        }
    }

    private TableException failure(IOException e) {
        String reason = e instanceof NoSuchFileException ? "No such file or directory"
                : e instanceof java.nio.file.AccessDeniedException ? "Permission denied"
                : e.getMessage();
        return new TableException(missingPrefix + " " + file + ": " + reason, e);
    }
}
