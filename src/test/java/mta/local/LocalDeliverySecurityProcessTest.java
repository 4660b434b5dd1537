package mta.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;
import mta.util.PosixAccounts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * LocalDeliverySecurityProcessTest - the same hostile-user cases as {@link LocalDeliverySecurityTest},
 * through the Java 21 path: every user file access in a child JVM started with setpriv as the user
 * ({@code mta.deliver.UserFileTool}) instead of a thread with the user's file-system identity.
 *
 * <p>The child reads the classes with the user's rights, so they are copied to a world-readable
 * temporary directory first ({@code mta.userfiles.classpath}); a checkout under {@code /root} would
 * not do.
 */
class LocalDeliverySecurityProcessTest extends LocalDeliverySecurityTest {
    /** One case per kind of user file work (a child JVM per access is slow): write, Maildir, read, include, create. */
    private static final Set<String> SUBSET = Set.of(
            "aForwardNamingARootFileBouncesAndLeavesItAlone",
            "aHomeMailboxThatIsAHardLinkIsRefused",
            "aHomeMaildirThatIsASymlinkToARootDirectoryBounces",
            "aFifoNeverBlocksDelivery",
            "aForwardThatIsASymlinkToARootFileIsNotReadAndTheMailGoesToTheMailbox",
            "anIncludeOfARootOnlyFileFromAForwardBouncesWithoutItsContent",
            "aNewMboxInASetgidSpoolBelongsToTheUserAndTheSpoolGroupMode0600",
            "maildirFilesAre0600AndItsDirectories0700",
            "aForwardOwnedByAnotherUserIsIgnoredAndTheMailReachesTheMailbox");
    private static Path classes;

    @Override
    boolean runs(String test) {
        return SUBSET.contains(test);
    }

    @BeforeAll
    static void childProcesses() throws IOException {
        if (!PosixAccounts.ROOT) return;
        classes = Files.createTempDirectory("mta-classes");
        Path from = Path.of("target/classes");
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path to = classes.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(to);
                else Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(to, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        System.setProperty("mta.userfiles", "process");
        System.setProperty("mta.userfiles.classpath", classes.toString());
    }

    @AfterAll
    static void threadsAgain() throws IOException {
        System.clearProperty("mta.userfiles");
        System.clearProperty("mta.userfiles.classpath");
        if (classes == null) return;
        try (Stream<Path> all = Files.walk(classes)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
