package mta.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Passwd - looks up UNIX accounts in {@code /etc/passwd} (Postfix's {@code unix:passwd.byname}).
 *
 * <p>Reads the passwd file on every lookup, so new accounts are seen at once; writes nothing.
 */
final class Passwd {
    /** One account. */
    record Account(String name, int uid, int gid, Path home, String shell) {}

    private final Path file;

    Passwd(Path file) {
        this.file = file;
    }

    Optional<Account> lookup(String name) {
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.split(":", -1);
                if (f.length < 7 || !f[0].equals(name)) continue;
                try {
                    return Optional.of(new Account(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                            Path.of(f[5].isEmpty() ? "/" : f[5]), f[6]));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
