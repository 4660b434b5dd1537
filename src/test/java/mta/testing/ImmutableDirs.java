package mta.testing;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * ImmutableDirs - makes a test directory immutable and mutable again ({@code chattr +i}/{@code -i}),
 * so that a rename or removal in it fails the way a broken disk makes it fail.
 *
 * <p>Runs {@code chattr} on the one directory it is given; reads and writes nothing else. Needs
 * root and a file system with the immutable flag: {@link #assumeSupported} skips the test
 * elsewhere.
 */
public final class ImmutableDirs {
    private ImmutableDirs() {}

    /** Skips the calling test unless {@code dir} can be made immutable (and is made mutable again). */
    public static void assumeSupported(Path dir) {
        Assumptions.assumeTrue(set(dir, true) && set(dir, false),
                "needs chattr +i on the test directory (root, a file system with the immutable flag)");
    }

    /** {@code chattr +i} (immutable) or {@code -i}; false when chattr failed or is missing. */
    public static boolean set(Path dir, boolean immutable) {
        try {
            Process p = new ProcessBuilder("chattr", immutable ? "+i" : "-i", dir.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
