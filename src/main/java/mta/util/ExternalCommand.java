package mta.util;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * ExternalCommand - how the mail system starts a program that is not its own (pipe(8) and spawn(8)
 * commands): directly, without a shell, with a clean environment, as another user.
 *
 * <p>Reads the environment of this process (for the exported variables) and the file system (to
 * find the program); writes nothing. The program is found as {@code execvp} would with
 * {@code PATH=/usr/bin:/bin}: a name with a {@code /} is used as it is. The environment is only
 * {@code PATH=/usr/bin:/bin} and the variables named in {@code export_environment} that this
 * process has. When a user is given and this process is root, the program runs under
 * {@link Setpriv} with that user's uid and gid; otherwise with this process's own rights.
 */
public final class ExternalCommand {
    /** The search path for programs, and the PATH commands get (Postfix's _PATH_DEFPATH). */
    public static final String PATH = "/usr/bin:/bin";

    private ExternalCommand() {}

    /**
     * The program that {@code name} stands for, or null when there is none: a name with a {@code /}
     * as it is (if it exists), else the first regular file of that name in {@link #PATH}.
     */
    public static Path find(String name) {
        if (name.isEmpty()) return null;
        if (name.indexOf('/') >= 0) return Files.exists(Path.of(name)) ? Path.of(name) : null;
        for (String dir : PATH.split(":")) {
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }

    /**
     * A process builder for {@code argv} run as {@code uid}/{@code gid} (negative: with this
     * process's rights) in {@code dir} (null: the current directory), with the clean environment.
     */
    public static ProcessBuilder builder(List<String> argv, int uid, int gid, List<String> exportEnvironment, Path dir)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        if (uid >= 0 && PosixAccounts.ROOT) cmd.addAll(Setpriv.prefix(uid, gid));
        cmd.addAll(argv);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.clear();
        for (String name : exportEnvironment) {
            String v = System.getenv(name);
            if (v != null) env.put(name, v);
        }
        env.put("PATH", PATH);
        if (dir != null) pb.directory(dir.toFile());
        return pb;
    }

    /**
     * Reads a command's output to its end, keeping the first {@code limit} bytes in {@code keep}
     * (synchronized on it), so that the command never blocks on a full pipe.
     */
    public static void drain(InputStream out, ByteArrayOutputStream keep, int limit) {
        byte[] buf = new byte[4096];
        try (out) {
            for (int n; (n = out.read(buf)) > 0; ) {
                synchronized (keep) {
                    int room = limit - keep.size();
                    if (room > 0) keep.write(buf, 0, Math.min(room, n));
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    /** Kills the process and everything it started, and waits for it. */
    public static void killTree(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The reason when setpriv itself could not start the program ({@code setpriv: failed to
     * execute PROGRAM: REASON}, exit status 126 or 127), or null when the program ran.
     */
    public static String setprivFailure(int status, String output) {
        String marker = "setpriv: failed to execute ";
        if ((status != 126 && status != 127) || !output.startsWith(marker)) return null;
        String rest = output.substring(marker.length()).strip();
        int colon = rest.lastIndexOf(": ");
        return colon < 0 ? rest : rest.substring(colon + 2);
    }
}
