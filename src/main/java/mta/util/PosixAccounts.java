package mta.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * PosixAccounts - user and group IDs by name, from {@code /etc/passwd} and {@code /etc/group}.
 *
 * <p>Reads those two files on every call (new accounts are seen at once); writes nothing. Used for
 * {@code mail_owner} and {@code setgid_group} (the account the unprivileged daemons run as and the
 * group of the maildrop and public directories), and by local delivery for the recipient's account.
 */
public final class PosixAccounts {
    /** True when this process runs as the super-user. */
    public static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private PosixAccounts() {}

    /** A user: name, uid, primary gid, home directory ("/" when empty) and shell. */
    public record User(String name, int uid, int gid, Path home, String shell) {}

    /** A user of {@code /etc/passwd}. */
    public static Optional<User> user(String name) {
        return user(Path.of("/etc/passwd"), name);
    }

    /** A user of a passwd(5) file (local delivery's {@code unix:passwd.byname}, or a test's own file). */
    public static Optional<User> user(Path passwd, String name) {
        for (String[] f : fields(passwd, 7)) {
            if (f[0].equals(name)) {
                try {
                    return Optional.of(new User(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                            Path.of(f[5].isEmpty() ? "/" : f[5]), f[6]));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** The user whose uid is {@code uid} in a passwd(5) file. */
    public static Optional<User> user(Path passwd, int uid) {
        for (String[] f : fields(passwd, 7)) {
            if (f[2].equals(Integer.toString(uid))) return user(passwd, f[0]);
        }
        return Optional.empty();
    }

    /** This process's real user and group IDs, from /proc/self/status ({-1, -1} when unknown). */
    public static int[] processIds() {
        int[] ids = {-1, -1};
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("Uid:")) ids[0] = Integer.parseInt(l.substring(4).strip().split("\\s+")[0]);
                if (l.startsWith("Gid:")) ids[1] = Integer.parseInt(l.substring(4).strip().split("\\s+")[0]);
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: unknown
        }
        return ids;
    }

    /** A group's gid. */
    public static Optional<Integer> group(String name) {
        return group(Path.of("/etc/group"), name);
    }

    /** A group's gid in a group(5) file (a test's own file, or /etc/group). */
    public static Optional<Integer> group(Path groupFile, String name) {
        for (String[] f : fields(groupFile, 3)) {
            if (f[0].equals(name)) {
                try {
                    return Optional.of(Integer.parseInt(f[2]));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private static java.util.List<String[]> fields(Path file, int min) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(l -> l.split(":", -1)).filter(f -> f.length >= min).toList();
        } catch (IOException e) {
            return java.util.List.of();
        }
    }
}
