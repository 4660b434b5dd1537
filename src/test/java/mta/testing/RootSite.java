package mta.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import mta.util.PosixAccounts;

/**
 * RootSite - what the tests that run {@code bin/postfix} as root with privilege separation share.
 *
 * <p>{@link #assumePrivilegeSeparation} skips a test where that cannot run; {@link #base} makes the site's directory under /tmp, mode 0755 (JUnit's temporary
 * directories are 0700, which mail_owner could not reach); {@link #postfix} runs
 * {@code bin/postfix -c DIR command}; {@link #run} any command, with its output; {@link #stop}
 * stops the mail system and removes the directory.
 */
public final class RootSite {
    /** A command's exit status and its output (standard output and error together). */
    public record Result(int code, String out) {}

    private RootSite() {}

    /** Skips the test unless it can run the mail system as root with privilege separation: root, setpriv, a postfix account. */
    public static void assumePrivilegeSeparation() {
        assumeTrue(PosixAccounts.ROOT, "needs root");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")) || Files.isExecutable(Path.of("/bin/setpriv")),
                "needs setpriv");
        assumeTrue(PosixAccounts.user("postfix").isPresent(), "needs a postfix account");
    }

    /** A fresh directory under /tmp that mail_owner may enter. */
    public static Path base(String prefix) throws IOException {
        Path base = Files.createTempDirectory(Path.of("/tmp"), prefix);
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        return base;
    }

    /** {@code bin/postfix -c CONFIG command}, within 60 seconds. */
    public static Result postfix(TestSite site, String command) throws Exception {
        return run(Path.of("bin/postfix").toAbsolutePath().toString(), "-c", site.config.toString(), command);
    }

    /** Runs a command to its end (within 60 seconds). */
    public static Result run(String... cmd) throws Exception {
        Path out = Files.createTempFile("rootsite", ".out");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd) + " finished");
            return new Result(p.exitValue(), Files.readString(out));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Stops the mail system of {@code site} (if it runs) and removes {@code base}. */
    public static void stop(TestSite site, Path base) {
        if (site != null) {
            try {
                postfix(site, "stop");
            } catch (Exception ignored) {
                // not running
            }
        }
        if (base != null) ServerProcess.delete(base);
    }
}
