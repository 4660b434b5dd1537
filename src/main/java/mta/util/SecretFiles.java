package mta.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * SecretFiles - the one step that reads a configuration file which may hold a secret.
 *
 * <p>Reads whole files: the {@code .cf} files of {@code pgsql:}, {@code mysql:}, {@code ldap:}
 * and the other database tables, which carry passwords and are often readable by root only.
 * Writes nothing and logs nothing: the contents never reach a log line. {@link #DISK} reads the
 * file itself; {@link #preloaded} answers from contents that another process read (the
 * privileged side reads root-only files and hands their contents to the unprivileged master),
 * falling back to the disk for files it was not given.
 */
public interface SecretFiles {
    /**
     * The contents of {@code file} as text. Throws {@link IOException}; the message is
     * {@code No such file or directory} or {@code Permission denied} for the usual causes.
     */
    String read(Path file) throws IOException;

    /** Reads the file from the disk, with the rights of this process. */
    SecretFiles DISK = file -> {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IOException("No such file or directory", e);
        } catch (AccessDeniedException e) {
            throw new IOException("Permission denied", e);
        }
    };

    /**
     * Answers from {@code contents} (absolute, normalised paths to file contents) and reads any
     * other file from the disk.
     */
    static SecretFiles preloaded(Map<Path, String> contents) {
        Map<Path, String> copy = Map.copyOf(contents);
        return file -> {
            String text = copy.get(file.toAbsolutePath().normalize());
            return text != null ? text : DISK.read(file);
        };
    }
}
