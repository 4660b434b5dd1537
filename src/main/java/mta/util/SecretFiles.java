package mta.util;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * SecretFiles - where a service gets the content of a file that may be readable by root only:
 * TLS private keys and certificates, DH parameters, tables with passwords.
 *
 * <p>Tables read their configuration files ({@code pgsql:/etc/postfix/pgsql.cf} and the other
 * database tables, which carry passwords) through it as well ({@code lookup.Tables.useSecretFiles}).
 *
 * <p>Postfix's daemons open such files before they drop root's rights. Here the master runs as
 * {@code mail_owner} from the start, so it asks the privileged process instead
 * ({@link SecretClient}, over {@code $queue_directory/private/secrets}); that process serves only
 * files that main.cf or master.cf name (see {@code master.SecretService}). Without privilege
 * separation, and for {@code postfix check} run as root, {@link #DIRECT} reads the file itself.
 *
 * <p>A failure is an {@link IOException} whose message is the system's reason in the words of
 * {@code strerror} ({@code Permission denied}, {@code No such file or directory}), whichever side
 * read the file; {@link #reason} gives those words. Callers should clear the returned bytes once
 * they have parsed them, and must never log them.
 */
public interface SecretFiles {
    /**
     * The whole content of {@code file}.
     *
     * @throws IOException with the system's reason as its message
     */
    byte[] read(Path file) throws IOException;

    /** The whole content of {@code file} as UTF-8 text. */
    default String readString(Path file) throws IOException {
        return new String(read(file), StandardCharsets.UTF_8);
    }

    /**
     * Answers from {@code contents} (absolute, normalised paths to file contents) and reads any
     * other file in this process.
     */
    static SecretFiles preloaded(Map<Path, byte[]> contents) {
        Map<Path, byte[]> copy = Map.copyOf(contents);
        return file -> {
            byte[] b = copy.get(file.toAbsolutePath().normalize());
            return b != null ? b.clone() : DIRECT.read(file);
        };
    }

    /** Reads the file in this process, with this process's rights. */
    SecretFiles DIRECT = file -> {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException(reason(e), e);
        }
    };

    /** {@code Permission denied}, {@code No such file or directory}, or the exception's own message. */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException || e instanceof FileNotFoundException) return "No such file or directory";
        if (e instanceof AccessDeniedException) return "Permission denied";
        String m = e.getMessage();
        if (m != null && m.endsWith(": Is a directory")) return "Is a directory";
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
