package mta.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Setpriv - the util-linux {@code setpriv} prefix that runs a program as another user.
 *
 * <p>Reads nothing but the file system's {@code /usr/bin/setpriv} or {@code /bin/setpriv}. The
 * prefix {@code setpriv --reuid=UID --regid=GID --groups=GID --} gives the program the user ID, the
 * group ID and that group as its only supplementary group: the same identity as a
 * {@link UserThread} (and as Postfix's set_ugid, which calls setgroups(1, &amp;gid)). Used for
 * commands that local delivery runs for a user, and, on Java 21, for user file work.
 */
public final class Setpriv {
    private static final List<Path> PLACES = List.of(Path.of("/usr/bin/setpriv"), Path.of("/bin/setpriv"));

    private Setpriv() {}

    public static Optional<Path> find() {
        return PLACES.stream().filter(Files::isExecutable).findFirst();
    }

    /** The words to put before a command so that it runs as {@code uid}/{@code gid}. */
    public static List<String> prefix(int uid, int gid) throws IOException {
        Path setpriv = find().orElseThrow(() -> new IOException("cannot run a command as uid " + uid + ": setpriv not found"));
        return List.of(setpriv.toString(), "--reuid=" + uid, "--regid=" + gid, "--groups=" + gid, "--");
    }
}
